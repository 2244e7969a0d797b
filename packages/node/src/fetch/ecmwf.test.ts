/**
 * The ECMWF open data downloader end to end, against a 127.0.0.1 server laid out as
 * data.ecmwf.int/forecasts: <date>/<HH>z/ifs/0p25/enfo/<date><HH>0000-<step>h-enfo-ef.grib2 and its
 * .index of JSON lines with _offset/_length. The GRIB2 files are made by ecCodes' tools from the real
 * GFS file of ../shared/data: members 0 (type cf) and 1, 2 (pf) with product template 4.1, CCSDS
 * packing, ECMWF's centre and MARS labels, and messages the downloader must leave (temperature, and
 * levels above 500 hPa).
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeWindMembers, describeGrib2 } from '@balloon-sim/formats';
import { InputError, type PressureGridWind } from '@balloon-sim/sim-core';
import {
  eccodesKeys,
  eccodesValues,
  hasEccodes,
  hasSharedData,
  makeGrib,
  sharedDataPath,
} from '@balloon-sim/sim-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioWind } from '../load-wind.js';
import { coversNode, expectSameFiles, valueOnLevel } from '../testing/fetch.js';
import { type ForecastServer, startForecastServer } from '../testing/forecast-server.js';
import { asControlMember } from './ecmwf.js';
import { fetchForecast } from './forecast.js';
import { readCycleIndex, resolveStoredCycle } from './store.js';

const CYCLE = '2020080412';
const STEPS = [0, 6, 12];
const SOURCES = ['20200804_f000.grib2', '20200804_f006.grib2', '20200804_f012.grib2'];
const LEVELS = [1000, 925, 850, 700, 600, 500];
const BOX = { lonMin: 20, latMin: 52, lonMax: 24, latMax: 55 };
const fileName = (cycle: string, step: number) => `${cycle}0000-${step}h-enfo-ef`;
const folder = (cycle: string) => `forecasts/${cycle.slice(0, 8)}/${cycle.slice(8)}z/ifs/0p25/enfo`;

/** A message's MARS labels in ECMWF's index: "number" on perturbed members only. */
interface IndexLabels {
  type: 'cf' | 'pf' | 'fc';
  stream: 'enfo' | 'oper';
  number?: string;
}

/**
 * Writes beside a served GRIB2 file of CYCLE the .index ECMWF publishes: one JSON object per
 * message, its byte range (_offset, _length) and its labels. Returns the messages' ecCodes keys.
 */
function writeEcmwfIndex(
  target: string,
  step: number,
  labels: (message: Record<string, string | number>) => IndexLabels,
): Record<string, string | number>[] {
  const keys = eccodesKeys(target, ['shortName', 'level', 'number', 'offset', 'totalLength']);
  const lines = keys.map((m) => {
    const { type, stream, number } = labels(m);
    return JSON.stringify({
      domain: 'g',
      date: CYCLE.slice(0, 8),
      time: `${CYCLE.slice(8)}00`,
      expver: '0001',
      class: 'od',
      type,
      stream,
      step: String(step),
      levelist: String(m.level),
      levtype: 'pl',
      ...(number === undefined ? {} : { number }),
      param: m.shortName,
      _offset: m.offset,
      _length: m.totalLength,
    });
  });
  writeFileSync(target.replace(/\.grib2$/, '.index'), `${lines.join('\n')}\n`);
  return keys;
}

describe.runIf(hasSharedData && hasEccodes)(
  'wind fetch ecmwf-ens against a local ECMWF open data server',
  () => {
    let work: string;
    let served: string;
    let server: ForecastServer;
    /** Each step's ecCodes keys of every message, to know which bytes are wanted. */
    const messages = new Map<number, Record<string, string | number>[]>();

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'ecmwf-'));
      served = join(work, 'served');
      for (const [s, step] of STEPS.entries()) {
        const made = makeGrib(work, `${fileName(CYCLE, step)}.grib2`, {
          source: sharedDataPath('gfs-0p25-poland', SOURCES[s]),
          // u, v, gh and temperature; 300 hPa too: the index lists more than the downloader takes.
          where: `shortName=u/v/gh/t,typeOfLevel=isobaricInhPa,level=${[...LEVELS, 300].join('/')}`,
          set: 'centre=98,setLocalDefinition=1,localDefinitionNumber=1',
          members: [0, 1, 2].map((k) => ({
            set: `stream=enfo,type=${k === 0 ? 'cf' : 'pf'},productDefinitionTemplateNumber=1,typeOfEnsembleForecast=${k === 0 ? 1 : 3},perturbationNumber=${k},numberOfForecastsInEnsemble=51`,
            offsets: { u: 1.5 * k, v: -k, gh: 10 * k },
          })),
          ccsds: true,
        });
        const target = join(served, folder(CYCLE), `${fileName(CYCLE, step)}.grib2`);
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(made, target);
        // The control (cf) without "number", as ECMWF writes it.
        const keys = writeEcmwfIndex(target, step, (m) =>
          m.number === 0
            ? { type: 'cf', stream: 'enfo' }
            : { type: 'pf', stream: 'enfo', number: String(m.number) },
        );
        messages.set(step, keys);
      }
      // The next cycle (18 UTC) has published step 0 only: not complete.
      const next = join(served, folder('2020080418'), `${fileName('2020080418', 0)}.index`);
      mkdirSync(dirname(next), { recursive: true });
      copyFileSync(join(served, folder(CYCLE), `${fileName(CYCLE, 0)}.index`), next);
      server = await startForecastServer(served);
      // Many ecCodes runs (three steps, three members, CCSDS): slow on a busy machine, not timed.
    }, 300_000);
    afterAll(() => server?.close());

    const fetch = (storeRoot: string, extra: Partial<Parameters<typeof fetchForecast>[0]> = {}) =>
      fetchForecast({
        model: 'ecmwf-ens',
        cycle: CYCLE,
        hours: STEPS,
        box: BOX,
        storeRoot,
        baseUrl: `${server.base}/forecasts`,
        backoffMs: 1,
        ...extra,
      });

    let firstStore: string;

    it('takes only u, v, gh on 1000–500 hPa of every member through the index byte ranges, crops and stores them', async () => {
      firstStore = mkdtempSync(join(tmpdir(), 'store-'));
      server.requests = [];
      const log: string[] = [];
      const result = await fetch(firstStore, { log: (l) => log.push(l) });
      expect(result.cycle).toBe(CYCLE);
      expect(result.dir).toBe(join(firstStore, 'ecmwf-ens', CYCLE));
      expect(result.paths.map((p) => p.slice(result.dir.length + 1))).toEqual([
        'ecmwf-ens.2020080412.f000.grib2',
        'ecmwf-ens.2020080412.f006.grib2',
        'ecmwf-ens.2020080412.f012.grib2',
      ]);
      expect(log.filter((l) => /^\[\d\/3\] /.test(l))).toHaveLength(3);

      // Requests: the three indexes, then byte ranges of the GRIB2 files only, covering exactly the
      // wanted messages (none of temperature, none at 300 hPa).
      const gribRequests = server.requests.filter((r) => r.path.endsWith('.grib2'));
      expect(
        server.requests.filter((r) => r.path.endsWith('.index')).map((r) => r.path.split('/').at(-1)),
      ).toEqual(STEPS.map((s) => `${fileName(CYCLE, s)}.index`));
      expect(gribRequests.every((r) => r.status === 206 && /^bytes=\d+-\d+$/.test(r.range ?? ''))).toBe(true);
      for (const step of STEPS) {
        const wanted = messages
          .get(step)!
          .filter((m) => ['u', 'v', 'gh'].includes(String(m.shortName)) && LEVELS.includes(Number(m.level)));
        expect(wanted).toHaveLength(3 * 3 * LEVELS.length);
        const asked = gribRequests
          .filter((r) => r.path.endsWith(`${fileName(CYCLE, step)}.grib2`))
          .map((r) => /^bytes=(\d+)-(\d+)$/.exec(r.range!)!.slice(1).map(Number));
        const covered = (offset: number) => asked.some(([a, b]) => offset >= a && offset <= b);
        for (const m of messages.get(step)!)
          expect(covered(Number(m.offset)), `${m.shortName} ${m.level}`).toBe(wanted.includes(m));
        const bytes = asked.reduce((n, [a, b]) => n + b - a + 1, 0);
        expect(bytes).toBe(wanted.reduce((n, m) => n + Number(m.totalLength), 0));
      }

      // The store: index.json says what the folder holds, each file with its size and SHA-256.
      const index = await readCycleIndex(result.dir);
      expect(index).toMatchObject({
        model: 'ecmwf-ens',
        cycle: CYCLE,
        referenceTime: '2020-08-04T12:00:00Z',
        steps: STEPS,
        stepsWanted: STEPS,
        members: [0, 1, 2],
        levelsHpa: LEVELS,
        box: BOX,
        complete: true,
      });
      for (const f of index.files) {
        const bytes = readFileSync(join(result.dir, f.path));
        expect(f.bytes).toBe(bytes.length);
        expect(f.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
        expect(f.messages).toBe(3 * 3 * LEVELS.length);
      }
      expect(existsSync(join(result.dir, '.partial'))).toBe(false);

      // The stored files, read by ecCodes: u, v, gh of members 0–2 on the box plus a node (19 × 15).
      const keys = eccodesKeys(result.paths[1], ['shortName', 'level', 'number', 'Ni', 'Nj', 'centre']);
      expect(new Set(keys.map((k) => k.shortName))).toEqual(new Set(['u', 'v', 'gh']));
      expect(new Set(keys.map((k) => k.level))).toEqual(new Set(LEVELS));
      expect(new Set(keys.map((k) => k.number))).toEqual(new Set([0, 1, 2]));
      expect(new Set(keys.map((k) => `${k.Ni}×${k.Nj} ${k.centre}`))).toEqual(new Set(['19×15 ecmf']));
    });

    it('decoded members of the stored cycle match ecCodes on the served files at every node, told apart by number', async () => {
      const resolved = await resolveStoredCycle(firstStore, 'ecmwf-ens', 'latest');
      const files = resolved.paths.map((p) => ({ name: p, bytes: new Uint8Array(readFileSync(p)) }));
      const { members } = await decodeWindMembers(files);
      expect(members.map((m) => m.number)).toEqual([0, 1, 2]);
      let checked = 0;
      for (const step of STEPS) {
        const tSec = Date.UTC(2020, 7, 4, 12 + step) / 1000;
        for (const [key, points] of eccodesValues(
          join(served, folder(CYCLE), `${fileName(CYCLE, step)}.grib2`),
        )) {
          const [name, level, number] = key.split(' ');
          if (!['u', 'v', 'gh'].includes(name) || !LEVELS.includes(Number(level))) continue;
          const field = members.find((m) => m.number === Number(number))!.field as PressureGridWind;
          for (const p of points) {
            if (!coversNode(field, p.lon, p.lat)) continue;
            // At a grid node, on a level, at a step's time, the field gives the stored value itself.
            const ours = valueOnLevel(field, name, p.lon, p.lat, Number(level), tSec);
            if (!(Math.abs(ours - p.value) <= Math.abs(p.value) * 2 ** -23 + 1e-9))
              expect.fail(`step ${step} ${key} at ${p.lat}, ${p.lon}: ${ours} ≠ ecCodes ${p.value}`);
            checked++;
          }
        }
      }
      expect(checked).toBe(STEPS.length * 3 * 3 * LEVELS.length * 19 * 15);
    });

    it('a scenario names the stored ensemble cycle and a member: that member is its wind; without a member it is refused', async () => {
      const source = { type: 'forecast', model: 'ecmwf-ens', cycle: 'latest', store: firstStore } as const;
      const error = await loadScenarioWind(source, '/').catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/hold 3 ensemble members \(0–2\): name one/);
      const resolved = await resolveStoredCycle(firstStore, 'ecmwf-ens', CYCLE);
      const { members } = await decodeWindMembers(
        resolved.paths.map((p) => ({ name: p, bytes: new Uint8Array(readFileSync(p)) })),
      );
      const one = (await loadScenarioWind({ ...source, member: 2 }, '/')) as PressureGridWind;
      const expected = members[2].field as PressureGridWind;
      const tSec = Date.UTC(2020, 7, 4, 15) / 1000;
      const [a, b] = [new Float64Array(2), new Float64Array(2)];
      one.sampleOnLevel(22, 53.5, 850, tSec, a);
      expected.sampleOnLevel(22, 53.5, 850, tSec, b);
      expect(a).toEqual(b);
      (members[0].field as PressureGridWind).sampleOnLevel(22, 53.5, 850, tSec, b); // the control differs
      expect(a).not.toEqual(b);
    });

    it('a connection cut mid-file: the download resumes from the bytes received (Range: bytes=N-), same files', async () => {
      const store = mkdtempSync(join(tmpdir(), 'store-'));
      server.requests = [];
      server.cutOnce(`${fileName(CYCLE, 6)}.grib2`, 1000);
      const result = await fetch(store, { concurrency: 1, onProgress: (url, n) => server.progress(url, n) });
      const step6 = server.requests.filter((r) => r.path.endsWith(`${fileName(CYCLE, 6)}.grib2`));
      const [first, last] = /^bytes=(\d+)-(\d+)$/.exec(step6[0].range!)!.slice(1).map(Number);
      expect(step6[1].range).toBe(`bytes=${first + 1000}-${last}`);
      expectSameFiles(result.paths, join(firstStore, 'ecmwf-ens', CYCLE));
    });

    it('an interrupted fetch keeps what it received; the next fetch of the cycle resumes it', async () => {
      const store = mkdtempSync(join(tmpdir(), 'store-'));
      server.requests = [];
      server.cutOnce(`${fileName(CYCLE, 0)}.grib2`, 1500);
      const stop = new AbortController();
      const stopped = await fetch(store, {
        concurrency: 1,
        signal: stop.signal,
        onProgress: (_url, n) => {
          if (n >= 1500) stop.abort(new Error('stopped by the test'));
        },
      }).catch((e: unknown) => e);
      expect((stopped as Error).message).toBe('stopped by the test');
      const cycleDir = join(store, 'ecmwf-ens', CYCLE);
      expect(readdirSync(join(cycleDir, '.partial'))).toHaveLength(1);
      expect(readdirSync(cycleDir).filter((f) => f.endsWith('.grib2'))).toEqual([]);
      server.progress(
        `${server.base}/${folder(CYCLE)}/${fileName(CYCLE, 0)}.grib2`,
        Number.POSITIVE_INFINITY,
      );

      const before = server.requests.length;
      const cut = server.requests.find((r) => r.path.endsWith(`${fileName(CYCLE, 0)}.grib2`))!;
      const [first, last] = /^bytes=(\d+)-(\d+)$/.exec(cut.range!)!.slice(1).map(Number);
      const result = await fetch(store, { concurrency: 1 });
      const again = server.requests
        .slice(before)
        .filter((r) => r.path.endsWith(`${fileName(CYCLE, 0)}.grib2`));
      expect(again[0].range).toBe(`bytes=${first + 1500}-${last}`);
      expect(
        readFileSync(result.paths[0]).equals(
          readFileSync(join(firstStore, 'ecmwf-ens', CYCLE, 'ecmwf-ens.2020080412.f000.grib2')),
        ),
      ).toBe(true);
      expect((await readCycleIndex(cycleDir)).complete).toBe(true);
    });

    it('a server that ignores Range (200, the whole file): the messages are cut out of it, the same files stored', async () => {
      const store = mkdtempSync(join(tmpdir(), 'store-'));
      server.requests = [];
      server.ignoreRange = true;
      try {
        const result = await fetch(store);
        expect(server.requests.filter((r) => r.path.endsWith('.grib2')).every((r) => r.status === 200)).toBe(
          true,
        );
        expectSameFiles(result.paths, join(firstStore, 'ecmwf-ens', CYCLE));
      } finally {
        server.ignoreRange = false;
      }
    });

    it('"latest" falls back to the previous cycle when the newest lacks a step, and says so', async () => {
      const store = mkdtempSync(join(tmpdir(), 'store-'));
      const log: string[] = [];
      // 02 UTC on the 5th: 8 hours of delay make 18 UTC on the 4th the first cycle tried.
      const result = await fetch(store, {
        cycle: 'latest',
        hours: [0, 6],
        nowSec: Date.UTC(2020, 7, 5, 2) / 1000,
        log: (l) => log.push(l),
      });
      expect(result.cycle).toBe(CYCLE);
      expect(result.skipped).toEqual([
        {
          cycle: '2020080418',
          reason: expect.stringMatching(/^step \+6 h: HTTP 404 for .*20200804180000-6h-enfo-ef\.index$/),
        },
      ]);
      expect(log).toContainEqual(
        expect.stringMatching(
          /cycle 2020080418 of ecmwf-ens is not complete on the server .*; falling back to 2020080412/,
        ),
      );
      expect(log.at(-1)).toMatch(/used cycle 2020080412: the newer 2020080418 is not complete on the server/);
      expect(existsSync(join(store, 'ecmwf-ens', '2020080418'))).toBe(false);
    });

    it('levels or members ECMWF does not publish are bad input naming what its index lists, not a cycle to fall back from', async () => {
      const store = mkdtempSync(join(tmpdir(), 'store-'));
      const error = await fetch(store, {
        cycle: 'latest',
        nowSec: Date.UTC(2020, 7, 5, 2) / 1000,
        hours: [0],
        levelsHpa: [950, 850],
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(
        /^ecmwf-ens does not publish u 950 hPa member 0, .*: the index .*-0h-enfo-ef\.index lists levels 1000, 925, 850, 700, 600, 500, 300 hPa, members 0–2$/,
      );
      const members = await fetch(store, { hours: [0], members: [0, 7] }).catch((e: unknown) => e);
      expect((members as Error).message).toMatch(/^ecmwf-ens does not publish u 1000 hPa member 7, /);
      expect(readdirSync(store)).toEqual([]);
    });

    it('a cycle not yet published is refused with the 404 named (bad input), nothing stored', async () => {
      const store = mkdtempSync(join(tmpdir(), 'store-'));
      const error = await fetch(store, { cycle: '2020080500' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(
        /^cycle 2020080500 of ecmwf-ens is not complete on the server: step \+0 h: HTTP 404 for http:.*20200805000000-0h-enfo-ef\.index \(not yet published, or no longer kept\)$/,
      );
      expect(readdirSync(store)).toEqual([]);
    });
  },
);

/**
 * The layout since IFS cycle 50r1: enfo/ef files hold the perturbed members only (here 1 and 2) and
 * the control is stream oper's fc, HRES itself (product template 4.0, its index without "number").
 * One server holds both streams: `wind fetch ecmwf-ens` must take the control from oper and the
 * perturbed members from enfo; `wind fetch ecmwf-hres` takes oper alone. Values are compared with
 * ecCodes' decoding of the served files at every node of the box.
 */
describe.runIf(hasSharedData && hasEccodes)(
  'wind fetch in the IFS 50r1 layout: ecmwf-ens with its control from stream oper, and ecmwf-hres',
  () => {
    const steps = [0, 6];
    const operName = (step: number) => `${CYCLE}0000-${step}h-oper-fc`;
    const operFolder = `forecasts/${CYCLE.slice(0, 8)}/${CYCLE.slice(8)}z/ifs/0p25/oper`;
    let work: string;
    let served: string;
    let server: ForecastServer;
    const messages = new Map<string, Record<string, string | number>[]>();

    /** Serves a made file and its index as ECMWF writes it: "number" only on perturbed members. */
    const serve = (made: string, target: string, stream: 'enfo' | 'oper', step: number) => {
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(made, target);
      const keys = writeEcmwfIndex(target, step, (m) =>
        stream === 'oper' ? { type: 'fc', stream } : { type: 'pf', stream, number: String(m.number) },
      );
      messages.set(target, keys);
    };

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'ecmwf-50r1-'));
      served = join(work, 'served');
      for (const step of steps) {
        const source = sharedDataPath('gfs-0p25-poland', SOURCES[STEPS.indexOf(step)]);
        const where = `shortName=u/v/gh/t,typeOfLevel=isobaricInhPa,level=${[...LEVELS, 300].join('/')}`;
        const oper = makeGrib(work, `${operName(step)}.grib2`, {
          source,
          where,
          set: 'centre=98,setLocalDefinition=1,localDefinitionNumber=1,stream=oper,type=fc',
          ccsds: true,
        });
        serve(oper, join(served, operFolder, `${operName(step)}.grib2`), 'oper', step);
        const enfo = makeGrib(work, `${fileName(CYCLE, step)}.grib2`, {
          source,
          where,
          set: 'centre=98,setLocalDefinition=1,localDefinitionNumber=1',
          members: [1, 2].map((k) => ({
            set: `stream=enfo,type=pf,productDefinitionTemplateNumber=1,typeOfEnsembleForecast=3,perturbationNumber=${k},numberOfForecastsInEnsemble=51`,
            offsets: { u: 1.5 * k, v: -k, gh: 10 * k },
          })),
          ccsds: true,
        });
        serve(enfo, join(served, folder(CYCLE), `${fileName(CYCLE, step)}.grib2`), 'enfo', step);
      }
      server = await startForecastServer(served);
    }, 300_000);
    afterAll(() => server?.close());

    const fetch = (
      model: string,
      storeRoot: string,
      extra: Partial<Parameters<typeof fetchForecast>[0]> = {},
    ) =>
      fetchForecast({
        model,
        cycle: CYCLE,
        hours: steps,
        box: BOX,
        storeRoot,
        baseUrl: `${server.base}/forecasts`,
        backoffMs: 1,
        ...extra,
      });

    /** The byte ranges asked of a served file cover exactly its u, v, gh messages on LEVELS. */
    const expectExactRanges = (file: string) => {
      const all = messages.get(file)!;
      const wanted = all.filter(
        (m) => ['u', 'v', 'gh'].includes(String(m.shortName)) && LEVELS.includes(Number(m.level)),
      );
      const name = file.split('/').at(-1)!;
      const asked = server.requests
        .filter((r) => r.path.endsWith(`/${name}`))
        .map((r) =>
          /^bytes=(\d+)-(\d+)$/
            .exec(r.range ?? '')!
            .slice(1)
            .map(Number),
        );
      expect(asked.length).toBeGreaterThan(0);
      for (const m of all)
        expect(
          asked.some(([a, b]) => Number(m.offset) >= a && Number(m.offset) <= b),
          `${name} ${m.shortName} ${m.level} ${m.number}`,
        ).toBe(wanted.includes(m));
    };

    /**
     * Every value of the served file's wanted messages, as ecCodes decodes them, equals the decoded
     * field's at each node of the stored box (`field` picks the member a served message became).
     */
    const expectValuesOf = (file: string, step: number, field: (number: string) => PressureGridWind) => {
      const tSec = Date.UTC(2020, 7, 4, 12 + step) / 1000;
      let checked = 0;
      // A deterministic message has no "number" for ecCodes to print.
      const keys = file.includes('/oper/') ? ['shortName', 'level'] : ['shortName', 'level', 'number'];
      for (const [key, points] of eccodesValues(file, keys)) {
        const [name, level, number] = key.split(' ');
        if (!['u', 'v', 'gh'].includes(name) || !LEVELS.includes(Number(level))) continue;
        const wind = field(number);
        for (const p of points) {
          if (!coversNode(wind, p.lon, p.lat)) continue;
          const ours = valueOnLevel(wind, name, p.lon, p.lat, Number(level), tSec);
          if (!(Math.abs(ours - p.value) <= Math.abs(p.value) * 2 ** -23 + 1e-9))
            expect.fail(`${file} ${key} at ${p.lat}, ${p.lon}: ${ours} ≠ ecCodes ${p.value}`);
          checked++;
        }
      }
      return checked;
    };

    it('ecmwf-ens: the perturbed members from enfo, the control from oper labelled member 0, values as ecCodes decodes them', async () => {
      const store = mkdtempSync(join(tmpdir(), 'store-'));
      server.requests = [];
      const result = await fetch('ecmwf-ens', store);
      expect(result.paths.map((p) => p.split('/').at(-1))).toEqual([
        'ecmwf-ens.2020080412.f000.grib2',
        'ecmwf-ens.2020080412.f006.grib2',
      ]);
      // Each step's enfo index, then oper's for the control it lacks; byte ranges of both files.
      expect(
        server.requests.filter((r) => r.path.endsWith('.index')).map((r) => r.path.split('/').at(-1)),
      ).toEqual(steps.flatMap((s) => [`${fileName(CYCLE, s)}.index`, `${operName(s)}.index`]));
      for (const step of steps) {
        expectExactRanges(join(served, folder(CYCLE), `${fileName(CYCLE, step)}.grib2`));
        expectExactRanges(join(served, operFolder, `${operName(step)}.grib2`));
      }
      const index = await readCycleIndex(result.dir);
      expect(index).toMatchObject({
        model: 'ecmwf-ens',
        members: [0, 1, 2],
        levelsHpa: LEVELS,
        complete: true,
      });
      for (const f of index.files) expect(f.messages).toBe(3 * 3 * LEVELS.length);

      // ecCodes reads the stored control as ensemble member 0, unperturbed high-resolution control
      // (code table 4.6: 0), of 51, its MARS labels still saying where it came from.
      const keys = eccodesKeys(result.paths[1], [
        'number',
        'typeOfEnsembleForecast',
        'numberOfForecastsInEnsemble',
        'productDefinitionTemplateNumber',
        'stream',
      ]);
      expect(new Set(keys.map((k) => k.number))).toEqual(new Set([0, 1, 2]));
      const control = keys.filter((k) => k.number === 0);
      expect(control).toHaveLength(3 * LEVELS.length);
      for (const k of control)
        expect(k).toMatchObject({
          productDefinitionTemplateNumber: 1,
          typeOfEnsembleForecast: 0,
          numberOfForecastsInEnsemble: 51,
          stream: 'oper',
        });

      const files = result.paths.map((p) => ({ name: p, bytes: new Uint8Array(readFileSync(p)) }));
      const { members } = await decodeWindMembers(files);
      expect(members.map((m) => m.number)).toEqual([0, 1, 2]);
      const byNumber = (n: number) => members.find((m) => m.number === n)!.field as PressureGridWind;
      let checked = 0;
      for (const step of steps) {
        checked += expectValuesOf(join(served, operFolder, `${operName(step)}.grib2`), step, () =>
          byNumber(0),
        );
        checked += expectValuesOf(join(served, folder(CYCLE), `${fileName(CYCLE, step)}.grib2`), step, (n) =>
          byNumber(Number(n)),
        );
      }
      expect(checked).toBe(steps.length * 3 * 3 * LEVELS.length * 19 * 15);
    });

    it('ecmwf-ens with perturbed members only asked for reads no oper index', async () => {
      const store = mkdtempSync(join(tmpdir(), 'store-'));
      server.requests = [];
      const result = await fetch('ecmwf-ens', store, { members: [1, 2] });
      expect(result.index.members).toEqual([1, 2]);
      expect(server.requests.some((r) => r.path.includes('/oper/'))).toBe(false);
    });

    it('ecmwf-hres: oper/fc through its index (no "number"), one deterministic member, values as ecCodes decodes them', async () => {
      const store = mkdtempSync(join(tmpdir(), 'store-'));
      server.requests = [];
      const result = await fetch('ecmwf-hres', store);
      expect(result.dir).toBe(join(store, 'ecmwf-hres', CYCLE));
      expect(result.paths.map((p) => p.slice(result.dir.length + 1))).toEqual([
        'ecmwf-hres.2020080412.f000.grib2',
        'ecmwf-hres.2020080412.f006.grib2',
      ]);
      expect(server.requests.filter((r) => r.path.endsWith('.index')).map((r) => r.path)).toEqual(
        steps.map((s) => `/${operFolder}/${operName(s)}.index`),
      );
      expect(server.requests.some((r) => r.path.includes('/enfo/'))).toBe(false);
      for (const step of steps) expectExactRanges(join(served, operFolder, `${operName(step)}.grib2`));
      const index = await readCycleIndex(result.dir);
      expect(index).toMatchObject({
        model: 'ecmwf-hres',
        cycle: CYCLE,
        steps,
        members: null,
        levelsHpa: LEVELS,
        box: BOX,
        complete: true,
      });
      for (const f of index.files) expect(f.messages).toBe(3 * LEVELS.length);
      const files = result.paths.map((p) => ({ name: p, bytes: new Uint8Array(readFileSync(p)) }));
      const { members } = await decodeWindMembers(files);
      expect(members.map((m) => m.number)).toEqual([null]);
      let checked = 0;
      for (const step of steps)
        checked += expectValuesOf(
          join(served, operFolder, `${operName(step)}.grib2`),
          step,
          () => members[0].field as PressureGridWind,
        );
      expect(checked).toBe(steps.length * 3 * LEVELS.length * 19 * 15);
      // A scenario naming the stored HRES cycle reads it with no member to name.
      const wind = (await loadScenarioWind(
        { type: 'forecast', model: 'ecmwf-hres', cycle: 'latest', store },
        '/',
      )) as PressureGridWind;
      const [a, b] = [new Float64Array(2), new Float64Array(2)];
      const tSec = Date.UTC(2020, 7, 4, 15) / 1000;
      wind.sampleOnLevel(22, 53.5, 850, tSec, a);
      (members[0].field as PressureGridWind).sampleOnLevel(22, 53.5, 850, tSec, b);
      expect(a).toEqual(b);
    });
  },
);

/**
 * asControlMember on ECMWF's own HRES file (stream oper, type fc, CCSDS) of ../shared/data: ecCodes
 * reads each relabelled message as ensemble member 0 with the very values of the original; a message
 * of another product template (4.8, an accumulation) is refused, named.
 */
describe.runIf(hasSharedData && hasEccodes)('asControlMember', () => {
  const source = sharedDataPath('ecmwf-ccsds', '20240101000000-0h-oper-fc.grib2');

  it('labels template 4.0 messages ensemble member 0 (template 4.1), values unchanged as ecCodes reads them', () => {
    const bytes = new Uint8Array(readFileSync(source));
    const messages = describeGrib2({ name: source, bytes }).messages;
    const offsets = [...new Set(messages.map((m) => m.offset))].sort((a, b) => a - b);
    const length = (at: number) => Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(at + 8));
    const templates = eccodesKeys(source, ['productDefinitionTemplateNumber']).map(
      (k) => k.productDefinitionTemplateNumber,
    );
    expect(templates).toHaveLength(offsets.length);
    // Two of them: enough to show the messages are walked one after the other, and quick to decode.
    const deterministic = offsets.filter((_, k) => templates[k] === 0).slice(0, 2);
    expect(deterministic).toHaveLength(2);
    const kept = Buffer.concat(deterministic.map((at) => bytes.subarray(at, at + length(at))));
    const relabelled = asControlMember(new Uint8Array(kept));
    expect(relabelled.length).toBe(kept.length + 3 * deterministic.length);
    const work = mkdtempSync(join(tmpdir(), 'control-'));
    const [before, after] = [join(work, 'fc.grib2'), join(work, 'cf.grib2')];
    writeFileSync(before, kept);
    writeFileSync(after, relabelled);
    const keys = eccodesKeys(after, [
      'productDefinitionTemplateNumber',
      'typeOfEnsembleForecast',
      'perturbationNumber',
      'numberOfForecastsInEnsemble',
      'stream',
    ]);
    expect(keys).toHaveLength(deterministic.length);
    for (const k of keys)
      expect(k).toEqual({
        productDefinitionTemplateNumber: 1,
        typeOfEnsembleForecast: 0,
        perturbationNumber: 0,
        numberOfForecastsInEnsemble: 51,
        stream: 'oper',
      });
    // ecCodes decodes both files' data (a global 0.25° field each): the same statistics of the same
    // number of values, field by field.
    const statistics = ['shortName', 'level', 'step', 'numberOfValues', 'min', 'max', 'average'];
    expect(eccodesKeys(after, statistics)).toEqual(eccodesKeys(before, statistics));
  });

  it('refuses a message of another product template, naming it', () => {
    const bytes = new Uint8Array(readFileSync(source));
    const templates = eccodesKeys(source, ['productDefinitionTemplateNumber', 'offset', 'totalLength']);
    const other = templates.find((k) => k.productDefinitionTemplateNumber !== 0)!;
    const at = Number(other.offset);
    const message = bytes.subarray(at, at + Number(other.totalLength));
    expect(() => asControlMember(message)).toThrow(
      `message 1 has product definition template 4.${other.productDefinitionTemplateNumber}, not 4.0 (a deterministic forecast)`,
    );
    expect(() => asControlMember(message.subarray(0, 100))).toThrow(
      /message 1 \(byte 0\) states \d+ bytes, past the end/,
    );
  });
});
