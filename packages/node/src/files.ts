import { readFile } from 'node:fs/promises';
import { DecodeError, InputError } from '@balloon-sim/sim-core';

/** Reads a file, turning "not found" and friends into an InputError naming the file. */
export async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : code === 'EISDIR'
            ? 'is a directory'
            : `cannot be read (${(error as Error).message})`;
    // The real-data scenarios read ../shared/data beside the repository; say so when it is missing.
    const hint =
      code === 'ENOENT' && /[/\\]shared[/\\]data[/\\]/.test(path)
        ? ' (real-data scenarios need the ../shared/data folder beside the repository)'
        : '';
    throw new InputError(`${what} ${path} ${reason}${hint}`, path, path);
  }
}

/** Parses JSON text, reporting the line and column of a syntax error. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    if (at) {
      const offset = Number(at[1]);
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      const column = offset - before.lastIndexOf('\n');
      throw new DecodeError(
        `is not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`,
        source,
        undefined,
        offset,
      );
    }
    throw new DecodeError(`is not valid JSON: ${message}`, source);
  }
}
