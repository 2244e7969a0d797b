/**
 * The track renderer in Chromium (software rasterisation, as bench:viewer): the faster ways of
 * drawing give the picture the plain way gives. The page is tracks.check.html served by Vite's dev
 * server on 127.0.0.1 (port 0); the drawing and the pixel comparisons run in the page
 * (tracks.check.ts), the assertions here. Screenshots (1280 × 720) go to packages/viewer/test-results/.
 *
 * Skipped, with a line saying why, when there is no Chromium (CHROMIUM_PATH).
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium, NO_CHROMIUM } from '../bench/chromium.js';
import { collectPageErrors } from '../bench/served-viewer.js';
import type * as Check from './tracks.check.js';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = resolve(ROOT, 'test-results');

if (!hasChromium()) {
  if (process.env.REQUIRE_CHROMIUM === '1') throw new Error(NO_CHROMIUM);
  console.log(`track renderer browser tests skipped: ${NO_CHROMIUM}`);
}

/** Runs `body` in the page with the check module as its argument `c`. */
type CheckModule = typeof Check;

describe.skipIf(!hasChromium())('the track renderer in Chromium', () => {
  let server: ViteDevServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  /** Evaluates `call` (source of a function of the check module) in the page. */
  const check = <T>(call: string): Promise<T> =>
    page.evaluate(`import('/src/tracks.check.ts').then((c) => (${call})(c))`) as Promise<T>;

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    server = await createServer({
      root: ROOT,
      configFile: resolve(ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      // Modules as they are, no dependency pre-bundling: it can reload the page mid-test.
      optimizeDeps: { noDiscovery: true, include: [] },
      server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
    });
    await server.listen();
    const { port } = server.httpServer!.address() as AddressInfo;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    collectPageErrors(page, errors);
    await page.goto(`http://127.0.0.1:${port}/src/tracks.check.html`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a replay drawn frame by frame ends with the pixels of the same frames drawn at once', async () => {
    const result = await check<ReturnType<CheckModule['replayAgainstFull']>>(
      '(c) => c.replayAgainstFull(2000, 73)',
    );
    // Both stroke the same paths in the same order onto a canvas in the same state, so the same
    // rasteriser gives the same bytes: no tolerance.
    expect(result.trails.painted).toBeGreaterThan(50_000);
    expect(result.trails.differing).toBe(0);
    expect(result.heads.differing).toBe(0);
  });

  it('the heads written in JavaScript match the canvas filling the same squares', async () => {
    // Skia fills a path of many rectangles with 4 sub-scanlines a pixel, so the alpha of a
    // square's top and bottom edge pixels is its coverage to within 1/8 (32 of 255); heads.ts
    // computes the exact area. Isolated squares (30 members): no pixel further apart than that.
    const few = await check<Check.PixelDiff>('(c) => c.headsAgainstCanvas(30, 40, { k: 1, x: 0, y: 0 }, 32)');
    expect(few.painted).toBeGreaterThan(300);
    expect(few.differing).toBe(0);
    for (const transform of [
      { k: 1, x: 0, y: 0 },
      { k: 2.56, x: -900, y: -500 },
    ]) {
      const crowd = await check<Check.PixelDiff>(
        `(c) => c.headsAgainstCanvas(3000, 40, ${JSON.stringify(transform)}, 40)`,
      );
      // Where squares of one colour overlap, Skia fills their union (one path) and heads.ts blends
      // one over the other: their shared edge pixels differ more, at most 1 % of the pixels. The
      // amount drawn (the sum of alpha) is the same to 1 %.
      expect(crowd.painted).toBeGreaterThan(5_000);
      expect(crowd.differing).toBeLessThanOrEqual(crowd.painted / 100);
      expect(Math.abs(crowd.inkA - crowd.inkB)).toBeLessThanOrEqual(crowd.inkB / 100);
    }
  });

  it('a zoom gesture shows the last drawing scaled into place, and its end redraws it sharp', async () => {
    for (const [to, replayed] of [
      [{ k: 1.6, x: -300, y: -150 }, false],
      [{ k: 1 / 1.6, x: 200, y: 100 }, false],
      [{ k: 1, x: 120, y: -80 }, false],
      [{ k: 1.6, x: -300, y: -150 }, true],
    ] as const) {
      const r = await check<Awaited<ReturnType<CheckModule['quickThenSettle']>>>(
        `(c) => c.quickThenSettle(2000, 73, ${JSON.stringify(to)}, ${replayed})`,
      );
      expect(r.previewing).toBe(true);
      // The earlier drawing, scaled and moved where the zoom puts it: the pixels of drawImage into
      // that rectangle, to 2 levels (another path through the same bilinear scaling).
      expect(r.preview.painted).toBeGreaterThan(50_000);
      expect(r.preview.differing).toBe(0);
      expect(r.settledPreviewing).toBe(false);
      expect(r.settled.differing).toBe(0);
    }
  });

  it('the end of a gesture shows the quick picture until the whole sharp one replaces it, in one frame', async () => {
    // One unit of work per animation frame (settle.ts; a settler with no time budget), sampled
    // after every frame: the tracks, the probability map and its markers all show the gesture's
    // quick pictures, or all the complete sharp ones; never part of one, never layers disagreeing.
    for (const to of [
      { k: 1.6, x: -300, y: -150 },
      { k: 1 / 1.6, x: 200, y: 100 },
    ]) {
      const seen = await check<Check.SettleFrame[]>(`(c) => c.settleFrames(2000, 73, ${JSON.stringify(to)})`);
      // 146 000 segments at 10 000 a step, the map, the markers, then the swap in a frame of its own.
      expect(seen.length).toBeGreaterThan(5);
      expect(seen.indexOf('sharp')).toBe(seen.length - 1);
      expect(seen.slice(0, -1).every((s) => s === 'quick')).toBe(true);
    }
    // A second gesture three frames into the slices: its quick picture, then its own sharp one.
    const seen = await check<Check.SettleFrame[]>(
      `(c) => c.settleFrames(2000, 73, { k: 1.6, x: -300, y: -150 }, { k: 2.56, x: -900, y: -500 }, 3)`,
    );
    expect(seen.length).toBeGreaterThan(8);
    expect(seen.indexOf('sharp')).toBe(seen.length - 1);
    expect(seen.slice(0, -1).every((s) => s === 'quick')).toBe(true);
    // A replay going on during the slices (the last 20 frames shown three frames in): they are
    // drawn over the quick picture at once, and the sharp picture swapped in at the end has them.
    const replayed = await check<Check.SettleFrame[]>(
      `(c) => c.settleFrames(2000, 73, { k: 1.6, x: -300, y: -150 }, null, 3, 20)`,
    );
    expect(replayed.length).toBeGreaterThan(5);
    expect(replayed.indexOf('sharp')).toBe(replayed.length - 1);
    expect(replayed.slice(0, -1).every((s) => s === 'quick')).toBe(true);
    expect(errors).toEqual([]);
  });

  it('zoomed in, stroking only the tiles that meet the canvas gives the pixels of stroking every segment', async () => {
    for (const to of [
      { k: 2.56, x: -640 * 1.56, y: -360 * 1.56 },
      { k: 6.55, x: -640 * 5.55 - 200, y: -360 * 5.55 + 300 },
    ]) {
      const r = await check<Check.PixelDiff>(`(c) => c.tilesAgainstWhole(2000, 73, ${JSON.stringify(to)})`);
      // Same segments, colours in the same order; within a colour the tiles put its segments in
      // another order, and where they cross the 8-bit blending rounds differently: more than 2
      // levels apart on at most 1 pixel in 10 000 (1 of 60 000 seen; the whole paths give 0).
      expect(r.painted).toBeGreaterThan(50_000);
      expect(r.differing).toBeLessThanOrEqual(r.painted / 10_000);
    }
  });

  it('a small ensemble is redrawn sharp even during a gesture', async () => {
    const r = await check<ReturnType<CheckModule['smallQuickIsSharp']>>(
      '(c) => c.smallQuickIsSharp(300, 73)',
    );
    expect(r.previewing).toBe(false);
    expect(r.settled.differing).toBe(0);
  });

  it('the probability map and its markers: not redrawn when unchanged, scaled during a gesture, sharp after', async () => {
    for (const to of [
      { k: 1.6, x: -300, y: -150 },
      { k: 1 / 1.6, x: 200, y: 100 },
    ]) {
      const r = await check<Awaited<ReturnType<CheckModule['frequencyThroughZoom']>>>(
        `(c) => c.frequencyThroughZoom(500, 73, ${JSON.stringify(to)})`,
      );
      expect(r.untouched).toBe(true);
      expect(r.previewing).toBe(true);
      for (const d of r.preview) {
        expect(d.painted).toBeGreaterThan(1_000);
        expect(d.differing).toBe(0);
      }
      // Markers projected once and moved by the zoom give the pixels of a layer that projected
      // them at that zoom from the start.
      for (const d of r.settled) {
        expect(d.painted).toBeGreaterThan(1_000);
        expect(d.differing).toBe(0);
      }
    }
  });

  it('the markers stamped from masks match the canvas stroking the same symbols', async () => {
    for (const [members, transform, painted] of [
      [20, { k: 1, x: 0, y: 0 }, 1_000],
      [20, { k: 2.56, x: -900, y: -500 }, 1_000],
      [2000, { k: 1, x: 0, y: 0 }, 50_000],
    ] as const) {
      const r = await check<Check.PixelDiff>(
        `(c) => c.markersAgainstPaths(${members}, 73, ${JSON.stringify(transform)}, 64)`,
      );
      // A stamp stands up to 1/8 pixel from the path's position, Skia's path coverage is itself
      // approximate (to 1/8, see the heads above), and where symbols of a kind overlap the path
      // fills their union once while stamps blend one over the other: edge pixels differ, by more
      // than a quarter of full scale on at most 1 % of the pixels; the ink is the same to 1 %.
      expect(r.painted).toBeGreaterThan(painted);
      expect(r.differing).toBeLessThanOrEqual(r.painted / 100);
      expect(Math.abs(r.inkA - r.inkB)).toBeLessThanOrEqual(r.inkB / 100);
    }
  });

  it('a gesture that zooms out or pans shows the overview where the scaled drawing does not reach', async () => {
    // From a sharp drawing zoomed in ×2.56 about the centre (much of the data off the view): a
    // zoom out to ×1.6 about the centre, and a pan by (300, −200) pixels.
    const from = { k: 2.56, x: -640 * 1.56, y: -360 * 1.56 };
    for (const to of [
      { k: 1.6, x: -640 * 0.6, y: -360 * 0.6 },
      { k: 2.56, x: from.x + 300, y: from.y - 200 },
    ]) {
      const r = await check<Awaited<ReturnType<CheckModule['edgesDuringGesture']>>>(
        `(c) => c.edgesDuringGesture(2000, 73, ${JSON.stringify(from)}, ${JSON.stringify(to)})`,
      );
      // The gesture began once the overviews, made in slices after the sharp drawings, were ready.
      expect(r.ready).toEqual([true, true]);
      expect(r.previewing).toBe(true);
      // Where the sharp picture has tracks, cells or markers outside the scaled drawing, the quick
      // picture has them too (within 2 pixels: the overview is softer), ...
      for (const part of [r.tracks, r.map, r.marks]) {
        expect(part.sharpPainted).toBeGreaterThan(10_000);
        expect(part.covered).toBeGreaterThanOrEqual(0.95);
      }
      // ... and little where it has none: blur round the lines and cells; the markers' symbols
      // keep the size they have in the overview, larger when it is enlarged (the pan at ×2.56).
      expect(r.tracks.stray).toBeLessThanOrEqual(0.1);
      expect(r.map.stray).toBeLessThanOrEqual(0.1);
      expect(r.marks.stray).toBeLessThanOrEqual(0.5);
    }
  });

  it('the overviews are made in slices after a sharp drawing, not during it nor in one task', async () => {
    const r = await check<Awaited<ReturnType<CheckModule['overviewInSlices']>>>(
      '(c) => c.overviewInSlices(2000, 73)',
    );
    expect(r.before).toEqual([false, false]);
    // One unit per slice: 146 000 segments are more than one unit (10 000), so one slice is not all.
    expect(r.afterOneFrame).toEqual([false, false]);
    expect(r.building).toEqual([true, true]);
    expect(r.after).toEqual([true, true]);
    expect(r.slices).toBeGreaterThan(146_000 / 10_000);
  });

  it('a zoom out right after new content does not make the overviews in its step', async () => {
    const r = await check<Awaited<ReturnType<CheckModule['zoomOutRightAfterContent']>>>(
      '(c) => c.zoomOutRightAfterContent(2000, 73)',
    );
    expect(r.previewing).toBe(true);
    // Not made by the quick draw (its edges stay blank), but being made in slices, and made then.
    expect(r.atStep).toEqual([false, false]);
    expect(r.edgeInk).toEqual([0, 0, 0]);
    expect(r.building).toEqual([true, true]);
    expect(r.after).toEqual([true, true]);
  });

  it('new content while the overviews are being made drops them and makes them again', async () => {
    const r = await check<Awaited<ReturnType<CheckModule['overviewRestartsOnNewContent']>>>(
      '(c) => c.overviewRestartsOnNewContent(2000, 73)',
    );
    expect(r.buildingBefore).toEqual([true, true]);
    expect(r.afterChange).toEqual([false, false, false, false]);
    expect(r.rebuilding).toEqual([true, true]);
    expect(r.after).toEqual([true, true]);
  });

  it('screenshots: 10 000 tracks replayed, a zoom step during the gesture, and after it', async () => {
    await page.evaluate(
      `import('/src/tracks.check.ts').then((c) => { window.shown = c.showcase(10000, 73); })`,
    );
    await page.screenshot({ path: resolve(RESULTS, 'tracks-10000-replayed.png') });
    expect(await page.evaluate('window.shown.zoom(2.56)')).toBe(true);
    await page.screenshot({ path: resolve(RESULTS, 'tracks-10000-zoom-gesture.png') });
    expect(await page.evaluate('window.shown.settle()')).toBe(false);
    await page.screenshot({ path: resolve(RESULTS, 'tracks-10000-zoom-settled.png') });
    // Zoomed out from there: the sharp drawing shrinks, the overview fills the view round it.
    expect(await page.evaluate('window.shown.zoom(1.6)')).toBe(true);
    await page.screenshot({ path: resolve(RESULTS, 'tracks-10000-zoom-out-gesture.png') });
    // The probability map with its stamped markers, at zoom 1 and zoomed in ×2.56.
    await page.evaluate(
      `import('/src/tracks.check.ts').then((c) => c.frequencyShowcase(300, 73, { k: 1, x: 0, y: 0 }))`,
    );
    await page.screenshot({ path: resolve(RESULTS, 'probability-map-300.png') });
    await page.evaluate(
      `import('/src/tracks.check.ts').then((c) => c.frequencyShowcase(300, 73, { k: 2.56, x: -640 * 1.56, y: -360 * 1.56 }))`,
    );
    await page.screenshot({ path: resolve(RESULTS, 'probability-map-300-zoomed.png') });
    expect(errors).toEqual([]);
  });
});
