/**
 * Tonight's hours and model: local launch hours to UTC through the summer-time changes (worked out
 * from the EU rule: clocks change at 01:00 UTC on the last Sundays of March and October; Vilnius is
 * UTC+2 in winter, UTC+3 in summer), which night "tonight" is, and the order the model is chosen in.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@balloon-sim/sim-core';
import { describe, expect, it } from 'vitest';
import type { ForecastModelId } from './fetch/models.js';
import { STORE_FORMAT, writeCycleIndex } from './fetch/store.js';
import {
  chooseTonightModel,
  localHourToUtcSec,
  parseLaunchHours,
  tonightLaunchTimes,
  tonightMembersPerLaunch,
  tonightOf,
} from './tonight.js';

const Z = (iso: string) => Date.parse(iso) / 1000;
const VILNIUS = 'Europe/Vilnius';
const EVENING = parseLaunchHours('18-06');

describe('tonight’s launch hours', () => {
  it('turns a local hour into UTC: 18:00 is 15:00Z in summer time, 16:00Z in winter', () => {
    expect(localHourToUtcSec('2025-10-24', 18, VILNIUS)).toBe(Z('2025-10-24T15:00:00Z'));
    expect(localHourToUtcSec('2025-01-15', 18, VILNIUS)).toBe(Z('2025-01-15T16:00:00Z'));
    expect(localHourToUtcSec('2025-01-15', 18, 'UTC')).toBe(Z('2025-01-15T18:00:00Z'));
  });

  it('launches every real hour from 18:00 to 06:00 local: 13, 14 the night the clocks go back, 12 when they go forward', () => {
    const normal = tonightLaunchTimes('2025-10-24', EVENING, VILNIUS);
    expect(normal).toHaveLength(13);
    expect([normal[0], normal.at(-1)]).toEqual([Z('2025-10-24T15:00:00Z'), Z('2025-10-25T03:00:00Z')]);
    // 26 October 2025, 04:00 EEST → 03:00 EET: 06:00 local is 04:00Z.
    const back = tonightLaunchTimes('2025-10-25', EVENING, VILNIUS);
    expect(back).toHaveLength(14);
    expect([back[0], back.at(-1)]).toEqual([Z('2025-10-25T15:00:00Z'), Z('2025-10-26T04:00:00Z')]);
    // 30 March 2025, 03:00 EET → 04:00 EEST: 18:00 EET is 16:00Z, 06:00 EEST is 03:00Z.
    const forward = tonightLaunchTimes('2025-03-29', EVENING, VILNIUS);
    expect(forward).toHaveLength(12);
    expect([forward[0], forward.at(-1)]).toEqual([Z('2025-03-29T16:00:00Z'), Z('2025-03-30T03:00:00Z')]);
    // Hours within one day.
    expect(tonightLaunchTimes('2025-10-24', parseLaunchHours('18-20'), VILNIUS)).toEqual([
      Z('2025-10-24T15:00:00Z'),
      Z('2025-10-24T16:00:00Z'),
      Z('2025-10-24T17:00:00Z'),
    ]);
  });

  it('is tonight by the local clock: the night in progress until the morning end of the launch hours', () => {
    expect(tonightOf(Z('2025-10-24T12:00:00Z'), EVENING, VILNIUS)).toBe('2025-10-24');
    // 03:30 EEST on the 25th: still the night of the 24th.
    expect(tonightOf(Z('2025-10-25T00:30:00Z'), EVENING, VILNIUS)).toBe('2025-10-24');
    // 07:00 EEST: the coming night.
    expect(tonightOf(Z('2025-10-25T04:00:00Z'), EVENING, VILNIUS)).toBe('2025-10-25');
  });

  it('refuses launch hours that are not "HH-HH", naming the option and the value', () => {
    for (const text of ['18:00-06:00', '18-18', '25-06', 'evening']) {
      expect(() => parseLaunchHours(text)).toThrow(InputError);
      expect(() => parseLaunchHours(text)).toThrow(`launch-hours must be local hours "HH-HH"`);
      expect(() => parseLaunchHours(text)).toThrow(JSON.stringify(text));
    }
    expect(() => tonightLaunchTimes('24.10.2025', EVENING, VILNIUS)).toThrow(/night must be a local date/);
  });
});

/** A cycle folder with one small file per step and its index. */
async function cycle(root: string, model: ForecastModelId, name: string, complete: boolean): Promise<void> {
  const dir = join(root, model, name);
  mkdirSync(dir, { recursive: true });
  const bytes = Buffer.from(`${model} ${name}`);
  writeFileSync(join(dir, 'f000.grib2'), bytes);
  await writeCycleIndex(dir, {
    format: STORE_FORMAT,
    model,
    cycle: name,
    referenceTime: '',
    source: 'test',
    stepsWanted: [0, 6],
    steps: complete ? [0, 6] : [0],
    members: null,
    levelsHpa: [1000, 500],
    box: null,
    files: [
      {
        path: 'f000.grib2',
        step: 0,
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        messages: 1,
      },
    ],
    complete,
    updated: '',
  });
}

describe('tonight’s model', () => {
  it('is the first of ecmwf-ens, gefs, icon-eu, ecmwf-hres, gfs with a complete cycle no more than 12 h older than the newest', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tonight-models-'));
    await cycle(root, 'gfs', '2025102400', true);
    expect(await chooseTonightModel(root)).toBe('gfs');
    await cycle(root, 'ecmwf-hres', '2025102400', true);
    expect(await chooseTonightModel(root)).toBe('ecmwf-hres');
    await cycle(root, 'icon-eu', '2025102403', false);
    expect(await chooseTonightModel(root)).toBe('ecmwf-hres');
    await cycle(root, 'icon-eu', '2025102400', true);
    expect(await chooseTonightModel(root)).toBe('icon-eu');
    // An ensemble, for the spread of the weather, as long as it is as fresh as the rest.
    await cycle(root, 'gefs', '2025102400', true);
    expect(await chooseTonightModel(root)).toBe('gefs');
    await cycle(root, 'ecmwf-ens', '2025102318', true);
    expect(await chooseTonightModel(root)).toBe('ecmwf-ens');
    // A deterministic cycle 18 h newer than the ensembles' outweighs their spread.
    await cycle(root, 'gfs', '2025102418', true);
    expect(await chooseTonightModel(root)).toBe('gfs');
    // 12 h older than the newest is still fresh enough.
    await cycle(root, 'gefs', '2025102406', true);
    expect(await chooseTonightModel(root)).toBe('gefs');
    expect(await chooseTonightModel(root, 'icon-eu')).toBe('icon-eu');
    await expect(chooseTonightModel(root, 'cosmo')).rejects.toThrow(/model must be one of/);
  });

  it('gives every forecast member the same trajectory members, and refuses fewer than the forecast members', () => {
    // The scenario's 10: one each of 51, four each of 3, 10 for one forecast.
    expect(tonightMembersPerLaunch(10, 51)).toBe(51);
    expect(tonightMembersPerLaunch(10, 3)).toBe(12);
    expect(tonightMembersPerLaunch(10, 1)).toBe(10);
    expect(tonightMembersPerLaunch(10, 5)).toBe(10);
    expect(tonightMembersPerLaunch(10, 51, 102)).toBe(102);
    expect(() => tonightMembersPerLaunch(10, 51, 20)).toThrow(InputError);
    expect(() => tonightMembersPerLaunch(10, 51, 20)).toThrow(
      /members must be at least the forecast members \(51\).*got 20.*--forecast-members control/,
    );
  });

  it('is refused from an empty store, naming the folder and what to fetch', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tonight-empty-'));
    await expect(chooseTonightModel(root)).rejects.toThrow(
      new RegExp(
        `the forecast store ${root} holds no complete cycle of any model .*balloon-sim wind fetch icon-eu`,
      ),
    );
  });
});
