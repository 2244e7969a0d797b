/**
 * The NOAA GEFS downloader end to end, against a 127.0.0.1 stand-in for NOMADS' grib filter
 * (cgi-bin/filter_gefs_atmos_0p50a.pl?dir=/gefs.YYYYMMDD/HH/atmos/pgrb2ap5&file=gepNN.tHHz.pgrb2a.0p50.fFFF
 * &lev_…_mb=on&var_UGRD=on…), which answers one member's file of one step. The files are made by
 * ecCodes' tools from the real GFS file of ../shared/data as NCEP's ensemble messages: product
 * template 4.1 with the member's perturbation number, control gec00 and members gep01, gep02.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWindMembers } from '@balloon-sim/formats';
import type { PressureGridWind } from '@balloon-sim/sim-core';
import {
  eccodesKeys,
  eccodesValues,
  hasEccodes,
  hasSharedData,
  makeGrib,
  sharedDataPath,
} from '@balloon-sim/sim-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSameFiles, valueOnLevel } from '../testing/fetch.js';
import { type ForecastServer, startForecastServer } from '../testing/forecast-server.js';
import { fetchForecast } from './forecast.js';
import { readCycleIndex } from './store.js';

const CYCLE = '2020080412';
const STEPS = [0, 6];
const SOURCES = ['20200804_f000.grib2', '20200804_f006.grib2'];
const LEVELS = [1000, 850, 500];
const MEMBERS = [0, 1, 2];
const BOX = { lonMin: 20, latMin: 52, lonMax: 24, latMax: 55 };
const FILTER = '/cgi-bin/filter_gefs_atmos_0p50a.pl';
const memberFile = (member: number, step: number) =>
  `${member === 0 ? 'gec00' : `gep${String(member).padStart(2, '0')}`}.t12z.pgrb2a.0p50.f${String(step).padStart(3, '0')}`;

describe.runIf(hasSharedData && hasEccodes)('wind fetch gefs against a local NOMADS grib filter', () => {
  let work: string;
  let server: ForecastServer;
  /** The file the filter answers for each member file name. */
  const made = new Map<string, string>();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'gefs-'));
    mkdirSync(join(work, 'made'));
    for (const [s, step] of STEPS.entries())
      for (const member of MEMBERS) {
        const name = memberFile(member, step);
        made.set(
          name,
          makeGrib(join(work, 'made'), `${name}.grib2`, {
            source: sharedDataPath('gfs-0p25-poland', SOURCES[s]),
            where: `shortName=u/v/gh,typeOfLevel=isobaricInhPa,level=${LEVELS.join('/')}`,
            members: [
              {
                set: `productDefinitionTemplateNumber=1,typeOfEnsembleForecast=${member === 0 ? 1 : 3},perturbationNumber=${member},numberOfForecastsInEnsemble=31`,
                offsets: { u: 2 * member, v: -member, gh: 5 * member },
              },
            ],
          }),
        );
      }
    // The filter: the file asked for when the query is as NOMADS takes it, else 404 (a cycle or
    // member it does not hold).
    server = await startForecastServer(work, (path, query) => {
      if (path !== FILTER) return undefined;
      const levels = LEVELS.every((l) => query.get(`lev_${l}_mb`) === 'on');
      const vars = ['UGRD', 'VGRD', 'HGT'].every((v) => query.get(`var_${v}`) === 'on');
      const box =
        query.has('subregion') &&
        query.get('leftlon') === '20' &&
        query.get('rightlon') === '24' &&
        query.get('toplat') === '55' &&
        query.get('bottomlat') === '52';
      if (query.get('dir') !== `/gefs.${CYCLE.slice(0, 8)}/12/atmos/pgrb2ap5` || !levels || !vars || !box)
        return null;
      return made.get(query.get('file') ?? '') ?? null;
    });
  }, 300_000);
  afterAll(() => server?.close());

  const fetch = (storeRoot: string, extra: Partial<Parameters<typeof fetchForecast>[0]> = {}) =>
    fetchForecast({
      model: 'gefs',
      cycle: CYCLE,
      hours: STEPS,
      levelsHpa: LEVELS,
      members: MEMBERS,
      box: BOX,
      storeRoot,
      baseUrl: server.base,
      backoffMs: 1,
      ...extra,
    });

  let firstStore: string;

  it('asks the filter for each member and step, stores one file per step with every member', async () => {
    firstStore = mkdtempSync(join(tmpdir(), 'store-'));
    server.requests = [];
    const result = await fetch(firstStore);
    expect(server.requests.map((r) => `${r.path} ${r.query.get('file')} ${r.status}`).sort()).toEqual(
      STEPS.flatMap((step) => MEMBERS.map((m) => `${FILTER} ${memberFile(m, step)} 200`)).sort(),
    );
    const index = await readCycleIndex(result.dir);
    expect(index).toMatchObject({
      model: 'gefs',
      cycle: CYCLE,
      steps: STEPS,
      members: MEMBERS,
      levelsHpa: LEVELS,
      complete: true,
    });
    expect(index.files.map((f) => f.messages)).toEqual([27, 27]);
    const keys = eccodesKeys(result.paths[0], ['shortName', 'number', 'productDefinitionTemplateNumber']);
    expect(new Set(keys.map((k) => `${k.number} ${k.productDefinitionTemplateNumber}`))).toEqual(
      new Set(['0 1', '1 1', '2 1']),
    );
  });

  it('decoded members match ecCodes at every node and are told apart by member number', async () => {
    const dir = join(firstStore, 'gefs', CYCLE);
    const files = (await readCycleIndex(dir)).files.map((f) => ({
      name: f.path,
      bytes: new Uint8Array(readFileSync(join(dir, f.path))),
    }));
    const { members } = await decodeWindMembers(files);
    expect(members.map((m) => m.number)).toEqual(MEMBERS);
    let checked = 0;
    for (const step of STEPS) {
      const tSec = Date.UTC(2020, 7, 4, 12 + step) / 1000;
      for (const member of MEMBERS) {
        const field = members.find((m) => m.number === member)!.field as PressureGridWind;
        for (const [key, points] of eccodesValues(made.get(memberFile(member, step))!)) {
          const [name, level, number] = key.split(' ');
          expect(Number(number)).toBe(member);
          for (const p of points) {
            const ours = valueOnLevel(field, name, p.lon, p.lat, Number(level), tSec);
            if (!(Math.abs(ours - p.value) <= Math.abs(p.value) * 2 ** -23 + 1e-9))
              expect.fail(
                `step ${step} member ${member} ${key} at ${p.lat}, ${p.lon}: ${ours} ≠ ecCodes ${p.value}`,
              );
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(STEPS.length * MEMBERS.length * 3 * LEVELS.length * 49 * 33);
  });

  it('a connection cut mid-answer by a filter that ignores Range: the answer is fetched again whole, same files', async () => {
    const store = mkdtempSync(join(tmpdir(), 'store-'));
    server.requests = [];
    server.ignoreRange = true;
    server.cutOnce(FILTER, 2000);
    try {
      const result = await fetch(store, { concurrency: 1, onProgress: (url, n) => server.progress(url, n) });
      const first = server.requests.filter(
        (r) => r.query.get('file') === server.requests[0].query.get('file'),
      );
      expect(first.map((r) => [r.range, r.status])).toEqual([
        [undefined, 200],
        ['bytes=2000-', 200],
      ]);
      expectSameFiles(result.paths, join(firstStore, 'gefs', CYCLE));
    } finally {
      server.ignoreRange = false;
    }
  });

  it('"latest" falls back to the previous cycle when the newest is not on the filter (404), and says so', async () => {
    const store = mkdtempSync(join(tmpdir(), 'store-'));
    const log: string[] = [];
    // 00:30 UTC on the 5th: 6 hours of delay make 18 UTC on the 4th the first cycle tried.
    const result = await fetch(store, {
      cycle: 'latest',
      nowSec: Date.UTC(2020, 7, 5, 0, 30) / 1000,
      log: (l) => log.push(l),
    });
    expect(result.cycle).toBe(CYCLE);
    expect(result.skipped.map((s) => s.cycle)).toEqual(['2020080418']);
    expect(log).toContainEqual(
      expect.stringMatching(
        /cycle 2020080418 of gefs is not complete on the server \(step \+6 h: HTTP 404 for http:.*filter_gefs_atmos_0p50a\.pl\?dir=%2Fgefs\.20200804%2F18.*\); falling back to 2020080412/,
      ),
    );
  });
});
