import type { GridWindInit, LonLatBox, WindField } from '@balloon-sim/sim-core';
import { DecodeError, gridWind, isoTime, SoundingWind } from '@balloon-sim/sim-core';
import { describeGrib2, grib2Wind, grib2WindMembers } from './grib2/index.js';
import { readGrib2Json } from './grib2json.js';
import { GRID_JSON_FORMAT, readGridJson } from './grid-json.js';
import { describeNetcdf, readNetcdfWind } from './netcdf.js';
import { readOpenMeteo } from './open-meteo.js';
import { type WindFile, withFiles } from './source.js';
import { readWyomingSounding } from './wyoming.js';

export type { WindFile } from './source.js';

/**
 * Every wind file format the project reads, detected from the content, turned into one WindField.
 * Runs in the browser too: files come in as bytes.
 */
export const WIND_FORMATS = ['grib2', 'netcdf', 'grib2json', 'open-meteo', 'wyoming', 'grid-json'] as const;
export type WindFormat = (typeof WIND_FORMATS)[number];

/** Which levels a file's wind is taken from, where it holds several kinds. */
export type WindLevelType = 'isobaric' | 'height-above-sea' | 'height-above-ground';

export interface DecodeWindOptions {
  format?: WindFormat;
  /** Keep only this region (GRIB2, NetCDF, grib2json). */
  bbox?: LonLatBox;
  levelType?: WindLevelType;
  /**
   * Files (or records) of different forecast runs (reference times): refused by default, since their
   * times would be interpolated across runs as one forecast; "allow" merges them with a warning.
   */
  mixedRuns?: 'refuse' | 'allow';
  /**
   * GRIB2 ensembles: the member to take (perturbation number of product template 4.1). Files holding
   * several members are refused without it; decodeWindMembers takes them all.
   */
  member?: number;
}

/** One member of a forecast: its number (null for a deterministic forecast or a non-GRIB2 file) and its wind. */
export interface WindMember {
  number: number | null;
  field: WindField;
}

/** Every member of the forecast the files hold, in member order. */
export interface WindMembers {
  members: WindMember[];
  /** What the members are, e.g. "51 ensemble members (0–50)" or "one deterministic forecast". */
  description: string;
}

const startsWith = (bytes: Uint8Array, text: string) =>
  [...text].every((c, k) => bytes[k] === c.charCodeAt(0));

/** A JSON wind document's kind, or null when it is none the project reads. */
function jsonKind(doc: unknown): WindFormat | null {
  if (Array.isArray(doc)) {
    if (doc.length > 0 && typeof doc[0] === 'object' && doc[0] !== null && 'header' in doc[0])
      return 'grib2json';
    if (doc.length > 0 && typeof doc[0] === 'object' && doc[0] !== null && 'hourly' in doc[0])
      return 'open-meteo';
    return null;
  }
  if (doc && typeof doc === 'object') {
    if ((doc as { format?: unknown }).format === GRID_JSON_FORMAT) return 'grid-json';
    if ('hourly' in doc) return 'open-meteo';
  }
  return null;
}

function parse(file: WindFile): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(file.bytes));
  } catch (error) {
    throw new DecodeError(`is not valid JSON (${(error as Error).message})`, file.name);
  }
}

/** The format of a wind file from its first bytes (and, for JSON, its shape). */
export function detectWindFormat(file: WindFile): WindFormat {
  const { bytes, name } = file;
  if (startsWith(bytes, 'GRIB')) return 'grib2';
  if (startsWith(bytes, 'CDF') || startsWith(bytes, '\x89HDF\r\n\x1a\n')) return 'netcdf';
  let i = 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  if (bytes[i] === 0x7b || bytes[i] === 0x5b) {
    const kind = jsonKind(parse(file));
    if (kind) return kind;
    throw new DecodeError(
      'is JSON but none of the wind layouts read here (grib2json, Open-Meteo, balloon-sim wind grid)',
      name,
    );
  }
  const head = new TextDecoder().decode(bytes.subarray(0, 8192));
  if (/PRES\s+HGHT/.test(head)) return 'wyoming';
  throw new DecodeError(
    'is not a wind file this version reads (GRIB2, NetCDF, grib2json, Open-Meteo JSON, a Wyoming sounding or a balloon-sim wind grid)',
    name,
    'header',
    0,
  );
}

/** Reads wind files (several only for GRIB2 forecast steps) into one field. */
export async function decodeWind(files: WindFile[], options: DecodeWindOptions = {}): Promise<WindField> {
  if (files.length === 0) throw new DecodeError('no wind file given', 'wind');
  const formats = files.map((f) => options.format ?? detectWindFormat(f));
  const format = formats[0];
  const names = files.map((f) => f.name).join(', ');
  if (formats.some((f) => f !== format))
    throw new DecodeError(
      `mixes formats (${[...new Set(formats)].join(', ')}): give files of one format`,
      names,
    );
  if (format !== 'grib2' && files.length > 1)
    throw new DecodeError(
      `${format} holds all its times in one file: give exactly one (several files merge only for GRIB2)`,
      names,
    );
  const file = files[0];
  // Every field says where it came from: the decoder's source with the format and the files.
  const described = (init: GridWindInit) => gridWind(withSource(init, format, files));
  switch (format) {
    case 'grib2':
      return gridWind(
        await grib2Wind(files, {
          bbox: options.bbox,
          levelType: options.levelType,
          mixedRuns: options.mixedRuns,
          member: options.member,
        }),
      );
    case 'netcdf':
      return described(await readNetcdfWind(file.bytes, { source: file.name, bbox: options.bbox }));
    case 'grib2json': {
      const surface =
        options.levelType === 'height-above-sea'
          ? 'above-sea'
          : options.levelType === 'height-above-ground'
            ? 'above-ground'
            : options.levelType;
      return described(
        readGrib2Json(parse(file), {
          source: file.name,
          bbox: options.bbox,
          surface,
          mixedRuns: options.mixedRuns,
        }),
      );
    }
    case 'open-meteo':
      return described(readOpenMeteo(parse(file), { source: file.name }));
    case 'wyoming': {
      const sounding = readWyomingSounding(new TextDecoder().decode(file.bytes), { source: file.name });
      return new SoundingWind(sounding.levels, sounding.description, {
        ...withFiles('wyoming', files, { attributes: { station: sounding.station } }),
        validTimes: [isoTime(sounding.timeSec)],
      });
    }
    case 'grid-json':
      return described(readGridJson(parse(file), file.name));
  }
}

/**
 * Reads wind files into one wind field per forecast member: GRIB2 ensemble members (product
 * template 4.1) are told apart by their perturbation number, each assembled on its own as decodeWind
 * assembles one; a deterministic GRIB2 forecast and every other format give one member numbered
 * null. For a wind source holding several members (an ensemble from forecast members).
 */
export async function decodeWindMembers(
  files: WindFile[],
  options: Omit<DecodeWindOptions, 'member'> = {},
): Promise<WindMembers> {
  if (files.length === 0) throw new DecodeError('no wind file given', 'wind');
  const formats = files.map((f) => options.format ?? detectWindFormat(f));
  if (formats.some((f) => f !== 'grib2')) {
    const field = await decodeWind(files, options);
    return { members: [{ number: null, field }], description: 'one deterministic forecast' };
  }
  const members = await grib2WindMembers(files, {
    bbox: options.bbox,
    levelType: options.levelType,
    mixedRuns: options.mixedRuns,
  });
  const numbers = members.map((m) => m.number).filter((n): n is number => n !== null);
  return {
    members: members.map((m) => ({ number: m.number, field: gridWind(withSource(m.init, 'grib2', files)) })),
    description:
      numbers.length === 0
        ? 'one deterministic forecast'
        : `${numbers.length} ensemble member${numbers.length === 1 ? '' : 's'} (${numbersText(numbers)})`,
  };
}

/** "0–50" for consecutive numbers, else the list. */
function numbersText(numbers: number[]): string {
  const consecutive = numbers.every((n, k) => k === 0 || n === numbers[k - 1] + 1);
  return consecutive && numbers.length > 2 ? `${numbers[0]}–${numbers.at(-1)}` : numbers.join(', ');
}

/** An init with its source's format and files set (see withFiles), for decoders that read one document. */
export function withSource(init: GridWindInit, format: WindFormat, files: readonly WindFile[]): GridWindInit {
  return { ...init, source: withFiles(format, files, init.source) };
}

/** What a file holds, for `balloon-sim wind inspect`: its format and that format's own description. */
export async function describeWindFile(
  file: WindFile,
  format?: WindFormat,
): Promise<{ format: WindFormat; details: unknown }> {
  const kind = format ?? detectWindFormat(file);
  switch (kind) {
    case 'grib2':
      return { format: kind, details: describeGrib2(file) };
    case 'netcdf':
      return { format: kind, details: await describeNetcdf(file.bytes, file.name) };
    case 'wyoming': {
      const s = readWyomingSounding(new TextDecoder().decode(file.bytes), { source: file.name });
      return {
        format: kind,
        details: {
          station: s.station,
          time: isoTime(s.timeSec),
          levels: s.levels.length,
          skippedRows: s.skippedRows,
          description: s.description,
        },
      };
    }
    default: {
      const field = await decodeWind([file], { format: kind });
      return { format: kind, details: { description: field.description } };
    }
  }
}
