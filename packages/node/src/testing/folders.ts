/** Temporary folders and named pipes for the command line's tests of what it reads and writes. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * A temporary folder for one test file, removed after its tests (afterAll, so call this at the
 * file's top level or in a describe); `folder(name)` makes a new empty one inside, so that no two
 * tests share an output path.
 */
export function testFolders(prefix: string): { root: string; folder(name: string): string } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return { root, folder: (name) => mkdtempSync(join(root, `${name}-`)) };
}

/** Makes a named pipe at `path` (the mkfifo command): an input or output that is not a plain file. */
export function mkfifo(path: string): string {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo ${path}: ${r.stderr}`);
  return path;
}
