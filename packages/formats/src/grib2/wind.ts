import type { CodeName, GridAxis, GridWindInit, WindSourceInfo, WindStep } from '@balloon-sim/sim-core';
import { DecodeError, invalid, isoTime, isoTimeText, STANDARD_GRAVITY_M_S2 } from '@balloon-sim/sim-core';
import { type WindFile, withFiles } from '../source.js';
import { resampleAboveGround } from './above-ground.js';
import type { Grib2Bbox } from './crop.js';
import { decodeEntries, type Grib2Field } from './decode.js';
import { type FieldEntry, type Grib2FieldInfo, readFieldInfos } from './field-info.js';
import {
  centreName,
  dataTypeName,
  generatingProcessName,
  knownCentre,
  modelName,
  productionStatusName,
} from './names.js';

export type Grib2WindLevelType = 'isobaric' | 'height-above-sea' | 'height-above-ground';

export interface Grib2WindOptions {
  /** Keep only this box (plus one node beyond each edge). */
  bbox?: Grib2Bbox;
  /**
   * Which levels carry the wind. Default: isobaric when u, v and gh share at least two isobaric levels
   * in every file, else heights above mean sea level.
   */
  levelType?: Grib2WindLevelType;
  /** Files of several forecast runs: refused (default) or merged with a warning ("allow"). */
  mixedRuns?: 'refuse' | 'allow';
  /**
   * The ensemble member to take (perturbation number of product template 4.1; 0 is the control in
   * ECMWF's and NCEP's numbering). Required when the files hold several members: mixing them would
   * interleave different forecasts as one.
   */
  member?: number;
}

/** One member of an ensemble: its number (null for a deterministic forecast) and its wind. */
export interface Grib2WindMember {
  number: number | null;
  init: GridWindInit;
}

/** Type of first fixed surface for each level type (code table 4.5). */
const LEVEL_CODES: Record<Grib2WindLevelType, number> = {
  isobaric: 100, // Pa (levels reported in hPa)
  'height-above-sea': 102, // m
  'height-above-ground': 103, // m
};
const PART = 'wind assembly';

/** Parameter keys (discipline 0, category, number: code tables 4.1, 4.2). */
const isU = (f: Grib2FieldInfo) => f.discipline === 0 && f.category === 2 && f.number === 2;
const isV = (f: Grib2FieldInfo) => f.discipline === 0 && f.category === 2 && f.number === 3;
/**
 * Height of the isobaric surface: geopotential height (0/3/5, gpm) as NCEP and ECMWF send it, or
 * geopotential (0/3/4, m²/s²) as DWD's ICON sends it (its "FI"), divided by standard gravity when
 * copied (WMO's definition of geopotential height: Φ / g0).
 */
const isGh = (f: Grib2FieldInfo) =>
  f.discipline === 0 && f.category === 3 && (f.number === 5 || (f.number === 4 && f.levelTypeCode === 100));
/** The member a field belongs to: the perturbation number of template 4.1, null without one. */
export const memberOf = (f: Grib2FieldInfo): number | null => f.ensemble?.perturbation ?? null;
/** Ground elevation: geopotential height (0/3/5) or geopotential (0/3/4) at the surface (type 1). */
const isOrography = (f: Grib2FieldInfo) =>
  f.discipline === 0 && f.category === 3 && (f.number === 5 || f.number === 4) && f.levelTypeCode === 1;

interface Slot {
  u?: Grib2Field;
  v?: Grib2Field;
  gh?: Grib2Field;
}

/**
 * Builds a time-dependent gridded wind from GRIB2 files (typically one per forecast step): u and v,
 * plus geopotential height on isobaric levels, merged over files and messages, times sorted. Every
 * time must hold every level with every field, and all fields must share one grid: otherwise a
 * DecodeError says what is missing or different. Pass the result to `gridWind`.
 */
export async function grib2Wind(
  files: readonly WindFile[],
  options: Grib2WindOptions = {},
): Promise<GridWindInit> {
  if (files.length === 0) invalid('files', 'must hold at least one GRIB2 file', files.length);
  const headers = files.map((f) => readFieldInfos(f.bytes, f.name).entries);
  const names = files.map((f) => f.name).join(', ');
  const members = windMembers(headers, options.levelType);
  if (options.member !== undefined) {
    if (!members.includes(options.member))
      throw new DecodeError(
        `hold no ensemble member ${options.member} (members here: ${membersText(members)})`,
        names,
        PART,
      );
    return assemble(files, headers, options, options.member);
  }
  if (members.length > 1)
    throw new DecodeError(
      `hold ${members.length} ensemble members (${membersText(members)}): name one (scenario wind.member, decodeWind's member option), or decode them all with decodeWindMembers`,
      names,
      PART,
    );
  return assemble(files, headers, options, members[0] ?? null);
}

/**
 * Every member of an ensemble in GRIB2 files (product template 4.1, told apart by perturbation
 * number), each assembled as grib2Wind assembles one, in member order; a deterministic forecast is
 * one member numbered null. Headers are read once; each member decodes only its own fields.
 */
export async function grib2WindMembers(
  files: readonly { name: string; bytes: Uint8Array }[],
  options: Omit<Grib2WindOptions, 'member'> = {},
): Promise<Grib2WindMember[]> {
  if (files.length === 0) invalid('files', 'must hold at least one GRIB2 file', files.length);
  const headers = files.map((f) => readFieldInfos(f.bytes, f.name).entries);
  const members = windMembers(headers, options.levelType);
  const out: Grib2WindMember[] = [];
  for (const number of members.length > 0 ? members : [null])
    out.push({ number, init: await assemble(files, headers, options, number) });
  return out;
}

/** The member numbers among the u and v fields, ascending; empty when no field is an ensemble member. */
function windMembers(headers: FieldEntry[][], levelType?: Grib2WindLevelType): number[] {
  const code = levelType ? LEVEL_CODES[levelType] : undefined;
  const numbers = new Set<number>();
  for (const entries of headers)
    for (const { info } of entries) {
      if (!(isU(info) || isV(info)) || (code !== undefined && info.levelTypeCode !== code)) continue;
      const m = memberOf(info);
      if (m !== null) numbers.add(m);
    }
  return [...numbers].sort((a, b) => a - b);
}

/** "0–50" for a run of consecutive numbers, else the list. */
function membersText(members: readonly number[]): string {
  if (members.length === 0) return 'none';
  const consecutive = members.every((m, k) => k === 0 || m === members[k - 1] + 1);
  return consecutive && members.length > 2 ? `${members[0]}–${members.at(-1)}` : members.join(', ');
}

/** One member's wind (or the deterministic forecast's, member null): see grib2Wind. */
async function assemble(
  files: readonly { name: string; bytes: Uint8Array }[],
  headers: FieldEntry[][],
  options: Grib2WindOptions,
  member: number | null,
): Promise<GridWindInit> {
  const names = files.map((f) => f.name).join(', ');
  const levelType = options.levelType ?? chooseLevelType(headers, names);
  const code = LEVEL_CODES[levelType];
  if (code === undefined)
    invalid('levelType', 'must be isobaric, height-above-sea or height-above-ground', levelType);
  const needsGh = levelType === 'isobaric';
  // Fields of another member are not this forecast; fields without a member number (orography, or a
  // deterministic file given alongside) belong to every member only when no member is asked for.
  const ofMember = (f: Grib2FieldInfo) => {
    const m = memberOf(f);
    return member === null || m === member || (m === null && isOrography(f));
  };
  const wanted = (f: Grib2FieldInfo) =>
    ofMember(f) &&
    (isOrography(f) || (f.levelTypeCode === code && (isU(f) || isV(f) || (needsGh && isGh(f)))));

  const slots = new Map<number, Map<number, Slot>>(); // valid time → level → fields
  const sources = new Map<number, Set<string>>(); // valid time → file names
  let orography: Grib2Field | undefined;
  let reference: { field: Grib2Field; source: string } | undefined;
  const sourceOf = new Map<Grib2Field, string>();
  for (let n = 0; n < files.length; n++) {
    const source = files[n].name;
    const fields = await decodeEntries(headers[n], { bbox: options.bbox, select: wanted });
    for (const field of fields) {
      if (isOrography(field.info)) {
        orography ??= field;
        continue;
      }
      reference ??= { field, source };
      sourceOf.set(field, source);
      checkSameGrid(field, source, reference);
      const time = field.info.validTimeSec;
      if (!slots.has(time)) slots.set(time, new Map());
      if (!sources.has(time)) sources.set(time, new Set());
      sources.get(time)!.add(source);
      const levels = slots.get(time)!;
      if (!levels.has(field.info.level)) levels.set(field.info.level, {});
      const slot = levels.get(field.info.level)!;
      const key = isU(field.info) ? 'u' : isV(field.info) ? 'v' : 'gh';
      if (slot[key]) {
        throw new DecodeError(
          `a second ${key} at ${levelText(levelType, field.info.level)} valid ${isoTimeText(time, 'seconds')} (the first is message ${slot[key].info.message})`,
          source,
          `section 4 (message ${field.info.message})`,
          field.info.offset,
        );
      }
      slot[key] = field;
    }
  }
  // After the grid checks: files on other grids are refused for that, the more basic reason.
  const runs = forecastRuns(files, headers, (f) => wanted(f) && !isOrography(f));
  const mixed = runs.size > 1;
  if (mixed && options.mixedRuns !== 'allow') {
    throw new DecodeError(
      `come from ${runs.size} forecast runs (${runsText(runs)}): their times would be interpolated across runs as if they were one forecast. Give the files of one run, or allow it (scenario wind.mixedRuns "allow", command line --allow-mixed-runs)`,
      names,
      PART,
    );
  }
  if (!reference) {
    throw new DecodeError(
      `no u, v${needsGh ? ', gh' : ''} on ${levelType} levels in these files`,
      names,
      PART,
    );
  }

  const timesSec = [...slots.keys()].sort((a, b) => a - b);
  const levels = completeLevels(slots, needsGh, levelType);
  if (levels.length === 0) {
    throw new DecodeError(
      `no ${levelType} level has all of u, v${needsGh ? ', gh' : ''} at one time`,
      names,
      PART,
    );
  }
  for (const time of timesSec) checkComplete(slots.get(time)!, levels, needsGh, levelType, time, sources);

  const { lon, lat } = reference.field;
  const layer = lon.count * lat.count;
  const nodes = layer * levels.length * timesSec.length;
  const u = new Float32Array(nodes);
  const v = new Float32Array(nodes);
  const gh = needsGh ? new Float32Array(nodes) : null;
  timesSec.forEach((time, t) => {
    levels.forEach((level, k) => {
      const slot = slots.get(time)!.get(level)!;
      const at = (t * levels.length + k) * layer;
      for (const [field, into] of [
        [slot.u!, u],
        [slot.v!, v],
        [slot.gh, gh],
      ] as const) {
        if (field && into) copyField(field, into, at, levelType, sourceOf.get(field)!);
      }
      // Geopotential (m²/s², DWD's FI) to geopotential height (gpm): Φ / g0.
      if (gh && slot.gh?.info.number === 4) {
        for (let c = at; c < at + layer; c++) gh[c] /= STANDARD_GRAVITY_M_S2;
      }
    });
  });

  const warnings = mixed
    ? [
        `the wind mixes ${runs.size} forecast runs (${runsText(runs)}), allowed by mixedRuns: times of different runs are interpolated as one forecast`,
      ]
    : [];
  const orographyM = orographyOf(orography, reference);
  const run = `${describeRuns(reference.field, slots)}${memberText(member, reference.field)}`;
  const source = grib2Source(files, reference.field, [...runs.keys()], levelType, steps(slots, sources));
  const fileList = files.map((f) => f.name).join(', ');
  const span = `${timesSec.length} time${timesSec.length > 1 ? 's' : ''} ${isoTime(timesSec[0], 'seconds')}${timesSec.length > 1 ? `…${isoTime(timesSec[timesSec.length - 1], 'seconds')}` : ''}`;
  if (levelType === 'height-above-ground') {
    if (!orographyM) {
      throw new DecodeError(
        'winds at heights above ground need the ground elevation (surface geopotential height) on the same grid, and these files have none; use isobaric or height-above-sea levels',
        names,
        PART,
      );
    }
    const resampled = resampleAboveGround(u, v, levels, orographyM, layer, timesSec.length);
    return {
      lon,
      lat,
      levels: { kind: 'altitude', altitudesM: resampled.altitudesM },
      timesSec,
      u: resampled.u,
      v: resampled.v,
      orographyM,
      warnings,
      source,
      description: `GRIB2 ${run}: u, v at ${levels.length} heights above ground (${levels[0]}–${levels[levels.length - 1]} m, resampled to ${resampled.altitudesM.length} altitudes with the file's orography), ${span}; files ${fileList}`,
    };
  }
  const levelSummary =
    levelType === 'isobaric'
      ? `u, v, gh on ${levels.length} isobaric levels (${levels[0]}–${levels[levels.length - 1]} hPa)`
      : `u, v at ${levels.length} heights above sea level (${levels[0]}–${levels[levels.length - 1]} m)`;
  const init: GridWindInit = {
    lon,
    lat,
    levels: gh
      ? { kind: 'pressure', pressuresHpa: levels, geopotentialHeightM: gh }
      : { kind: 'altitude', altitudesM: levels },
    timesSec,
    u,
    v,
    warnings,
    source,
    description: `GRIB2 ${run}: ${levelSummary}, ${span}${orographyM ? ', with orography' : ''}; files ${fileList}`,
  };
  if (orographyM) init.orographyM = orographyM;
  return init;
}

/**
 * Where the wind came from, from the headers of its first u, v or gh field (every field of one
 * forecast carries the same section 1 and the same generating process): the centre, sub-centre,
 * production status and type of data of section 1, the generating process and model of section 4,
 * the ensemble member of template 4.1, and the forecast runs of all the wind's fields.
 */
function grib2Source(
  files: readonly WindFile[],
  field: Grib2Field,
  runsSec: number[],
  levelType: Grib2WindLevelType,
  steps: WindStep[],
): WindSourceInfo {
  const f = field.info;
  const models = new Map<number, CodeName>();
  for (const step of steps) if (step.model) models.set(step.model.code, step.model);
  return withFiles('grib2', files, {
    referenceTimes: [...runsSec].sort((a, b) => a - b).map((t) => isoTime(t)),
    levelType,
    producer: {
      centre: { code: f.centre, name: knownCentre(f.centre) },
      subCentre: f.subCentre,
      productionStatus: { code: f.productionStatus, name: productionStatusName(f.productionStatus) },
      dataType: { code: f.dataType, name: dataTypeName(f.dataType) },
      generatingProcess: { code: f.generatingProcess, name: generatingProcessName(f.generatingProcess) },
      backgroundProcess: f.backgroundProcess,
      models: [...models.values()],
      ...(f.ensemble ? { ensembleMember: { ...f.ensemble } } : {}),
    },
    steps,
  });
}

/** Each time step's run, lead time and model, from its lowest level's u, and the files that hold it. */
function steps(slots: Map<number, Map<number, Slot>>, sources: Map<number, Set<string>>): WindStep[] {
  return [...slots.keys()]
    .sort((a, b) => a - b)
    .map((time) => {
      const u = [...slots.get(time)!.values()].find((slot) => slot.u)!.u!.info;
      return {
        validTime: isoTime(time),
        referenceTime: isoTime(u.referenceTimeSec),
        forecastHours: (time - u.referenceTimeSec) / 3600,
        model: { code: u.processId, name: modelName(u.centre, u.processId) },
        files: [...sources.get(time)!],
      };
    });
}

/** Forecast runs (reference times, s) of the wind fields, each with the files that hold it. */
function forecastRuns(
  files: readonly { name: string }[],
  headers: FieldEntry[][],
  wind: (f: Grib2FieldInfo) => boolean,
): Map<number, Set<string>> {
  const runs = new Map<number, Set<string>>();
  headers.forEach((entries, n) => {
    for (const { info } of entries) {
      if (!wind(info)) continue;
      if (!runs.has(info.referenceTimeSec)) runs.set(info.referenceTimeSec, new Set());
      runs.get(info.referenceTimeSec)!.add(files[n].name);
    }
  });
  return runs;
}

/** "run 2020-08-04T12:00:00Z: a.grib2, b.grib2; run 2020-08-15T12:00:00Z: c.grib2" */
function runsText(runs: Map<number, Set<string>>): string {
  return [...runs]
    .sort(([a], [b]) => a - b)
    .map(([t, names]) => `run ${isoTimeText(t, 'seconds')}: ${[...names].join(', ')}`)
    .join('; ');
}

/** Isobaric when u, v and gh share ≥ 2 isobaric levels in every file; else heights above sea level. */
function chooseLevelType(headers: FieldEntry[][], names: string): Grib2WindLevelType {
  let common: number[] | null = null;
  let seaLevels = 0;
  for (const entries of headers) {
    const has = (test: (f: Grib2FieldInfo) => boolean, code: number) =>
      new Set(entries.filter((e) => e.info.levelTypeCode === code && test(e.info)).map((e) => e.info.level));
    const [u, v, gh] = [has(isU, 100), has(isV, 100), has(isGh, 100)];
    const complete: number[] = [...u].filter((l) => v.has(l) && gh.has(l));
    common = common === null ? complete : common.filter((l) => complete.includes(l));
    const su = has(isU, 102);
    seaLevels = Math.max(seaLevels, [...has(isV, 102)].filter((l) => su.has(l)).length);
  }
  if (common !== null && common.length >= 2) return 'isobaric';
  if (seaLevels >= 1) return 'height-above-sea';
  throw new DecodeError(
    'no wind found: need u, v and gh on at least 2 isobaric levels, or u and v at heights above sea level (or pass levelType)',
    names,
    PART,
  );
}

/** Levels complete (u, v and gh where needed) at some time, bottom first. */
function completeLevels(
  slots: Map<number, Map<number, Slot>>,
  needsGh: boolean,
  levelType: string,
): number[] {
  const levels = new Set<number>();
  for (const byLevel of slots.values()) {
    for (const [level, slot] of byLevel) if (slot.u && slot.v && (!needsGh || slot.gh)) levels.add(level);
  }
  // Bottom first: highest pressure for isobaric levels, lowest height otherwise.
  return [...levels].sort((a, b) => (levelType === 'isobaric' ? b - a : a - b));
}

function checkComplete(
  byLevel: Map<number, Slot>,
  levels: number[],
  needsGh: boolean,
  levelType: Grib2WindLevelType,
  time: number,
  sources: Map<number, Set<string>>,
) {
  const missing: string[] = [];
  for (const level of levels) {
    const slot = byLevel.get(level) ?? {};
    const keys: (keyof Slot)[] = needsGh ? ['u', 'v', 'gh'] : ['u', 'v'];
    const absent = keys.filter((key) => !slot[key]);
    if (absent.length > 0) missing.push(`${absent.join(', ')} at ${levelText(levelType, level)}`);
  }
  if (missing.length > 0) {
    const shown = missing.length > 6 ? [...missing.slice(0, 6), `and ${missing.length - 6} more`] : missing;
    throw new DecodeError(
      `valid time ${isoTimeText(time, 'seconds')} lacks ${shown.join('; ')} (other times have them)`,
      [...sources.get(time)!].join(', '),
      PART,
    );
  }
}

function levelText(levelType: Grib2WindLevelType, level: number): string {
  return levelType === 'isobaric' ? `${level} hPa` : `${level} m`;
}

const sameAxis = (a: GridAxis, b: GridAxis, wraps: boolean) =>
  a.count === b.count &&
  Math.abs(a.step - b.step) < 1e-9 &&
  (wraps ? Math.abs(((a.start - b.start + 540) % 360) - 180) < 1e-6 : Math.abs(a.start - b.start) < 1e-6);

function checkSameGrid(field: Grib2Field, source: string, reference: { field: Grib2Field; source: string }) {
  const ref = reference.field;
  if (sameAxis(field.lon, ref.lon, true) && sameAxis(field.lat, ref.lat, false)) return;
  const text = (f: Grib2Field) =>
    `lon ${f.lon.start}+${f.lon.step}×${f.lon.count}, lat ${f.lat.start}+${f.lat.step}×${f.lat.count}`;
  throw new DecodeError(
    `grid ${text(field)} differs from ${text(ref)} of message ${ref.info.message} in ${reference.source}`,
    source,
    `section 3 (message ${field.info.message})`,
    field.info.offset,
  );
}

/** Copies one field into place; missing points (bit map) in the wind are refused, not sampled as NaN. */
function copyField(
  field: Grib2Field,
  into: Float32Array,
  at: number,
  levelType: Grib2WindLevelType,
  source: string,
) {
  const values = field.values;
  for (let c = 0; c < values.length; c++) {
    if (Number.isNaN(values[c])) {
      throw new DecodeError(
        `${field.info.shortName} at ${levelText(levelType, field.info.level)} has missing points (bit map) inside the box`,
        source,
        `section 6 (message ${field.info.message})`,
        field.info.offset,
      );
    }
  }
  into.set(values, at);
}

/** Ground elevation per column (m), from a surface field on the wind's grid; none if absent or incomplete. */
function orographyOf(
  field: Grib2Field | undefined,
  reference: { field: Grib2Field },
): Float32Array | undefined {
  if (!field) return undefined;
  const ref = reference.field;
  if (!sameAxis(field.lon, ref.lon, true) || !sameAxis(field.lat, ref.lat, false)) return undefined;
  const metres = Float32Array.from(field.values);
  if (field.info.number === 4) for (let c = 0; c < metres.length; c++) metres[c] /= STANDARD_GRAVITY_M_S2;
  return metres.some((z) => Number.isNaN(z)) ? undefined : metres;
}

/** ", member 5 of 51" for an ensemble member (the ensemble size as template 4.1 states it). */
function memberText(member: number | null, field: Grib2Field): string {
  if (member === null) return '';
  const size = field.info.ensemble?.size;
  return `, ensemble member ${member}${size ? ` of ${size}` : ''}`;
}

/** "NCEP run 2020-08-04T12:00:00Z", or the runs when the files come from several. */
function describeRuns(field: Grib2Field, slots: Map<number, Map<number, Slot>>): string {
  const runs = new Set<number>();
  for (const byLevel of slots.values())
    for (const slot of byLevel.values()) if (slot.u) runs.add(slot.u.info.referenceTimeSec);
  const sorted = [...runs].sort((a, b) => a - b).map((t) => isoTime(t, 'seconds'));
  return `${centreName(field.info.centre)} run${sorted.length > 1 ? 's' : ''} ${sorted.join(', ')}`;
}
