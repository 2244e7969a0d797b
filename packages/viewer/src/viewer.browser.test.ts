/**
 * The viewer in a real browser against the real server: the page is built with Vite (into a
 * temporary folder, so the test sees the current source), the server is started with its
 * buildApp on 127.0.0.1, port 0, serving that build, and the system's headless Chromium drives the
 * page. Screenshots go to packages/viewer/test-results/.
 *
 * Skipped, with a line saying why, when there is no Chromium at /usr/bin/chromium (CHROMIUM_PATH).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildApp } from '@balloon-sim/server';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium, NO_CHROMIUM } from '../bench/chromium.js';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = resolve(ROOT, 'test-results');

if (!hasChromium()) {
  // CI sets REQUIRE_CHROMIUM=1, so that a missing browser fails instead of skipping quietly.
  if (process.env.REQUIRE_CHROMIUM === '1') throw new Error(NO_CHROMIUM);
  console.log(`viewer browser tests skipped: ${NO_CHROMIUM}`);
}

describe.skipIf(!hasChromium())('the viewer in Chromium, against the server', () => {
  let app: ReturnType<typeof buildApp>;
  let browser: Browser;
  let page: Page;
  let origin: string;
  let outDir: string;
  const consoleErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: resolve(RESULTS, `${name}.png`) });

  /** Pixels of a canvas that are not fully transparent. */
  const paintedPixels = (selector: string) =>
    page.evaluate((sel) => {
      const canvas = document.querySelector<HTMLCanvasElement>(sel)!;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let k = 3; k < data.length; k += 4) if (data[k] > 0) n++;
      return n;
    }, selector);

  /**
   * Characters of the elements' visible text that no installed font can draw (they would show as an
   * empty box): each is drawn on a canvas in the element's font and compared with U+0378, a code
   * point that is unassigned and so falls to the font's missing-glyph box.
   */
  const missingGlyphs = (selector: string) =>
    page.evaluate((sel) => {
      const canvas = document.createElement('canvas');
      canvas.width = 48;
      canvas.height = 48;
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      const draw = (font: string, text: string) => {
        ctx.clearRect(0, 0, 48, 48);
        ctx.font = font;
        ctx.fillText(text, 8, 32);
        return ctx.getImageData(0, 0, 48, 48).data.join();
      };
      const missing: string[] = [];
      for (const el of document.querySelectorAll<HTMLElement>(sel)) {
        const style = getComputedStyle(el);
        const font = `${style.fontSize} ${style.fontFamily}`;
        const box = draw(font, '\u0378');
        const text = el.textContent ?? '';
        for (const ch of new Set(text.replace(/\s/g, '')))
          if (draw(font, ch) === box)
            missing.push(`${el.id}: U+${ch.codePointAt(0)!.toString(16).toUpperCase()} in "${text}"`);
      }
      return missing;
    }, selector);

  /** Screen position (page pixels) of a pin of the map overlay, the first whose text contains `text`. */
  const pinPosition = async (selector: string, text = '') =>
    page.evaluate(
      ([sel, txt]) => {
        const pin = [...document.querySelectorAll<SVGGElement>(sel)].find((g) =>
          g.textContent?.includes(txt),
        )!;
        const box = document.querySelector('#map-overlay')!.getBoundingClientRect();
        const t = pin.transform.baseVal.consolidate()!.matrix;
        return { x: box.left + t.e, y: box.top + t.f };
      },
      [selector, text],
    );

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    outDir = mkdtempSync(join(tmpdir(), 'balloon-viewer-'));
    await build({
      root: ROOT,
      configFile: resolve(ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    // Room for the cancel test's long run; the rest are the server's defaults.
    app = buildApp({ viewerDir: outDir, limits: { maxMemberSteps: 20_000_000, maxMemberFrames: 2_000_000 } });
    origin = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    await page.goto(`${origin}/`);
    await page.waitForFunction(
      () =>
        document.querySelector('#status')?.getAttribute('data-state') === 'idle' &&
        document.querySelector('#status')?.textContent === 'Ready',
    );
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('draws the border region: four countries, the border, five zones, both airports, a scale bar', async () => {
    expect(await page.locator('path.country').count()).toBe(4);
    expect(await page.locator('path.border-line').count()).toBe(1);
    expect(await page.locator('path.zone').count()).toBe(5);
    const airports = await page.locator('g.airport text').allTextContents();
    expect(airports.sort()).toEqual(['Kaunas EYKA', 'Vilnius EYVI']);
    expect(await page.locator('.scale-bar text').last().textContent()).toMatch(/^\d+ km$/);
    expect(await page.locator('path.wind-arrow').count()).toBeGreaterThan(50);
    // The default scenario's three sites are on the map and in the form.
    expect(await page.locator('g.site').count()).toBe(3);
    expect(await page.locator('#site-list li').count()).toBe(3);
    // Nothing to export before a run: the buttons are not shown (a display rule once beat `hidden`).
    expect(await page.locator('#export-row').isHidden()).toBe(true);
    expect(await page.locator('#export-csv').isHidden()).toBe(true);

    // Hovering Vilnius airport shows the limits of the zones there.
    const eyvi = await pinPosition('g.airport', 'Vilnius EYVI');
    await page.mouse.move(eyvi.x + 3, eyvi.y + 3);
    await expect.poll(() => page.locator('#tooltip').textContent()).toContain('Vilnius CTR');
    expect(await page.locator('#tooltip').textContent()).toContain('0–762 m');
    await shot('01-map');
    await page.mouse.move(5, 5);
  });

  it('runs the default scenario: tracks drawn as frames stream, a zone table with EYVI and EYKA', async () => {
    await page.click('#run');
    await page.waitForFunction(
      () => document.querySelector('#status')?.getAttribute('data-state') === 'done',
      undefined,
      {
        timeout: 40_000,
      },
    );
    // Drawn on the next animation frame.
    await expect.poll(() => paintedPixels('#tracks')).toBeGreaterThan(5_000);
    const rows = await page
      .locator('#zone-table tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent ?? '')),
      );
    const ids = rows.map((r) => r[0]);
    expect(ids).toEqual(expect.arrayContaining(['EYVI-CTR', 'EYVI-APPROACH', 'EYKA-CTR', 'EYKA-APPROACH']));
    for (const row of rows.filter((r) => /^EY(VI|KA)-/.test(r[0]))) {
      expect(row[2]).toMatch(/^\d+(\.\d)? %$/); // P(enter)
      expect(row[3]).toMatch(/^\d+(\.\d)? %–\d+(\.\d)? %$/); // 95 % interval
    }
    // The default scenario sends balloons into Vilnius approach (67 % on the command line).
    const approach = rows.find((r) => r[0] === 'EYVI-APPROACH')!;
    expect(Number.parseFloat(approach[2])).toBeGreaterThan(0);
    expect(approach[4]).toMatch(/^(\d\d-\d\d )?\d\d:\d\dZ$/); // earliest entry
    expect(await page.locator('#border-line').textContent()).toMatch(/Border crossing into Lithuania: \d+ %/);
    expect(await page.locator('path.landing-region').count()).toBeGreaterThan(0);
    // The replay slider holds every frame: 8 h at 10 min plus the launch frame.
    expect(await page.locator('#frame').getAttribute('max')).toBe('48');
    await shot('02-run-done');

    // Hovering the start of a track names its member, site and status.
    const site = await pinPosition('g.site');
    await page.mouse.move(site.x, site.y + 1);
    await expect.poll(() => page.locator('#tooltip').textContent()).toMatch(/Member \d+ — site \w+/);
    await shot('03-hover-track');
    await page.mouse.move(5, 5);

    // Exports: the server's CSV and GeoJSON of the finished run, offered once it is done.
    expect(await page.locator('#export-csv').isVisible()).toBe(true);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const csvText = await readFile((await csv.path())!, 'utf8');
    expect(csvText.split('\n')[0]).toBe('member,site,launch,ensemble_member,time,lon,lat,alt_m');
    expect(csvText.split('\n').length).toBeGreaterThan(600);
    const [geo] = await Promise.all([page.waitForEvent('download'), page.click('#export-geojson')]);
    const collection = JSON.parse(await readFile((await geo.path())!, 'utf8'));
    expect(collection.type).toBe('FeatureCollection');
    expect(
      collection.features.filter(
        (f: { geometry: { type: string } | null }) => f.geometry?.type === 'LineString',
      ).length,
    ).toBe(600);

    // Zoom in from the keyboard: the scale bar shortens, the tracks are drawn again at the new scale.
    const scaleKm = async () =>
      Number.parseFloat((await page.locator('.scale-bar text').last().textContent()) ?? '');
    const before = await scaleKm();
    await page.focus('#zoom-in');
    // Each press zooms by 1.6 in a 250 ms transition, and a press during a transition starts from
    // where it was: so each step is waited for (the map's zoom factor) before the next.
    const zoomK = async () =>
      Number(
        /scale\(([\d.]+)\)/.exec(
          (await page.locator('#map-base g.zoomed').getAttribute('transform')) ?? '',
        )?.[1] ?? 1,
      );
    for (let k = 1; k <= 3; k++) {
      await page.keyboard.press('Enter');
      // A generous wait: on a loaded machine the page's animation frames come late.
      await expect.poll(zoomK, { timeout: 10_000 }).toBeGreaterThan(1.6 ** k * 0.999);
    }
    await expect.poll(scaleKm).toBeLessThan(before);
    await expect.poll(() => paintedPixels('#tracks')).toBeGreaterThan(5_000);
    await shot('05-zoomed');
    await page.click('#zoom-reset');
    await expect.poll(scaleKm).toBe(before);

    // Colour by launch site, then replay from the start.
    await page.check('#colour-site');
    await page.locator('#frame').fill('12');
    await expect.poll(() => page.locator('#frame-time').textContent()).toMatch(/^\d\d-\d\d \d\d:\d\dZ$/);
    await expect.poll(() => paintedPixels('#tracks')).toBeGreaterThan(500);
    await shot('04-replay-by-site');
    await page.check('#colour-alt');

    // Play, from the first frame: the button now says Pause, in characters the page's fonts have
    // (a pause glyph once showed as an empty box); every button's label is drawn.
    await page.locator('#frame').fill('0');
    await page.click('#play');
    const play = page.locator('#play');
    expect(await play.textContent()).toBe('Pause');
    expect(await missingGlyphs('#play')).toEqual([]);
    await shot('09-replay-playing');
    await page.click('#play');
    expect(await play.textContent()).toBe('Play');
    expect(await missingGlyphs('button')).toEqual([]);
  });

  it('cancels a long run: the page says cancelled and the server stops it', async () => {
    await page.fill('#e-members', '1500'); // 3 sites × 4 launches × 1 500 = 18 000 members
    await page.click('#run');
    await page.waitForFunction(
      () => Number((document.querySelector('#progress') as HTMLProgressElement).value) > 0.02,
      undefined,
      { timeout: 20_000 },
    );
    await page.click('#cancel');
    await page.waitForFunction(
      () => document.querySelector('#status')?.getAttribute('data-state') === 'cancelled',
      undefined,
      { timeout: 10_000 },
    );
    expect(await page.locator('#status').textContent()).toMatch(/^Cancelled/);
    // What was received can still be exported: written in the page (the server keeps no cancelled run).
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const rows = (await readFile((await csv.path())!, 'utf8')).trim().split('\n');
    expect(rows[0]).toBe('member,site,launch,ensemble_member,time,lon,lat,alt_m');
    expect(rows[1]).toMatch(/^\d+,(ashmyany|voranava|hrodna),2025-10-24T\d\d:00:00\.000Z,\d+,2025-10-24T/);
    await expect
      .poll(
        async () =>
          ((await (await fetch(`${origin}/api/health`)).json()) as { runs: { active: number } }).runs.active,
      )
      .toBe(0);
    await shot('06-cancelled');
    await page.fill('#e-members', '50');
  });

  it('edits launch sites: added by clicking the map, dragged, removed from the keyboard', async () => {
    const box = (await page.locator('#map-overlay').boundingBox())!;
    await page.click('#site-pick');
    expect(await page.locator('#site-pick').getAttribute('aria-pressed')).toBe('true');
    await page.mouse.click(box.x + box.width * 0.62, box.y + box.height * 0.75);
    await page.keyboard.press('Escape');
    expect(await page.locator('#site-pick').getAttribute('aria-pressed')).toBe('false');
    expect(await page.locator('g.site').count()).toBe(4);
    const lonField = page.locator('#site-list li').last().locator('input').first();
    const lonBefore = Number(await lonField.inputValue());
    expect(lonBefore).toBeGreaterThan(21);
    expect(lonBefore).toBeLessThan(29);

    const marker = await pinPosition('g.site', 'site-');
    await page.mouse.move(marker.x, marker.y);
    await page.mouse.down();
    await page.mouse.move(marker.x + 40, marker.y, { steps: 5 });
    await page.mouse.up();
    // d3-drag swallows the click that ends a drag until its next task: let that pass.
    await page.evaluate(() => new Promise((done) => setTimeout(done, 20)));
    expect(Number(await lonField.inputValue())).toBeGreaterThan(lonBefore + 0.1);
    expect(await page.locator('#member-count').textContent()).toMatch(
      /^4 sites × 4 launch times × 50 = 800 members$/,
    );

    await page.locator('#site-list li').last().locator('button').press('Enter');
    expect(await page.locator('g.site').count()).toBe(3);
  });

  it('shows a refused scenario in the error banner and marks the field', async () => {
    await page.fill('#t-start', '2019-01-01T17:00');
    await page.fill('#t-end', '2019-01-01T20:00');
    await page.click('#run');
    await page.waitForFunction(
      () => document.querySelector('#status')?.getAttribute('data-state') === 'failed',
    );
    expect(await page.locator('#banner').isVisible()).toBe(true);
    expect(await page.locator('#banner').textContent()).toMatch(/launch\.times/);
    expect(await page.locator('#t-start').getAttribute('aria-invalid')).toBe('true');
    await shot('07-error-banner');
    await page.click('#banner-close');
    expect(await page.locator('#banner').isVisible()).toBe(false);
  });

  it('is usable from the keyboard: Tab reaches the form in order and Enter runs', async () => {
    await page.selectOption('#template', 'default');
    await page.waitForFunction(() =>
      (document.querySelector('#t-start') as HTMLInputElement).value.startsWith('2025'),
    );
    await page.focus('#template');
    const order: string[] = [];
    for (let k = 0; k < 5; k++) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          return el?.id || el?.getAttribute('aria-label') || el?.closest('label')?.textContent?.trim() || '';
        }),
      );
    }
    expect(order).toEqual(['wind', 'lon', 'lat', 'Remove site ashmyany', 'lon']);
    // A small run (120 members: the server sends JSON frames), typed and started from the keyboard.
    await page.focus('#e-members');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('10');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () => document.querySelector('#status')?.getAttribute('data-state') === 'done',
      undefined,
      {
        timeout: 40_000,
      },
    );
    expect(await page.locator('#status').textContent()).toBe('Done: 120 members');
    await expect.poll(() => paintedPixels('#tracks')).toBeGreaterThan(1_000);
    await page.fill('#e-members', '50');
  });

  it('back-tracks a radar detection near Vilnius to a launch area in Belarus', async () => {
    // The server's POST /api/backtrack answers (sim-core's backtrack on the form's wind).
    await page.click('#detection-add');
    const fields = page.locator('#detection-list li').last().locator('input');
    await fields.nth(0).fill('25.05');
    await fields.nth(1).fill('54.75');
    await fields.nth(2).fill('3500');
    await fields.nth(2).dispatchEvent('change');
    await page.click('#backtrack-run');
    await page.waitForSelector('#backtrack-result ol li', { timeout: 30_000 });
    expect(await page.locator('path.launch-region').count()).toBeGreaterThan(0);
    expect(await page.locator('g.likely').count()).toBeGreaterThan(0);
    expect(await page.locator('#backtrack-result').textContent()).toMatch(/Float altitude \d+ m/);
    // The most likely cell lies in Belarus (south-east of the detection, upwind).
    const first = await page.locator('#backtrack-result ol li').first().textContent();
    const [lon, lat] = (first ?? '').match(/[\d.]+/g)!.map(Number);
    expect(lat).toBeLessThan(54.75);
    expect(lon).toBeGreaterThan(23);
    await shot('08-backtrack');
    await page.unroute('**/api/backtrack');
  });

  it('logs no errors to the browser console', () => {
    expect(consoleErrors).toEqual([]);
  });
});
