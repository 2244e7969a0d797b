/**
 * The viewer as the browser tests see it: built with Vite from the current source into a temporary
 * folder, served with the API by the real server (buildApp) on 127.0.0.1, port 0.
 */
// The callbacks given to page.evaluate run in the page: they name its DOM (this folder's bench
// build, tsconfig.scripts.json, is otherwise Node only).
/// <reference lib="dom" />
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type AppOptions, buildApp } from '@balloon-sim/server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { launchChromium } from './chromium.js';

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

/** The window sizes the duty screenshots are taken at: a laptop, a desk monitor, a wall screen. */
export const SCREEN_SIZES = [
  [1280, 720],
  [1400, 900],
  [1920, 1080],
] as const;

/** Resolves after the page has drawn two more animation frames (a resize or redraw has landed). */
export function nextFrames(page: Page): Promise<unknown> {
  return page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

/**
 * A screenshot of `page` at each of SCREEN_SIZES, to `${pathStem}-WIDTHxHEIGHT.png`, each once the
 * page has drawn at that size (and `settled`, where given, resolves), then back at 1280×720.
 */
export async function screenshotsAtSizes(
  page: Page,
  pathStem: string,
  settled?: () => Promise<unknown>,
): Promise<void> {
  for (const [width, height] of SCREEN_SIZES) {
    await page.setViewportSize({ width, height });
    await nextFrames(page);
    await settled?.();
    await page.screenshot({ path: `${pathStem}-${width}x${height}.png` });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

/** How many pixels of the canvas `selector` are not fully transparent: whether, and how much, it is painted. */
export function paintedPixels(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const canvas = document.querySelector<HTMLCanvasElement>(sel)!;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let k = 3; k < data.length; k += 4) if (data[k] > 0) n++;
    return n;
  }, selector);
}

/** Waits until the page says it is Ready: its scenario, wind and map loaded. */
export function waitReady(page: Page): Promise<unknown> {
  return page.waitForFunction(() => document.querySelector('#status')?.textContent === 'Ready', undefined, {
    timeout: 30_000,
  });
}

/** The viewer served and open in Chromium, as a duty officer's browser shows it. */
export interface OpenViewer {
  served: ServedViewer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** The page's console errors and uncaught exceptions so far (a test asserts none). */
  errors: string[];
  /** Closes the page's context, the browser, then the server. */
  close(): Promise<void>;
}

/**
 * Serves the viewer (`options` as serveViewer's) and opens it, Ready, at 1280×720 in a new
 * Chromium set as an American browser in New York: the page must still say 24-hour UTC and Vilnius
 * time whatever the browser's locale and time zone.
 */
export async function openViewer(options: Omit<AppOptions, 'viewerDir'> = {}): Promise<OpenViewer> {
  const served = await serveViewer(options);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1280, height: 720 },
      locale: 'en-US',
      timezoneId: 'America/New_York',
    });
    const page = await context.newPage();
    const errors: string[] = [];
    collectPageErrors(page, errors);
    await page.goto(`${served.origin}/`);
    await waitReady(page);
    const opened = browser;
    return {
      served,
      browser: opened,
      context,
      page,
      errors,
      async close() {
        await context.close();
        await opened.close();
        await served.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await served.close();
    throw error;
  }
}

/** What axe-core found on a page: each violated rule with its elements, and how many rules passed. */
export interface AxeFindings {
  /** One line per violated rule: "rule: target (why), target (why)". */
  violations: string[];
  /** Rules that ran and passed: a test over the whole page asserts some did, so that axe ran at all. */
  passes: number;
}

/** axe-core's browser script, read once on first use (the frame-time bench never needs it). */
let axeSource: string | undefined;

/**
 * axe-core's WCAG 2.0 and 2.1 A and AA rules over the whole page, or over the first element matching
 * `selector`. The script is evaluated in the page through the debugging protocol: the server's CSP
 * rightly refuses an inline script tag, and the page has no network to load it from.
 */
export async function axeViolations(page: Page, selector?: string): Promise<AxeFindings> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  return page.evaluate(async (sel) => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            context: unknown,
            options: unknown,
          ) => Promise<{
            violations: { id: string; nodes: { target: string[]; failureSummary?: string }[] }[];
            passes: unknown[];
          }>;
        };
      }
    ).axe;
    const context = sel === null ? document : document.querySelector(sel);
    // A selector that matches nothing must not quietly check the whole page instead.
    if (context === null) throw new Error(`axeViolations: no element matches ${JSON.stringify(sel)}`);
    const result = await axe.run(context, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return {
      violations: result.violations.map(
        (v) =>
          `${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')}${n.failureSummary ? ` (${n.failureSummary})` : ''}`).join(', ')}`,
      ),
      passes: result.passes.length,
    };
  }, selector ?? null);
}
