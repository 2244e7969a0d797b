import { describe, expect, it } from 'vitest';
import type { AnalysisTargets } from '../analysis/observer.js';
import { EARTH_RADIUS_M } from '../earth.js';
import { eventJson } from '../protocol/events.js';
import { prepareRun, runScenario } from '../scenario/entry.js';
import { runPrepared } from '../scenario/run.js';
import type { Scenario } from '../scenario/schema.js';
import type { SimEvent } from '../solver/status.js';
import { UniformWind } from '../wind/analytic.js';
import {
  CSV_HEADER,
  csvChunks,
  csvHead,
  csvRows,
  formatOfPath,
  geoJson,
  kml,
  ndjsonRecord,
  runTracks,
} from './formats.js';

const scenario: Scenario = {
  name: 'formats',
  wind: { type: 'uniform', uMps: 10, vMps: 2 },
  launch: {
    sites: [
      { id: 'a', lon: 25, lat: 54 },
      { id: 'b', lon: 25.5, lat: 54.2 },
    ],
    times: { start: '2025-10-24T18:00:00Z' },
  },
  flight: { ascentRateMps: 4, floatAltitudeM: 2000, floatDurationSec: 1800, descentRateMps: 5 },
  solver: { durationSec: 3600 },
  output: { intervalSec: 600 },
  ensemble: { members: 3, seed: 1, perturb: { positionM: 500 } },
};
const targets: AnalysisTargets = {
  zones: [
    {
      id: 'z',
      name: 'z',
      kind: 'other',
      lowerM: 0,
      upperM: 9000,
      contains: (lon) => lon > 25.2 && lon < 25.3,
    },
  ],
};
const result = runScenario(scenario, { targets });

describe('output formats', () => {
  it('picks the format from the extension', () => {
    expect(
      ['a.geojson', 'b.CSV', 'c.ndjson', 'd.jsonl', 'e.kml', 'f.json', 'g.txt'].map(formatOfPath),
    ).toEqual(['geojson', 'csv', 'ndjson', 'ndjson', 'kml', 'summary', null]);
  });

  it('GeoJSON: a LineString per member with a time per vertex, then event points (RFC 7946 shapes)', () => {
    const doc = geoJson(runTracks(result)) as {
      type: string;
      features: {
        type: string;
        geometry: { type: string; coordinates: number[][] };
        properties: Record<string, unknown>;
      }[];
    };
    expect(doc.type).toBe('FeatureCollection');
    const lines = doc.features.filter((f) => f.geometry?.type === 'LineString');
    expect(lines).toHaveLength(6);
    for (const f of lines) {
      expect(f.type).toBe('Feature');
      const times = f.properties.times as string[];
      expect(times).toHaveLength(f.geometry.coordinates.length);
      for (const c of f.geometry.coordinates) {
        expect(c).toHaveLength(3);
        expect(c[0]).toBeGreaterThanOrEqual(-180);
        expect(c[1]).toBeLessThanOrEqual(90);
      }
      expect([...times].sort()).toEqual(times);
      expect(f.properties.status).toBe('landed');
      expect(f.properties.reason).toBe('reached the ground');
      // the landing point ends the line
      const last = f.geometry.coordinates.at(-1)!;
      expect(last[2]).toBe(0);
    }
    const events = doc.features.filter((f) => f.properties.event);
    expect(events.filter((f) => f.properties.event === 'landing')).toHaveLength(6);
    expect(events.some((f) => f.properties.event === 'zone-entry' && f.properties.zone === 'z')).toBe(true);
  });

  it('CSV: a header and one row per member and output time it flies', () => {
    let rows = 0;
    let body = '';
    for (const frame of result.frames) {
      const chunk = csvRows(result.prepared, { ...frame, events: [] });
      body += chunk;
      rows += frame.positions.filter((_, k) => k % 3 === 0).filter((x) => !Number.isNaN(x)).length;
    }
    expect(CSV_HEADER.trim().split(',')).toEqual([
      'member',
      'site',
      'launch',
      'ensemble_member',
      'time',
      'lon',
      'lat',
      'alt_m',
    ]);
    const lines = body.trim().split('\n');
    expect(lines).toHaveLength(rows);
    expect(lines[0].split(',')).toHaveLength(8);
  });

  it('NDJSON: one parseable record per output step with a position or null per member', () => {
    const lines = result.frames.map((f) => ndjsonRecord({ ...f, events: [] }));
    for (const line of lines) {
      expect(line.endsWith('\n')).toBe(true);
      const record = JSON.parse(line);
      expect(record.positions).toHaveLength(6);
      expect(Date.parse(record.time)).not.toBeNaN();
    }
  });

  it('KML: a well-formed document with a folder per site', () => {
    const text = kml(result);
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(text.match(/<Folder>/g)).toHaveLength(2);
    expect(text.match(/<Placemark>/g)!.length).toBe(12); // 6 tracks + 6 landings
    // Every opened element is closed.
    for (const tag of ['kml', 'Document', 'Folder', 'Placemark', 'LineString', 'coordinates']) {
      expect(text.split(`<${tag}>`).length + text.split(`<${tag} `).length - 1).toBe(
        text.split(`</${tag}>`).length,
      );
    }
  });
});

describe('every track starts at its launch position and time', () => {
  // Two launches from one site, at 18:00 (an output time) and 18:05 (between output times, as a
  // perturbed launch time usually is), in a uniform 10 m/s west wind, climbing at 4 m/s from the
  // ground at 120 m. The launch point is the site; 300 s later, at the 18:10 output, the second
  // balloon is 1200 m higher and 3000 m east along the parallel (no north wind: dlat/dt = 0).
  const uMps = 10;
  const site = { id: 'a', lon: 25, lat: 54 };
  const launchScenario: Scenario = {
    name: 'launch',
    wind: { type: 'uniform', uMps, vMps: 0 },
    launch: {
      sites: [site],
      times: { start: '2025-10-24T18:00:00Z', end: '2025-10-24T18:05:00Z', everySec: 300 },
    },
    flight: { ascentRateMps: 4, floatAltitudeM: 2000 },
    solver: { durationSec: 3600 },
    output: { intervalSec: 600 },
    groundElevationM: 120,
  };
  const lonAfter300Sec =
    site.lon + ((uMps * 300) / (EARTH_RADIUS_M * Math.cos((site.lat * Math.PI) / 180))) * (180 / Math.PI);
  const prepared = prepareRun(launchScenario, new UniformWind(uMps, 0));
  // As the command line streams CSV: its head (provenance, header row), then each frame with the
  // events of the steps before it.
  let pending: SimEvent[] = [];
  let streamed = csvHead(prepared.provenance);
  const launchResult = runPrepared(prepared, {
    onEvents: (events) => pending.push(...events),
    onFrame: (frame) => {
      streamed += csvRows(prepared, { ...frame, events: pending.map(eventJson) });
      pending = [];
    },
  });

  it('GeoJSON: the LineString begins at the launch, then the first output time', () => {
    const doc = geoJson(runTracks(launchResult)) as {
      features: {
        geometry: { type: string; coordinates: number[][] };
        properties: Record<string, unknown>;
      }[];
    };
    const [first, second] = doc.features.filter((f) => f.geometry?.type === 'LineString');
    expect((first.properties.times as string[]).slice(0, 2)).toEqual([
      '2025-10-24T18:00:00.000Z',
      '2025-10-24T18:10:00.000Z',
    ]);
    expect(first.geometry.coordinates[0]).toEqual([25, 54, 120]);

    expect((second.properties.times as string[]).slice(0, 2)).toEqual([
      '2025-10-24T18:05:00.000Z',
      '2025-10-24T18:10:00.000Z',
    ]);
    expect(second.geometry.coordinates[0]).toEqual([25, 54, 120]);
    const [lon, lat, altM] = second.geometry.coordinates[1];
    expect(lon).toBeCloseTo(lonAfter300Sec, 5);
    expect(lat).toBeCloseTo(54, 5);
    expect(altM).toBeCloseTo(120 + 4 * 300, 0);
  });

  it('KML: the track of the 18:05 launch begins at 18:05 at the launch site', () => {
    const placemark = kml(launchResult)
      .split('\n')
      .find((line) => line.includes('<name>a 18:05Z #0</name>'));
    expect(placemark).toBeDefined();
    expect(placemark).toContain('<begin>2025-10-24T18:05:00.000Z</begin>');
    expect(placemark).toMatch(/<coordinates>25,54,120 /);
  });

  it('CSV: the first row of each member is its launch, streamed or written from a finished run', () => {
    const firstRows = (csv: string) => {
      const rows = csv
        .trim()
        .split('\n')
        .filter((r) => !r.startsWith('#'))
        .slice(1);
      return [0, 1].map((m) => rows.find((r) => r.startsWith(`${m},`)));
    };
    expect(firstRows(streamed)).toEqual([
      '0,a,2025-10-24T18:00:00.000Z,0,2025-10-24T18:00:00.000Z,25,54,120',
      '1,a,2025-10-24T18:05:00.000Z,0,2025-10-24T18:05:00.000Z,25,54,120',
    ]);
    // One launch row more than the frames hold (the 18:00 launch is the 18:00 frame's row).
    const frameRows = launchResult.frames.reduce(
      (sum, f) => sum + f.positions.filter((x, k) => k % 3 === 0 && !Number.isNaN(x)).length,
      0,
    );
    const dataLines = streamed
      .trim()
      .split('\n')
      .filter((r) => !r.startsWith('#'));
    expect(dataLines).toHaveLength(1 + frameRows + 1);
    expect([...csvChunks(runTracks(launchResult))].join('')).toBe(streamed);
  });
});
