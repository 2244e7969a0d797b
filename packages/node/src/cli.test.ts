import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasSharedData, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { CLI_BIN, cli as runCli } from './testing/cli.js';

/** Runs the built command line as a user would (the test command builds it first). */
const cli = (...args: string[]) => runCli(args);
/**
 * The same, its time of run fixed (SOURCE_DATE_EPOCH): outputs of the same run then compare equal
 * byte for byte, their provenance included.
 */
const fixedTimeCli = (...args: string[]) =>
  runCli(args, { env: { ...process.env, SOURCE_DATE_EPOCH: '1761330660' } });
/** The lines of a CSV after its provenance (the leading `# ` comment lines). */
const csvData = (text: string) => text.split('\n').filter((l) => !l.startsWith('# '));

const tmp = mkdtempSync(join(tmpdir(), 'balloon-sim-cli-'));
const write = (name: string, content: string) => {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
};

describe('balloon-sim command line', () => {
  it('runs the default scenario and prints a summary table', () => {
    const r = cli('run', 'fixtures/scenarios/default.json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Border night (illustrative wind): 600 members');
    expect(r.stdout).toMatch(/^ashmyany\s+200\s+/m);
    expect(r.stdout).toMatch(/^EYVI-APPROACH\s+457\.2–5943\.6 m\s+\d+ %/m);
    expect(r.stdout).toMatch(/^EYKA-CTR\s+0–762 m/m);
    expect(r.stdout).toContain('border crossing into Lithuania:');
    expect(r.stdout).toContain('warning: the wind is illustrative, not real weather');
  });

  it('prints the summary as one JSON document with --json', () => {
    const r = cli('run', 'fixtures/scenarios/default.json', '--json');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.members).toBe(600);
    // Every zone with its id and a probability in 0..1, the bundled EYVI and EYKA zones among them.
    const zones = summary.zones as { id: string; probability: number }[];
    expect(zones.map((z) => z.id)).toEqual(
      expect.arrayContaining(['EYVI-CTR', 'EYVI-APPROACH', 'EYKA-CTR', 'EYKA-APPROACH']),
    );
    for (const z of zones) expect(z.probability).toBeGreaterThanOrEqual(0);
    for (const z of zones) expect(z.probability).toBeLessThanOrEqual(1);
    expect(summary.border.probability).toBeGreaterThan(0);
    expect(summary.sites.map((s: { id: string }) => s.id)).toEqual(['ashmyany', 'voranava', 'hrodna']);
  });

  it('exits 2 naming the problem for bad JSON, an unknown field, a missing wind file', () => {
    const badJson = cli('run', write('bad.json', '{ "wind": { "type": "uniform", }'));
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/bad\.json: is not valid JSON: .* at line 1, column \d+/);

    const unknown = cli(
      'validate',
      write(
        'unknown.json',
        JSON.stringify({
          wind: { type: 'uniform', uMps: 1, vMps: 1 },
          launch: { sites: [{ id: 'a', lon: 25, lat: 54 }], times: { start: '2025-10-24T19:00:00Z' } },
          flight: { floatAltitudeM: 1000, colour: 'red' },
          solver: { durationSec: 600 },
        }),
      ),
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('flight.colour is not a known field');

    const missing = cli(
      'run',
      write(
        'missing.json',
        JSON.stringify({
          wind: { type: 'file', paths: ['nowhere.json'] },
          launch: { sites: [{ id: 'a', lon: 25, lat: 54 }], times: { start: '2025-10-24T19:00:00Z' } },
          flight: { floatAltitudeM: 1000 },
          solver: { durationSec: 600 },
        }),
      ),
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/wind file .*nowhere\.json does not exist/);
  });

  it('exits 2 with usage for an unknown command or a missing argument, 0 for --help', () => {
    expect(cli('fly').code).toBe(2);
    expect(cli('run').stderr).toContain('usage: balloon-sim run');
    const help = cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('commands:');
    expect(cli('run', '--help').stdout).toContain('--json');
  });

  it('samples launch points in the bundled Belarusian border strip', () => {
    const r = cli('run', 'fixtures/scenarios/border-strip.json', '--json');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.sites).toHaveLength(40);
    expect(summary.sites[0].id).toBe('strip-001');
    expect(summary.members).toBe(40 * 6 * 10);
    // Every sampled site lies in Belarus: all their members start on the Belarusian side.
    expect(summary.border.probability).toBeGreaterThan(0.5);
    expect(summary.risk).toHaveLength(40 * 6);
    expect(summary.landings.grid.total).toBe(summary.landings.count);
  });

  it('gives the same summary with 1 and 2 worker threads', () => {
    const one = fixedTimeCli('run', 'fixtures/scenarios/default.json', '--json', '--workers', '1');
    const two = fixedTimeCli('run', 'fixtures/scenarios/default.json', '--json', '--workers', '2');
    expect(two.stderr).toBe('');
    expect(two.stdout).toBe(one.stdout);
  });

  it('sweep shards merge into exactly the table of one sweep; merge refuses gaps and strangers', () => {
    const dir = mkdtempSync(join(tmp, 'sweep-'));
    const window = ['--start', '2025-10-24T16:00:00Z', '--end', '2025-10-24T20:00:00Z', '--every', '7200'];
    const whole = fixedTimeCli(
      'sweep',
      'fixtures/scenarios/default.json',
      ...window,
      '--out',
      join(dir, 'whole.json'),
      '--workers',
      '1',
    );
    expect(whole.code).toBe(0);
    for (const i of [1, 2]) {
      const r = fixedTimeCli(
        'sweep',
        'fixtures/scenarios/default.json',
        ...window,
        '--shard',
        `${i}/2`,
        '--out',
        join(dir, `s${i}.json`),
        '--workers',
        '2',
      );
      expect(r.code).toBe(0);
    }
    const merged = fixedTimeCli(
      'merge',
      join(dir, 's2.json'),
      join(dir, 's1.json'),
      '--out',
      join(dir, 'merged.json'),
    );
    expect(merged.code).toBe(0);
    expect(readFileSync(join(dir, 'merged.json'), 'utf8')).toBe(
      readFileSync(join(dir, 'whole.json'), 'utf8'),
    );
    const table = JSON.parse(readFileSync(join(dir, 'whole.json'), 'utf8'));
    expect(table.rows).toHaveLength(3 * 3);
    expect(table.rows[0]).toMatchObject({
      site: 'ashmyany',
      launch: '2025-10-24T16:00:00.000Z',
      members: 50,
    });
    const gap = cli('merge', join(dir, 's1.json'));
    expect(gap.code).toBe(2);
    expect(gap.stderr).toContain('shards 2/2 are missing');
    const csv = cli('sweep', 'fixtures/scenarios/default.json', ...window, '--workers', '1');
    expect(csvData(csv.stdout)[0]).toMatch(/^site,launch,members,p_border,p_EYVI-CTR,earliest_EYVI-CTR/);
  });

  it('validate says ok with the member count', () => {
    const r = cli('validate', 'fixtures/scenarios/default.json');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok: 600 members');
  });

  it('writes tracks in every format asked for', () => {
    const dir = mkdtempSync(join(tmp, 'out-'));
    const files = ['t.geojson', 't.csv', 't.ndjson', 't.kml', 's.json'].map((f) => join(dir, f));
    const r = cli('run', 'fixtures/scenarios/default.json', ...files.flatMap((f) => ['--out', f]));
    expect(r.code).toBe(0);
    for (const f of files) expect(r.stdout).toContain(`wrote ${f}`);
    const geo = JSON.parse(readFileSync(files[0], 'utf8'));
    expect(
      geo.features.filter((f: { geometry: { type: string } | null }) => f.geometry?.type === 'LineString'),
    ).toHaveLength(600);
    expect(csvData(readFileSync(files[1], 'utf8'))[0]).toBe(
      'member,site,launch,ensemble_member,time,lon,lat,alt_m',
    );
    expect(JSON.parse(readFileSync(files[4], 'utf8')).members).toBe(600);
    expect(readdirSync(dir).sort()).toEqual(['s.json', 't.csv', 't.geojson', 't.kml', 't.ndjson']);
    // The streamed CSV starts each member where its GeoJSON track starts: at the launch, not at the
    // first output time after it.
    const firstRow = new Map<number, string[]>();
    for (const line of csvData(readFileSync(files[1], 'utf8').trim()).slice(1)) {
      const cells = line.split(',');
      if (!firstRow.has(Number(cells[0]))) firstRow.set(Number(cells[0]), cells);
    }
    for (const f of geo.features) {
      if (f.geometry?.type !== 'LineString') continue;
      const [, , , , time, lon, lat] = firstRow.get(f.properties.member)!;
      expect([time, Number(lon), Number(lat)]).toEqual([
        f.properties.times[0],
        f.geometry.coordinates[0][0],
        f.geometry.coordinates[0][1],
      ]);
    }
  });

  it('exits 2 for an unwritable output path or an unknown format, before running', () => {
    const r = cli('run', 'fixtures/scenarios/default.json', '--out', join(tmp, 'no/such/folder/t.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write .*t\.csv: its folder .*no\/such\/folder does not exist/);
    const f = cli('run', 'fixtures/scenarios/default.json', '--out', join(tmp, 't.xyz'));
    expect(f.code).toBe(2);
    expect(f.stderr).toContain('cannot tell the format');
  });

  it('stops cleanly on Ctrl-C and leaves no partial output file', async () => {
    const dir = mkdtempSync(join(tmp, 'int-'));
    const scenario = write(
      'big.json',
      JSON.stringify({
        wind: { type: 'uniform', uMps: 8, vMps: 3 },
        launch: { sites: [{ id: 'a', lon: 25, lat: 54 }], times: { start: '2025-10-24T18:00:00Z' } },
        flight: { floatAltitudeM: 2000 },
        solver: { durationSec: 48 * 3600 },
        ensemble: { members: 100000, seed: 1, perturb: { positionM: 1000, windSigmaMps: 1 } },
      }),
    );
    const child = spawn(process.execPath, [CLI_BIN, 'run', scenario, '--out', join(dir, 'tracks.csv')]);
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    // Interrupt once the run is under way (the temporary file exists).
    const started = Date.now();
    while (!readdirSync(dir).some((f) => f.includes('.part-')) && Date.now() - started < 20_000)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted');
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(join(dir, 'tracks.csv'))).toBe(false);
  });
});

describe.runIf(hasSharedData)('balloon-sim on real GFS data (../shared/data)', () => {
  it('runs the Grodno 2020-08-04 scenario and reports Vilnius approach entries', () => {
    const r = cli('run', 'fixtures/scenarios/grodno-2020-08-04.json', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.wind).toContain('GRIB2 NCEP run 2020-08-04T12:00:00Z');
    const approach = summary.zones.find((z: { id: string }) => z.id === 'EYVI-APPROACH');
    // South-westerly winds aloft carry most members toward Vilnius that evening.
    expect(approach.probability).toBeGreaterThan(0.3);
    expect(summary.border.probability).toBeGreaterThan(0.5);
  });

  it('wind sample prints the decoded value at a node (ecCodes: u = -2.5774877930 at 925 hPa, 53 N 22 E)', () => {
    const files = ['000', '006', '012'].map((h) => sharedDataPath('gfs-0p25-poland', `20200804_f${h}.grib2`));
    const r = cli(
      'wind',
      'sample',
      ...files,
      '--lon',
      '22',
      '--lat',
      '53',
      '--level',
      '925',
      '--time',
      '2020-08-04T12:00:00Z',
      '--json',
    );
    expect(r.code).toBe(0);
    const { u, v } = JSON.parse(r.stdout);
    expect(u).toBeCloseTo(-2.577487793, 5);
    expect(v).toBeCloseTo(-3.3910400391, 5);
  });

  it('wind inspect lists the wind fields and the coverage', () => {
    const r = cli('wind', 'inspect', sharedDataPath('gfs-0p25-poland', '20200804_f000.grib2'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/u on isobaric: 1…1000 \(31 levels\); grid 49×33, packing 5\.0/);
    expect(r.stdout).toContain('lon 13..25, lat 48..56');
  });

  it('backtrack recovers the launch area of a balloon simulated from near Hrodna', () => {
    const files = ['000', '006', '012'].map((h) => sharedDataPath('gfs-0p25-poland', `20200804_f${h}.grib2`));
    // Where a balloon launched at 17:00 from 23.85 E 53.75 N (3 m/s to 3000 m) is at 18:15.
    const scenario = write(
      'one.json',
      JSON.stringify({
        wind: { type: 'file', paths: files },
        launch: { sites: [{ id: 'x', lon: 23.85, lat: 53.75 }], times: { start: '2020-08-04T17:00:00Z' } },
        flight: { ascentRateMps: 3, floatAltitudeM: 3000 },
        solver: { durationSec: 4500 },
        zones: { bundled: false },
      }),
    );
    const fwd = JSON.parse(cli('run', scenario, '--json').stdout);
    const end = fwd.sites[0];
    expect(fwd.status, JSON.stringify(fwd.sites)).toMatchObject({ active: 1 });
    const r = cli(
      'backtrack',
      ...files.flatMap((f) => ['--wind', f]),
      '--detection',
      `${end.medianEndLon},${end.medianEndLat},3000,2020-08-04T18:15:00Z`,
      '--members',
      '400',
      '--max-float-hours',
      '3',
      '--sigma-position-m',
      '500',
      '--sigma-alt-m',
      '100',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.plausible).toBeGreaterThan(50);
    // The true launch site lies inside the launch-area grid: its cell or a neighbour holds launch points.
    const { lon0, lat0, cellDeg, nx, ny, counts } = result.grid;
    const i = Math.floor((23.85 - lon0) / cellDeg);
    const j = Math.floor((53.75 - lat0) / cellDeg);
    let near = 0;
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++)
        if (i + di >= 0 && i + di < nx && j + dj >= 0 && j + dj < ny) near += counts[(j + dj) * nx + i + di];
    expect(near).toBeGreaterThan(0);
  });

  it('backtrack refuses files of two forecast runs unless --allow-mixed-runs', () => {
    const files = ['20200804_f000', '20200815_f000'].map((n) =>
      sharedDataPath('gfs-0p25-poland', `${n}.grib2`),
    );
    const args = [
      'backtrack',
      ...files.flatMap((f) => ['--wind', f]),
      '--detection',
      '24.5,54.5,3000,2020-08-10T00:00:00Z',
      '--members',
      '20',
      '--max-float-hours',
      '1',
      '--json',
    ];
    const refused = cli(...args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/forecast runs/);
    const allowed = cli(...args, '--allow-mixed-runs');
    expect(allowed.stderr).toBe('');
    expect(allowed.code).toBe(0);
  });
});
