import { DecodeError, isoTime, type SoundingLevel, SoundingWind } from '@balloon-sim/sim-core';

/**
 * University of Wyoming radiosonde soundings, "Text: List" output
 * (weather.uwyo.edu/cgi-bin/sounding?...&TYPE=TEXT%3ALIST):
 *
 *   26629 Kaunas Observations at 00Z 05 Aug 2020
 *
 *   -----------------------------------------------------------------------------
 *      PRES   HGHT   TEMP   DWPT   RELH   MIXR   DRCT   SKNT   THTA   THTE   THTV
 *       hPa     m      C      C      %    g/kg    deg   knot     K      K      K
 *   -----------------------------------------------------------------------------
 *    1000.0    119   17.0   13.6     80   9.85    205      6  290.2  318.6  291.9
 *   ...
 *   Station information and sounding indices
 *                            Station number: 26629
 *                          Station latitude: 54.88
 *   ...
 *
 * Each value is right-aligned in a field of 7 characters under its column name; a missing value is
 * blank. The page itself is HTML (<H2> header, <PRE> table); tags are removed first, so the page as
 * saved, or its text, both read. Line numbers in errors are 1-based lines of the text given.
 */

/** 1 knot = 1 nautical mile (1852 m) per hour. */
const MPS_PER_KNOT = 1852 / 3600;
const FIELD_WIDTH = 7;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HEADER = /^\s*(.*?)\s+Observations at (\d{2})Z (\d{1,2}) ([A-Z][a-z]{2}) (\d{4})\s*$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
/** The columns read, with the unit the table must state for them. */
const COLUMNS = { HGHT: 'm', DRCT: 'deg', SKNT: 'knot' } as const;

export interface ReadWyomingOptions {
  /** Name of the input, used in error messages and the description. */
  source: string;
}

export interface WyomingSounding {
  /** The header's station text, e.g. "26629 Kaunas". */
  station: string;
  /** Observation time (s since the Unix epoch, UTC). */
  timeSec: number;
  /** Levels with height (m above mean sea level), direction (from, degrees) and speed (m/s), bottom up. */
  levels: SoundingLevel[];
  /** Table rows skipped for lacking height, direction or speed (below-ground levels, for instance). */
  skippedRows: number;
  /** From "Station information and sounding indices", where given. */
  latDeg?: number;
  lonDeg?: number;
  elevationM?: number;
  description: string;
}

const isDashes = (line: string) => /^\s*-{10,}\s*$/.test(line);

/**
 * Reads one sounding in the Wyoming TEXT:LIST layout. Rows without height, direction or speed are
 * skipped and counted; heights must increase up the table. A DecodeError names the line that failed.
 */
export function readWyomingSounding(text: string, options: ReadWyomingOptions): WyomingSounding {
  const { source } = options;
  const lines = text.split(/\r?\n/).map((line) => line.replace(/<[^>]*>/g, ''));
  const at = (n: number) => `line ${n + 1}`;

  const h = lines.findIndex((line) => line.includes('Observations at'));
  if (h < 0)
    throw new DecodeError('no header line "<station> Observations at HHZ DD Mon YYYY" found', source, at(0));
  const header = HEADER.exec(lines[h]);
  const month = header ? MONTHS.indexOf(header[4]) : -1;
  if (!header || month < 0 || +header[2] > 23 || +header[3] < 1 || +header[3] > 31)
    throw new DecodeError(
      `cannot read the header ${JSON.stringify(lines[h].trim())}: expected e.g. "26629 Kaunas Observations at 00Z 05 Aug 2020"`,
      source,
      at(h),
    );
  const station = header[1];
  const timeSec = Date.UTC(+header[5], month, +header[3], +header[2]) / 1000;

  // Dashes, column names, units, dashes (blank lines before them are allowed).
  let n = h + 1;
  while (n < lines.length && lines[n].trim() === '') n++;
  const need = (ok: boolean, what: string) => {
    if (!ok) throw new DecodeError(`expected ${what}`, source, at(Math.min(n, lines.length - 1)));
  };
  need(n < lines.length && isDashes(lines[n]), 'a dashed line under the header');
  n++;
  const names = lines[n] ?? '';
  need(/\bPRES\b/.test(names) && /\bHGHT\b/.test(names), 'the column names "PRES   HGHT   TEMP ..."');
  // A column's field is the 7 characters ending where its name ends.
  const fields = new Map<string, [number, number]>();
  for (const m of names.matchAll(/\S+/g))
    fields.set(m[0], [m.index + m[0].length - FIELD_WIDTH, m.index + m[0].length]);
  const unitsLine = n + 1;
  for (const [name, unit] of Object.entries(COLUMNS)) {
    const field = fields.get(name);
    if (!field) throw new DecodeError(`has no ${name} column`, source, at(n));
    const stated = (lines[unitsLine] ?? '').slice(...field).trim();
    if (stated !== unit)
      throw new DecodeError(
        `states ${JSON.stringify(stated)} for ${name}; expected ${unit}`,
        source,
        at(unitsLine),
      );
  }
  n = unitsLine + 1;
  need(n < lines.length && isDashes(lines[n]), 'a dashed line under the units');
  n++;

  const levels: SoundingLevel[] = [];
  let rows = 0;
  let skippedRows = 0;
  let lastRow = -1;
  for (; n < lines.length; n++) {
    const line = lines[n];
    if (line.trim() === '') continue;
    if (line.trim().startsWith('Station information') || line.includes('Observations at')) break;
    rows++;
    const value = (name: keyof typeof COLUMNS) => {
      const raw = line.slice(...fields.get(name)!).trim();
      if (raw === '') return Number.NaN;
      if (!NUMBER.test(raw))
        throw new DecodeError(`${name} holds ${JSON.stringify(raw)}, not a number`, source, at(n));
      return Number(raw);
    };
    const altM = value('HGHT');
    const directionDeg = value('DRCT');
    const knots = value('SKNT');
    if (Number.isNaN(altM) || Number.isNaN(directionDeg) || Number.isNaN(knots)) {
      skippedRows++;
      continue;
    }
    if (directionDeg > 360) throw new DecodeError(`DRCT ${directionDeg} is beyond 360°`, source, at(n));
    if (knots < 0) throw new DecodeError(`SKNT ${knots} is negative`, source, at(n));
    const below = levels[levels.length - 1];
    if (below && !(altM > below.altM))
      throw new DecodeError(
        `HGHT ${altM} m does not rise above ${below.altM} m (${at(lastRow)})`,
        source,
        at(n),
      );
    levels.push({ altM, directionDeg, speedMps: knots * MPS_PER_KNOT });
    lastRow = n;
  }
  if (rows === 0) throw new DecodeError('no data rows under the column header', source, at(n - 1));
  if (levels.length === 0)
    throw new DecodeError(`none of the ${rows} data rows has height, direction and speed`, source, at(n - 1));

  // Station information: "key: value" lines, until another sounding begins.
  const info = new Map<string, string>();
  for (; n < lines.length; n++) {
    if (lines[n].includes('Observations at'))
      throw new DecodeError('a second sounding begins here: read one sounding at a time', source, at(n));
    const m = /^\s*([^:]+?):\s*(\S.*?)\s*$/.exec(lines[n]);
    if (m) info.set(m[1], m[2]);
  }
  const infoNumber = (key: string) => {
    const raw = info.get(key);
    return raw !== undefined && NUMBER.test(raw) ? Number(raw) : undefined;
  };
  const latDeg = infoNumber('Station latitude');
  const lonDeg = infoNumber('Station longitude');
  const elevationM = infoNumber('Station elevation');

  const iso = isoTime(timeSec, 'minutes');
  const top = levels[levels.length - 1].altM;
  const description =
    `University of Wyoming sounding ${station} ${iso} (${source}): ${levels.length} wind levels ` +
    `${levels[0].altM}..${top} m` +
    (skippedRows ? `, ${skippedRows} row(s) without height, direction or speed skipped` : '') +
    '; steady and horizontally uniform';
  return {
    station,
    timeSec,
    levels,
    skippedRows,
    ...(latDeg === undefined ? {} : { latDeg }),
    ...(lonDeg === undefined ? {} : { lonDeg }),
    ...(elevationM === undefined ? {} : { elevationM }),
    description,
  };
}

/** A sounding as a wind field: steady and horizontally uniform, u and v linear in altitude between levels. */
export function wyomingWind(text: string, options: ReadWyomingOptions): SoundingWind {
  const sounding = readWyomingSounding(text, options);
  return new SoundingWind(sounding.levels, sounding.description);
}
