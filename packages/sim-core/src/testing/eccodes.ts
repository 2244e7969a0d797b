/**
 * ecCodes' command-line tools (Debian's libeccodes-tools: grib_copy, grib_set, grib_ls,
 * grib_get_data) for tests: they make GRIB2 test files from the real ones of ../shared/data (ensemble
 * members, CCSDS packing, ECMWF and DWD headers) and read values back as an independent decoder.
 *
 * `.ci/run` installs them and sets REQUIRE_ECCODES=1, so that in CI a missing tool fails the tests
 * instead of skipping them; elsewhere the tests that need them say so and are skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

function findEccodes(): boolean {
  const found = spawnSync('grib_ls', ['-V'], { encoding: 'utf8' }).status === 0;
  if (!found) {
    const message =
      'ecCodes command-line tools (grib_set, grib_copy, grib_ls, grib_get_data) are not installed: apt-get install -y libeccodes-tools';
    if (process.env.REQUIRE_ECCODES === '1') throw new Error(`${message} (REQUIRE_ECCODES=1)`);
    console.warn(`[tests] ${message}; the tests that compare with ecCodes are skipped, not passed.`);
  }
  return found;
}

export const hasEccodes = findEccodes();

/** Runs an ecCodes tool; its stderr becomes the error when it fails. */
export function eccodes(tool: string, args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: 'pipe' });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr || e.message}`);
  }
}

/** One grid point's value as ecCodes decodes it. */
export interface EccodesPoint {
  lat: number;
  lon: number;
  value: number;
}

/**
 * Every point of every message of a file as ecCodes decodes it (grib_get_data), by message, each
 * message named by the keys asked (default "shortName level number step", e.g. "u 850 3 6").
 * Missing values read as NaN.
 */
export function eccodesValues(
  path: string,
  keys: readonly string[] = ['shortName', 'level', 'number', 'step'],
): Map<string, EccodesPoint[]> {
  const text = eccodes('grib_get_data', [
    '-m',
    'nan',
    '-p',
    keys.join(','),
    '-L',
    '%.6f %.6f ',
    '-F',
    '%.12g',
    path,
  ]);
  const messages = new Map<string, EccodesPoint[]>();
  let current: EccodesPoint[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('Latitude')) {
      current = [];
      continue;
    }
    const cells = line.trim().split(/\s+/);
    if (cells.length < 3 + keys.length) continue;
    const key = cells.slice(3).join(' ');
    if (!messages.has(key)) messages.set(key, current);
    current.push({ lat: Number(cells[0]), lon: Number(cells[1]), value: Number(cells[2]) });
  }
  return messages;
}

/** Keys of every message (grib_ls -j), e.g. offset and totalLength to write an index of byte ranges. */
export function eccodesKeys(path: string, keys: readonly string[]): Record<string, string | number>[] {
  const json = JSON.parse(eccodes('grib_ls', ['-j', '-p', keys.join(','), path])) as {
    messages: Record<string, string | number>[];
  };
  return json.messages;
}

/** A GRIB2 test file made from a real one: messages kept, keys set, members made, packing. */
export interface GribRecipe {
  /** The GRIB2 file to start from (a path). */
  source: string;
  /** grib_copy's where clause: the messages kept, e.g. "shortName=u/v/gh,typeOfLevel=isobaricInhPa". */
  where: string;
  /** grib_set keys for every message, e.g. "centre=98". */
  set?: string;
  /**
   * Ensemble members, one copy of the kept messages each (concatenated in this order): the keys set
   * (e.g. "productDefinitionTemplateNumber=1,perturbationNumber=3") and an offset added to the values
   * of each short name, so that members differ.
   */
  members?: { set: string; offsets?: Record<string, number> }[];
  /** Per short name, keys set after the members (e.g. gh → DWD's geopotential, "parameterNumber=4,scaleValuesBy=9.80665"). */
  byName?: Record<string, string>;
  /**
   * Repack with CCSDS (template 5.42) as ECMWF packs, at 16 bits per value with decimal scale 0.
   * (ecCodes 2.28 writes wrong values when it converts to CCSDS with a non-zero decimal scale, so the
   * values are first brought to decimal scale 0.)
   */
  ccsds?: boolean;
}

/** Makes a GRIB2 file in `dir` from a recipe with ecCodes' tools; returns its path. */
export function makeGrib(dir: string, name: string, recipe: GribRecipe): string {
  const out = join(dir, name);
  const step = (k: string) => join(dir, `.${name}.${k}`);
  eccodes('grib_copy', ['-w', recipe.where, recipe.source, step('kept')]);
  let current = step('kept');
  if (recipe.set) {
    eccodes('grib_set', ['-s', recipe.set, current, step('set')]);
    current = step('set');
  }
  let parts = [current];
  if (recipe.members) {
    parts = recipe.members.map((member, k) => {
      let path = step(`m${k}`);
      eccodes('grib_set', ['-s', member.set, current, path]);
      for (const [shortName, offset] of Object.entries(member.offsets ?? {})) {
        if (offset === 0) continue;
        const next = `${path}o`;
        eccodes('grib_set', ['-w', `shortName=${shortName}`, '-s', `offsetValuesBy=${offset}`, path, next]);
        path = next;
      }
      return path;
    });
  }
  const joined = step('joined');
  writeFileSync(joined, Buffer.concat(parts.map((p) => execFileSync('cat', [p]))));
  current = joined;
  for (const [shortName, keys] of Object.entries(recipe.byName ?? {})) {
    const next = `${current}n`;
    eccodes('grib_set', ['-w', `shortName=${shortName}`, '-s', keys, current, next]);
    current = next;
  }
  if (recipe.ccsds) {
    eccodes('grib_set', ['-s', 'changeDecimalPrecision=0', current, step('d0')]);
    eccodes('grib_set', ['-s', 'setBitsPerValue=16', step('d0'), step('b16')]);
    eccodes('grib_set', ['-r', '-s', 'packingType=grid_ccsds', step('b16'), out]);
  } else {
    writeFileSync(out, execFileSync('cat', [current]));
  }
  return out;
}
