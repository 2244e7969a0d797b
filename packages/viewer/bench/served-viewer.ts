/**
 * The viewer as the browser tests see it: built with Vite from the current source into a temporary
 * folder, served with the API by the real server (buildApp) on 127.0.0.1, port 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type AppOptions, buildApp } from '@balloon-sim/server';
import type { Page } from 'playwright-core';
import { build } from 'vite';

const VIEWER_ROOT = resolve(import.meta.dirname, '..');

export interface ServedViewer {
  /** `http://127.0.0.1:PORT`: the page at `/`, the API under `/api`. */
  origin: string;
  /** Stops the server and removes the build. */
  close(): Promise<void>;
}

/** Builds the page and starts a server for it; `options` are the server's, but for the page's folder. */
export async function serveViewer(options: Omit<AppOptions, 'viewerDir'> = {}): Promise<ServedViewer> {
  const outDir = mkdtempSync(join(tmpdir(), 'balloon-viewer-'));
  try {
    await build({
      root: VIEWER_ROOT,
      configFile: resolve(VIEWER_ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    const app = buildApp({ ...options, viewerDir: outDir });
    const origin = await app.listen({ host: '127.0.0.1', port: 0 });
    return {
      origin,
      async close() {
        await app.close();
        rmSync(outDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(outDir, { recursive: true, force: true });
    throw error;
  }
}

/** Collects the page's console errors and uncaught exceptions into `errors` (a test asserts none). */
export function collectPageErrors(page: Page, errors: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
}
