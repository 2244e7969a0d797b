/**
 * Ensemble members (product template 4.1), ECMWF's CCSDS packing and MARS labels, DWD's geopotential
 * "FI", and lossless cropping, on GRIB2 files that ecCodes' own tools make from the real GFS file of
 * ../shared/data; every decoded value is compared with what ecCodes decodes from the same file.
 *
 * Tolerance: both decoders compute Y = (R + X·2^E)/10^D in float64; ours stores float32 (half a unit
 * in the last place, |Y|·2^-24) and grib_get_data prints 12 significant digits (|Y|·5e-12).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GridWindInit, STANDARD_GRAVITY_M_S2 } from '@balloon-sim/sim-core';
import {
  type EccodesPoint,
  eccodesKeys,
  eccodesValues,
  hasEccodes,
  hasSharedData,
  makeGrib,
  sharedDataPath,
} from '@balloon-sim/sim-core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeWindMembers } from '../wind-file.js';
import { cropGrib2 } from './crop-encode.js';
import { describeGrib2 } from './describe.js';
import { grib2Wind, grib2WindMembers } from './wind.js';

const LEVELS = [1000, 925, 850, 700, 600, 500];
const WHERE = `shortName=u/v/gh,typeOfLevel=isobaricInhPa,level=${LEVELS.join('/')}`;
/** Member k's values are the file's plus k times these (so that members differ and can be told apart). */
const OFFSET = { u: 1.5, v: -1, gh: 10 };
const ECMWF_MEMBER = (k: number) =>
  `productDefinitionTemplateNumber=1,typeOfEnsembleForecast=${k === 0 ? 1 : 3},perturbationNumber=${k},numberOfForecastsInEnsemble=51`;

const close = (actual: number, expected: number) =>
  Math.abs(actual - expected) <= Math.abs(expected) * 2 ** -23 + 1e-9;

/** The value of u, v or gh of a member's wind at one node (lat, lon), time index t and level. */
function nodeValue(init: GridWindInit, name: 'u' | 'v' | 'gh', t: number, levelHpa: number, p: EccodesPoint) {
  if (init.levels.kind !== 'pressure') throw new Error('not isobaric');
  const k = init.levels.pressuresHpa.indexOf(levelHpa);
  const i = Math.round((p.lon - init.lon.start) / init.lon.step);
  const j = Math.round((p.lat - init.lat.start) / init.lat.step);
  if (k < 0 || i < 0 || j < 0 || i >= init.lon.count || j >= init.lat.count) return undefined;
  const at = ((t * init.levels.pressuresHpa.length + k) * init.lat.count + j) * init.lon.count + i;
  return (name === 'gh' ? init.levels.geopotentialHeightM : name === 'u' ? init.u : init.v)[at];
}

describe.runIf(hasSharedData && hasEccodes)(
  'GRIB2 ensembles and forecast centres, checked with ecCodes',
  () => {
    let dir: string;
    let steps: { name: string; path: string; bytes: Uint8Array }[];

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'grib-ens-'));
      // ECMWF open data style: centre 98, MARS labels in section 2 (stream enfo, type pf), template 4.1
      // with perturbation numbers, CCSDS packing; two steps (+0 h, +6 h) of three members 0, 1, 2.
      steps = ['20200804_f000.grib2', '20200804_f006.grib2'].map((source, s) => {
        const name = `enfo-${s * 6}h.grib2`;
        const path = makeGrib(dir, name, {
          source: sharedDataPath('gfs-0p25-poland', source),
          where: WHERE,
          set: 'centre=98,setLocalDefinition=1,localDefinitionNumber=1',
          members: [0, 1, 2].map((k) => ({
            set: `stream=enfo,type=${k === 0 ? 'cf' : 'pf'},${ECMWF_MEMBER(k)}`,
            offsets: { u: k * OFFSET.u, v: k * OFFSET.v, gh: k * OFFSET.gh },
          })),
          ccsds: true,
        });
        return { name, path, bytes: new Uint8Array(readFileSync(path)) };
      });
      // Many ecCodes runs: slow on a busy machine, not timed.
    }, 300_000);

    it('the test files are what ECMWF sends: template 4.1, CCSDS (5.42), MARS labels, members 0–2', () => {
      const keys = eccodesKeys(steps[0].path, [
        'centre',
        'productDefinitionTemplateNumber',
        'dataRepresentationTemplateNumber',
        'marsStream',
        'number',
      ]);
      expect(new Set(keys.map((k) => k.centre))).toEqual(new Set(['ecmf']));
      expect(new Set(keys.map((k) => k.productDefinitionTemplateNumber))).toEqual(new Set([1]));
      expect(new Set(keys.map((k) => k.dataRepresentationTemplateNumber))).toEqual(new Set([42]));
      expect(new Set(keys.map((k) => k.marsStream))).toEqual(new Set(['enfo']));
      expect(new Set(keys.map((k) => k.number))).toEqual(new Set([0, 1, 2]));
      const summary = describeGrib2(steps[0]);
      expect(new Set(summary.messages.map((m) => m.member))).toEqual(new Set([0, 1, 2]));
      expect(summary.messages.every((m) => m.ensembleSize === 51)).toBe(true);
    });

    it('decodeWindMembers gives one field per member, told apart by number, each equal to ecCodes at every node', async () => {
      const { members, description } = await decodeWindMembers(steps);
      expect(members.map((m) => m.number)).toEqual([0, 1, 2]);
      expect(description).toBe('3 ensemble members (0–2)');
      const inits = await grib2WindMembers(steps);
      expect(inits.map((m) => m.number)).toEqual([0, 1, 2]);
      let checked = 0;
      for (const [s, step] of steps.entries()) {
        for (const [key, points] of eccodesValues(step.path)) {
          const [name, level, number] = key.split(' ');
          const init = inits.find((m) => m.number === Number(number))!.init;
          for (const p of points) {
            const ours = nodeValue(init, name as 'u' | 'v' | 'gh', s, Number(level), p);
            if (!close(ours!, p.value))
              expect.fail(`${step.name} ${key} at ${p.lat}, ${p.lon}: ${ours} ≠ ${p.value}`);
            checked++;
          }
        }
      }
      expect(checked).toBe(2 * 3 * 3 * LEVELS.length * 49 * 33);
      // The members differ by the offsets given to them (to the packing's step: 16 bits over the field's range).
      const u0 = inits[0].init.u;
      const u2 = inits[2].init.u;
      let mean = 0;
      for (let c = 0; c < u0.length; c++) mean += (u2[c] - u0[c]) / u0.length;
      expect(mean).toBeCloseTo(2 * OFFSET.u, 2);
      expect(members[1].field.description).toContain(
        'ECMWF run 2020-08-04T12:00:00Z, ensemble member 1 of 51',
      );
    });

    it('one wind from several members is refused unless a member is named; a named member is that member', async () => {
      await expect(grib2Wind(steps)).rejects.toThrow(/hold 3 ensemble members \(0–2\): name one/);
      await expect(grib2Wind(steps, { member: 7 })).rejects.toThrow(
        /hold no ensemble member 7 \(members here: 0–2\)/,
      );
      const one = await grib2Wind(steps, { member: 2 });
      const all = await grib2WindMembers(steps);
      expect(one.u).toEqual(all[2].init.u);
      expect(one.levels).toEqual(all[2].init.levels);
    });

    it("DWD's geopotential FI (m²/s²) becomes geopotential height: ecCodes' z / standard gravity", async () => {
      const path = makeGrib(dir, 'icon-like.grib2', {
        source: sharedDataPath('gfs-0p25-poland', '20200804_f000.grib2'),
        where: WHERE,
        set: 'centre=78',
        byName: { gh: `parameterNumber=4,scaleValuesBy=${STANDARD_GRAVITY_M_S2}` },
      });
      const keys = eccodesKeys(path, ['shortName', 'parameterNumber', 'centre']);
      expect(new Set(keys.map((k) => k.shortName))).toEqual(new Set(['u', 'v', 'z']));
      const init = await grib2Wind([{ name: 'icon-like.grib2', bytes: new Uint8Array(readFileSync(path)) }]);
      expect(init.description).toContain('DWD run');
      let checked = 0;
      for (const [key, points] of eccodesValues(path, ['shortName', 'level'])) {
        const [name, level] = key.split(' ');
        if (name !== 'z') continue;
        for (const p of points) {
          const ours = nodeValue(init, 'gh', 0, Number(level), p)!;
          const expected = p.value / STANDARD_GRAVITY_M_S2;
          if (!(Math.abs(ours - expected) <= Math.abs(expected) * 2 ** -22 + 1e-6))
            expect.fail(`z ${level} at ${p.lat}, ${p.lon}: ${ours} ≠ ${expected}`);
          checked++;
        }
      }
      expect(checked).toBe(LEVELS.length * 49 * 33);
    });

    it('cropGrib2 keeps every value of the box exactly, as ecCodes reads the cropped file and the original', async () => {
      const box = { lonMin: 20.1, lonMax: 23.9, latMin: 53.1, latMax: 54.9 };
      const cropped = await cropGrib2(steps[1], box);
      expect(cropped.cropped).toBe(3 * 3 * LEVELS.length);
      expect(cropped.keptWhole).toBe(0);
      expect(cropped.bytes.length).toBeLessThan(steps[1].bytes.length);
      const path = join(dir, 'cropped.grib2');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(path, cropped.bytes);
      // ecCodes reads our file: the grid is the box plus one node beyond each edge (20–24 E, 53–55 N).
      const grids = eccodesKeys(path, [
        'Ni',
        'Nj',
        'latitudeOfFirstGridPointInDegrees',
        'longitudeOfFirstGridPointInDegrees',
        'number',
        'marsStream',
        'centre',
      ]);
      expect(
        new Set(
          grids.map(
            (g) =>
              `${g.Ni}×${g.Nj} from ${g.longitudeOfFirstGridPointInDegrees}, ${g.latitudeOfFirstGridPointInDegrees}`,
          ),
        ),
      ).toEqual(new Set(['17×9 from 20, 53']));
      expect(new Set(grids.map((g) => g.number))).toEqual(new Set([0, 1, 2]));
      expect(new Set(grids.map((g) => `${g.centre} ${g.marsStream}`))).toEqual(new Set(['ecmf enfo']));
      const original = eccodesValues(steps[1].path);
      const after = eccodesValues(path);
      expect([...after.keys()].sort()).toEqual([...original.keys()].sort());
      let checked = 0;
      for (const [key, points] of after) {
        const before = new Map(original.get(key)!.map((p) => [`${p.lat} ${p.lon}`, p.value]));
        for (const p of points) {
          expect(p.value, `${key} at ${p.lat}, ${p.lon}`).toBe(before.get(`${p.lat} ${p.lon}`));
          checked++;
        }
      }
      expect(checked).toBe(3 * 3 * LEVELS.length * 17 * 9);
      // And our decoder reads the cropped file as the original, member by member.
      const fromCrop = await grib2WindMembers([{ name: 'cropped.grib2', bytes: cropped.bytes }]);
      const fromOriginal = await grib2WindMembers([steps[1]], { bbox: box });
      expect(fromCrop.map((m) => m.number)).toEqual([0, 1, 2]);
      for (let k = 0; k < 3; k++) {
        expect(fromCrop[k].init.u).toEqual(fromOriginal[k].init.u);
        expect(fromCrop[k].init.lon).toEqual(fromOriginal[k].init.lon);
        expect(fromCrop[k].init.lat).toEqual(fromOriginal[k].init.lat);
      }
    });
  },
);
