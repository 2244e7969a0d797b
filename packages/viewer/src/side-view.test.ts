import { describe, expect, it } from 'vitest';
import { sampleMembers } from './side-view.js';

describe('the side view’s sample of tracks', () => {
  it('keeps every member of a small run', () => {
    expect(sampleMembers(5, 300)).toEqual([0, 1, 2, 3, 4]);
  });

  it('spreads a large run’s sample over all its members (every site and launch time)', () => {
    // Members are ordered by site, then launch time: a sample of the first 300 would show one site.
    const sample = sampleMembers(10_000, 300);
    expect(sample).toHaveLength(300);
    expect(sample[0]).toBe(0);
    expect(sample[299]).toBeGreaterThan(9_900);
    expect(new Set(sample).size).toBe(300);
  });
});
