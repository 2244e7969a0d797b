import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  open,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { AnalysisEvent, Frame, PreparedRun, RunHooks, RunResult, SimEvent } from '@balloon-sim/sim-core';
import {
  appendAll,
  byTimeThenMember,
  csvHead,
  csvRows,
  eventJson,
  formatOfPath,
  geoJson,
  InputError,
  kml,
  ndjsonProvenance,
  ndjsonRecord,
  OUTPUT_FORMATS,
  type OutputFormat,
  runTracks,
} from '@balloon-sim/sim-core';
import { forgetTemporary, registerTemporary } from '../temporaries.js';

/** What the system said, in words, with its code (for the messages of OutputError and InputError). */
function describeCause(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOSPC':
      return 'no space left on the device (ENOSPC)';
    case 'EDQUOT':
      return 'disk quota exceeded (EDQUOT)';
    case 'EFBIG':
      return 'the file grew past the size limit (EFBIG)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    case 'EROFS':
      return 'read-only file system (EROFS)';
    case 'EIO':
      return 'input/output error (EIO)';
    default:
      return (error as Error)?.message ?? String(error);
  }
}

/** An output that could not be written once the run had begun: exit code 1, naming the file and the cause. */
export class OutputError extends Error {
  override name = 'OutputError';
  constructor(
    readonly path: string,
    readonly reason: string,
    override readonly cause?: unknown,
  ) {
    super(`cannot write ${path}: ${reason}`);
  }
}

/** The reader of a pipe went away (`| head`): the command stops quietly (see BROKEN_PIPE_EXIT_CODE). */
export class BrokenPipeError extends OutputError {
  override name = 'BrokenPipeError';
}

// Waits out EAGAIN on a non-blocking descriptor (Node makes a piped standard output non-blocking).
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `bytes`: write(2) may write fewer bytes than asked (a full disk, a size limit, a
 * signal arriving during a write to a pipe); an error the system reports propagates.
 */
function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    let written: number;
    try {
      written = writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EINTR') continue;
      if (code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 5);
      continue;
    }
    if (written <= 0) throw new Error(`the system wrote nothing of ${bytes.length - offset} bytes`);
    offset += written;
  }
}

const nextTurn = () => new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
const promisedOpen = promisify(open);
/** Text written between two looks at the abort signal while a run finishes (~1 MB). */
const CHUNK_CHARS = 1 << 20;

/** Which of this process's standard output and error is the same file as `st`, if any. */
function standardStreamOf(st: Stats): 1 | 2 | null {
  for (const fd of [1, 2] as const) {
    try {
      const s = fstatSync(fd);
      if (s.dev === st.dev && s.ino === st.ino) return fd;
    } catch {
      // Closed by the caller: not a destination.
    }
  }
  return null;
}

/** Where a chain of symbolic links ends; that path does not exist yet (a dangling link). */
function endOfLinks(path: string, shown: string): string {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    let st: Stats;
    try {
      st = lstatSync(current);
    } catch {
      return current;
    }
    if (!st.isSymbolicLink()) return current;
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw new InputError(`cannot write ${shown}: too many symbolic links`, 'out', shown);
}

/**
 * One `--out` destination. A regular file (or a new one, or the file a symbolic link leads to) is
 * written to a temporary name in its folder and renamed over the final name only when the command
 * succeeded: a failed or interrupted command leaves no partial file. A named pipe, a device or a
 * terminal (or `-`, standard output) is written through and never replaced: what was sent there
 * before a failure stays sent. A folder or a socket is refused.
 */
export class OutputFile {
  private fd: number;
  private done = false;

  private constructor(
    /** The name the user gave. */
    readonly shown: string,
    /** The file renamed into place at the end; null when written through. */
    readonly finalPath: string | null,
    private readonly temporary: string | null,
    fd: number,
    /** Standard output or error: written to, never closed. */
    readonly standardStream: 1 | 2 | null,
  ) {
    this.fd = fd;
  }

  /** Whether this output goes to the process's standard output (the summary then goes to stderr). */
  get usesStdout(): boolean {
    return this.standardStream === 1;
  }

  /** Where the output ends up, for "wrote …" and for spotting two outputs to one place. */
  get destination(): string {
    return (
      this.finalPath ?? (this.standardStream === null ? resolve(this.shown) : `fd ${this.standardStream}`)
    );
  }

  /**
   * Opens an output before the run, so that an unwritable one is refused before any work (an
   * InputError: exit code 2). `-` is standard output.
   */
  static async open(shown: string, signal?: AbortSignal): Promise<OutputFile> {
    if (shown === '-') return new OutputFile(shown, null, null, 1, 1);
    const path = resolve(shown);
    const refuse = (reason: string): never => {
      throw new InputError(`cannot write ${shown}: ${reason}`, 'out', shown);
    };
    let st: Stats | null = null;
    try {
      st = lstatSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') refuse(`${dirname(path)} is not a folder`);
      if (code !== 'ENOENT') refuse(describeCause(error));
    }
    if (st === null) return OutputFile.replacing(shown, path, null);
    if (st.isDirectory()) refuse('it is a folder; give a file name (--out FOLDER/tracks.geojson)');
    if (st.isFile()) return OutputFile.replacing(shown, path, st);
    // A symbolic link, a named pipe, a device or a socket: look at what it leads to.
    let target: Stats | null = null;
    try {
      target = statSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') refuse('its symbolic links form a loop');
      if (code !== 'ENOENT' && code !== 'ENOTDIR') refuse(describeCause(error));
    }
    // A dangling link: create the file it names, as writing through the link would.
    if (target === null) return OutputFile.replacing(shown, endOfLinks(path, shown), null);
    const standard = standardStreamOf(target);
    if (standard !== null) return new OutputFile(shown, null, null, standard, standard);
    if (target.isDirectory()) refuse('it leads to a folder; give a file name');
    if (target.isFile()) return OutputFile.replacing(shown, realpathSync(path), target);
    if (target.isFIFO() || target.isCharacterDevice() || target.isBlockDevice())
      return OutputFile.through(shown, path, target, signal);
    return refuse('it is a socket, not a file, pipe or device');
  }

  /** A regular file written under a temporary name in its folder (`mode` kept from the file it replaces). */
  private static replacing(shown: string, path: string, existing: Stats | null): OutputFile {
    const folder = dirname(path);
    const temporary = resolve(
      folder,
      `.${basename(path)}.part-${process.pid}-${randomBytes(3).toString('hex')}`,
    );
    const via = path === resolve(shown) ? '' : ` (through a symbolic link to ${path})`;
    let fd: number;
    try {
      fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o666);
      registerTemporary(temporary);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === 'ENOENT'
          ? `its folder ${folder} does not exist`
          : code === 'ENOTDIR'
            ? `${folder} is not a folder`
            : `cannot create a file in ${folder}: ${describeCause(error)}`;
      throw new InputError(`cannot write ${shown}${via}: ${reason}`, 'out', shown);
    }
    const file = new OutputFile(shown, path, temporary, fd, null);
    if (existing) {
      try {
        fchmodSync(fd, existing.mode & 0o777);
      } catch (error) {
        file.abandon();
        throw new InputError(`cannot write ${shown}${via}: ${describeCause(error)}`, 'out', shown);
      }
    }
    return file;
  }

  /** A named pipe or a device, opened for writing as it is (never created, truncated or replaced). */
  private static async through(
    shown: string,
    path: string,
    target: Stats,
    signal?: AbortSignal,
  ): Promise<OutputFile> {
    const flags = constants.O_WRONLY | constants.O_NOCTTY;
    const refuse = (error: unknown): never => {
      throw new InputError(`cannot write ${shown}: ${describeCause(error)}`, 'out', shown);
    };
    // Opening a pipe for writing waits for a reader: say so, and wait without blocking the thread,
    // so that Ctrl-C still stops the command. A reader found at once is held by the probe until the
    // real descriptor is open, so that it never sees the pipe without a writer (end of file).
    let probe: number | null = null;
    if (target.isFIFO()) {
      try {
        probe = openSync(path, flags | constants.O_NONBLOCK);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENXIO') refuse(error);
        process.stderr.write(`balloon-sim: waiting for a program to read the pipe ${shown}\n`);
      }
    }
    let fd: number;
    try {
      fd = await new Promise<number>((resolveOpen, rejectOpen) => {
        const onAbort = () => rejectOpen(signal?.reason);
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        promisedOpen(path, flags).then(
          (opened) => {
            signal?.removeEventListener('abort', onAbort);
            // Opened after an abort: nobody will close it.
            if (signal?.aborted) closeSync(opened);
            resolveOpen(opened);
          },
          (error) => {
            signal?.removeEventListener('abort', onAbort);
            rejectOpen(error);
          },
        );
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      return refuse(error);
    } finally {
      if (probe !== null) closeSync(probe);
    }
    return new OutputFile(shown, null, null, fd, null);
  }

  private failure(error: unknown): OutputError {
    if (error instanceof OutputError) return error;
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code === 'EPIPE') return new BrokenPipeError(this.shown, 'the program reading it has stopped', error);
    return new OutputError(this.shown, describeCause(error), error);
  }

  /** Writes all of `data`; an OutputError names the file and the cause. */
  write(data: string | Uint8Array): void {
    try {
      writeAll(this.fd, typeof data === 'string' ? Buffer.from(data) : data);
    } catch (error) {
      throw this.failure(error);
    }
  }

  /**
   * Writes a long text a chunk at a time, letting the event loop run between chunks so that a
   * signal that came meanwhile stops the command before its outputs are renamed.
   */
  async writeInChunks(text: string, signal?: AbortSignal): Promise<void> {
    for (let start = 0; start < text.length; ) {
      let end = Math.min(start + CHUNK_CHARS, text.length);
      // Never split a UTF-16 surrogate pair: each half alone would be written as U+FFFD.
      const last = text.charCodeAt(end - 1);
      if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
      this.write(text.slice(start, end));
      start = end;
      await nextTurn();
      signal?.throwIfAborted();
    }
  }

  /** Flushes to the disk and closes (errors a full disk reports only now surface here). */
  private close(): void {
    if (this.standardStream !== null) return;
    try {
      if (this.temporary !== null) fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = -1;
    } catch (error) {
      throw this.failure(error);
    }
  }

  /** Moves the temporary file to its final name. */
  private rename(): void {
    if (this.temporary === null || this.finalPath === null) return;
    try {
      renameSync(this.temporary, this.finalPath);
    } catch (error) {
      const folder = dirname(this.finalPath);
      const code = (error as NodeJS.ErrnoException).code;
      throw new OutputError(
        this.shown,
        code === 'ENOENT' ? `its folder ${folder} no longer exists` : describeCause(error),
        error,
      );
    }
    forgetTemporary(this.temporary);
    this.done = true;
  }

  /** Closes the file and removes the temporary one (after a failure or an interrupt). */
  abandon(): void {
    if (this.done) return;
    this.done = true;
    if (this.standardStream === null && this.fd >= 0) {
      try {
        closeSync(this.fd);
      } catch {
        // Closing is all that is left to do; the failure that led here is the one to report.
      }
    }
    if (this.temporary !== null) {
      try {
        unlinkSync(this.temporary);
      } catch {
        // Already gone with its folder.
      }
      forgetTemporary(this.temporary);
    }
  }

  /**
   * Finishes several outputs together: every file is flushed and closed before any is renamed, so
   * an error (a full disk found at close) leaves none of them under its final name. Returns where
   * each output went.
   */
  static commit(files: OutputFile[], signal?: AbortSignal): string[] {
    try {
      signal?.throwIfAborted();
      for (const f of files) f.close();
    } catch (error) {
      for (const f of files) f.abandon();
      throw error;
    }
    const written: string[] = [];
    for (const [k, f] of files.entries()) {
      try {
        f.rename();
      } catch (error) {
        for (const rest of files.slice(k)) rest.abandon();
        if (written.length > 0 && error instanceof OutputError)
          throw new OutputError(
            error.path,
            `${error.reason} (already written: ${written.join(', ')})`,
            error.cause,
          );
        throw error;
      }
      written.push(f.finalPath ?? f.shown);
    }
    return written;
  }
}

/** Opens every `--out` in order; any failure closes the ones already open. */
async function openAll(paths: string[], signal?: AbortSignal): Promise<OutputFile[]> {
  const files: OutputFile[] = [];
  try {
    for (const p of paths) {
      const file = await OutputFile.open(p, signal);
      files.push(file);
      const twin = files.find((f) => f !== file && f.destination === file.destination);
      if (twin)
        throw new InputError(
          `--out ${p} and --out ${twin.shown} are the same destination; give each output once`,
          'out',
          p,
        );
    }
    return files;
  } catch (error) {
    for (const f of files) f.abandon();
    throw error;
  }
}

/** Opens a single `--out` of sweep and merge (see OutputFile). */
export async function openOutput(path: string, signal?: AbortSignal): Promise<OutputFile> {
  return OutputFile.open(path, signal);
}

interface RunOutput {
  file: OutputFile;
  format: OutputFormat;
}

/**
 * The files a run writes (see OutputFile for how each is written). CSV and NDJSON are written frame
 * by frame; GeoJSON, KML and the summary at the end.
 */
export class OutputSet {
  private pendingEvents: (SimEvent | AnalysisEvent)[] = [];

  private constructor(private readonly outputs: RunOutput[]) {}

  /** Checks the formats, then opens every output before the run (see OutputFile.open). */
  static async open(paths: string[], format: string | undefined, signal?: AbortSignal): Promise<OutputSet> {
    if (format !== undefined && !OUTPUT_FORMATS.includes(format as OutputFormat))
      throw new InputError(
        `--format must be one of ${OUTPUT_FORMATS.join(', ')}, got "${format}"`,
        'format',
        format,
      );
    // Opened first, so that a folder or a missing one is named as such, whatever its extension.
    const files = await openAll(paths, signal);
    const set = new OutputSet(files.map((file) => ({ file, format: 'summary' })));
    try {
      for (const o of set.outputs) {
        const kind = (format as OutputFormat | undefined) ?? formatOfPath(o.file.shown);
        if (!kind)
          throw new InputError(
            o.file.shown === '-'
              ? 'cannot tell the format of standard output (--out -): add --format'
              : `cannot tell the format of ${o.file.shown}: use .geojson, .csv, .ndjson, .kml or .json, or --format`,
            'out',
            o.file.shown,
          );
        o.format = kind;
      }
    } catch (error) {
      set.abandon();
      throw error;
    }
    return set;
  }

  /** Whether the run must keep its frames (for formats written from whole tracks). */
  get needsFrames(): boolean {
    return this.outputs.some((o) => o.format === 'geojson' || o.format === 'kml');
  }

  /** Whether an output goes to standard output: the summary then goes to standard error. */
  get usesStdout(): boolean {
    return this.outputs.some((o) => o.file.usesStdout);
  }

  /**
   * Hooks that stream frames into the CSV and NDJSON outputs, whose heads (the run's provenance, and
   * the CSV's header row) are written now, before the first frame.
   */
  hooks(prepared: PreparedRun): Pick<RunHooks, 'onFrame' | 'onEvents' | 'onAnalysisEvents'> {
    const streaming = this.outputs.filter((o) => o.format === 'csv' || o.format === 'ndjson');
    if (streaming.length === 0) return {};
    for (const o of streaming)
      o.file.write(
        o.format === 'csv' ? csvHead(prepared.provenance, prepared) : ndjsonProvenance(prepared.provenance),
      );
    return {
      onEvents: (events) => appendAll(this.pendingEvents, events),
      onAnalysisEvents: (events) => appendAll(this.pendingEvents, events),
      onFrame: (frame: Frame) => {
        // The frame with its events in time order, as the server streams them (protocol/tracks.ts).
        const events = this.pendingEvents.sort(byTimeThenMember).map(eventJson);
        const withEvents = { tSec: frame.tSec, positions: frame.positions, events };
        for (const o of streaming)
          o.file.write(o.format === 'csv' ? csvRows(prepared, withEvents) : ndjsonRecord(withEvents));
        this.pendingEvents = [];
      },
    };
  }

  /** Writes the whole-run formats, then moves every file to its final name; returns where each went. */
  async finish(result: RunResult, signal?: AbortSignal): Promise<string[]> {
    for (const o of this.outputs) {
      const text =
        o.format === 'geojson'
          ? `${JSON.stringify(geoJson(runTracks(result)))}\n`
          : o.format === 'kml'
            ? kml(result)
            : o.format === 'summary'
              ? `${JSON.stringify(result.summary, null, 2)}\n`
              : null;
      if (text !== null) await o.file.writeInChunks(text, signal);
    }
    return OutputFile.commit(
      this.outputs.map((o) => o.file),
      signal,
    ).map((where, k) => (this.outputs[k].file.usesStdout ? 'standard output' : where));
  }

  /** Removes every temporary file (after a failure or an interrupt). */
  abandon(): void {
    for (const o of this.outputs) o.file.abandon();
  }
}
