import { type Cycle, cycleDate, cycleHour } from './models.js';

/**
 * ECMWF open data (https://www.ecmwf.int/en/forecasts/datasets/open-data), as its file-naming
 * convention page lays it out:
 *   <root>/<yyyymmdd>/<HH>z/ifs/0p25/<stream>/<yyyymmdd><HH>0000-<step>h-<stream>-<type>.grib2
 * with beside each GRIB2 file an index (same name, `.index`) of one JSON object per message:
 *   {"domain": "g", "date": "20240101", "time": "0000", "expver": "0001", "class": "od", "type": "pf",
 *    "stream": "enfo", "step": "6", "levelist": "850", "levtype": "pl", "number": "3", "param": "u",
 *    "_offset": 123456, "_length": 609069}
 * HRES is stream oper, type fc (06/18 UTC cycles were stream scda before IFS cycle 50r1); ENS is
 * stream enfo, type ef, whose index lines are type cf (control, no number) and pf (numbered members;
 * since 50r1 the control is HRES itself and ef holds the 50 perturbed members only).
 */
export const ECMWF_BASE_URL = 'https://data.ecmwf.int/forecasts';

/** One message of an index: what it is and where its bytes are. */
export interface EcmwfIndexEntry {
  param: string;
  levtype: string;
  /** hPa for levtype pl. */
  level: number | null;
  /** Member number: 0 for the control (type cf, or fc), the number of a perturbed member (pf). */
  member: number;
  step: string;
  offset: number;
  length: number;
}

/** The URL of a step's GRIB2 file (or index, ext "index"). */
export function ecmwfUrl(
  base: string,
  cycle: Cycle,
  step: number,
  stream: string,
  type: string,
  ext: 'grib2' | 'index',
): string {
  return `${base.replace(/\/$/, '')}/${cycleDate(cycle)}/${cycleHour(cycle)}z/ifs/0p25/${stream}/${cycle.name}0000-${step}h-${stream}-${type}.${ext}`;
}

/** The streams to try for a model and cycle: HRES at 06/18 UTC may still be scda on older mirrors. */
export function ecmwfStreams(ensemble: boolean, cycle: Cycle): { stream: string; type: string }[] {
  if (ensemble) return [{ stream: 'enfo', type: 'ef' }];
  const offHours = Number(cycleHour(cycle)) % 12 !== 0;
  return offHours
    ? [
        { stream: 'oper', type: 'fc' },
        { stream: 'scda', type: 'fc' },
      ]
    : [{ stream: 'oper', type: 'fc' }];
}

/** Parses an index; a line that is not an index entry is an Error naming the line (the caller names the URL). */
export function parseEcmwfIndex(text: string): EcmwfIndexEntry[] {
  const entries: EcmwfIndexEntry[] = [];
  text.split('\n').forEach((line, k) => {
    if (line.trim() === '') return;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`line ${k + 1} is not JSON: ${line.slice(0, 80)}`);
    }
    const offset = Number(o._offset);
    const length = Number(o._length);
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(length) || length <= 0)
      throw new Error(`line ${k + 1} has no valid _offset/_length: ${line.slice(0, 120)}`);
    entries.push({
      param: String(o.param ?? ''),
      levtype: String(o.levtype ?? ''),
      level: o.levelist === undefined ? null : Number(o.levelist),
      member: o.number === undefined ? 0 : Number(o.number),
      step: String(o.step ?? ''),
      offset,
      length,
    });
  });
  return entries;
}

/** What to take from an index: u, v and geopotential height on these levels, for these members. */
export interface EcmwfSelection {
  levelsHpa: readonly number[];
  members: readonly number[];
  params: readonly string[];
}

/**
 * The default selection from what an index lists: every pressure level from 1000 to 500 hPa that
 * has u, and every member. The height comes as gh (geopotential height) or, failing it, z.
 */
export function ecmwfDefaults(
  entries: readonly EcmwfIndexEntry[],
  levelsHpa?: readonly number[],
  members?: readonly number[],
): EcmwfSelection {
  const pl = entries.filter((e) => e.levtype === 'pl');
  const listed = [...new Set(pl.filter((e) => e.param === 'u').map((e) => e.level!))];
  const levels = levelsHpa ?? listed.filter((l) => l >= 500 && l <= 1000).sort((a, b) => b - a);
  const numbers = members ?? [...new Set(pl.map((e) => e.member))].sort((a, b) => a - b);
  const height = pl.some((e) => e.param === 'gh') ? 'gh' : 'z';
  return { levelsHpa: levels, members: numbers, params: ['u', 'v', height] };
}

/** The entries of the selection, in file order; every wanted one must be listed, else `missing` names them. */
export function selectEcmwf(
  entries: readonly EcmwfIndexEntry[],
  selection: EcmwfSelection,
): { chosen: EcmwfIndexEntry[]; missing: string[] } {
  const key = (param: string, level: number, member: number) => `${param} ${level} hPa member ${member}`;
  const wanted = new Set<string>();
  for (const param of selection.params)
    for (const level of selection.levelsHpa)
      for (const member of selection.members) wanted.add(key(param, level, member));
  const chosen = entries
    .filter((e) => e.levtype === 'pl' && e.level !== null && wanted.has(key(e.param, e.level, e.member)))
    .sort((a, b) => a.offset - b.offset);
  const found = new Set(chosen.map((e) => key(e.param, e.level!, e.member)));
  const missing = [...wanted].filter((k) => !found.has(k));
  return { chosen, missing };
}

/**
 * Byte ranges to ask for: adjacent messages merged into one request, up to `maxBytes` each, so that a
 * step costs few requests and no piece is too large to crop in memory.
 */
export function mergeRanges(
  chosen: readonly EcmwfIndexEntry[],
  maxBytes = 64 * 1024 * 1024,
): { first: number; last: number; messages: number }[] {
  const ranges: { first: number; last: number; messages: number }[] = [];
  for (const e of chosen) {
    const previous = ranges[ranges.length - 1];
    if (previous && previous.last + 1 === e.offset && e.offset + e.length - previous.first <= maxBytes) {
      previous.last = e.offset + e.length - 1;
      previous.messages++;
    } else {
      ranges.push({ first: e.offset, last: e.offset + e.length - 1, messages: 1 });
    }
  }
  return ranges;
}
