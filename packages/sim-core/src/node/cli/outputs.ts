import { randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AnalysisEvent } from '../../analysis/observer.js';
import { InputError } from '../../errors.js';
import {
  CSV_HEADER,
  csvRows,
  formatOfPath,
  geoJson,
  kml,
  ndjsonRecord,
  OUTPUT_FORMATS,
  type OutputFormat,
} from '../../output/formats.js';
import type { PreparedRun } from '../../scenario/prepare.js';
import type { RunHooks, RunResult } from '../../scenario/run.js';
import type { Frame } from '../../solver/simulation.js';
import type { SimEvent } from '../../solver/status.js';

interface OpenOutput {
  path: string;
  temporary: string;
  format: OutputFormat;
  fd: number;
}

/**
 * The files a run writes. Each is written to a temporary name beside it and renamed only when the
 * run succeeded, so a failed or interrupted run leaves no partial file. CSV and NDJSON are written
 * frame by frame; GeoJSON, KML and the summary at the end.
 */
export class OutputSet {
  private readonly outputs: OpenOutput[] = [];
  private pendingEvents: (SimEvent | AnalysisEvent)[] = [];

  constructor(paths: string[], format?: string) {
    if (format !== undefined && !OUTPUT_FORMATS.includes(format as OutputFormat))
      throw new InputError(
        `--format must be one of ${OUTPUT_FORMATS.join(', ')}, got "${format}"`,
        'format',
        format,
      );
    try {
      for (const p of paths) {
        const path = resolve(p);
        const kind = (format as OutputFormat | undefined) ?? formatOfPath(path);
        if (!kind)
          throw new InputError(
            `cannot tell the format of ${p}: use .geojson, .csv, .ndjson, .kml or .json, or --format`,
            'out',
            p,
          );
        const temporary = resolve(
          dirname(path),
          `.${path.split('/').pop()}.part-${process.pid}-${randomBytes(3).toString('hex')}`,
        );
        let fd: number;
        try {
          fd = openSync(temporary, 'wx');
        } catch (error) {
          throw new InputError(
            `cannot write ${p}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'its folder does not exist' : (error as Error).message}`,
            'out',
            p,
          );
        }
        this.outputs.push({ path, temporary, format: kind, fd });
        if (kind === 'csv') writeSync(fd, CSV_HEADER);
      }
    } catch (error) {
      this.abandon();
      throw error;
    }
  }

  /** Whether the run must keep its frames (for formats written from whole tracks). */
  get needsFrames(): boolean {
    return this.outputs.some((o) => o.format === 'geojson' || o.format === 'kml');
  }

  /** Hooks that stream frames into the CSV and NDJSON outputs. */
  hooks(prepared: PreparedRun): Pick<RunHooks, 'onFrame' | 'onEvents' | 'onAnalysisEvents'> {
    const streaming = this.outputs.filter((o) => o.format === 'csv' || o.format === 'ndjson');
    if (streaming.length === 0) return {};
    return {
      onEvents: (events) => this.pendingEvents.push(...events),
      onAnalysisEvents: (events) => this.pendingEvents.push(...events),
      onFrame: (frame: Frame) => {
        for (const o of streaming)
          writeSync(
            o.fd,
            o.format === 'csv' ? csvRows(prepared, frame) : ndjsonRecord(frame, this.pendingEvents),
          );
        this.pendingEvents = [];
      },
    };
  }

  /** Writes the whole-run formats, then moves every file to its final name. */
  finish(result: RunResult): string[] {
    for (const o of this.outputs) {
      if (o.format === 'geojson') writeSync(o.fd, `${JSON.stringify(geoJson(result))}\n`);
      else if (o.format === 'kml') writeSync(o.fd, kml(result));
      else if (o.format === 'summary') writeSync(o.fd, `${JSON.stringify(result.summary, null, 2)}\n`);
    }
    for (const o of this.outputs) {
      closeSync(o.fd);
      renameSync(o.temporary, o.path);
    }
    return this.outputs.map((o) => o.path);
  }

  /** Removes every temporary file (after a failure or an interrupt). */
  abandon(): void {
    for (const o of this.outputs) {
      try {
        closeSync(o.fd);
      } catch {}
      rmSync(o.temporary, { force: true });
    }
  }
}
