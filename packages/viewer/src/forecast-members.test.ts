import { describe, expect, it } from 'vitest';
import { memberRowTexts, rangeText, zoneSpreadText } from './forecast-members.js';

describe('the forecast members’ spread as the viewer writes it', () => {
  it('gives per zone the P(enter) range and how many forecast members reach the threshold', () => {
    const spread = {
      id: 'EYVI',
      probabilityMin: 0.12,
      probabilityMax: 0.48,
      probabilityUpperMin: 0.12,
      probabilityUpperMax: 0.5,
      membersCrossingThreshold: 1,
      forecastMembers: 2,
    };
    expect(zoneSpreadText(spread, 0.01)).toBe('12–48 %, 1 of 2 reach 1 %');
    // Every member the same: one figure, not a range.
    expect(rangeText(0.004, 0.004)).toBe('0.4 %');
  });

  it('marks a forecast member with too few trajectories to resolve the threshold', () => {
    const member = {
      label: '1: wind-second.json',
      weight: 1,
      members: 50,
      resolvesThreshold: false,
      border: {
        probability: 0.5,
        probabilityUpper: 0.5,
        ci95: [0.37, 0.63] as [number, number],
        membersCrossed: 25,
      },
      zones: [
        {
          id: 'EYVI',
          probability: 0.02,
          probabilityUpper: 0.02,
          ci95: [0.004, 0.1] as [number, number],
          membersEntered: 1,
          crossesThreshold: true,
        },
      ],
    };
    expect(memberRowTexts(member, ['EYVI', 'EYKA'], 0.01)).toEqual([
      '1: wind-second.json',
      '1',
      '50: too few for 1 %',
      '50 %',
      '2 % (1/50), closes',
      '–',
    ]);
  });
});
