import { describe, expect, it } from 'vitest';
import { ANALYSIS_EVENT_KINDS } from '../analysis/observer.js';
import { geoJson, runTracks } from '../output/formats.js';
import { prepareRun, runScenario } from '../scenario/entry.js';
import type { Scenario } from '../scenario/schema.js';
import { EVENT_KINDS, STATUS_NAMES } from '../solver/status.js';
import { UniformWind } from '../wind/analytic.js';
import type { WindField } from '../wind/wind-field.js';
import {
  decodeFrame,
  encodeFrame,
  eventJson,
  FRAME_HEADER_BYTES,
  FRAME_MAGIC,
  type FrameMessage,
  frameMessage,
  isTrackEnd,
  jsonPositions,
  launchTimeCount,
  launchTimesSec,
  type MemberLayout,
  memberCount,
  memberIndex,
  memberLaunchOf,
  memberNumberOf,
  memberOrigin,
  memberSiteOf,
  positionsJson,
  RUN_EVENT_KINDS,
  readFrameHeader,
  type ServerMessage,
  StreamedTracks,
  TRACK_END_KINDS,
  TRACK_END_STATUS,
} from './index.js';

// 2025-10-24T17:00:00Z
const T17 = Date.UTC(2025, 9, 24, 17) / 1000;

describe('binary frames (BSF1)', () => {
  const positions = Float32Array.of(25.1, 54.2, 3000.5, Number.NaN, Number.NaN, Number.NaN, 24.9, 54.7, 120);

  it('lays the frame out as documented: "BSF1", index, time, count, then float32 triples, little-endian', () => {
    const bytes = encodeFrame(7, { tSec: T17, positions });
    expect(bytes.byteLength).toBe(20 + 12 * 3);
    // The magic is the four ASCII bytes of "BSF1".
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('BSF1');
    expect(FRAME_MAGIC).toBe(new DataView(new TextEncoder().encode('BSF1').buffer).getUint32(0, true));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(view.getUint32(4, true)).toBe(7);
    expect(view.getFloat64(8, true)).toBe(T17);
    expect(view.getUint32(16, true)).toBe(3);
    expect(view.getFloat32(20 + 12 * 2 + 4, true)).toBeCloseTo(54.7, 5); // member 2's lat
    expect(Number.isNaN(view.getFloat32(20 + 12, true))).toBe(true); // member 1 not flying
  });

  it('decodes what it encodes, NaN kept for members not flying', () => {
    const frame = decodeFrame(encodeFrame(7, { tSec: T17, positions }));
    expect(frame.index).toBe(7);
    expect(frame.tSec).toBe(T17);
    expect([...frame.positions]).toEqual([...positions]);
    expect(readFrameHeader(encodeFrame(7, { tSec: T17, positions }))).toEqual({
      index: 7,
      tSec: T17,
      members: 3,
    });
  });

  it('views the positions in place in an ArrayBuffer (as a browser receives it), copies them when unaligned', () => {
    const bytes = encodeFrame(1, { tSec: T17, positions });
    const message = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const inPlace = decodeFrame(message);
    expect(inPlace.positions.buffer).toBe(message);
    expect(inPlace.positions.byteOffset).toBe(FRAME_HEADER_BYTES);
    // The same message one byte into a larger buffer (as a Node Buffer slice can be): copied, same values.
    const shifted = new Uint8Array(bytes.byteLength + 1);
    shifted.set(bytes, 1);
    const copied = decodeFrame(shifted.subarray(1));
    expect(copied.positions.buffer).not.toBe(shifted.buffer);
    expect([...copied.positions]).toEqual([...positions]);
  });

  it('refuses what is not a frame, saying why', () => {
    expect(() => decodeFrame(new ArrayBuffer(24))).toThrow(/not a balloon-sim binary frame \(magic "BSF1"\)/);
    expect(() => decodeFrame(new Uint8Array(3))).toThrow(/3 bytes/);
    const bytes = encodeFrame(0, { tSec: T17, positions });
    expect(() => decodeFrame(bytes.subarray(0, bytes.byteLength - 4))).toThrow(
      'binary frame of 3 members must be 56 bytes, got 52',
    );
    expect(() => encodeFrame(0, { tSec: T17, positions: [1, 2] })).toThrow(/3 numbers per member, got 2/);
  });
});

describe('JSON messages', () => {
  it('a JSON frame round-trips through text to the binary layout, positions rounded to 1e-6° and 0.1 m', () => {
    const positions = Float32Array.of(25.123456789, 54.2, 3000.46, Number.NaN, Number.NaN, Number.NaN);
    const message: ServerMessage = JSON.parse(
      JSON.stringify(frameMessage(3, { tSec: T17 + 0.5, positions })),
    );
    expect(message.type).toBe('frame');
    const frame = message as FrameMessage;
    expect(frame).toMatchObject({ index: 3, time: '2025-10-24T17:00:00.500Z', tSec: T17 + 0.5 });
    expect(frame.positions[1]).toBeNull();
    const decoded = jsonPositions(frame.positions);
    // The float32 nearest 25.123457 is the float32 of the original position.
    expect(decoded[0]).toBe(positions[0]);
    expect(decoded[2]).toBe(Math.fround(3000.5));
    expect(Number.isNaN(decoded[3])).toBe(true);
    // Rounded again (as the writers do), both give the same numbers.
    expect(positionsJson({ positions: decoded })).toEqual(positionsJson({ positions }));
  });

  it('an event record carries the kind, the zone when there is one, ISO time and rounded position', () => {
    const e = {
      member: 4,
      kind: 'zone-entry' as const,
      zone: 'EYVI-CTR',
      tSec: T17,
      lon: 25.1234567,
      lat: 54.7,
      altM: 812.34,
    };
    const record = JSON.parse(JSON.stringify(eventJson(e)));
    expect(record).toEqual({
      member: 4,
      kind: 'zone-entry',
      zone: 'EYVI-CTR',
      time: '2025-10-24T17:00:00.000Z',
      lon: 25.123457,
      lat: 54.7,
      altM: 812.3,
    });
    expect(
      eventJson({ member: 0, kind: 'landing', tSec: T17, lon: 25, lat: 54, altM: 0 }),
    ).not.toHaveProperty('zone');
  });

  it('StreamedTracks puts each event message with the frame it names, frame 0 included after it arrived', () => {
    const tracks = new StreamedTracks();
    const layout: MemberLayout = { sites: [{ id: 'a' }], launchTimesSec: [T17], membersPerLaunch: 1 };
    tracks.accepted({ layout });
    const launch = eventJson({ member: 0, kind: 'launch', tSec: T17, lon: 25, lat: 54, altM: 0 });
    const landing = eventJson({ member: 0, kind: 'landing', tSec: T17 + 300, lon: 25.1, lat: 54, altM: 0 });
    tracks.frame(0, T17, Float32Array.of(25, 54, 0));
    tracks.events({ frame: 0, events: [launch] });
    tracks.events({ frame: 1, events: [landing] });
    tracks.frame(1, T17 + 600, Float32Array.of(Number.NaN, Number.NaN, Number.NaN));
    expect(tracks.layout).toBe(layout);
    expect(tracks.frames.map((f) => f.events)).toEqual([[launch], [landing]]);
    expect(() => tracks.frame(3, T17 + 1800, Float32Array.of(1, 2, 3))).toThrow(
      /frame 3 arrived after 2 frames/,
    );
  });
});

describe('event kinds', () => {
  it('are the simulation’s and the analysis’s own, each once', () => {
    expect(RUN_EVENT_KINDS).toEqual([...EVENT_KINDS, ...ANALYSIS_EVENT_KINDS]);
    expect(new Set(RUN_EVENT_KINDS).size).toBe(RUN_EVENT_KINDS.length);
  });

  it('track ends: simulation kinds, one for each status a member can end in', () => {
    for (const kind of TRACK_END_KINDS) expect(EVENT_KINDS).toContain(kind);
    const ended = STATUS_NAMES.filter((s) => s !== 'pending' && s !== 'active');
    expect(Object.values(TRACK_END_STATUS).sort()).toEqual([...ended].sort());
    expect(isTrackEnd('non-finite')).toBe(true);
    expect(isTrackEnd('descent')).toBe(false);
    expect(isTrackEnd('toString')).toBe(false);
  });

  /**
   * A fake field over 20–30° E, 50–58° N for three hours from 17:00: 10 m/s eastward, and no value
   * (NaN) between 27 and 27.5° E, as a field with a hole.
   */
  const boxed: WindField = {
    coverage: {
      lonMin: 20,
      lonMax: 30,
      wrapsLon: false,
      latMin: 50,
      latMax: 58,
      altMinM: 0,
      altMaxM: 10_000,
      tMinSec: T17,
      tMaxSec: T17 + 3 * 3600,
    },
    description: 'east wind in a box, a hole at 27–27.5° E',
    sample(lon, _lat, _altM, _tSec, out) {
      const hole = lon > 27 && lon < 27.5;
      out[0] = hole ? Number.NaN : 10;
      out[1] = hole ? Number.NaN : 0;
    },
  };

  it('every track-ending event leaves its member in the status the table gives (the solver’s pairs)', () => {
    // Launches at 17:00 and 19:00 from three sites: one far from the edges (its 17:00 balloon lands
    // at about 18:37, its 19:00 one still flies when the wind ends at 20:00), one near the east edge
    // (leaves the box), one just west of the hole (stops as non-finite); then a backward run traced
    // down to its launch point.
    const forward: Scenario = {
      name: 'ends',
      wind: { type: 'uniform', uMps: 0, vMps: 0 },
      launch: {
        sites: [
          { id: 'land', lon: 22, lat: 54 },
          { id: 'edge', lon: 29.95, lat: 54 },
          { id: 'hole', lon: 26.95, lat: 54 },
        ],
        times: { start: '2025-10-24T17:00:00Z', end: '2025-10-24T19:00:00Z', everySec: 7200 },
      },
      flight: { ascentRateMps: 5, floatAltitudeM: 1000, floatDurationSec: 5400, descentRateMps: 5 },
      solver: { durationSec: 4 * 3600 },
    };
    const backward: Scenario = {
      name: 'back',
      wind: { type: 'uniform', uMps: 10, vMps: 0 },
      launch: {
        sites: [{ id: 'seen', lon: 25, lat: 54, altM: 1000 }],
        times: { start: '2025-10-24T20:00:00Z' },
      },
      flight: { ascentRateMps: 4, floatAltitudeM: 1000, floatDurationSec: 1800 },
      solver: { durationSec: 3 * 3600, direction: 'backward' },
    };
    const results = [runScenario(forward, { wind: boxed }), runScenario(backward)];
    const seen = new Set<string>();
    for (const result of results) {
      const ends = [...result.events].filter((e) => isTrackEnd(e.kind));
      for (let i = 0; i < result.status.length; i++) {
        const mine = ends.filter((e) => e.member === i);
        const status = STATUS_NAMES[result.status[i]];
        if (status === 'pending' || status === 'active') expect(mine).toEqual([]);
        else {
          expect(mine).toHaveLength(1);
          expect(TRACK_END_STATUS[mine[0].kind as keyof typeof TRACK_END_STATUS]).toBe(status);
          seen.add(mine[0].kind);
        }
      }
      // The writers' status, read from the events alone, is the run's.
      const features = (geoJson(runTracks(result)) as { features: { properties: { status?: string } }[] })
        .features;
      expect(features.slice(0, result.status.length).map((f) => f.properties.status)).toEqual(
        [...result.status].map((s) => STATUS_NAMES[s]),
      );
    }
    expect([...seen].sort()).toEqual([...TRACK_END_KINDS].sort());
  });

  it('a member not launched when the run ends is pending, one launched and flying is active', () => {
    const s: Scenario = {
      name: 'short',
      wind: { type: 'uniform', uMps: 10, vMps: 0 },
      launch: {
        sites: [{ id: 'a', lon: 25, lat: 54 }],
        times: { start: '2025-10-24T17:00:00Z', end: '2025-10-24T19:00:00Z', everySec: 7200 },
      },
      flight: { ascentRateMps: 5, floatAltitudeM: 1000 },
      solver: { durationSec: 3600 },
    };
    const result = runScenario(s);
    expect([...result.status].map((c) => STATUS_NAMES[c])).toEqual(['active', 'pending']);
    const features = (geoJson(runTracks(result)) as { features: { properties: { status?: string } }[] })
      .features;
    expect(features.slice(0, 2).map((f) => f.properties.status)).toEqual(['active', 'pending']);
  });
});

describe('member layout', () => {
  it('launch times: both ends included, an end on the grid counted despite rounding, one without an end', () => {
    const times = { start: '2025-10-24T17:00:00Z', end: '2025-10-24T20:00:00Z', everySec: 3600 };
    expect(launchTimeCount(times)).toBe(4);
    expect(launchTimesSec(times)).toEqual([T17, T17 + 3600, T17 + 7200, T17 + 10_800]);
    // 0.1 h steps: 30 × 360 s lands on the end, though 10 800 / 360 is computed in floating point.
    expect(launchTimeCount({ ...times, everySec: 360 })).toBe(31);
    // An end between two steps: the last launch is the step before it.
    expect(launchTimesSec({ ...times, everySec: 5400 })).toEqual([T17, T17 + 5400, T17 + 10_800]);
    expect(launchTimesSec({ ...times, everySec: 4000 })).toEqual([T17, T17 + 4000, T17 + 8000]);
    expect(launchTimesSec({ start: times.start })).toEqual([T17]);
    expect(launchTimesSec({ start: times.start, end: times.start, everySec: 60 })).toEqual([T17]);
  });

  it('member index ↔ (site, launch, number), site first', () => {
    const layout: MemberLayout = {
      sites: [{ id: 'a' }, { id: 'b', name: 'B' }, { id: 'c' }],
      launchTimesSec: [T17, T17 + 3600],
      membersPerLaunch: 4,
    };
    expect(memberCount(layout)).toBe(24);
    let member = 0;
    for (let s = 0; s < 3; s++)
      for (let k = 0; k < 2; k++)
        for (let e = 0; e < 4; e++, member++) {
          expect(memberIndex(layout, s, k, e)).toBe(member);
          expect([
            memberSiteOf(layout, member),
            memberLaunchOf(layout, member),
            memberNumberOf(layout, member),
          ]).toEqual([s, k, e]);
        }
    expect(memberOrigin(layout, 13)).toEqual({ site: 'b', launch: '2025-10-24T18:00:00.000Z', number: 1 });
  });

  it('is the layout a prepared run is built in', () => {
    const s: Scenario = {
      name: 'layout',
      wind: { type: 'uniform', uMps: 10, vMps: 0 },
      launch: {
        sites: [
          { id: 'a', lon: 25, lat: 54 },
          { id: 'b', lon: 25.5, lat: 54.2 },
        ],
        times: { start: '2025-10-24T17:00:00Z', end: '2025-10-24T19:00:00Z', everySec: 3600 },
      },
      flight: { ascentRateMps: 5, floatAltitudeM: 1000 },
      solver: { durationSec: 3600 },
      ensemble: { members: 5, perturb: { positionM: 100 } },
    };
    const prepared = prepareRun(s, new UniformWind(10, 0));
    expect(prepared.launchTimesSec).toEqual(launchTimesSec(s.launch.times));
    expect(memberCount(prepared)).toBe(prepared.simulation.members.count);
    for (let i = 0; i < memberCount(prepared); i++) {
      expect(prepared.memberSite[i]).toBe(memberSiteOf(prepared, i));
      expect(prepared.memberLaunch[i]).toBe(memberLaunchOf(prepared, i));
      expect(prepared.memberNumber[i]).toBe(memberNumberOf(prepared, i));
      // Each member starts from its own site (within 5 σ of the 100 m perturbation).
      const site = prepared.sites[memberSiteOf(prepared, i)];
      expect(Math.abs(prepared.simulation.members.lat[i] - site.lat)).toBeLessThan(0.005);
    }
  });
});
