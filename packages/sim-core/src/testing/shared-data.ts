/**
 * Where tests find the real wind files of ../shared/data (kept beside the repository, never copied in).
 * Tests that need them use `describe.runIf(hasSharedData)` and say, when the folder is absent, that they
 * did not run and why.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const SHARED_DATA_DIR = resolve(
  process.env.BALLOON_SIM_SHARED_DATA ?? resolve(REPO_ROOT, '../shared/data'),
);
export const hasSharedData = existsSync(resolve(SHARED_DATA_DIR, 'README.md'));

if (!hasSharedData) {
  console.warn(`[tests] ${SHARED_DATA_DIR} is absent: tests on real wind files are skipped, not passed.`);
}

export function sharedDataPath(...parts: string[]): string {
  return resolve(SHARED_DATA_DIR, ...parts);
}
