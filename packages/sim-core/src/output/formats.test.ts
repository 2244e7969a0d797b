import { describe, expect, it } from 'vitest';
import type { AnalysisTargets } from '../analysis/observer.js';
import { runScenario } from '../scenario/entry.js';
import type { Scenario } from '../scenario/schema.js';
import { CSV_HEADER, csvRows, formatOfPath, geoJson, kml, ndjsonRecord } from './formats.js';

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
    const doc = geoJson(result) as {
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
      const chunk = csvRows(result.prepared, frame);
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
    const lines = result.frames.map((f) => ndjsonRecord(f, []));
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
