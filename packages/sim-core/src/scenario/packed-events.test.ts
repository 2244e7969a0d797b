import { describe, expect, it } from 'vitest';
import type { AnalysisEvent } from '../analysis/observer.js';
import type { SimEvent } from '../solver/status.js';
import { packEvents, unpackEvents } from './packed-events.js';

describe('packEvents and unpackEvents', () => {
  it('give back the events, printing byte for byte as before (key order of a landing zone exit kept)', () => {
    const sim: SimEvent[] = [
      { member: 3, kind: 'launch', tSec: 1761325200.5, lon: 25.95, lat: 54.42, altM: 160 },
      { member: 4_000_000_000, kind: 'landing', tSec: -0, lon: -180, lat: Number.NaN, altM: 1e-300 },
    ];
    // An exit found on a step's segment prints its zone last; one at a landing, right after its kind.
    const analysis: AnalysisEvent[] = [
      { member: 1, kind: 'zone-entry', tSec: 10, lon: 25.1, lat: 54.6, altM: 3000, zone: 'EYVI' },
      { member: 1, kind: 'zone-exit', zone: 'EYKA', tSec: 20, lon: 25.2, lat: 54.7, altM: 190 },
      { member: 2, kind: 'border-crossing', tSec: 30, lon: 25.3, lat: 54.5, altM: 3100 },
    ];
    const back = unpackEvents<SimEvent>(packEvents(sim));
    expect(JSON.stringify(back)).toBe(JSON.stringify(sim));
    expect(Object.is(back[1].tSec, -0)).toBe(true);
    expect(back[1].lat).toBeNaN();
    const backAnalysis = unpackEvents<AnalysisEvent>(packEvents(analysis));
    expect(JSON.stringify(backAnalysis)).toBe(JSON.stringify(analysis));
    expect(backAnalysis.map((e) => Object.keys(e))).toEqual(analysis.map((e) => Object.keys(e)));
    expect(unpackEvents(packEvents([]))).toEqual([]);
  });

  it('packs into typed arrays only, besides the two short tables of names', () => {
    const packed = packEvents([
      { member: 0, kind: 'zone-entry', tSec: 1, lon: 2, lat: 3, altM: 4, zone: 'a' },
      { member: 1, kind: 'zone-entry', tSec: 1, lon: 2, lat: 3, altM: 4, zone: 'b' },
      { member: 2, kind: 'zone-exit', tSec: 1, lon: 2, lat: 3, altM: 4, zone: 'a' },
    ]);
    expect(packed.kinds).toEqual(['zone-entry', 'zone-exit']);
    expect(packed.zones).toEqual(['a', 'b']);
    expect(Array.from(packed.zone)).toEqual([0, 1, 0]);
    for (const key of ['member', 'kind', 'zone', 'shape', 'tSec', 'lon', 'lat', 'altM'] as const)
      expect(ArrayBuffer.isView(packed[key])).toBe(true);
  });
});
