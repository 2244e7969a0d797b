/**
 * The viewer's side of the contracts with the server and sim-core, checked against their own code
 * (no browser needed): binary and JSON frames decoded as the server encodes them, members told apart
 * in the order sim-core builds them, and the page's exports in sim-core's columns.
 */
import { resolve } from 'node:path';
import {
  encodeFrame as encodeBinaryFrame,
  type Frame,
  frameMessage,
  prepareRun,
} from '@balloon-sim/sim-core';
import { loadScenarioWind, readScenarioFile } from '@balloon-sim/sim-core/node';
import { describe, expect, it } from 'vitest';
import { zoneLimits } from './basemap.js';
import { densityRegions } from './contours.js';
import { csvOf } from './export.js';
import { launchTimes, memberLaunch, memberSite, type RunLayout } from './form.js';
import { decodeBinaryFrame, jsonPositions } from './stream.js';

const DEFAULT = resolve(import.meta.dirname, '../../../fixtures/scenarios/default.json');
const jsonFrame = (index: number, frame: Frame) => JSON.stringify(frameMessage(index, frame));

describe('frames', () => {
  const positions = Float32Array.from([
    25.1,
    54.2,
    3000.5,
    Number.NaN,
    Number.NaN,
    Number.NaN,
    24.9,
    54.7,
    120,
  ]);

  it('decodeBinaryFrame reads what the server encodes, NaN for members not flying', () => {
    const bytes = encodeBinaryFrame(7, { tSec: 1_761_325_200, positions });
    // The browser gets an ArrayBuffer of exactly the message.
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const frame = decodeBinaryFrame(buffer);
    expect(frame.index).toBe(7);
    expect(frame.tSec).toBe(1_761_325_200);
    expect([...frame.positions]).toEqual([...positions]);
  });

  it('decodeBinaryFrame refuses a message that is not a frame', () => {
    expect(() => decodeBinaryFrame(new ArrayBuffer(24))).toThrow(/BSF1/);
  });

  it('jsonPositions gives the binary layout for a JSON frame, NaN for null', () => {
    const message = JSON.parse(jsonFrame(3, { tSec: 0, positions }));
    const decoded = jsonPositions(message.positions);
    expect(decoded[0]).toBeCloseTo(25.1, 5);
    expect(decoded[2]).toBeCloseTo(3000.5, 1);
    expect(Number.isNaN(decoded[3])).toBe(true);
    expect(decoded[8]).toBeCloseTo(120, 5);
  });
});

describe('members', () => {
  it('memberSite and memberLaunch follow the order in which sim-core builds members', async () => {
    const { scenario, baseDir } = await readScenarioFile(DEFAULT);
    const prepared = prepareRun(scenario, await loadScenarioWind(scenario.wind, baseDir));
    const layout: RunLayout = {
      siteIds: scenario.launch.sites!.map((s) => s.id),
      launchTimesSec: launchTimes(scenario.launch.times),
      membersPerLaunch: scenario.ensemble!.members!,
    };
    expect(layout.launchTimesSec).toEqual([...prepared.launchTimesSec]);
    const n = prepared.memberSite.length;
    expect(n).toBe(600);
    for (let i = 0; i < n; i++) {
      expect(memberSite(layout, i)).toBe(prepared.memberSite[i]);
      expect(memberLaunch(layout, i)).toBe(prepared.memberLaunch[i]);
    }
  });

  it('launchTimes: one launch without an end, both ends included with one', () => {
    expect(launchTimes({ start: '2025-10-24T17:00:00Z' })).toEqual([1_761_325_200]);
    expect(
      launchTimes({ start: '2025-10-24T17:00:00Z', end: '2025-10-24T18:00:00Z', everySec: 1800 }),
    ).toEqual([1_761_325_200, 1_761_327_000, 1_761_328_800]);
  });

  it('csvOf writes sim-core CSV columns, a row per member flying', () => {
    const csv = csvOf({
      runId: null,
      finished: false,
      layout: { siteIds: ['a', 'b'], launchTimesSec: [1_761_325_200], membersPerLaunch: 1 },
      members: 2,
      frames: [
        {
          tSec: 1_761_325_200,
          positions: Float32Array.from([25, 54, 150, Number.NaN, Number.NaN, Number.NaN]),
        },
      ],
      events: [],
    });
    expect(csv).toBe(
      'member,site,launch,ensemble_member,time,lon,lat,alt_m\n0,a,2025-10-24T17:00:00.000Z,0,2025-10-24T17:00:00.000Z,25,54,150\n',
    );
  });
});

describe('map helpers', () => {
  it('zoneLimits gives metres and feet, surface and unlimited by name', () => {
    expect(zoneLimits({ lowerM: 0, upperM: 762 })).toBe('0–762 m (SFC–2500 ft)');
    expect(zoneLimits({ lowerM: 457.2, upperM: 5943.6 })).toBe('457–5944 m (1500–19500 ft)');
    expect(zoneLimits({ lowerM: 0, upperM: null })).toBe('0 m–UNL (SFC–UNL)');
    expect(zoneLimits({ lowerM: 300, upperM: 'UNL' })).toBe('300 m–UNL (1000 ft–UNL)');
  });

  it('densityRegions: the 50 % region lies inside the 90 % one, round the densest cell', () => {
    // 100 points in a 5 × 5 block with a peak of 60 in its middle cell.
    const counts = new Array(25).fill(40 / 24);
    counts[12] = 60;
    const [r90, r50] = densityRegions({ lon0: 25, lat0: 54, cellDeg: 0.05, nx: 5, ny: 5, counts });
    expect(r90.share).toBe(0.9);
    expect(r50.share).toBe(0.5);
    expect(r50.geometry.value).toBeGreaterThan(r90.geometry.value);
    expect(r50.geometry.coordinates.length).toBeGreaterThan(0);
  });
});
