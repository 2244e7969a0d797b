import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hasSharedData, REPO_ROOT, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';

/** Runs the built command line as a user would (the test command builds it first). */
function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const bin = resolve(REPO_ROOT, 'packages/node/dist/cli.js');
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A port nothing listens on (a listener on port 0, closed again). */
function closedPort(): Promise<number> {
  const server = createServer();
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    }),
  );
}

/** `balloon-sim wind fetch gfs` of step 0 of `cycle` over the shared GFS files' box, into `out`, from `baseUrl`. */
const fetchGfsStep0 = (cycle: string, out: string, baseUrl: string, ...more: string[]) => [
  'wind',
  'fetch',
  'gfs',
  '--bbox',
  '13,48,25,56',
  '--hours',
  '0',
  '--cycle',
  cycle,
  '--out',
  out,
  '--base-url',
  baseUrl,
  ...more,
];

describe('balloon-sim wind fetch: failures and exit codes', () => {
  it('a network failure exits 1 (not bad input), naming the cause and the URL; nothing is written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fetch-cli-'));
    const port = await closedPort();
    const env = { ...process.env };
    for (const key of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy']) delete env[key];
    const r = cli(fetchGfsStep0('2020080412', out, `http://127.0.0.1:${port}`, '--attempts', '1'), env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`http://127.0.0.1:${port}/cgi-bin/filter_gfs_0p25.pl`);
    expect(r.stderr).toMatch(/failed after 1 attempt: connection refused \(ECONNREFUSED/);
    // An expected failure: the message, not a stack trace.
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toMatch(/the run failed/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('a malformed --cycle is bad usage: exit 2, a clean message, no stack trace, no request', () => {
    const r = cli(
      fetchGfsStep0('2020-08-04', mkdtempSync(join(tmpdir(), 'fetch-cli-')), 'http://127.0.0.1:9'),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cycle must be latest or YYYYMMDDHH');
    expect(r.stderr).toContain('got "2020-08-04"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

const gfs = (...names: string[]) => names.map((n) => sharedDataPath('gfs-0p25-poland', `${n}.grib2`));

describe.runIf(hasSharedData)(
  'balloon-sim wind sample: a point outside the data is refused or clamped',
  () => {
    // The files cover lon 13..25, lat 48..56, 12 UTC on 4 August 2020 to 00 UTC on the 5th, 1000–1 hPa.
    const files = gfs('20200804_f000', '20200804_f006', '20200804_f012');
    const at = (...extra: string[]) =>
      cli(['wind', 'sample', ...files, '--time', '2020-08-04T18:00:00Z', ...extra]);

    it('refuses a longitude outside the box: exit 2, naming the box and the value asked', () => {
      const r = at('--lon', '40', '--lat', '53', '--level', '925', '--json');
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('longitude 40 is outside 13..25');
      expect(r.stderr).toContain('lon 13..25, lat 48..56');
    });

    it('refuses a latitude, a time, a level and an altitude outside the data, each named', () => {
      const lat = at('--lon', '20', '--lat', '60', '--level', '925');
      expect(lat.code).toBe(2);
      expect(lat.stderr).toContain('latitude 60 is outside 48..56');
      const time = cli([
        'wind',
        'sample',
        ...files,
        '--lon',
        '20',
        '--lat',
        '53',
        '--level',
        '925',
        '--time',
        '2020-08-06T00:00:00Z',
      ]);
      expect(time.code).toBe(2);
      expect(time.stderr).toContain(
        'time 2020-08-06T00:00:00.000Z is outside 2020-08-04T12:00:00.000Z..2020-08-05T00:00:00.000Z',
      );
      const level = at('--lon', '20', '--lat', '53', '--level', '1050');
      expect(level.code).toBe(2);
      expect(level.stderr).toContain('level (hPa) 1050 is outside 1..1000');
      // 60 km is far above the 1 hPa level (≈ 48 km); 0 m is below the 1000 hPa level here (≈ 100–200 m).
      for (const alt of ['60000', '0']) {
        const r = at('--lon', '20', '--lat', '53', '--alt', alt);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(
          new RegExp(
            `altitude \\(m\\) ${alt} is outside \\d+\\.\\.\\d+ \\(the levels' heights at this point and time\\)`,
          ),
        );
      }
    });

    it('with --clamp uses the nearest edge and says so on stderr and in the JSON', () => {
      const r = at('--lon', '40', '--lat', '53', '--level', '925', '--json', '--clamp');
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('clamped: longitude 40 is outside 13..25; using 25');
      const out = JSON.parse(r.stdout);
      expect(out.clamped).toEqual([{ name: 'lon', asked: 40, used: 25, range: [13, 25] }]);
      expect(out.lon).toBe(25);
      // The value is that of the east edge itself.
      const edge = JSON.parse(at('--lon', '25', '--lat', '53', '--level', '925', '--json').stdout);
      expect(edge.clamped).toEqual([]);
      expect([out.u, out.v]).toEqual([edge.u, edge.v]);
    });
  },
);

describe.runIf(hasSharedData)('balloon-sim wind inspect: forecast runs and gaps', () => {
  it('refuses to make one field of two runs, naming them, unless --allow-mixed-runs; then warns of the gap', () => {
    const files = gfs('20200804_f000', '20200804_f006', '20200815_f000');
    const refused = cli(['wind', 'inspect', ...files, '--json']);
    expect(refused.code).toBe(0); // inspect lists the files; the field is what is refused
    const report = JSON.parse(refused.stdout);
    expect(report.field).toBeNull();
    expect(report.fieldProblem).toContain('come from 2 forecast runs');
    const allowed = cli(['wind', 'inspect', ...files, '--allow-mixed-runs']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/^warning: the wind mixes 2 forecast runs/m);
    expect(allowed.stdout).toContain(
      "warning: 1 gap between the wind's time steps (the other steps are 6 h), interpolated across as if the wind changed linearly: 2020-08-04T18:00:00.000Z to 2020-08-15T12:00:00.000Z (10 d 18 h)",
    );
  });

  it('names the source: centre, model, forecast run (local time beside UTC), each file with its SHA-256', () => {
    const files = gfs('20200804_f000', '20200804_f006');
    const sha256 = createHash('sha256').update(readFileSync(files[1])).digest('hex');
    const text = cli(['wind', 'inspect', ...files]);
    expect(text.code).toBe(0);
    // The run of 2020-08-04 12 UTC (shared data README) is 15:00 summer time in Vilnius.
    expect(text.stdout).toMatch(/^ {2}wind: grib2, .*run 2020-08-04 15:00 EEST \(12:00Z\)$/m);
    expect(text.stdout).toContain(
      `  wind file: 20200804_f006.grib2, ${readFileSync(files[1]).length} bytes, sha256 ${sha256}`,
    );
    expect(cli(['wind', 'inspect', ...files, '--time-zone', 'UTC']).stdout).toMatch(
      /run 2020-08-04 12:00Z$/m,
    );
    const { source } = JSON.parse(cli(['wind', 'inspect', ...files, '--json']).stdout).field;
    expect(source.referenceTimes.map(Date.parse)).toEqual([Date.UTC(2020, 7, 4, 12)]);
    // WMO common code table C-11: 7 is NCEP; NCEP's generating processes (ON388 table A): 81 the
    // GFS analysis (step 0), 96 the GFS forecast.
    expect(source.producer.centre.code).toBe(7);
    expect(source.producer.models.map((m: { code: number }) => m.code)).toEqual([81, 96]);
    expect(source.files[1]).toEqual({ name: files[1], bytes: readFileSync(files[1]).length, sha256 });
    const bad = cli(['wind', 'inspect', ...files, '--time-zone', 'Mars/Olympus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Mars/Olympus');
  });

  it('evenly spaced steps of one run (f000, f012): no warning', () => {
    const even = cli(['wind', 'inspect', ...gfs('20200804_f000', '20200804_f012'), '--json']);
    expect(JSON.parse(even.stdout).field.warnings).toEqual([]);
  });
});

describe.runIf(hasSharedData)('balloon-sim wind sample on a NetCDF file whose packing is not finite', () => {
  it('exits 2 naming the file, the variable and the attribute (it printed {"u": null} and exit 0)', () => {
    // The real NetCDF3 file with the first scale_factor (u's) overwritten by NaN. A NetCDF3 attribute
    // is its name padded to 4 bytes, its type (6: double), its count, then the values big-endian.
    const bytes = readFileSync(sharedDataPath('netcdf', 'gfs-2p5-uvz-1000-500hPa.nc3.nc'));
    const name = bytes.indexOf('scale_factor');
    expect(name).toBeGreaterThan(0);
    const value = name + 12 + 8; // "scale_factor" is 12 bytes, no padding; then type and count
    expect(bytes.readUInt32BE(name + 12)).toBe(6);
    bytes.writeDoubleBE(Number.NaN, value);
    const path = join(mkdtempSync(join(tmpdir(), 'nan-scale-')), 'nan-scale.nc');
    writeFileSync(path, bytes);
    const r = cli([
      'wind',
      'sample',
      path,
      '--lon',
      '25',
      '--lat',
      '55',
      '--level',
      '850',
      '--time',
      '2011-01-15T12:00:00Z',
      '--json',
    ]);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /nan-scale\.nc: variable "\w+": attribute scale_factor is NaN, not a finite number/,
    );
  });
});

describe('balloon-sim wind store', () => {
  it('lists the store that --store or $BALLOON_SIM_FORECAST_STORE names, and prunes old cycles', async () => {
    const root = mkdtempSync(join(tmpdir(), 'store-cli-'));
    const { STORE_FORMAT, writeCycleIndex } = await import('../fetch/store.js');
    for (const [cycle, complete] of [
      ['2025102400', true],
      ['2025102406', true],
      ['2025102412', false],
    ] as const)
      await writeCycleIndex(join(root, 'ecmwf-ens', cycle), {
        format: STORE_FORMAT,
        model: 'ecmwf-ens',
        cycle,
        referenceTime: '',
        source: 'test',
        stepsWanted: [0, 6],
        steps: complete ? [0, 6] : [0],
        members: [0, 1, 2],
        levelsHpa: [1000, 500],
        box: null,
        files: [],
        complete,
        updated: '',
      });
    const env = { ...process.env, BALLOON_SIM_FORECAST_STORE: root };
    const listed = cli(['wind', 'store', 'list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n').slice(1, 4)).toEqual([
      expect.stringMatching(/^ecmwf-ens 2025102412 incomplete steps 1\/2 \(\+0\.\.\+0 h\) members 3 /),
      expect.stringMatching(/^ecmwf-ens 2025102406 complete {3}steps 2\/2 \(\+0\.\.\+6 h\) members 3 /),
      expect.stringMatching(/^ecmwf-ens 2025102400 complete {3}steps 2\/2/),
    ]);
    const pruned = cli(['wind', 'store', 'prune', '--keep', '1', '--store', root]);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toContain('removed ecmwf-ens 2025102400');
    expect(readdirSync(join(root, 'ecmwf-ens')).sort()).toEqual(['2025102406', '2025102412']);
    const bad = cli(['wind', 'store', 'prune', '--keep', 'all', '--store', root]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--keep must be a whole number ≥ 0, got "all"');
  });
});
