import { resolve } from 'node:path';
import { type DecodeWindOptions, decodeWind, type WindFile } from '../decode/wind-file.js';
import type { WindSource } from '../scenario/schema.js';
import { analyticWind } from '../scenario/wind-source.js';
import type { WindField } from '../wind/wind-field.js';
import { readInput } from './files.js';

/** Reads wind files from disk. */
export async function readWindFiles(paths: string[]): Promise<WindFile[]> {
  return Promise.all(
    paths.map(async (path) => ({ name: path, bytes: new Uint8Array(await readInput(path, 'wind file')) })),
  );
}

/** Reads wind files into one field (format detected from the content unless given). */
export async function loadWindFiles(paths: string[], options: DecodeWindOptions = {}): Promise<WindField> {
  return decodeWind(await readWindFiles(paths), options);
}

/** The wind field of a scenario's source; file paths are relative to `baseDir` (the scenario's folder). */
export async function loadScenarioWind(source: WindSource, baseDir: string): Promise<WindField> {
  if (source.type !== 'file') return analyticWind(source);
  return loadWindFiles(
    source.paths.map((p) => resolve(baseDir, p)),
    { format: source.format, bbox: source.bbox, levelType: source.levelType },
  );
}
