import { type Cycle, cycleDate, cycleHour } from './models.js';

/**
 * ECMWF open data (https://www.ecmwf.int/en/forecasts/datasets/open-data), as its file-naming
 * convention page lays it out:
 *   <root>/<yyyymmdd>/<HH>z/ifs/0p25/<stream>/<yyyymmdd><HH>0000-<step>h-<stream>-<type>.grib2
 * with beside each GRIB2 file an index (same name, `.index`) of one JSON object per message:
 *   {"domain": "g", "date": "20240101", "time": "0000", "expver": "0001", "class": "od", "type": "pf",
 *    "stream": "enfo", "step": "6", "levelist": "850", "levtype": "pl", "number": "3", "param": "u",
 *    "_offset": 123456, "_length": 609069}
 * HRES is stream oper, type fc (06/18 UTC cycles were stream scda before IFS cycle 50r1). ENS is
 * stream enfo, type ef. Before 50r1 an ef file holds 51 members: the control (index lines of type
 * cf, without "number") and 50 perturbed members (type pf, numbered). Since 50r1 (May 2026) enfo/cf
 * is no more: the control is the same forecast as HRES, published once, as stream oper type fc, and
 * ef holds the 50 perturbed members only. Source: ECMWF, "ECMWF open data: real-time forecasts from
 * IFS and AIFS", updated for IFS Cycle 50r1 (https://confluence.ecmwf.int/display/DAC/ECMWF+open+data%3A+real-time+forecasts+from+IFS+and+AIFS):
 * "stream=enfo, type=cf is deprecated. The ensemble control forecast is now identical to the HRES
 * deterministic forecast and should be accessed via stream=oper, type=fc"; files of earlier cycles
 * on mirrors keep the old layout. So an ENS step takes the control from ef's cf lines where the index
 * lists them, else from oper/fc of the same cycle and step (see asControlMember).
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

/**
 * ENS's size: 50 perturbed members and the control (ECMWF's open data page: "51 members (50
 * perturbed +1 control)"), written into the control taken from stream oper.
 */
export const ECMWF_ENS_SIZE = 51;

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

/**
 * GRIB2 messages of a deterministic forecast (product definition template 4.0: HRES, stream oper
 * type fc) labelled as the ensemble's control member: template 4.1, which is 4.0 followed by three
 * octets (WMO code table 4.6 type of ensemble forecast 0, "unperturbed high-resolution control
 * forecast"; perturbation number 0; number of forecasts in the ensemble). Since IFS 50r1 that
 * forecast is ENS's control, and a store's step file tells its members apart by perturbation number
 * only: unlabelled, the control would be a field of no member, beside members 1–50. Everything else
 * (the data, the grid, ECMWF's MARS labels saying stream oper) is kept byte for byte. A message that
 * is not template 4.0 is refused, naming it.
 */
export function asControlMember(grib: Uint8Array, ensembleSize = ECMWF_ENS_SIZE): Uint8Array {
  const view = new DataView(grib.buffer, grib.byteOffset, grib.byteLength);
  const out: Uint8Array[] = [];
  let at = 0;
  for (let message = 1; at < grib.length; message++) {
    const magic = String.fromCharCode(...grib.subarray(at, at + 4));
    if (magic !== 'GRIB' || at + 16 > grib.length || grib[at + 7] !== 2)
      throw new Error(`message ${message} (byte ${at}) is not a GRIB2 message`);
    const total = Number(view.getBigUint64(at + 8));
    if (total < 20 || at + total > grib.length)
      throw new Error(`message ${message} (byte ${at}) states ${total} bytes, past the end of the data`);
    const parts: Uint8Array[] = [grib.slice(at, at + 16)];
    let q = at + 16;
    let relabelled = false;
    while (q < at + total - 4) {
      const length = view.getUint32(q);
      if (length < 5 || q + length > at + total - 4)
        throw new Error(`message ${message}: section at byte ${q} states ${length} bytes`);
      const section = grib[q + 4];
      if (section === 4) {
        const template = view.getUint16(q + 7);
        if (template !== 0 || length < 34)
          throw new Error(
            `message ${message} has product definition template 4.${template}, not 4.0 (a deterministic forecast)`,
          );
        // Octets 35–37 of template 4.1 go after 4.0's 34, before any coordinate values.
        const relabel = new Uint8Array(length + 3);
        relabel.set(grib.subarray(q, q + 34));
        relabel.set([0, 0, ensembleSize], 34);
        relabel.set(grib.subarray(q + 34, q + length), 37);
        const v = new DataView(relabel.buffer);
        v.setUint32(0, length + 3);
        v.setUint16(7, 1);
        parts.push(relabel);
        relabelled = true;
      } else {
        parts.push(grib.slice(q, q + length));
      }
      q += length;
    }
    if (String.fromCharCode(...grib.subarray(at + total - 4, at + total)) !== '7777' || q !== at + total - 4)
      throw new Error(`message ${message} (byte ${at}) does not end with "7777" where its length says`);
    if (!relabelled) throw new Error(`message ${message} has no product definition section`);
    parts.push(grib.slice(q, q + 4));
    const grown = total + 3;
    new DataView(parts[0].buffer).setBigUint64(8, BigInt(grown));
    out.push(...parts);
    at += total;
  }
  const bytes = new Uint8Array(out.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of out) {
    bytes.set(p, k);
    k += p.length;
  }
  return bytes;
}
