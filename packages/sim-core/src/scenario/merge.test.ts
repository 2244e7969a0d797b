import { describe, expect, it } from 'vitest';
import { runAggregates, runsForward } from '../analysis/aggregates.js';
import { type AnalysisTargets, RunObserver } from '../analysis/observer.js';
import { analysisTargets, countryAreas } from '../analysis/targets.js';
import type { Zone } from '../geo/zones.js';
import { SoundingWind } from '../wind/analytic.js';
import { gridWind } from '../wind/grid.js';
import { prepareRun } from './entry.js';
import { mergeFrames, mergeRunParts, runPart } from './merge.js';
import { selectMembers } from './prepare.js';
import { runPrepared } from './run.js';
import type { Scenario } from './schema.js';

const wind = new SoundingWind([
  { altM: 0, directionDeg: 140, speedMps: 6 },
  { altM: 4000, directionDeg: 170, speedMps: 15 },
]);
const scenario: Scenario = {
  wind: { type: 'file', paths: ['unused'] },
  launch: {
    sites: [
      { id: 'a', lon: 25.9, lat: 54.4 },
      { id: 'b', lon: 25.3, lat: 54.1 },
    ],
    times: { start: '2025-10-24T17:00:00Z', end: '2025-10-24T19:00:00Z', everySec: 3600 },
  },
  flight: { ascentRateMps: 3, floatAltitudeM: 3000, floatDurationSec: 3600, descentRateMps: 4 },
  solver: { durationSec: 4 * 3600 },
  ensemble: {
    members: 30,
    seed: 9,
    perturb: { positionM: 2000, launchTimeSec: 600, floatAltitudeM: 300, windSigmaMps: 1.5 },
  },
};
const targets: AnalysisTargets = {
  zones: [
    {
      id: 'z',
      name: 'z',
      kind: 'other',
      lowerM: 0,
      upperM: 9000,
      contains: (lon, lat) => lat > 54.6 && lon < 25.6,
      airport: { icao: 'Z', lon: 25.3, lat: 54.7 },
    },
  ],
  origin: { id: 'BY', name: 'Belarus', contains: (_lon, lat) => lat < 54.5 },
  home: { id: 'LT', name: 'Lithuania', contains: (_lon, lat) => lat >= 54.5 },
};

describe('a run split into parts', () => {
  it('merges into exactly the whole run: end states, events, frames, summary', () => {
    const prepared = prepareRun(scenario, wind);
    const whole = runPrepared(prepared, { targets });
    const n = prepared.simulation.members.count;
    // Three interleaved parts, as shards would take them.
    const partsIds = [0, 1, 2].map((k) =>
      Uint32Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 === k),
    );
    const partResults = partsIds.map((ids) => runPrepared(selectMembers(prepared, ids), { targets }));
    const merged = mergeRunParts(
      prepared,
      targets,
      partResults.map((r) => runPart(r, Date.parse(whole.summary.end) / 1000)),
    );
    expect(merged.status).toEqual(whole.status);
    expect(merged.endLon).toEqual(whole.endLon);
    expect(merged.endLat).toEqual(whole.endLat);
    expect(merged.endTSec).toEqual(whole.endTSec);
    expect(merged.events).toEqual(whole.events);
    expect(merged.analysisEvents).toEqual(whole.analysisEvents);
    expect(merged.summary).toEqual(whole.summary);
    expect(whole.summary.zones[0].membersEntered).toBeGreaterThan(0);
    whole.frames.forEach((frame, k) => {
      const f = mergeFrames(
        n,
        partResults.map((r, p) => ({ ids: partsIds[p], frame: r.frames[k] })),
      );
      expect(f.tSec).toBe(frame.tSec);
      expect(Array.from(f.positions)).toEqual(Array.from(frame.positions));
    });
  });
});

describe('mergeRunParts with very many events', () => {
  it('merges parts holding 600 000 events in all (a 100 000-member run on 2 workers has that many)', () => {
    const prepared = prepareRun(scenario, wind);
    const n = prepared.simulation.members.count;
    const halves = [0, 1].map((k) => Uint32Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === k));
    const results = halves.map((ids) => runPrepared(selectMembers(prepared, ids), { targets }));
    const endSec = Date.parse(results[0].summary.end) / 1000;
    const parts = results.map((r) => runPart(r, endSec));
    // Pad each part with synthetic events of its own members, a spread of times as a long run has.
    const PER_PART = 300_000;
    parts.forEach((part, p) => {
      part.events = Array.from({ length: PER_PART }, (_, k) => ({
        member: halves[p][k % halves[p].length],
        kind: 'float' as const,
        tSec: endSec - (k % 977),
        lon: 25,
        lat: 54,
        altM: 3000,
      }));
      part.analysisEvents = Array.from({ length: PER_PART }, (_, k) => ({
        member: halves[p][k % halves[p].length],
        kind: 'zone-exit' as const,
        zone: 'z',
        tSec: endSec - (k % 613),
        lon: 25,
        lat: 54,
        altM: 3000,
      }));
    });
    const merged = mergeRunParts(prepared, targets, parts);
    expect(merged.events).toHaveLength(2 * PER_PART);
    expect(merged.analysisEvents).toHaveLength(2 * PER_PART);
    // Sorted by time, then member, across both parts.
    for (const list of [merged.events, merged.analysisEvents])
      for (let k = 1; k < list.length; k++) {
        const a = list[k - 1];
        const b = list[k];
        if (!(a.tSec < b.tSec || (a.tSec === b.tSec && a.member <= b.member)))
          throw new Error(`events ${k - 1} and ${k} out of order`);
      }
    expect(merged.status).toEqual(runPrepared(prepared, { targets }).status);
  });
});

/** A lon/lat rectangle as a ring. */
const square = (lonMin: number, lonMax: number, latMin: number, latMax: number) => [
  [lonMin, latMin],
  [lonMax, latMin],
  [lonMax, latMax],
  [lonMin, latMax],
  [lonMin, latMin],
];

describe('a run with a float-altitude fan and members leaving the wind, split into parts', () => {
  it('merges into exactly the whole run: bands, bounds, windows, timelines, closest approaches, landings', () => {
    // A wind from the south-west, 8–12 m/s, on a box that ends at 26.2° E: some members leave it
    // across its east edge; zones inside the box and beyond it; two countries and the rest.
    const times = [Date.parse('2025-10-24T16:00:00Z') / 1000, Date.parse('2025-10-25T00:00:00Z') / 1000];
    const nLon = 15;
    const nLat = 13;
    const size = nLon * nLat * 2 * times.length;
    const u = new Float32Array(size).map((_, k) => 8 + (k % 5));
    const boxed = gridWind({
      lon: { start: 24.8, step: 0.1, count: nLon },
      lat: { start: 53.8, step: 0.1, count: nLat },
      levels: { kind: 'altitude', altitudesM: [0, 10_000] },
      timesSec: times,
      u,
      v: new Float32Array(size).fill(3),
      description: 'boxed south-westerly',
    });
    const zone = (id: string, lonMin: number, lonMax: number, lowerM: number, upperM: number): Zone => ({
      id,
      name: id,
      kind: 'other',
      lowerM,
      upperM,
      polygon: [square(lonMin, lonMax, 54.1, 54.5)],
      approximate: false,
      source: 'test',
    });
    const geography = {
      type: 'FeatureCollection',
      features: [
        {
          properties: { id: 'W', name: 'West' },
          geometry: { type: 'Polygon', coordinates: [square(24, 25.5, 53, 56)] },
        },
        {
          properties: { id: 'E', name: 'East' },
          geometry: { type: 'Polygon', coordinates: [square(25.5, 25.8, 53, 56)] },
        },
      ],
    };
    const fanTargets = analysisTargets(
      [zone('inside', 25.7, 25.9, 0, 2500), zone('beyond', 26.4, 26.6, 0, 6000)],
      countryAreas(geography, 'test geography'),
      'E',
      'W',
    );
    const fan: Scenario = {
      ...scenario,
      flight: {
        ascentRateMps: 3,
        floatAltitudesM: [1500, 3000, 4500],
        floatDurationSec: 1800,
        descentRateMps: 4,
      },
      ensemble: { ...scenario.ensemble, members: 31 },
      analysis: { closureThreshold: 0.05 },
    };
    const prepared = prepareRun(fan, boxed);
    const whole = runPrepared(prepared, { targets: fanTargets });
    const n = prepared.simulation.members.count;
    const partsIds = [0, 1].map((k) =>
      Uint32Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === k),
    );
    const parts = partsIds.map((ids) => runPrepared(selectMembers(prepared, ids), { targets: fanTargets }));
    const merged = mergeRunParts(
      prepared,
      fanTargets,
      parts.map((r) => runPart(r, Date.parse(whole.summary.end) / 1000)),
    );
    expect(merged.summary).toEqual(whole.summary);
    // The case exercises what it claims to: members left the box, a fan's bands, landings.
    expect(whole.summary.coverage.leftDomain.count).toBeGreaterThan(0);
    expect(whole.summary.bands).toHaveLength(3);
    expect(whole.summary.zones[1].membersMayHaveEntered).toBeGreaterThan(0);
    expect(whole.summary.landings.count).toBeGreaterThan(0);
    expect(whole.summary.zones[0].thresholdWindow.length).toBeGreaterThan(0);
    // Each closest approach's horizontal distance, as parts bring it (workers compute it) or not.
    const horizontal = whole.observer.closestHorizontalM();
    const { closestM, closestLon, closestLat } = whole.observer;
    const geometry = fanTargets.zones[1].geometry!;
    const k = Array.from(closestM).findIndex((m, j) => j % 2 === 1 && Number.isFinite(m));
    expect(horizontal[k]).toBe(geometry.distanceM(closestLon[k], closestLat[k]));
    expect(Array.from(horizontal).filter((_, j) => !Number.isFinite(closestM[j]))).toSatisfy((a: number[]) =>
      a.every(Number.isNaN),
    );
    const records = parts.map((r) => runPart(r, Date.parse(whole.summary.end) / 1000));
    expect(records.every((r) => r.observer.closestHorizontalM)).toBe(true);
    const partial = mergeRunParts(prepared, fanTargets, [
      records[0],
      { ...records[1], observer: { ...records[1].observer, closestHorizontalM: undefined } },
    ]);
    expect(partial.observer.closestHorizontalM()).toEqual(horizontal);
    expect(partial.summary).toEqual(whole.summary);
    // With the aggregates workers send (sorted per part, merged here): the same summary, from
    // interleaved parts, from one part of every member (its records taken as they are), and with
    // a part without them (the summary then computes them from the merged records).
    const withAggregates = parts.map((r) => ({
      ...runPart(r, Date.parse(whole.summary.end) / 1000),
      aggregates: runAggregates(r, runsForward(prepared.simulation)),
    }));
    expect(withAggregates[0].aggregates.zones[0].entries.length).toBeGreaterThan(0);
    expect(mergeRunParts(prepared, fanTargets, withAggregates).summary).toEqual(whole.summary);
    const one = {
      ...runPart(whole, Date.parse(whole.summary.end) / 1000),
      aggregates: runAggregates(whole, runsForward(prepared.simulation)),
    };
    expect(mergeRunParts(prepared, fanTargets, [one]).summary).toEqual(whole.summary);
    expect(
      mergeRunParts(prepared, fanTargets, [
        withAggregates[0],
        { ...withAggregates[1], aggregates: undefined },
      ]).summary,
    ).toEqual(whole.summary);
    // A shard of the run (every third member), merged from its two halves' aggregates, is what
    // the shard gives run alone.
    const shard = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 === 0);
    const alone = runPrepared(selectMembers(prepared, shard), { targets: fanTargets });
    const halves = [0, 1].map((h) => shard.filter((_, q) => q % 2 === h));
    const shardParts = halves.map((ids) => {
      const r = runPrepared(selectMembers(prepared, ids), { targets: fanTargets });
      return {
        ...runPart(r, Date.parse(whole.summary.end) / 1000),
        ids,
        aggregates: runAggregates(r, runsForward(prepared.simulation)),
      };
    });
    const mergedShard = mergeRunParts(prepared, fanTargets, shardParts, [], shard);
    expect(mergedShard.summary).toEqual(alone.summary);
    expect(mergedShard.observer.entryTSec).toEqual(alone.observer.entryTSec);
    // Members no part brings hold "nothing recorded", as in an observer that absorbed the parts.
    const half = RunObserver.ofParts(fanTargets, prepared.simulation.members, [
      { records: shardParts[0].observer, ids: halves[0] },
    ]);
    const absorbed = new RunObserver(fanTargets, prepared.simulation.members);
    absorbed.absorb(shardParts[0].observer, halves[0]);
    expect(half.records()).toEqual(absorbed.records());
    expect(Number.isNaN(half.entryTSec[1 * half.zoneCount])).toBe(true);
  });
});
