/**
 * Every output of `balloon-sim run` says what produced it: each format is read back here and must
 * name the wind's forecast run and the wind file's SHA-256, computed here independently with
 * node:crypto over the file's bytes. The run is the real GFS 0.25° 2020-08-04 12 UTC run (its
 * reference time as /work/shared/data/README.md states it), made small.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hasSharedData, REPO_ROOT, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runTime, toolVersion } from './provenance.js';
import { cli } from './testing/cli.js';

/** The forecast run of gfs-0p25-poland/20200804_*.grib2, as the data's README gives it. */
const RUN_MS = Date.UTC(2020, 7, 4, 12);
/** A fixed time of the run (SOURCE_DATE_EPOCH): 2025-10-24 18:31:00 UTC. */
const RUN_EPOCH_SEC = Date.UTC(2025, 9, 24, 18, 31) / 1000;

interface ReadBack {
  runTime: string | null;
  tool: { name: string; version: string };
  seed: number;
  members: number;
  wind: { referenceTimes: string[]; files: { name: string; bytes: number; sha256?: string }[] };
}

/** What a provenance read back must hold: the run, the file by its hash, the tool, the time. */
function expectProvenance(p: ReadBack, sha256: string, bytes: number): void {
  expect(p.wind.referenceTimes.map(Date.parse)).toEqual([RUN_MS]);
  expect(p.wind.files).toContainEqual({ name: '20200804_f000.grib2', bytes, sha256 });
  expect(p.tool).toEqual({ name: 'balloon-sim', version: toolVersion() });
  expect(Date.parse(p.runTime ?? '')).toBe(RUN_EPOCH_SEC * 1000);
  expect(p.seed).toBe(804);
  expect(p.members).toBe(2);
}

const xmlText = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

describe.skipIf(!hasSharedData)('every output of a run carries its provenance', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'balloon-sim-provenance-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const windFile = sharedDataPath('gfs-0p25-poland', '20200804_f000.grib2');
  const sha256 = hasSharedData ? createHash('sha256').update(readFileSync(windFile)).digest('hex') : '';
  const bytes = hasSharedData ? statSync(windFile).size : 0;
  const scenario = JSON.parse(
    readFileSync(resolve(REPO_ROOT, 'fixtures/scenarios/grodno-2020-08-04.json'), 'utf8'),
  );
  scenario.wind.paths = ['f000', 'f006', 'f012'].map((s) =>
    sharedDataPath('gfs-0p25-poland', `20200804_${s}.grib2`),
  );
  scenario.launch = { sites: [scenario.launch.sites[0]], times: { start: '2020-08-04T17:00:00Z' } };
  scenario.ensemble.members = 2;
  scenario.solver.durationSec = 7200;
  const scenarioPath = join(tmp, 'small.json');
  writeFileSync(scenarioPath, JSON.stringify(scenario));
  const env = { ...process.env, SOURCE_DATE_EPOCH: String(RUN_EPOCH_SEC) };
  const out = (ext: string) => join(tmp, `run.${ext}`);

  const text = hasSharedData
    ? cli(
        [
          'run',
          scenarioPath,
          ...['geojson', 'csv', 'ndjson', 'kml', 'json'].flatMap((e) => ['--out', out(e)]),
        ],
        {
          env,
        },
      )
    : null;
  const json = hasSharedData ? cli(['run', scenarioPath, '--json'], { env }) : null;

  it('the command line succeeds', () => {
    expect(text?.stderr).toBe('');
    expect(text?.code).toBe(0);
    expect(json?.code).toBe(0);
  });

  it('JSON summary (printed and written): a provenance object', () => {
    expectProvenance(JSON.parse(json?.stdout ?? '').provenance, sha256, bytes);
    expectProvenance(JSON.parse(readFileSync(out('json'), 'utf8')).provenance, sha256, bytes);
  });

  it('text summary: header lines with the run in local time beside UTC, and the hash', () => {
    const lines = (text?.stdout ?? '').split('\n');
    // 12:00 UTC on 4 August is 15:00 in Vilnius (EEST, UTC+3).
    expect(lines.some((l) => l.includes('run 2020-08-04 15:00 EEST (12:00Z)'))).toBe(true);
    expect(lines.some((l) => l.includes(`20200804_f000.grib2, ${bytes} bytes, sha256 ${sha256}`))).toBe(true);
    expect(lines.some((l) => l.includes('2025-10-24 21:31 EEST (18:31Z)'))).toBe(true);
  });

  it('GeoJSON: a top-level provenance member', () => {
    const doc = JSON.parse(readFileSync(out('geojson'), 'utf8'));
    expect(doc.type).toBe('FeatureCollection');
    expectProvenance(doc.provenance, sha256, bytes);
  });

  it('CSV: leading # lines, the last the whole provenance as JSON, then the header row', () => {
    const lines = readFileSync(out('csv'), 'utf8').split('\n');
    const comments = lines.filter((l) => l.startsWith('#'));
    expect(lines.slice(0, comments.length)).toEqual(comments);
    expect(lines[comments.length]).toBe('member,site,launch,ensemble_member,time,lon,lat,alt_m');
    expect(comments.some((l) => l.includes(sha256))).toBe(true);
    const last = comments[comments.length - 1];
    expect(last.startsWith('# provenance {')).toBe(true);
    expectProvenance(JSON.parse(last.slice('# provenance '.length)), sha256, bytes);
  });

  it('NDJSON: a first record of type provenance', () => {
    const [first, second] = readFileSync(out('ndjson'), 'utf8').split('\n');
    const record = JSON.parse(first);
    expect(record.type).toBe('provenance');
    expectProvenance(record, sha256, bytes);
    // Then the frames (the first a little before 17:00: launch times are perturbed by up to 10 min).
    expect(JSON.parse(second)).toMatchObject({ time: expect.stringMatching(/^2020-08-04T1[67]:/) });
    expect(JSON.parse(second).positions).toHaveLength(2);
  });

  it('KML: the document description for people and ExtendedData with the provenance as JSON', () => {
    const doc = readFileSync(out('kml'), 'utf8');
    const description = /<Document><name>[^<]*<\/name>\s*<description>([^<]*)<\/description>/.exec(doc);
    expect(xmlText(description?.[1] ?? '')).toContain(`sha256 ${sha256}`);
    const data = /<Data name="provenance">.*?<value>([^<]*)<\/value>/s.exec(doc);
    expectProvenance(JSON.parse(xmlText(data?.[1] ?? '')), sha256, bytes);
  });

  it('the same run twice with the same SOURCE_DATE_EPOCH writes the same bytes', () => {
    const again = join(tmp, 'again.geojson');
    expect(cli(['run', scenarioPath, '--out', again], { env }).code).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out('geojson'), 'utf8'));
  });
});

describe('runTime', () => {
  it('is now, in ISO 8601 UTC, unless SOURCE_DATE_EPOCH fixes it', () => {
    expect(runTime({}, Date.UTC(2025, 9, 26, 0, 59, 30))).toBe('2025-10-26T00:59:30.000Z');
    expect(runTime({ SOURCE_DATE_EPOCH: '0' }, 123)).toBe('1970-01-01T00:00:00.000Z');
    expect(runTime({ SOURCE_DATE_EPOCH: String(RUN_EPOCH_SEC) })).toBe('2025-10-24T18:31:00.000Z');
  });

  it('refuses a SOURCE_DATE_EPOCH that is not whole seconds, naming it', () => {
    expect(() => runTime({ SOURCE_DATE_EPOCH: 'yesterday' })).toThrow(/SOURCE_DATE_EPOCH.*"yesterday"/);
    expect(() => runTime({ SOURCE_DATE_EPOCH: '1.5' })).toThrow(/SOURCE_DATE_EPOCH/);
  });
});
