import { resolve } from 'node:path';
import { DecodeError } from '../errors.js';
import type { WindSource } from '../scenario/schema.js';
import { analyticWind } from '../scenario/wind-source.js';
import { gridWind } from '../wind/grid.js';
import { readGridJson } from '../wind/grid-json.js';
import type { WindField } from '../wind/wind-field.js';
import { parseJson, readInput } from './files.js';

/** Detects the format of a wind file from its first bytes. */
export function detectWindFormat(bytes: Uint8Array, path: string): 'grid-json' {
  let i = 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  if (bytes[i] === 0x7b) return 'grid-json';
  throw new DecodeError(
    'is not a wind file this version reads (a balloon-sim wind grid JSON)',
    path,
    'header',
    0,
  );
}

/** Reads wind files into one field. */
export async function loadWindFiles(paths: string[], format?: 'grid-json'): Promise<WindField> {
  if (paths.length !== 1)
    throw new DecodeError('one grid-json file holds all times; give exactly one path', paths.join(', '));
  const path = paths[0];
  const bytes = await readInput(path, 'wind file');
  const kind = format ?? detectWindFormat(bytes, path);
  switch (kind) {
    case 'grid-json':
      return gridWind(readGridJson(parseJson(bytes.toString('utf8'), path), path));
  }
}

/** The wind field of a scenario's source; file paths are relative to `baseDir` (the scenario's folder). */
export async function loadScenarioWind(source: WindSource, baseDir: string): Promise<WindField> {
  if (source.type !== 'file') return analyticWind(source);
  return loadWindFiles(
    source.paths.map((p) => resolve(baseDir, p)),
    source.format,
  );
}
