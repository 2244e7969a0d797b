/**
 * `pnpm bench:viewer`: builds the viewer, serves it, opens bench.html in headless Chromium and
 * prints the track renderer's frame times as one JSON line (BenchResult in src/bench.ts says what
 * each figure times). Options: --members N --frames N --rounds N --zoom-members N. Targets: replay
 * p95 ≤ 16 ms (60 frames per second), a zoom step ≤ 50 ms.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, preview } from 'vite';
import { hasChromium, launchChromium, NO_CHROMIUM } from './chromium.js';

/** The viewer package (the folder holding vite.config.ts), from this file's source or built place. */
function viewerRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'vite.config.ts'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the viewer package (vite.config.ts)');
    dir = parent;
  }
  return dir;
}

const { values } = parseArgs({
  options: {
    members: { type: 'string' },
    frames: { type: 'string' },
    rounds: { type: 'string' },
    'zoom-members': { type: 'string' },
  },
});
if (!hasChromium()) {
  console.error(NO_CHROMIUM);
  process.exit(2);
}
const root = viewerRoot();
await build({ root, configFile: resolve(root, 'vite.config.ts'), logLevel: 'warn' });
const server = await preview({
  root,
  configFile: resolve(root, 'vite.config.ts'),
  logLevel: 'warn',
  preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
});
const { port } = server.httpServer.address() as AddressInfo;
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const query = new URLSearchParams(
    Object.entries(values).filter(([, v]) => v !== undefined) as [string, string][],
  );
  await page.goto(`http://127.0.0.1:${port}/bench.html?${query}`);
  const handle = await page.waitForFunction(
    () => {
      const w = globalThis as unknown as { benchResult?: unknown; benchError?: string };
      return w.benchResult ?? (w.benchError ? { error: w.benchError } : undefined);
    },
    undefined,
    { timeout: 120_000 },
  );
  const result = (await handle.jsonValue()) as Record<string, unknown>;
  if ('error' in result) throw new Error(`bench failed in the browser: ${result.error}`);
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await new Promise<void>((done) => server.httpServer.close(() => done()));
}
