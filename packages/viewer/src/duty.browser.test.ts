/**
 * The viewer as a duty officer keeps it open at night (issue 15), in Chromium against the real
 * server, as viewer.browser.test.ts does: local time beside UTC, the run header and its warnings,
 * the probability map and markers, the side view, the map's default view, labels and legend, the
 * print view and shareable link, and the wind layer following the replay. Screenshots at 1280×720,
 * 1400×900 and 1920×1080 go to packages/viewer/test-results/ (not committed).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumForTests } from '../bench/chromium.js';
import {
  axeViolations,
  type OpenViewer,
  openViewer,
  paintedPixels,
  screenshotsAtSizes,
  waitReady,
} from '../bench/served-viewer.js';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = resolve(ROOT, 'test-results');

const CHROMIUM = chromiumForTests('viewer duty tests');

describe.skipIf(!CHROMIUM)('the duty officer’s viewer in Chromium', () => {
  let viewer: OpenViewer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin: string;

  const shots = (name: string) => screenshotsAtSizes(page, resolve(RESULTS, `duty-${name}`));

  const runAndWait = async () => {
    await page.click('#run');
    await page.waitForFunction(
      () => ['done', 'failed'].includes(document.querySelector('#status')?.getAttribute('data-state') ?? ''),
      undefined,
      { timeout: 60_000 },
    );
    expect(await page.locator('#status').getAttribute('data-state')).toBe('done');
  };

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    viewer = await openViewer();
    ({ browser, context, page } = viewer);
    origin = viewer.served.origin;
  }, 90_000);

  afterAll(() => viewer?.close());

  it('shows a header clock in UTC and Vilnius time: UTC+2 in January, UTC+3 in July', async () => {
    // A context of its own: a fixed clock holds every page of its context.
    const clocked = await browser.newContext({ locale: 'en-US', timezoneId: 'America/New_York' });
    const other = await clocked.newPage();
    try {
      for (const [instant, expected] of [
        ['2026-01-15T12:34:56Z', '12:34:56 UTC · 14:34:56 LT (UTC+2)'],
        ['2026-07-15T12:34:56Z', '12:34:56 UTC · 15:34:56 LT (UTC+3)'],
      ] as const) {
        await other.clock.setFixedTime(new Date(instant));
        await other.goto(`${origin}/`);
        await expect.poll(() => other.locator('#clock').textContent()).toBe(expected);
      }
    } finally {
      await clocked.close();
    }
  });

  it('takes launch times in 24-hour UTC whatever the locale, and says them in Vilnius time', async () => {
    // The bundled scenario's first launch, 17:00 UTC on 24 October 2025 (summer time: UTC+3).
    expect(await page.locator('#t-start').inputValue()).toBe('2025-10-24 17:00');
    expect(await page.locator('#t-local').textContent()).toContain('10-24 20:00 LT (UTC+3)');
    // An evening launch typed in 24-hour form; a 12-hour one is refused by name.
    await page.fill('#t-start', '2025-10-24 19:30');
    expect(await page.locator('#t-local').textContent()).toContain('10-24 22:30 LT (UTC+3)');
    await page.fill('#t-start', '2025-10-24 7:30 PM');
    await page.click('#run');
    expect(await page.locator('#banner-issues li').allTextContents()).toContain(
      'First launch: is not a complete date and time (YYYY-MM-DD HH:MM, 24-hour UTC), got "2025-10-24 7:30 PM"',
    );
    await page.click('#banner-close');
    await page.fill('#t-start', '2025-10-24 17:00');
  });

  it('opens on the border strip and both airports, with labels that do not overlap and a key for every symbol', async () => {
    const map = await page.locator('#map-wrap').boundingBox();
    const inMap = (b: { x: number; y: number; width: number; height: number }) =>
      b.x >= map!.x &&
      b.y >= map!.y &&
      b.x + b.width <= map!.x + map!.width &&
      b.y + b.height <= map!.y + map!.height;
    // The launch strip fills most of the map's height, inside it; both airports are on it.
    const strip = (await page.locator('#map-base path.launch-strip').boundingBox())!;
    expect(inMap(strip)).toBe(true);
    expect(strip.height).toBeGreaterThan(0.6 * map!.height);
    for (const airport of await page.locator('g.airport').all())
      expect(inMap((await airport.boundingBox())!)).toBe(true);

    /** Visible labels of the map whose boxes overlap another's: none. */
    const overlaps = () =>
      page.evaluate(() => {
        const boxes = [...document.querySelectorAll<SVGTextElement>('#map-overlay g.pin text')]
          .filter((t) => t.textContent && getComputedStyle(t).visibility !== 'hidden')
          .map((t) => ({ text: t.textContent!, r: t.getBoundingClientRect() }));
        const out: string[] = [];
        for (let i = 0; i < boxes.length; i++)
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i].r;
            const b = boxes[j].r;
            if (a.right > b.left && b.right > a.left && a.bottom > b.top && b.bottom > a.top)
              out.push(`${boxes[i].text} / ${boxes[j].text}`);
          }
        return { overlaps: out, shown: boxes.length };
      });
    const atStart = await overlaps();
    expect(atStart.overlaps).toEqual([]);
    // The airports' and zones' names are all shown at the default view.
    const shown = await page
      .locator('#map-overlay g.pin text')
      .evaluateAll((ts) =>
        ts.filter((t) => getComputedStyle(t).visibility !== 'hidden').map((t) => t.textContent),
      );
    expect(shown).toEqual(
      expect.arrayContaining(['Vilnius EYVI', 'Kaunas EYKA', 'EYVI CTR', 'EYKA CTR', 'ashmyany']),
    );
    // Zoomed out twice, labels crowd: still none overlaps (some are moved or hidden).
    const zoomK = async () =>
      Number(
        /scale\(([\d.]+)\)/.exec(
          (await page.locator('#map-base g.zoomed').getAttribute('transform')) ?? '',
        )?.[1] ?? 1,
      );
    await page.click('#zoom-out');
    await expect.poll(zoomK).toBeLessThan(0.63);
    await page.click('#zoom-out');
    await expect.poll(zoomK).toBeLessThan(0.41);
    expect((await overlaps()).overlaps).toEqual([]);
    await shots('zoomed-out');
    await page.click('#zoom-reset');
    await expect.poll(zoomK).toBe(1);

    // The key names every symbol the map draws beside the tracks' and the probability map's legends.
    await page.locator('#map-key-box summary').click();
    expect(await page.locator('#map-key li').allTextContents()).toEqual([
      'airport',
      'launch site (drag to move)',
      'CTR (control zone)',
      'approach area',
      'restricted area',
      'LT–BY border',
      'Belarusian launch strip',
      "wind data's area",
      'radar detection',
      'back-track launch area 50 % / 90 %',
      'most likely launch cell',
      'back-track: best estimate (10 km)',
      'forward check: launch cell kept',
      'forward check: track of a kept launch',
      'forward check: track of a rejected launch',
      'forward check: best estimate (10 km)',
    ]);
    await shots('map-key');
    await page.locator('#map-key-box summary').click();
  });

  it('runs the default scenario: every time in the results, slider and tooltips has Vilnius time beside UTC', async () => {
    await page.fill('#e-members', '20');
    await runAndWait();
    const earliest = await page
      .locator('#zone-table tbody tr[data-zone="EYVI-APPROACH"] td')
      .nth(3)
      .textContent();
    // Balloons launched 17:00–20:00 UTC reach Vilnius in the evening: local is UTC+3 that day.
    const m = /^(\d\d):(\d\d)Z \((\d\d):(\d\d) LT\)$/.exec(earliest ?? '');
    expect(m, earliest ?? '').not.toBeNull();
    expect((Number(m![3]) - Number(m![1]) + 24) % 24).toBe(3);
    expect(m![2]).toBe(m![4]);
    expect(await page.locator('#zone-table caption').textContent()).toContain('LT = Vilnius local time');
    await page.locator('#frame').fill('6');
    const label = (await page.locator('#frame-time').textContent()) ?? '';
    const f = /^10-24 (\d\d):(\d\d)Z \((\d\d):(\d\d) LT\)$/.exec(label);
    expect(f, label).not.toBeNull();
    expect(Number(f![3]) - Number(f![1])).toBe(3);
    // Hovering a track: its card's times have Vilnius time too.
    const site = await page.evaluate(() => {
      const pin = [...document.querySelectorAll<SVGGElement>('g.site')][0];
      const box = document.querySelector('#map-overlay')!.getBoundingClientRect();
      const t = pin.transform.baseVal.consolidate()!.matrix;
      return { x: box.left + t.e, y: box.top + t.f };
    });
    await page.mouse.move(site.x, site.y + 1);
    await expect
      .poll(() => page.locator('#tooltip').textContent())
      .toMatch(/launch 10-24 \d\d:\d\dZ \(\d\d:\d\d LT\)/);
    await page.mouse.move(5, 5);
    await shots('time');
  });

  it('heads the results and the map with the run: scenario, wind, members, seed, time; illustrative badge; wind box', async () => {
    const header = (await page.locator('#run-header span').allTextContents()).join(' | ');
    // The time of run is now: from 22:00Z (21:00Z in summer) its Vilnius date is the next day's, and shown.
    expect(header).toMatch(
      /^Scenario: Border night \(illustrative wind\) \| Wind: file illustrative-border-night \| 240 members, seed 2025 \| Run at \d\d-\d\d \d\d:\d\dZ \((?:\d\d-\d\d )?\d\d:\d\d LT\)$/,
    );
    expect(await page.locator('#map-run').textContent()).toContain(
      'Border night (illustrative wind) · Wind: file',
    );
    // The bundled wind is made up: the badge on the map and on the results.
    const badges = page.locator('.illustrative-badge');
    expect(await badges.count()).toBe(2);
    for (const badge of await badges.all()) {
      expect(await badge.isVisible()).toBe(true);
      expect(await badge.textContent()).toBe('Illustrative — not a forecast');
    }
    // The wind's box (19–29 E, 52–58 N) outlined on the map.
    expect(await page.locator('#map-base path.wind-coverage').count()).toBe(1);
    expect((await page.locator('#map-base path.wind-coverage').getAttribute('d'))?.length).toBeGreaterThan(
      100,
    );
    await shots('run-header');
  });

  it('draws the probability map (members passing each cell) and launch, burst and landing markers, with a legend', async () => {
    const painted = (selector: string) => paintedPixels(page, selector);
    expect(await page.locator('#freq-legend').isVisible()).toBe(true);
    expect(await page.locator('#freq-legend li').allTextContents()).toEqual([
      '< 1 %',
      '1–5 %',
      '5–10 %',
      '10–25 %',
      '25–50 %',
      '≥ 50 %',
      'launch',
      'burst',
      'landing',
    ]);
    await expect.poll(() => painted('#freq')).toBeGreaterThan(1_000);
    await expect.poll(() => painted('#marks')).toBeGreaterThan(100);
    await shots('probability-map');
    // Switched off: the layer is gone, the tracks stay.
    await page.uncheck('#freq-show');
    await expect.poll(() => painted('#freq')).toBe(0);
    expect(await painted('#tracks')).toBeGreaterThan(0);
    await page.uncheck('#marks-show');
    await expect.poll(() => painted('#marks')).toBe(0);
    await page.check('#freq-show');
    await page.check('#marks-show');
    await expect.poll(() => painted('#freq')).toBeGreaterThan(1_000);
  });

  it('shows a side view: altitude against time with the zones’ vertical limits as bands, following the replay', async () => {
    expect(await page.locator('#side-section').isVisible()).toBe(true);
    // 240 members: every track is drawn (the sample starts above 300).
    expect(await page.locator('#side-view path.side-track').count()).toBe(240);
    const labels = await page.locator('#side-view text.side-band-label').allTextContents();
    // The two CTRs share their limits (0–762 m, 2 500 ft): one band names both.
    expect(labels).toContain('EYVI CTR, EYKA CTR: 0–762 m');
    expect(labels.some((l) => /APP.*: 457–5944 m/.test(l))).toBe(true);
    // Float altitude 3 500 m lies above the CTR band and inside the approach band.
    const band = (id: string) =>
      page.evaluate((text) => {
        const g = [...document.querySelectorAll('#side-view g.side-band')].find((b) =>
          b.textContent?.startsWith(text),
        )!;
        const r = g.querySelector('rect')!.getBBox();
        return { top: r.y, bottom: r.y + r.height };
      }, id);
    const ctr = await band('EYVI CTR');
    const cursorX = () => page.locator('#side-view line.side-cursor').getAttribute('x1').then(Number);
    await page.locator('#frame').fill('0');
    const x0 = await cursorX();
    await page.locator('#frame').fill('30');
    const x30 = await cursorX();
    expect(x30).toBeGreaterThan(x0);
    // Somewhere a track passes above the CTR's top: its highest point is above the band.
    const highest = await page.evaluate(() =>
      Math.min(
        ...[...document.querySelectorAll<SVGPathElement>('#side-view path.side-track')].map(
          (p) => p.getBBox().y,
        ),
      ),
    );
    expect(highest).toBeLessThan(ctr.top);
    await page.evaluate(() => document.querySelector('#side-section')!.scrollIntoView());
    await shots('side-view');
    await page.evaluate(() => document.querySelector('.main')!.scrollTo(0, 0));
  });

  it('keeps the wind layer at the replay time and the run’s float altitude', async () => {
    await page.fill('#f-float', '2000');
    await page.fill('#e-members', '5');
    await runAndWait();
    // The wind's altitude levels include 2000 m: the layer shows it, not the form's earlier 3500 m.
    await expect.poll(() => page.locator('#wind-level').inputValue()).toBe('2000');
    /** The wind time the layer should show at a frame: the option nearest the frame's time. */
    const nearestAt = async (frame: number) => {
      await page.locator('#frame').fill(String(frame));
      return page.evaluate(() => {
        const label = document.querySelector('#frame-time')!.textContent!;
        const [, md, hm] = /^(\d\d-\d\d) (\d\d:\d\d)Z/.exec(label)!;
        const t = Date.parse(`2025-${md}T${hm}:00Z`);
        const options = [...document.querySelectorAll<HTMLOptionElement>('#wind-time option')].map(
          (o) => o.value,
        );
        return options.reduce((a, b) => (Math.abs(Date.parse(b) - t) < Math.abs(Date.parse(a) - t) ? b : a));
      });
    };
    const first = await nearestAt(0);
    await expect.poll(() => page.locator('#wind-time').inputValue()).toBe(first);
    const max = Number(await page.locator('#frame').getAttribute('max'));
    const last = await nearestAt(max);
    expect(last).not.toBe(first);
    await expect.poll(() => page.locator('#wind-time').inputValue()).toBe(last);
    await expect.poll(() => page.locator('#wind-caption').textContent()).toMatch(/^Wind at 2000 m, /);
    await shots('wind-follows');
    await page.fill('#f-float', '3500');
    await page.fill('#e-members', '20');
  });

  it('gives a shareable link that restores the scenario form when opened', async () => {
    await page.fill('#e-members', '7');
    await page.fill('#f-float', '2800');
    await page.fill('#t-end', '2025-10-24 19:00');
    await page.click('#share');
    const link = await page.locator('#share-link').inputValue();
    expect(link).toMatch(/#s=[A-Za-z0-9_-]+$/);
    expect(await page.evaluate(() => window.location.hash)).toBe(link.slice(link.indexOf('#')));
    const other = await context.newPage();
    try {
      await other.goto(link);
      await waitReady(other);
      expect(await other.locator('#e-members').inputValue()).toBe('7');
      expect(await other.locator('#f-float').inputValue()).toBe('2800');
      expect(await other.locator('#t-end').inputValue()).toBe('2025-10-24 19:00');
      expect(await other.locator('#template').inputValue()).toBe('default');
      expect(await other.locator('#wind').inputValue()).toBe('illustrative-border-night');
      expect(await other.locator('#site-list li').count()).toBe(3);
      expect(await other.locator('#member-count').textContent()).toBe(
        '3 sites × 3 launch times × 7 = 63 members',
      );
      // A link cut short is refused, by name, and the page opens on its default scenario.
      await other.goto(`${link.slice(0, link.indexOf('#') + 30)}`);
      await other.reload();
      await waitReady(other);
      expect(await other.locator('#banner').textContent()).toMatch(
        /Cannot open the shared link[\s\S]*not readable/,
      );
      expect(await other.locator('#e-members').inputValue()).toBe('50');
    } finally {
      await other.close();
    }
    await page.fill('#e-members', '20');
    await page.fill('#f-float', '3500');
    await page.fill('#t-end', '2025-10-24 20:00');
  });

  it('prints a one-page briefing: header, run header, map and tables, without the form', async () => {
    await page.emulateMedia({ media: 'print' });
    try {
      expect(await page.locator('.panel').isVisible()).toBe(false);
      expect(await page.locator('.playback').isVisible()).toBe(false);
      for (const id of ['#map-wrap', '#run-header', '#zone-table', '.topbar h1', '#clock'])
        expect(await page.locator(id).first().isVisible(), id).toBe(true);
      await shots('print');
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      // Each page of a PDF is one "/Type /Page" object (not "/Pages", the tree's root).
      const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
      expect(pages).toHaveLength(1);
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });

  it('has no axe-core violations after a run (the new header, badges, legends, side view included)', async () => {
    const found = await axeViolations(page);
    expect(found.violations).toEqual([]);
    // The rules did run over the page.
    expect(found.passes).toBeGreaterThan(10);
  });

  it('logs no errors to the browser console', () => {
    expect(viewer.errors).toEqual([]);
  });
});
