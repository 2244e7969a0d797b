/**
 * The viewer's side of the contracts with the server and sim-core, checked against their own code
 * (no browser needed): the page's message handling (stream.ts `dispatch`) fed by a real server as a
 * browser receives it, binary and JSON frames alike; the events it hands on are of the core's
 * kinds; and what the page exports from a streamed run is, byte for byte, what `balloon-sim run
 * --out` writes for the same scenario and seed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readScenarioFile } from '@balloon-sim/node';
import { cli } from '@balloon-sim/node/testing';
import { browserLikeSocket, startServer } from '@balloon-sim/server/testing';
import type { AnalysisEvent, RunSummary, SimEvent } from '@balloon-sim/sim-core';
import {
  densityGrid,
  encodeFrame,
  frameMessage,
  RUN_EVENT_KINDS,
  StreamedTracks,
} from '@balloon-sim/sim-core/protocol';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { zoneLimits } from './basemap.js';
import { densityRegions } from './contours.js';
import { csvOf, geoJsonOf } from './export.js';
import { type MemberFacts, noteEvents } from './hover.js';
import { dispatch, type StreamHandler } from './stream.js';

const DEFAULT = resolve(import.meta.dirname, '../../../fixtures/scenarios/default.json');

/** A handler that records what the page is told. */
function recorder() {
  const seen = {
    tracks: new StreamedTracks(),
    frames: [] as { index: number; tSec: number; positions: Float32Array }[],
    kinds: new Set<string>(),
    binaryFrames: false,
    runId: '',
    summary: null as RunSummary | null,
    end: null as string | null,
  };
  let finished: () => void = () => {};
  const ended = new Promise<void>((r) => {
    finished = r;
  });
  const handler: StreamHandler = {
    accepted(info) {
      seen.tracks.accepted(info);
      seen.binaryFrames = info.binaryFrames;
      seen.runId = info.runId;
    },
    progress() {},
    frame(index, tSec, positions) {
      seen.frames.push({ index, tSec, positions });
      seen.tracks.frame(index, tSec, positions);
    },
    events(message) {
      for (const e of message.events) seen.kinds.add(e.kind);
      seen.tracks.events(message);
    },
    summary(summary) {
      seen.summary = summary;
    },
    done() {
      seen.end = 'done';
      finished();
    },
    cancelled() {
      seen.end = 'cancelled';
      finished();
    },
    error(message) {
      seen.end = `error: ${message}`;
      finished();
    },
  };
  return { seen, handler, ended };
}

describe('frames as the page decodes them', () => {
  const positions = Float32Array.of(25.1, 54.2, 3000.5, Number.NaN, Number.NaN, Number.NaN, 24.9, 54.7, 120);

  it('a binary frame (an ArrayBuffer, as a browser receives it) and a JSON frame give the same positions', () => {
    const { seen, handler } = recorder();
    const bytes = encodeFrame(0, { tSec: 1_761_325_200, positions });
    dispatch(bytes.buffer, handler);
    dispatch(JSON.stringify(frameMessage(1, { tSec: 1_761_325_800, positions })), handler);
    expect(seen.frames.map((f) => [f.index, f.tSec])).toEqual([
      [0, 1_761_325_200],
      [1, 1_761_325_800],
    ]);
    expect([...seen.frames[0].positions]).toEqual([...positions]);
    expect(seen.frames[1].positions[0]).toBe(positions[0]);
    expect(Number.isNaN(seen.frames[1].positions[4])).toBe(true);
  });

  it('a binary message that is not a frame is refused, naming the magic', () => {
    expect(() => dispatch(new ArrayBuffer(24), recorder().handler)).toThrow(/BSF1/);
  });

  it("the handler's event kinds are the core's (simulation and analysis), by type", () => {
    type PageKind = Parameters<StreamHandler['events']>[0]['events'][number]['kind'];
    expectTypeOf<PageKind>().toEqualTypeOf<SimEvent['kind'] | AnalysisEvent['kind']>();
  });
});

describe("the page's member facts", () => {
  it('every track-ending kind of the core ends a member for the hover card, non-finite included', () => {
    const facts: MemberFacts = {
      layout: null,
      launchTSec: new Float64Array(6).fill(Number.NaN),
      end: new Map(),
    };
    const at = (member: number, kind: (typeof RUN_EVENT_KINDS)[number], minute: number) => ({
      member,
      kind,
      time: `2025-10-24T17:${String(minute).padStart(2, '0')}:00.000Z`,
      lon: 25,
      lat: 54,
      altM: 0,
    });
    const crossings = noteEvents(facts, [
      at(0, 'launch', 0),
      at(0, 'border-crossing', 10),
      at(0, 'non-finite', 20),
      at(1, 'landing', 30),
      at(2, 'left-domain', 31),
      at(3, 'wind-ended', 32),
      at(4, 'launch-point', 33),
      at(5, 'descent', 34),
    ]);
    expect(facts.launchTSec[0]).toBe(Date.UTC(2025, 9, 24, 17) / 1000);
    expect(crossings).toHaveLength(1);
    expect([...facts.end].map(([m, e]) => [m, e.kind])).toEqual([
      [0, 'non-finite'],
      [1, 'landing'],
      [2, 'left-domain'],
      [3, 'wind-ended'],
      [4, 'launch-point'],
    ]);
  });
});

describe('a run streamed to the page, against `balloon-sim run --out`', () => {
  let dir: string;
  let cliCsv: string;
  let cliGeoJson: string;

  // The command line's time of run, fixed: the files differ from the page's only there.
  const CLI_RUN_TIME = '2025-10-24T18:31:00.000Z';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'balloon-viewer-export-'));
    const run = cli(['run', DEFAULT, '--out', join(dir, 'run.geojson'), '--out', join(dir, 'run.csv')], {
      env: { ...process.env, SOURCE_DATE_EPOCH: String(Date.parse(CLI_RUN_TIME) / 1000) },
    });
    expect(run.code, run.stderr).toBe(0);
    cliCsv = readFileSync(join(dir, 'run.csv'), 'utf8');
    cliGeoJson = readFileSync(join(dir, 'run.geojson'), 'utf8');
  }, 60_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the default scenario on a server (binary frames from `binaryFrameMembers` members). */
  async function streamed(binaryFrameMembers: number) {
    const server = await startServer({ limits: { binaryFrameMembers } });
    try {
      const { seen, handler, ended } = recorder();
      const socket = await browserLikeSocket(server.ws, (data) => dispatch(data, handler));
      const { scenario } = await readScenarioFile(DEFAULT);
      socket.send(JSON.stringify({ type: 'run', scenario }));
      await ended;
      socket.close();
      expect(seen.end).toBe('done');
      // A finished run's export comes from the server, which holds it.
      const fromServer = async (format: string) =>
        (await fetch(`${server.http}/api/runs/${seen.runId}/${format}`)).text();
      return { seen, serverCsv: await fromServer('csv'), serverGeoJson: await fromServer('geojson') };
    } finally {
      await server.app.close();
    }
  }

  for (const [frames, members] of [
    ['binary', 500],
    ['JSON', 10_000],
  ] as const)
    it(`with ${frames} frames: the page's CSV and GeoJSON are the command line's, byte for byte`, async () => {
      const { seen, serverCsv, serverGeoJson } = await streamed(members);
      expect(seen.binaryFrames).toBe(frames === 'binary');
      // Every kind the page was told of is one of the core's.
      for (const kind of seen.kinds) expect(RUN_EVENT_KINDS).toContain(kind);
      for (const kind of ['launch', 'float', 'descent', 'landing', 'border-crossing', 'zone-entry'])
        expect(seen.kinds).toContain(kind);
      const record = { runId: null, finished: false, tracks: seen.tracks };
      // The server's time of run (given in its accepted message), where the command line has its own.
      const serverTime = seen.tracks.provenance?.runTime ?? '';
      expect(Number.isFinite(Date.parse(serverTime))).toBe(true);
      const atCliTime = (text: string) => text.split(serverTime).join(CLI_RUN_TIME);
      const csv = csvOf(record);
      const header = csv.split('\n').findIndex((l) => !l.startsWith('# '));
      expect(csv.split('\n')[header]).toBe('member,site,launch,ensemble_member,time,lon,lat,alt_m');
      expect(csv.length).toBeGreaterThan(600 * 40);
      expect(atCliTime(csv)).toBe(cliCsv);
      expect(atCliTime(geoJsonOf(record))).toBe(cliGeoJson);
      // Once finished, the page downloads the server's files: the same bytes again.
      expect(atCliTime(serverCsv)).toBe(cliCsv);
      expect(atCliTime(serverGeoJson)).toBe(cliGeoJson);
    });
});

describe('map helpers', () => {
  it('zoneLimits gives metres and feet, surface and unlimited by name', () => {
    expect(zoneLimits({ lowerM: 0, upperM: 762 })).toBe('0–762 m (SFC–2500 ft)');
    expect(zoneLimits({ lowerM: 457.2, upperM: 5943.6 })).toBe('457–5944 m (1500–19500 ft)');
    expect(zoneLimits({ lowerM: 0, upperM: null })).toBe('0 m–UNL (SFC–UNL)');
    expect(zoneLimits({ lowerM: 300, upperM: 'UNL' })).toBe('300 m–UNL (1000 ft–UNL)');
  });

  it("densityRegions on the core's densityGrid: the 50 % region lies inside the 90 % one, round the densest cell", () => {
    // 100 landings in a 5 × 5 block of 0.05° cells: 60 in the middle cell, the rest spread evenly.
    const lons: number[] = [];
    const lats: number[] = [];
    for (let j = 0; j < 5; j++)
      for (let i = 0; i < 5; i++) {
        const n = i === 2 && j === 2 ? 60 : i + j * 5 < 17 ? 2 : 1;
        for (let k = 0; k < n; k++) {
          lons.push(25.025 + 0.05 * i);
          lats.push(54.025 + 0.05 * j);
        }
      }
    const grid = densityGrid(lons, lats, 0.05)!;
    expect(grid).toMatchObject({ nx: 5, ny: 5, total: 100 });
    const [r90, r50] = densityRegions(grid);
    expect(r90.share).toBe(0.9);
    expect(r50.share).toBe(0.5);
    expect(r50.geometry.value).toBeGreaterThan(r90.geometry.value);
    expect(r50.geometry.coordinates.length).toBeGreaterThan(0);
  });
});
