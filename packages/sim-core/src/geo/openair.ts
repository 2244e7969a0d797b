/**
 * OpenAir airspace text → zones. OpenAir was defined by WinPilot in 1998 ("OPEN AIR (tm) TERRAIN and
 * AIRSPACE DESCRIPTION LANGUAGE", v0.92/1.0, winpilot.com) and extended by Naviter ("SeeYou OpenAir
 * file format specification" v2.1.0, 2025, github.com/naviter/seeyou_file_formats); openAIP and most
 * gliding tools export it. Records read here:
 *
 *   AC <class>            starts an airspace (R restricted, P prohibited, Q danger, CTR, A–G, …)
 *   AY <type>             extended format: the type (CTR, TMA, R, …); AC then holds only the ICAO class
 *   AN <name>             name
 *   AI <id>               extended format: a stable identifier, used as the zone id
 *   AL <floor>, AH <ceiling>   SFC, GND, 1500ft AMSL, 1500 ft, 1500MSL, 1000m, FL95, 2000ft AGL, UNL…
 *   V X=<coord>           centre for DA, DB, DC (within the current airspace: reset at every AC)
 *   V D=+ | V D=-         arc direction: + clockwise (the default, reset at every AC), - counterclockwise
 *   DP <coord>            polygon point
 *   DA <r>, <from>, <to>  arc of radius r NM round X from bearing <from> to <to> (degrees true)
 *   DB <coord1>, <coord2> arc round X from coord1 to coord2
 *   DC <r>                circle of radius r NM round X
 *   * …                   comment (whole lines; also trailing on geometry and limit lines)
 * AF, AG, AT, AA, AX, SP, SB and V W=/V Z= are accepted and ignored. DY (airway) and terrain (TO, TC)
 * are not supported and are reported.
 *
 * Coordinates: DD:MM:SS[.s] N|S DDD:MM:SS[.s] E|W or DD:MM.mmm N|S DDD:MM.mmm E|W, the hemisphere letter
 * with or without a space before it. Distances are nautical miles (1852 m) without a unit.
 * Arcs and circles are drawn on the sphere of EARTH_RADIUS_M (so distanceM gives the radius back) with
 * a vertex at least every 2° of arc. A DB arc whose end points lie at different distances from X (common
 * in real files, the arc being overdefined) has its radius interpolated linearly between the two, and
 * keeps both end points exactly. Rings are closed and oriented counterclockwise (RFC 7946 §3.1.6).
 */

import { distanceM } from '../earth.js';
import { DecodeError } from '../errors.js';
import { destinationLonLat, initialBearingDeg, ringSignedArea2 } from './sphere.js';
import { flightLevelToM, M_PER_FT, M_PER_NM, type Zone, type ZoneKind } from './zones.js';

export interface OpenAirOptions {
  /**
   * Ground elevation (m AMSL) added to AGL limits (e.g. 2000ft AGL), default 0. OpenAir zones carry no
   * terrain, so one elevation stands for the whole file: pass the aerodrome or area elevation when AGL
   * limits matter. A floor at the surface (SFC, GND, 0 AGL) is 0 m AMSL whatever this is (see zones.ts).
   */
  groundElevationM?: number;
  /** Largest angle (degrees) between arc and circle vertices, default and maximum 2. */
  arcStepDeg?: number;
}

/** A position in degrees. */
export interface LonLat {
  lon: number;
  lat: number;
}

/** An OpenAir altitude: SFC/GND, UNL, FLnnn, or a number with unit (ft default, m) and reference. */
export interface OpenAirAltitude {
  /** 'surface' (SFC, GND, 0 AGL), 'unlimited' (UNL), 'amsl', 'agl', or 'pressure' (FL, STD). */
  reference: 'surface' | 'unlimited' | 'amsl' | 'agl' | 'pressure';
  /** The height in metres above the reference (0 for surface, Infinity for unlimited). */
  m: number;
}

const COORD = String.raw`(\d{1,3}(?:\.\d+)?)(?::(\d{1,2}(?:\.\d+)?))?(?::(\d{1,2}(?:\.\d+)?))?`;
const PAIR = new RegExp(String.raw`${COORD}\s*([NS])[\s,]*${COORD}\s*([EW])`, 'giy');

/**
 * Reads one or more coordinate pairs from `text` (DP, V X=, DB), separated by commas or spaces.
 * Throws an Error (turned into a DecodeError with the line by the caller) on anything else.
 */
export function parseOpenAirCoordinates(text: string): LonLat[] {
  const out: LonLat[] = [];
  const s = text.trim();
  let pos = 0;
  while (pos < s.length) {
    PAIR.lastIndex = pos;
    const m = PAIR.exec(s);
    if (!m) throw new Error(`cannot read a coordinate in ${JSON.stringify(s.slice(pos))}`);
    const lat = dms(m[1], m[2], m[3], 90, 'latitude') * (m[4].toUpperCase() === 'S' ? -1 : 1);
    const lon = dms(m[5], m[6], m[7], 180, 'longitude') * (m[8].toUpperCase() === 'W' ? -1 : 1);
    out.push({ lon, lat });
    pos = PAIR.lastIndex;
    while (pos < s.length && /[\s,]/.test(s[pos])) pos++;
  }
  if (out.length === 0) throw new Error('expected a coordinate such as 54:38:13 N 025:17:16 E');
  return out;
}

function dms(
  deg: string,
  min: string | undefined,
  sec: string | undefined,
  max: number,
  what: string,
): number {
  const parts = [deg, min, sec].filter((p): p is string => p !== undefined);
  // Only the last component may carry decimals (54:38.217 or 54:38:13.5, not 54.5:30).
  if (parts.slice(0, -1).some((p) => p.includes('.')))
    throw new Error(`${what} ${parts.join(':')}: only the last component may have decimals`);
  const d = Number(deg);
  const m = min === undefined ? 0 : Number(min);
  const s = sec === undefined ? 0 : Number(sec);
  if (m >= 60 || s >= 60) throw new Error(`${what} ${parts.join(':')}: minutes and seconds must be below 60`);
  const value = d + m / 60 + s / 3600;
  if (value > max) throw new Error(`${what} ${parts.join(':')} is beyond ${max}°`);
  return value;
}

/** Parses an AL/AH value (see OpenAirAltitude); numbers without a unit are feet, as most tools read them. */
export function parseOpenAirAltitude(text: string): OpenAirAltitude {
  const s = text.trim().toUpperCase().replace(/\s+/g, ' ');
  if (/^(SFC|GND|SURFACE|0)$/.test(s)) return { reference: 'surface', m: 0 };
  if (/^(UNL|UNLTD|UNLIM|UNLIMITED)$/.test(s)) return { reference: 'unlimited', m: Infinity };
  const fl = /^FL ?(\d+(?:\.\d+)?)$/.exec(s);
  if (fl) return { reference: 'pressure', m: flightLevelToM(Number(fl[1])) };
  const h = /^(\d+(?:\.\d+)?) ?(FT|F|M)? ?(AMSL|MSL|ASL|AGL|AGND|ASFC|GND|SFC|STD)?$/.exec(s);
  if (!h) throw new Error(`cannot read the altitude ${JSON.stringify(text.trim())}`);
  const m = Number(h[1]) * (h[2] === 'M' ? 1 : M_PER_FT);
  const ref = h[3] ?? 'AMSL';
  if (ref === 'STD') return { reference: 'pressure', m };
  if (ref === 'AMSL' || ref === 'MSL' || ref === 'ASL') return { reference: 'amsl', m };
  return m === 0 ? { reference: 'surface', m: 0 } : { reference: 'agl', m };
}

/** Maps the AY type (extended format) or else the AC class onto a zone kind. */
function kindOf(acClass: string, ayType: string | undefined): ZoneKind {
  const t = (ayType ?? acClass).toUpperCase();
  if (['CTR', 'ATZ', 'MATZ', 'HTZ'].includes(t)) return 'ctr';
  if (['TMA', 'CTA'].includes(t)) return 'approach';
  // R restricted, P prohibited, TFR temporary flight restriction, OFR overflight restriction.
  if (['R', 'P', 'TFR', 'OFR'].includes(t)) return 'restricted';
  return 'other';
}

interface Block {
  line: number;
  acClass: string;
  ayType?: string;
  name?: string;
  id?: string;
  lower?: { value: OpenAirAltitude; line: number };
  upper?: { value: OpenAirAltitude; line: number };
  centre?: LonLat;
  clockwise: boolean;
  ring: number[][];
  circle: boolean;
}

/**
 * Parses OpenAir text into zones (kind from AY, else AC: CTR/ATZ → ctr, TMA/CTA → approach,
 * R/P/TFR/OFR → restricted, anything else → other). Limits become m AMSL: FL as pressure altitude
 * (flightLevelToM), AGL plus options.groundElevationM, SFC/GND → 0. The zone id is AI when given,
 * else the name, made unique by appending " (line N)" to repeats. Zones are not `approximate` (the
 * file is taken at its word); `source` is the given source name.
 * Throws DecodeError with `part: 'line N'` (1-based) for anything it cannot read.
 */
export function parseOpenAir(text: string, source: string, options: OpenAirOptions = {}): Zone[] {
  const groundM = options.groundElevationM ?? 0;
  if (!Number.isFinite(groundM)) throw new DecodeError('groundElevationM must be finite', source, 'options');
  const stepDeg = Math.min(2, options.arcStepDeg ?? 2);
  if (!(stepDeg > 0)) throw new DecodeError('arcStepDeg must be positive', source, 'options');
  const zones: Zone[] = [];
  const acLines: number[] = [];
  let block: Block | undefined;

  const lineError = (line: number, reason: string) => new DecodeError(reason, source, `line ${line}`);
  const fail = (line: number, reason: string): never => {
    throw lineError(line, reason);
  };
  const toM = (alt: OpenAirAltitude) => (alt.reference === 'agl' ? alt.m + groundM : alt.m);

  const finish = () => {
    if (!block) return;
    const b = block;
    const label = `airspace ${JSON.stringify(b.name ?? b.acClass)} (AC on line ${b.line})`;
    if (!b.lower) fail(b.line, `${label} has no floor (AL)`);
    if (!b.upper) fail(b.line, `${label} has no ceiling (AH)`);
    const lower = b.lower!;
    const upper = b.upper!;
    if (lower.value.reference === 'unlimited') fail(lower.line, 'a floor cannot be UNL');
    const lowerM = toM(lower.value);
    const upperM = toM(upper.value);
    if (!(lowerM <= upperM)) fail(upper.line, `ceiling ${upperM} m is below the floor ${lowerM} m`);
    // Repeated points (a DP on the end of a DB arc, a closing DP) carry nothing; drop them.
    const ring: number[][] = [];
    for (const p of b.ring) if (ring.length === 0 || !samePoint(ring[ring.length - 1], p)) ring.push(p);
    if (ring.length > 1 && samePoint(ring[0], ring[ring.length - 1])) ring.pop();
    if (ring.length < 3) fail(b.line, `${label} has fewer than 3 distinct vertices`);
    ring.push([ring[0][0], ring[0][1]]);
    if (ringSignedArea2(ring) < 0) ring.reverse();
    zones.push({
      id: b.id ?? b.name ?? `line ${b.line}`,
      name: b.name ?? '',
      kind: kindOf(b.acClass, b.ayType),
      lowerM,
      upperM,
      polygon: [ring],
      approximate: false,
      source,
    });
    acLines.push(b.line);
    block = undefined;
  };

  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
  const readLine = (lineNo: number, raw: string): void => {
    const line = raw.trim();
    if (line === '' || line.startsWith('*')) return;
    const record = /^([A-Za-z]{1,2})(?:\s+|$)/.exec(line);
    if (!record) fail(lineNo, `cannot read the record ${JSON.stringify(line.slice(0, 40))}`);
    const type = record![1].toUpperCase();
    const body = line.slice(record![0].length).trim();
    // A trailing comment after geometry and limits; names (AN) may contain '*'.
    const value = type === 'AN' ? body : body.replace(/\s*\*.*$/, '');
    const need = (): Block => block ?? fail(lineNo, `${type} before the first AC record`);
    const coords = (text = value): LonLat[] => {
      try {
        return parseOpenAirCoordinates(text);
      } catch (e) {
        throw lineError(lineNo, (e as Error).message);
      }
    };
    const centre = (b: Block): LonLat =>
      b.centre ?? fail(lineNo, `${type} needs a centre: a V X=<coordinate> record before it`);
    const noCircle = (b: Block) => {
      if (b.circle) fail(lineNo, `${type} after DC: a circle is a whole outline`);
    };

    switch (type) {
      case 'AC':
        finish();
        if (value === '') fail(lineNo, 'AC needs a class');
        block = { line: lineNo, acClass: value, clockwise: true, ring: [], circle: false };
        return;
      case 'AY':
        need().ayType = value;
        return;
      case 'AN':
        need().name = value;
        return;
      case 'AI':
        need().id = value;
        return;
      case 'AL':
      case 'AH': {
        const b = need();
        let alt: OpenAirAltitude;
        try {
          alt = parseOpenAirAltitude(value);
        } catch (e) {
          throw lineError(lineNo, (e as Error).message);
        }
        if ((type === 'AL' ? b.lower : b.upper) !== undefined)
          fail(lineNo, `a second ${type}: an airspace has one ${type === 'AL' ? 'floor' : 'ceiling'}`);
        if (type === 'AL') b.lower = { value: alt, line: lineNo };
        else b.upper = { value: alt, line: lineNo };
        return;
      }
      case 'AF':
      case 'AG':
      case 'AT':
      case 'AA':
      case 'AX':
      case 'SP':
      case 'SB':
        return;
      case 'V': {
        const b = need();
        const v = /^([A-Za-z])\s*=\s*(.*)$/.exec(value);
        if (!v) throw lineError(lineNo, `cannot read the variable ${JSON.stringify(value)}`);
        const name = v[1].toUpperCase();
        if (name === 'X') {
          const c = coords(v[2].replace(/\s*\*.*$/, ''));
          if (c.length !== 1) fail(lineNo, 'V X= takes one coordinate');
          b.centre = c[0];
        } else if (name === 'D') {
          if (v[2].trim() === '+') b.clockwise = true;
          else if (v[2].trim() === '-') b.clockwise = false;
          else fail(lineNo, `V D= takes + or -, got ${JSON.stringify(v[2])}`);
        } else if (name !== 'W' && name !== 'Z') {
          fail(lineNo, `unknown variable V ${name}=`);
        }
        return;
      }
      case 'DP': {
        const b = need();
        noCircle(b);
        const c = coords();
        if (c.length !== 1) fail(lineNo, 'DP takes one coordinate');
        b.ring.push([c[0].lon, c[0].lat]);
        return;
      }
      case 'DA': {
        const b = need();
        noCircle(b);
        const x = centre(b);
        const parts = value.split(/\s*[,\s]\s*/).filter((p) => p !== '');
        const nums = parts.map(Number);
        if (nums.length !== 3 || nums.some((n) => !Number.isFinite(n)))
          fail(lineNo, `DA takes radius (NM), start and end bearing (degrees), got ${JSON.stringify(value)}`);
        const [rNm, fromDeg, toDeg] = nums;
        if (!(rNm > 0)) fail(lineNo, `DA radius must be positive, got ${rNm}`);
        let sweep = b.clockwise ? mod360(toDeg - fromDeg) : mod360(fromDeg - toDeg);
        if (sweep === 0 && fromDeg !== toDeg) sweep = 360;
        const n = Math.max(1, Math.ceil(sweep / stepDeg));
        const sign = b.clockwise ? 1 : -1;
        for (let k = 0; k <= n; k++)
          b.ring.push(destinationLonLat(x.lon, x.lat, fromDeg + (sign * sweep * k) / n, rNm * M_PER_NM));
        return;
      }
      case 'DB': {
        const b = need();
        noCircle(b);
        const x = centre(b);
        const c = coords();
        if (c.length !== 2) fail(lineNo, 'DB takes two coordinates, start and end of the arc');
        const [p1, p2] = c;
        const r1 = distanceM(x.lon, x.lat, p1.lon, p1.lat);
        const r2 = distanceM(x.lon, x.lat, p2.lon, p2.lat);
        if (r1 === 0 || r2 === 0) fail(lineNo, 'DB end points must not be the centre');
        const from = initialBearingDeg(x.lon, x.lat, p1.lon, p1.lat);
        const to = initialBearingDeg(x.lon, x.lat, p2.lon, p2.lat);
        const sweep = b.clockwise ? mod360(to - from) : mod360(from - to);
        const n = Math.max(1, Math.ceil(sweep / stepDeg));
        const sign = b.clockwise ? 1 : -1;
        b.ring.push([p1.lon, p1.lat]);
        for (let k = 1; k < n; k++)
          b.ring.push(
            destinationLonLat(x.lon, x.lat, from + (sign * sweep * k) / n, r1 + ((r2 - r1) * k) / n),
          );
        b.ring.push([p2.lon, p2.lat]);
        return;
      }
      case 'DC': {
        const b = need();
        if (b.ring.length > 0) fail(lineNo, 'DC after other geometry: a circle is a whole outline');
        const x = centre(b);
        const rNm = Number(value);
        if (!(value !== '' && rNm > 0 && Number.isFinite(rNm)))
          fail(lineNo, `DC takes a positive radius in NM, got ${JSON.stringify(value)}`);
        const n = Math.ceil(360 / stepDeg);
        for (let k = 0; k < n; k++)
          b.ring.push(destinationLonLat(x.lon, x.lat, (360 * k) / n, rNm * M_PER_NM));
        b.circle = true;
        return;
      }
      case 'DY':
        throw lineError(lineNo, 'airway segments (DY) are not supported');
      case 'TO':
      case 'TC':
        throw lineError(lineNo, 'terrain records (TO, TC) are not supported');
      default:
        throw lineError(lineNo, `unknown record ${type}`);
    }
  };
  lines.forEach((raw, index) => {
    readLine(index + 1, raw);
  });
  finish();

  // Unique ids: repeats (two parts of an airspace under one name, say) get their AC line appended.
  const count = new Map<string, number>();
  for (const z of zones) count.set(z.id, (count.get(z.id) ?? 0) + 1);
  return zones.map((z, i) => (count.get(z.id)! > 1 ? { ...z, id: `${z.id} (line ${acLines[i]})` } : z));
}

function mod360(deg: number): number {
  const r = deg % 360;
  return r < 0 ? r + 360 : r;
}

/** Equal to 1e-9° (0.1 mm): arcs computed to end where a DP starts meet only to rounding. */
function samePoint(a: readonly number[], b: readonly number[]): boolean {
  return Math.abs(a[0] - b[0]) <= 1e-9 && Math.abs(a[1] - b[1]) <= 1e-9;
}
