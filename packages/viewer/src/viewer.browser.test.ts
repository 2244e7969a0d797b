/**
 * The viewer in a real browser against the real server: the page is built with Vite (into a
 * temporary folder, so the test sees the current source), the server is started with its
 * buildApp on 127.0.0.1, port 0, serving that build, and the system's headless Chromium drives the
 * page. Screenshots go to packages/viewer/test-results/.
 *
 * Skipped, with a line saying why, when there is no Chromium at /usr/bin/chromium (CHROMIUM_PATH).
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumForTests, launchChromium } from '../bench/chromium.js';
import { collectPageErrors, paintedPixels, type ServedViewer, serveViewer } from '../bench/served-viewer.js';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = resolve(ROOT, 'test-results');

const CHROMIUM = chromiumForTests('viewer browser tests');

describe.skipIf(!CHROMIUM)('the viewer in Chromium, against the server', () => {
  let served: ServedViewer;
  let browser: Browser;
  let page: Page;
  let origin: string;
  const consoleErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: resolve(RESULTS, `${name}.png`) });

  /** Pixels of a canvas that are not fully transparent. */
  const painted = (selector: string) => paintedPixels(page, selector);

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

  /**
   * Page pixels of a point, from the bundled scenario's three sites (their pins and coordinates):
   * an affine fit, to a few pixels over this small region of a conformal map.
   */
  const screenOf = async () => {
    const known: [number, number, string][] = [
      [25.95, 54.42, 'ashmyany'],
      [25.32, 54.15, 'voranava'],
      [23.9, 53.7, 'hrodna'],
    ];
    const px = await Promise.all(known.map(([, , id]) => pinPosition('g.site', id)));
    // Solve [lon lat 1] · [ax ay; bx by; cx cy] = [x y] for the three points (Cramer's rule).
    const m = known.map(([lon, lat]) => [lon, lat, 1]);
    const det = (a: number[][]) =>
      a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
      a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
      a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    const d = det(m);
    const solve = (rhs: number[]) =>
      [0, 1, 2].map((col) => det(m.map((row, i) => row.map((v, j) => (j === col ? rhs[i] : v)))) / d);
    const cx = solve(px.map((p) => p.x));
    const cy = solve(px.map((p) => p.y));
    return (lon: number, lat: number) => ({
      x: cx[0] * lon + cx[1] * lat + cx[2],
      y: cy[0] * lon + cy[1] * lat + cy[2],
    });
  };

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
    // Room for the cancel test's long run; the rest are the server's defaults.
    served = await serveViewer({ limits: { maxMemberSteps: 20_000_000, maxMemberFrames: 2_000_000 } });
    origin = served.origin;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    collectPageErrors(page, consoleErrors);
    await page.goto(`${origin}/`);
    await page.waitForFunction(
      () =>
        document.querySelector('#status')?.getAttribute('data-state') === 'idle' &&
        document.querySelector('#status')?.textContent === 'Ready',
    );
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('draws the border region: four countries, the border, five zones, both airports, a scale bar', async () => {
    // On the map (the map key draws a swatch of each too).
    expect(await page.locator('#map-base path.country').count()).toBe(4);
    expect(await page.locator('#map-base path.border-line').count()).toBe(1);
    expect(await page.locator('#map-base path.zone').count()).toBe(5);
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
    await expect.poll(() => painted('#tracks')).toBeGreaterThan(5_000);
    const rows = await page
      .locator('#zone-table tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent ?? '')),
      );
    const ids = rows.map((r) => r[0]);
    expect(ids).toEqual(expect.arrayContaining(['EYVI-CTR', 'EYVI-APPROACH', 'EYKA-CTR', 'EYKA-APPROACH']));
    for (const row of rows.filter((r) => /^EY(VI|KA)-/.test(r[0]))) {
      expect(row[2]).toMatch(/^\d+(\.\d)?(–\d+(\.\d)?)? %$/); // P(enter), lower–upper when members left the wind
      expect(row[3]).toMatch(/^\d+(\.\d)? %–\d+(\.\d)? %$/); // 95 % interval
    }
    // The default scenario sends balloons into Vilnius approach (67 % on the command line).
    const approach = rows.find((r) => r[0] === 'EYVI-APPROACH')!;
    expect(Number.parseFloat(approach[2])).toBeGreaterThan(0);
    // Earliest entry: UTC with Vilnius local time beside it.
    expect(approach[4]).toMatch(/^(\d\d-\d\d )?\d\d:\d\dZ \((\d\d-\d\d )?\d\d:\d\d LT\)$/);
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
    // The run's provenance first, as comment lines (the last the whole of it as JSON), then the header.
    const csvLines = csvText.split('\n');
    const header = csvLines.findIndex((l) => !l.startsWith('# '));
    expect(JSON.parse(csvLines[header - 1].replace(/^# provenance /, '')).wind.illustrative).toBe(true);
    expect(csvLines[header]).toBe('member,site,launch,ensemble_member,time,lon,lat,alt_m');
    expect(csvLines.length - header).toBeGreaterThan(600);
    const [geo] = await Promise.all([page.waitForEvent('download'), page.click('#export-geojson')]);
    const collection = JSON.parse(await readFile((await geo.path())!, 'utf8'));
    expect(collection.type).toBe('FeatureCollection');
    expect(collection.provenance.wind.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
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
    await expect.poll(() => painted('#tracks')).toBeGreaterThan(5_000);
    await shot('05-zoomed');
    await page.click('#zoom-reset');
    await expect.poll(scaleKm).toBe(before);

    // Colour by launch site, then replay from the start.
    await page.check('#colour-site');
    await page.locator('#frame').fill('12');
    await expect
      .poll(() => page.locator('#frame-time').textContent())
      .toMatch(/^\d\d-\d\d \d\d:\d\dZ \((\d\d-\d\d )?\d\d:\d\d LT\)$/);
    await expect.poll(() => painted('#tracks')).toBeGreaterThan(500);
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
    const lines = (await readFile((await csv.path())!, 'utf8')).trim().split('\n');
    // The page writes the provenance the server's accepted message gave, as the server's writers do.
    const rows = lines.filter((l) => !l.startsWith('# '));
    const whole = lines.find((l) => l.startsWith('# provenance {')) ?? '';
    expect(JSON.parse(whole.replace(/^# provenance /, '')).tool.name).toBe('balloon-sim');
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

  it('runs a site placed by clicking the map and dragged: tracks drawn, the zone table filled', async () => {
    const at = await screenOf();
    await page.click('#site-pick');
    expect(await page.locator('#site-pick').getAttribute('aria-pressed')).toBe('true');
    // A point in Belarus east of Voranava, upwind of Vilnius in the illustrative south-easterly.
    const click = at(25.7, 54.2);
    await page.mouse.click(click.x, click.y);
    await page.keyboard.press('Escape');
    expect(await page.locator('#site-pick').getAttribute('aria-pressed')).toBe('false');
    expect(await page.locator('g.site').count()).toBe(4);
    const fields = page.locator('#site-list li').last().locator('input');
    const lonBefore = Number(await fields.nth(0).inputValue());
    expect(lonBefore).toBeCloseTo(25.7, 1);
    expect(Number(await fields.nth(1).inputValue())).toBeCloseTo(54.2, 1);

    const marker = await pinPosition('g.site', 'site-');
    await page.mouse.move(marker.x, marker.y);
    await page.mouse.down();
    await page.mouse.move(marker.x + 40, marker.y, { steps: 5 });
    await page.mouse.up();
    // d3-drag swallows the click that ends a drag until its next task: let that pass.
    await page.evaluate(() => new Promise((done) => setTimeout(done, 20)));
    const lon = await fields.nth(0).inputValue();
    const lat = await fields.nth(1).inputValue();
    expect(Number(lon)).toBeGreaterThan(lonBefore + 0.1);
    // Placed from pixels, the coordinates have more decimals than the 0.01 steps the fields once
    // demanded (the browser then refused to run, with a popup of its own).
    expect(`${lon} ${lat}`).toMatch(/\.\d{3,}/);
    expect(await page.locator('#member-count').textContent()).toBe(
      '4 sites × 4 launch times × 50 = 800 members',
    );

    // Only the placed site: the bundled three removed, the last from the keyboard.
    for (let k = 0; k < 2; k++) await page.locator('#site-list li').first().locator('button').click();
    await page.locator('#site-list li').first().locator('button').press('Enter');
    expect(await page.locator('g.site').count()).toBe(1);
    await page.click('#run');
    await page.waitForFunction(
      () => ['done', 'failed'].includes(document.querySelector('#status')?.getAttribute('data-state') ?? ''),
      undefined,
      { timeout: 40_000 },
    );
    expect(await page.locator('#banner').isHidden()).toBe(true);
    expect(await page.locator('#status').textContent()).toBe('Done: 200 members');
    await expect.poll(() => painted('#tracks')).toBeGreaterThan(1_000);
    const rows = await page
      .locator('#zone-table tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent ?? '')),
      );
    expect(rows.map((r) => r[0])).toEqual(
      expect.arrayContaining(['EYVI-CTR', 'EYVI-APPROACH', 'EYKA-CTR', 'EYKA-APPROACH']),
    );
    for (const row of rows) expect(row[2]).toMatch(/^\d+(\.\d)?(–\d+(\.\d)?)? %$/);
    // The run is this site's: its id in the track legend, and its tracks start at its marker.
    const placed = await pinPosition('g.site', 'site-');
    await page.mouse.move(placed.x, placed.y + 1);
    await expect.poll(() => page.locator('#tooltip').textContent()).toMatch(/Member \d+ — site site-4/);
    await page.mouse.move(5, 5);
    await shot('10-placed-site-run');
  });

  it('marks the results stale once the scenario changes, and not once it is changed back', async () => {
    const stale = page.locator('#results-stale');
    const tracksOpacity = () =>
      page.evaluate(() => Number(getComputedStyle(document.querySelector('#tracks')!).opacity));
    expect(await stale.isHidden()).toBe(true);
    expect(await tracksOpacity()).toBe(1);

    // A typed change: the float altitude.
    await page.fill('#f-float', '3000');
    expect(await stale.isVisible()).toBe(true);
    expect(await stale.textContent()).toMatch(/results are from an earlier scenario.*run again/i);
    expect(await page.locator('#results').getAttribute('class')).toMatch(/\bstale\b/);
    expect(await tracksOpacity()).toBeLessThan(0.5);
    expect(await page.locator('#map-stale').isVisible()).toBe(true);
    await page.fill('#f-float', '3500');
    expect(await stale.isHidden()).toBe(true);
    expect(await tracksOpacity()).toBe(1);

    // A site dragged on the map.
    const marker = await pinPosition('g.site', 'site-');
    await page.mouse.move(marker.x, marker.y);
    await page.mouse.down();
    await page.mouse.move(marker.x, marker.y + 30, { steps: 5 });
    await page.mouse.up();
    await page.evaluate(() => new Promise((done) => setTimeout(done, 20)));
    expect(await stale.isVisible()).toBe(true);
    expect(await tracksOpacity()).toBeLessThan(0.5);
    await page.evaluate(() => document.querySelector('#results')!.scrollIntoView());
    await shot('11-results-stale');

    // Another bundled scenario: stale too; a new run clears the mark.
    await page.selectOption('#template', 'default');
    await page.waitForFunction(() => document.querySelectorAll('#site-list li').length === 3);
    expect(await stale.isVisible()).toBe(true);
    await page.fill('#e-members', '5');
    await page.click('#run');
    expect(await stale.isHidden()).toBe(true);
    await page.waitForFunction(
      () => document.querySelector('#status')?.getAttribute('data-state') === 'done',
      undefined,
      { timeout: 40_000 },
    );
    expect(await stale.isHidden()).toBe(true);
    expect(await tracksOpacity()).toBe(1);
    await page.fill('#e-members', '50');
    // The members field differs from the run's (5): stale again.
    expect(await stale.isVisible()).toBe(true);
  });

  it('shows every bad field in the error banner, naming it and quoting the value, and runs nothing', async () => {
    await page.selectOption('#template', 'default');
    await page.waitForFunction(() => document.querySelectorAll('#site-list li').length === 3);
    const state = await page.locator('#status').getAttribute('data-state');
    // Typed key by key, as an officer would (a number input once took "12e" without a word).
    const typeInto = async (field: Locator, text: string) => {
      await field.fill('');
      await field.pressSequentially(text);
    };
    await typeInto(page.locator('#e-members'), '12e');
    await typeInto(page.locator('#site-list li').first().locator('input').nth(1), '95');
    await typeInto(page.locator('#r-hours'), '8,5');
    // A date typed in part (its last digit deleted) is refused: a partial date once read as "" like
    // an empty field, and meant "no last launch", a single launch time, without a word.
    const tEnd = await page.locator('#t-end').inputValue();
    await page.focus('#t-end');
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    const partial = await page.locator('#t-end').inputValue();
    expect(partial).toBe(tEnd.slice(0, -1));
    await page.click('#run');
    const banner = page.locator('#banner');
    expect(await banner.isVisible()).toBe(true);
    const issues = await page.locator('#banner-issues li').allTextContents();
    expect(issues).toEqual([
      'Site ashmyany latitude: must be at most 90, got "95"',
      `Last launch: is not a complete date and time (YYYY-MM-DD HH:MM, 24-hour UTC), got "${partial}"`,
      'Run length (h): must be a number written with a decimal point, got "8,5"',
      'Members per launch: must be a number, got "12e"',
    ]);
    expect(await page.locator('#e-members').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#r-hours').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#t-end').getAttribute('aria-invalid')).toBe('true');
    expect(
      await page.locator('#site-list li').first().locator('input').nth(1).getAttribute('aria-invalid'),
    ).toBe('true');
    expect(
      await page.locator('#site-list li').first().locator('input').nth(0).getAttribute('aria-invalid'),
    ).toBe(null);
    // Nothing was sent: the status is as it was.
    expect(await page.locator('#status').getAttribute('data-state')).toBe(state);
    await shot('12-input-errors');
    await page.fill('#e-members', '50');
    await page.locator('#site-list li').first().locator('input').nth(1).fill('54.42');
    await page.fill('#r-hours', '8');
    await page.fill('#t-end', tEnd);
    await page.click('#banner-close');
    expect(await page.locator('#e-members').getAttribute('aria-invalid')).toBe(null);
  });

  it('shows a refused scenario in the error banner and marks the field', async () => {
    await page.fill('#t-start', '2019-01-01 17:00');
    await page.fill('#t-end', '2019-01-01 20:00');
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
    // A refused run leaves no results on screen, so a change of the form marks nothing stale.
    await page.fill('#f-float', '3000');
    expect(await page.locator('#results-stale').isHidden()).toBe(true);
    expect(await page.locator('#map-stale').isHidden()).toBe(true);
    await page.fill('#f-float', '3500');
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
    await expect.poll(() => painted('#tracks')).toBeGreaterThan(1_000);
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

  it('back-tracks a detection picked on the map, after listing bad fields in the banner', async () => {
    await page.click('#backtrack-clear');
    const at = await screenOf();
    await page.click('#detection-pick');
    // In the Vilnius approach area.
    const click = at(25.2, 54.6);
    await page.mouse.click(click.x, click.y);
    await page.keyboard.press('Escape');
    const fields = page.locator('#detection-list li').last().locator('input');
    const lon = await fields.nth(0).inputValue();
    const lat = await fields.nth(1).inputValue();
    // The fit extrapolates north of the sites: a few km off.
    expect(Math.abs(Number(lon) - 25.2)).toBeLessThan(0.2);
    expect(Math.abs(Number(lat) - 54.6)).toBeLessThan(0.2);
    // Finer than the 0.01 steps the fields once demanded (the browser then refused with a popup).
    expect(`${lon} ${lat}`).toMatch(/\.\d{3,}/);
    await fields.nth(2).fill('3500');

    // Typed key by key, as an officer would.
    await page.fill('#bt-members', '');
    await page.locator('#bt-members').pressSequentially('12e');
    await fields.nth(2).fill('');
    await fields.nth(2).pressSequentially('35OO');
    await page.click('#backtrack-run');
    expect(await page.locator('#banner').isVisible()).toBe(true);
    expect(await page.locator('#banner-issues li').allTextContents()).toEqual([
      'Detection D1 altitude (m): must be a number, got "35OO"',
      'Members: must be a number, got "12e"',
    ]);
    expect(await page.locator('#bt-members').getAttribute('aria-invalid')).toBe('true');
    expect(await fields.nth(2).getAttribute('aria-invalid')).toBe('true');

    await fields.nth(2).fill('3500');
    await page.fill('#bt-members', '500');
    await page.click('#backtrack-run');
    await page.waitForSelector('#backtrack-result ol li', { timeout: 30_000 });
    expect(await page.locator('#banner').isHidden()).toBe(true);
    expect(await page.locator('g.likely').count()).toBeGreaterThan(0);
    await shot('13-backtrack-picked');

    // The detection changed after the answer: the answer is marked, its launch area dimmed.
    const note = page.locator('#backtrack-stale');
    const regionOpacity = () =>
      page.evaluate(() => Number(getComputedStyle(document.querySelector('path.launch-region')!).opacity));
    expect(await note.isHidden()).toBe(true);
    expect(await regionOpacity()).toBe(1);
    await fields.nth(2).fill('2500');
    expect(await note.isVisible()).toBe(true);
    expect(await note.textContent()).toMatch(/from earlier detections.*back-track again/);
    expect(await regionOpacity()).toBeLessThan(0.5);
    await fields.nth(2).fill('3500');
    expect(await note.isHidden()).toBe(true);
    expect(await regionOpacity()).toBe(1);
  });

  it('logs no errors to the browser console', () => {
    expect(consoleErrors).toEqual([]);
  });
});
