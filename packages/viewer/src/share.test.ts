import { describe, expect, it } from 'vitest';
import { readShareHash, shareHash } from './share.js';

const scenario = {
  name: 'Naktis — Vilnius',
  wind: { type: 'file', paths: ['wind:illustrative-border-night'] },
  launch: { sites: [{ id: 'a', lon: 25.7, lat: 54.2 }], times: { start: '2025-10-24T17:00:00Z' } },
  flight: { floatAltitudeM: 2800 },
  solver: { durationSec: 3600 },
} as never;

describe('the shareable link', () => {
  it('gives back the scenario and template it was made from (non-ASCII names too)', () => {
    const hash = shareHash({ template: 'default', scenario });
    expect(hash).toMatch(/^#s=[A-Za-z0-9_-]+$/);
    expect(readShareHash(hash)).toEqual({ template: 'default', scenario });
  });

  it('is none without #s=, and refuses a cut link or a wrong document with a reason', () => {
    expect(readShareHash('')).toBe(null);
    expect(readShareHash('#other')).toBe(null);
    const hash = shareHash({ template: 'default', scenario });
    expect(String(readShareHash(hash.slice(0, 40)))).toMatch(/not readable: it may be cut short/);
    const noWind = shareHash({ template: 'default', scenario: { launch: {}, flight: {} } as never });
    expect(String(readShareHash(noWind))).toMatch(/lacks launch, flight or wind/);
  });
});
