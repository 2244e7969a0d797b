/**
 * Where `balloon-sim run --out` writes, and what it leaves when writing fails: a full disk, a
 * folder, a named pipe, a device, a symbolic link, standard output and a reader that goes away.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  createReadStream,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { CLI_BIN, cli, startCli } from './testing/cli.js';
import { mkfifo, testFolders } from './testing/folders.js';

const DEFAULT = 'fixtures/scenarios/default.json';
const CSV_HEADER = 'member,site,launch,ensemble_member,time,lon,lat,alt_m';
const { folder } = testFolders('balloon-sim-out-');
/** A stack trace line: an expected failure must never print one. */
const STACK = /^\s+at /m;

/** The default scenario with its wind path relative to the repository root (for standard input). */
function defaultFromRoot(): string {
  const scenario = JSON.parse(readFileSync(resolve(REPO_ROOT, DEFAULT), 'utf8'));
  scenario.wind.paths = scenario.wind.paths.map((p: string) =>
    resolve(REPO_ROOT, 'fixtures/scenarios', p).slice(REPO_ROOT.length + 1),
  );
  return JSON.stringify(scenario);
}

/** Checks CSV tracks: the header, then rows of 8 fields for `members` members. */
function expectTracksCsv(text: string, members: number) {
  // The run's provenance comes first, as `# ` comment lines.
  const lines = text
    .trimEnd()
    .split('\n')
    .filter((l) => !l.startsWith('# '));
  expect(lines[0]).toBe(CSV_HEADER);
  expect(lines.length - 1).toBeGreaterThan(members);
  for (const line of [lines[1], lines[lines.length - 1]]) expect(line.split(',')).toHaveLength(8);
  const ids = new Set(lines.slice(1).map((l) => l.split(',')[0]));
  expect(ids.size).toBe(members);
}

describe('balloon-sim --version', () => {
  it('prints the version in packages/node/package.json', () => {
    const { version } = JSON.parse(readFileSync(resolve(REPO_ROOT, 'packages/node/package.json'), 'utf8'));
    const r = cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
  });
});

describe('run --out when the disk refuses more bytes', () => {
  // RLIMIT_FSIZE (ulimit -f, in KiB for bash) makes write(2) stop at the limit: a short write,
  // then EFBIG (Node ignores SIGXFSZ, which would otherwise kill the process).
  const limited = (dir: string, args: string) =>
    spawnSync('bash', ['-c', `ulimit -f 200 && exec "${process.execPath}" "${CLI_BIN}" ${args}`], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, OUT: dir },
    });

  it('exits 1 naming the file and the cause, leaving nothing (GeoJSON written at the end)', () => {
    const dir = folder('full');
    const r = limited(dir, `run ${DEFAULT} --out "$OUT/tracks.geojson"`);
    expect(r.stderr).toMatch(/cannot write .*tracks\.geojson: .*EFBIG/);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.status).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('exits 1 naming the file and the cause, leaving nothing (CSV streamed by 2 workers)', () => {
    const dir = folder('full-csv');
    const r = limited(dir, `run ${DEFAULT} --workers 2 --out "$OUT/tracks.csv" --out "$OUT/summary.json"`);
    expect(r.stderr).toMatch(/cannot write .*tracks\.csv: .*EFBIG/);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.status).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('run --out to places other than a regular file', () => {
  it('"-" writes the tracks to standard output, the summary to standard error', () => {
    const r = cli(['run', DEFAULT, '--out', '-', '--format', 'csv']);
    expect(r.code).toBe(0);
    expectTracksCsv(r.stdout, 600);
    expect(r.stderr).toContain('Border night (illustrative wind): 600 members');
    expect(r.stderr).toContain('wrote standard output');
    expect(cli(['run', DEFAULT, '--out', '-']).stderr).toContain('--out -): add --format');
  });

  it('stops quietly with code 141 when the reader of standard output goes away (| head -c 10)', () => {
    const dir = folder('epipe');
    const r = spawnSync(
      'bash',
      [
        '-c',
        `"${process.execPath}" "${CLI_BIN}" run ${DEFAULT} --out - --format csv --out "$OUT/t.geojson" 2>"$OUT/../epipe-stderr.txt" | head -c 10; echo "\${PIPESTATUS[0]}" >&2`,
      ],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, OUT: dir } },
    );
    // The CSV's first bytes: its provenance, a comment line (see expectTracksCsv).
    expect(r.stdout).toBe('# produced');
    expect(r.stderr.trim()).toBe('141');
    expect(readFileSync(join(dir, '../epipe-stderr.txt'), 'utf8')).toBe('');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reads the scenario from standard input with "-", relative paths from the current folder', () => {
    const text = defaultFromRoot();
    const run = cli(['run', '-', '--json'], { input: text });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).members).toBe(600);
    const validate = cli(['validate', '-'], { input: text });
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain('ok: 600 members');
    // Elsewhere the same relative wind path names another (missing) file.
    const elsewhere = folder('cwd');
    const moved = cli(['run', '-'], { input: text, cwd: elsewhere });
    expect(moved.code).toBe(2);
    expect(moved.stderr).toContain(`wind file ${resolve(elsewhere, 'fixtures/wind')}`);
    expect(moved.stderr).toContain('does not exist');
  });

  it('writes through a named pipe, which stays a pipe, directly or through a link', async () => {
    const dir = folder('fifo');
    const fifo = mkfifo(join(dir, 'tracks.csv'));
    symlinkSync('tracks.csv', join(dir, 'link.csv'));
    for (const out of [fifo, join(dir, 'link.csv')]) {
      const reader = spawn('cat', [fifo]);
      let read = '';
      reader.stdout.setEncoding('utf8').on('data', (d: string) => {
        read += d;
      });
      const readerDone = new Promise((r) => reader.on('close', r));
      const running = startCli(['run', DEFAULT, '--out', out]);
      const { code } = await running.exited;
      const stillFifo = lstatSync(fifo).isFIFO();
      if (!stillFifo) reader.kill();
      await readerDone;
      // The reader may open the pipe after the command does, which then says it waits for one.
      expect(running.stderr()).toMatch(/^(balloon-sim: waiting for a program to read the pipe .*\n)?$/);
      expect(code).toBe(0);
      expect(stillFifo).toBe(true);
      expectTracksCsv(read, 600);
    }
    expect(readdirSync(dir).sort()).toEqual(['link.csv', 'tracks.csv']);
    expect(readlinkSync(join(dir, 'link.csv'))).toBe('tracks.csv');
  });

  it('writes through a device, which stays the device', () => {
    const dir = folder('device');
    // As root, a null device of its own (major 1, minor 3 on Linux): a bug would replace it, not
    // the machine's /dev/null. Others cannot replace /dev/null, so they use it.
    const own = join(dir, 'null');
    const device =
      process.getuid?.() === 0 && spawnSync('mknod', [own, 'c', '1', '3']).status === 0 ? own : '/dev/null';
    const before = statSync(device);
    expect(before.isCharacterDevice()).toBe(true);
    const r = cli(['run', DEFAULT, '--out', device, '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${device}`);
    const after = lstatSync(device);
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.rdev).toBe(before.rdev);
    expect(readdirSync(dir)).toEqual(device === own ? ['null'] : []);
  });

  it('replaces the file a symbolic link names, keeping the link and the mode; creates it for a dangling link', () => {
    const dir = folder('links');
    mkdirSync(join(dir, 'real'));
    const target = join(dir, 'real', 'tracks.csv');
    writeFileSync(target, 'old contents\n');
    chmodSync(target, 0o640);
    symlinkSync('real/tracks.csv', join(dir, 'link.csv'));
    symlinkSync(join(dir, 'real', 'new.geojson'), join(dir, 'dangling.geojson'));
    const r = cli(['run', DEFAULT, '--out', join(dir, 'link.csv'), '--out', join(dir, 'dangling.geojson')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lstatSync(join(dir, 'link.csv')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'link.csv'))).toBe('real/tracks.csv');
    expectTracksCsv(readFileSync(target, 'utf8'), 600);
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(lstatSync(join(dir, 'dangling.geojson')).isSymbolicLink()).toBe(true);
    const geo = JSON.parse(readFileSync(join(dir, 'real', 'new.geojson'), 'utf8'));
    expect(geo.type).toBe('FeatureCollection');
    expect(readdirSync(dir).sort()).toEqual(['dangling.geojson', 'link.csv', 'real']);
    expect(readdirSync(join(dir, 'real')).sort()).toEqual(['new.geojson', 'tracks.csv']);
  });

  it('refuses a folder (or a link to one) before the run: exit 2, a clear message, nothing written', () => {
    const dir = folder('dir');
    const named = join(dir, 'tracks.csv');
    mkdirSync(named);
    symlinkSync(named, join(dir, 'link.geojson'));
    for (const out of [named, join(dir, 'link.geojson')]) {
      const r = cli(['run', DEFAULT, '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/cannot write .*: it (is|leads to) a folder/);
      expect(r.stderr).not.toMatch(STACK);
      // Refused before the run: no summary printed.
      expect(r.stdout).toBe('');
    }
    expect(readdirSync(dir).sort()).toEqual(['link.geojson', 'tracks.csv']);
    expect(readdirSync(named)).toEqual([]);
  });

  it('exits 1 with a clear message when the folder of an output vanishes during the run', async () => {
    const dir = folder('vanish');
    const gone = join(dir, 'gone');
    mkdirSync(gone);
    // The GeoJSON goes to a pipe read here: its first bytes mean the run is finishing, before the
    // CSV beside it is renamed into its folder, which is then removed.
    const fifo = mkfifo(join(dir, 'tracks.geojson'));
    const running = startCli(['run', DEFAULT, '--out', join(gone, 'tracks.csv'), '--out', fifo]);
    let bytes = 0;
    let temporaries: string[] = [];
    await new Promise<void>((done, fail) => {
      const stream = createReadStream(fifo);
      stream.on('data', (chunk) => {
        if (bytes === 0) {
          temporaries = readdirSync(gone);
          spawnSync('rm', ['-r', gone]);
        }
        bytes += chunk.length;
      });
      stream.on('end', done);
      stream.on('error', fail);
    });
    const { code } = await running.exited;
    expect(bytes).toBeGreaterThan(0);
    expect(temporaries).toEqual([expect.stringMatching(/^\.tracks\.csv\.part-/)]);
    expect(running.stderr()).toMatch(/cannot write .*tracks\.csv: its folder .*gone no longer exists/);
    expect(running.stderr()).not.toMatch(STACK);
    expect(code).toBe(1);
    expect(readdirSync(dir)).toEqual(['tracks.geojson']);
  });
});
