import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hasSharedData, REPO_ROOT, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';

/** Runs the built command line as a user would (the test command builds it first). */
function cli(...args: string[]) {
  const bin = resolve(REPO_ROOT, 'packages/node/dist/cli.js');
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'balloon-sim-validate-'));
const write = (name: string, content: string) => {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
};

/** A scenario on an analytic wind that validates, with what a test changes. */
const scenario = (extra: Record<string, unknown> = {}) => ({
  wind: { type: 'uniform', uMps: 5, vMps: 5 },
  launch: { sites: [{ id: 'lida', lon: 25.3, lat: 53.9 }], times: { start: '2025-10-24T19:00:00Z' } },
  flight: { floatAltitudeM: 3000 },
  solver: { durationSec: 3600 },
  ...extra,
});

describe('balloon-sim validate checks all that run would', () => {
  it('a scenario run accepts: ok', () => {
    const r = cli('validate', write('fine.json', JSON.stringify(scenario())));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ok: 1 members\n');
  });

  it('a missing zone file: exit 2 with its JSON path (it said ok, then run failed)', () => {
    const path = write('no-zones.json', JSON.stringify(scenario({ zones: { files: ['nowhere.openair'] } })));
    const r = cli('validate', path);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `zones.files[0] cannot be used: zone file ${join(tmp, 'nowhere.openair')} does not exist`,
    );
    expect(r.stderr).toContain('got "nowhere.openair"');
    // What run says of the same file, for comparison: validate must not be more lenient.
    expect(cli('run', path).code).toBe(2);
  });

  it('a malformed OpenAir file (AH banana) and a missing wind file: both reported, each with its path', () => {
    write(
      'banana.openair',
      'AC R\nAN TEST\nAL SFC\nAH banana\nDP 54:00:00 N 025:00:00 E\nDP 54:10:00 N 025:00:00 E\nDP 54:10:00 N 025:10:00 E\n',
    );
    const r = cli(
      'validate',
      write(
        'two-problems.json',
        JSON.stringify(
          scenario({
            wind: { type: 'file', paths: ['missing.grib2'] },
            zones: { files: ['banana.openair'] },
          }),
        ),
      ),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('scenario has 2 problems');
    expect(r.stderr).toMatch(/- zones\.files\[0\] cannot be used: .*banana\.openair: line 4: .*banana/);
    expect(r.stderr).toMatch(/- wind\.paths\[0\] cannot be used: wind file .*missing\.grib2 does not exist/);
  });
});

describe.runIf(hasSharedData)('balloon-sim validate on real GFS files (../shared/data)', () => {
  const gfs = (...names: string[]) => names.map((n) => sharedDataPath('gfs-0p25-poland', `${n}.grib2`));

  it('files of two forecast runs: refused naming the runs; with mixedRuns "allow", ok and warnings', () => {
    const paths = gfs('20200804_f000', '20200815_f000');
    const refused = cli(
      'validate',
      write('mixed.json', JSON.stringify(scenario({ wind: { type: 'file', paths } }))),
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('wind.paths cannot be used');
    expect(refused.stderr).toContain('come from 2 forecast runs (run 2020-08-04T12:00:00Z');
    const allowed = cli(
      'validate',
      write(
        'mixed-allowed.json',
        JSON.stringify(
          scenario({
            wind: {
              type: 'file',
              paths: gfs('20200804_f000', '20200804_f006', '20200815_f000'),
              mixedRuns: 'allow',
            },
            launch: {
              sites: [{ id: 'hrodna', lon: 23.85, lat: 53.7 }],
              times: { start: '2020-08-04T17:00:00Z' },
            },
          }),
        ),
      ),
    );
    expect(allowed.stderr).toBe('');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/^warning: the wind mixes 2 forecast runs/m);
    expect(allowed.stdout).toMatch(
      /^warning: 1 gap between the wind's time steps .*: 2020-08-04T18:00:00\.000Z to 2020-08-15T12:00:00\.000Z \(10 d 18 h\)$/m,
    );
  });

  it('a launch below the terrain of the GFS orography: refused naming the site, altM and the terrain', () => {
    const r = cli(
      'validate',
      write(
        'underground.json',
        JSON.stringify(
          scenario({
            wind: { type: 'file', paths: gfs('20200804_f000', '20200804_f006') },
            launch: {
              sites: [{ id: 'hrodna', lon: 23.85, lat: 53.7, altM: 10 }],
              times: { start: '2020-08-04T17:00:00Z' },
            },
            flight: { ascentRateMps: 3, floatAltitudeM: 3000 },
          }),
        ),
      ),
    );
    expect(r.code).toBe(2);
    // The terrain near Hrodna is 100–250 m above sea level.
    expect(r.stderr).toMatch(
      /launch\.sites\[0\]\.altM puts site "hrodna" below the ground there \(1\d\d\.\d m AMSL, the terrain height of the wind data's orography\).*got 10/,
    );
  });
});
