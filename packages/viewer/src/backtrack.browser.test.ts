/**
 * The back-track view and the coverage warning (issue 15), in Chromium against the real server, as
 * duty.browser.test.ts does: a real GFS run whose members leave the wind's area shows the share that
 * did (counted here from the run's own GeoJSON) with the wind's box drawn; a back-track sends the
 * priors typed in its controls, echoes them, fits the map to its answer, gives distance and bearing
 * from the first detection and draws the forward cross-check. Screenshots at 1280×720, 1400×900 and
 * 1920×1080 go to packages/viewer/test-results/ (not committed).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumForTests } from '../bench/chromium.js';
import {
  axeViolations,
  nextFrames,
  type OpenViewer,
  openViewer,
  SCREEN_SIZES,
  screenshotsAtSizes,
} from '../bench/served-viewer.js';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = resolve(ROOT, 'test-results');
/** The real GFS 0.25° run the Grodno scenario reads; the server finds it at ../shared/data. */
const SHARED_DATA = resolve(
  process.env.BALLOON_SIM_SHARED_DATA ?? resolve(ROOT, '../../../shared/data'),
  'gfs-0p25-poland/20200804_f000.grib2',
);
const hasGfs = existsSync(SHARED_DATA);

const CHROMIUM = chromiumForTests('back-track browser tests');
if (!hasGfs) console.log(`the coverage-warning test is skipped: no ${SHARED_DATA}`);

/** Great-circle distance (km, mean radius 6371 km) and initial bearing (° true): a check on the core's WGS 84 figures. */
function sphere(lon1: number, lat1: number, lon2: number, lat2: number): { km: number; deg: number } {
  const r = Math.PI / 180;
  const [p1, p2, dl] = [lat1 * r, lat2 * r, (lon2 - lon1) * r];
  const a = Math.sin((p2 - p1) / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) ** 2;
  const km = 2 * 6371 * Math.asin(Math.sqrt(a));
  const y = Math.sin(dl) * Math.cos(p2);
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
  return { km, deg: (((Math.atan2(y, x) / r) % 360) + 360) % 360 };
}

describe.skipIf(!CHROMIUM)('the back-track view and the coverage warning in Chromium', () => {
  let viewer: OpenViewer;
  let page: Page;
  let origin: string;

  /** Screenshots at each size, each once the map's zoom transition has ended. */
  const shots = (name: string) =>
    screenshotsAtSizes(page, resolve(RESULTS, `backtrack-${name}`), zoomSettled);

  /** Waits for the map's zoom transition to end: d3 keeps a node's running ones on it (__transition). */
  const zoomSettled = () =>
    page.waitForFunction(
      () => !(document.querySelector('#map-overlay') as unknown as { __transition?: object }).__transition,
      undefined,
      { timeout: 5_000 },
    );

  /** The page-pixel box of the first element matching a selector. */
  const rectOf = (selector: string) =>
    page
      .locator(selector)
      .first()
      .evaluate((el) => {
        const r = el.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      });
  /** The page-pixel centre of a pin's marker (its first child). */
  const pinCentre = (selector: string, text = '') =>
    page.evaluate(
      ([sel, label]) => {
        const g = [...document.querySelectorAll(sel)].find((e) => (e.textContent ?? '').includes(label))!;
        const r = g.firstElementChild!.getBoundingClientRect();
        return { x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2 };
      },
      [selector, text] as const,
    );

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    viewer = await openViewer();
    page = viewer.page;
    origin = viewer.served.origin;
  }, 90_000);

  afterAll(() => viewer?.close());

  it.skipIf(!hasGfs)(
    "says what share of members left the wind's area on a real GFS run, and draws the wind's box",
    async () => {
      // Grodno, 2020-08-04: NOAA GFS 0.25°, whose grid ends at 25° E; the south-westerly wind
      // carries members east over that edge, where they stop as left-domain.
      await page.selectOption('#template', 'grodno-2020-08-04');
      await expect.poll(() => page.locator('#wind').inputValue()).toBe('gfs-0p25-20200804');
      let runId = '';
      page.on('websocket', (ws) =>
        ws.on('framereceived', ({ payload }) => {
          if (typeof payload !== 'string') return;
          const message = JSON.parse(payload) as { type?: string; runId?: string };
          if (message.type === 'accepted') runId = message.runId!;
        }),
      );
      await page.click('#run');
      await page.waitForFunction(
        () =>
          ['done', 'failed'].includes(document.querySelector('#status')?.getAttribute('data-state') ?? ''),
        undefined,
        { timeout: 120_000 },
      );
      expect(await page.locator('#status').getAttribute('data-state')).toBe('done');
      expect(runId).not.toBe('');

      // The run's own tracks, as the server exports them: a feature per member with its end status.
      const doc = (await (await fetch(`${origin}/api/runs/${runId}/geojson`)).json()) as {
        features: { properties: { member?: number; status?: string } }[];
      };
      const members = doc.features.filter((f) => f.properties.member !== undefined && f.properties.status);
      const left = members.filter((f) => ['left-domain', 'wind-ended'].includes(f.properties.status!)).length;
      expect(members.length).toBe(600); // 3 sites × 4 launch times × 50 members
      expect(left).toBeGreaterThan(0);
      // The page's percentages: whole, or to 0.1 under 1 %.
      const pct = (100 * left) / members.length;
      const share = `${pct.toFixed(pct < 1 ? 1 : 0)} %`;
      const warning = page.locator('#unresolved-warning');
      expect(await warning.isVisible()).toBe(true);
      expect(await warning.textContent()).toBe(
        `${share} of members (${left}) left the wind's area: the probabilities are bounds, not estimates`,
      );

      // The wind's box: Kaunas (23.92° E) inside it, Vilnius (25.29° E) east of its 25° E edge.
      const box = await rectOf('#map-base path.wind-coverage');
      const kaunas = await pinCentre('g.airport', 'EYKA');
      const vilnius = await pinCentre('g.airport', 'EYVI');
      expect(kaunas.x).toBeGreaterThan(box.left);
      expect(kaunas.x).toBeLessThan(box.right);
      expect(vilnius.x).toBeGreaterThan(box.right);
      expect(await page.locator('#map-key').textContent()).toContain("wind data's area");
      // On the map too, in view at every size: below the map it is off screen at 1280 × 720.
      const onMap = page.locator('#map-coverage-warning');
      expect(await onMap.textContent()).toBe(
        `${share} of members (${left}) left the wind's area: the probabilities are bounds, not estimates (the wind's area: dashed line)`,
      );
      for (const [width, height] of SCREEN_SIZES) {
        await page.setViewportSize({ width, height });
        const r = await rectOf('#map-coverage-warning');
        const map = await rectOf('#map-wrap');
        expect(r.bottom - r.top, `${width}×${height}`).toBeGreaterThan(10);
        expect(r.top).toBeGreaterThanOrEqual(map.top);
        expect(r.bottom).toBeLessThanOrEqual(Math.min(map.bottom, height));
        expect(r.right).toBeLessThanOrEqual(Math.min(map.right, width));
      }
      await page.setViewportSize({ width: 1280, height: 720 });
      await shots('coverage');
    },
    180_000,
  );

  it('sends the priors typed, fits the map to the answer, gives distance and bearing, draws the forward check', async () => {
    await page.selectOption('#template', 'default');
    await expect.poll(() => page.locator('#wind').inputValue()).toBe('illustrative-border-night');
    const zoomBefore = await page.locator('#map-base g.zoomed').getAttribute('transform');
    await page.click('#detection-add');
    const fields = page.locator('#detection-list li').last().locator('input');
    await fields.nth(0).fill('25.4');
    await fields.nth(1).fill('54.75');
    await fields.nth(2).fill('3500');
    await fields.nth(3).fill('2025-10-24 20:00');
    // 20:00 UTC on 24 October 2025 is 23:00 in Vilnius (summer time, UTC+3).
    expect(await page.locator('#bt-window').textContent()).toBe(
      'Launches from 2025-10-24 16:00 LT (13:00Z) to D1, the first detection, 2025-10-24 23:00 LT (20:00Z).',
    );

    // Bad priors are named in the banner, and nothing is sent.
    await page.fill('#bt-from', '5 PM');
    await page.fill('#bt-alt-to', '0.5');
    await page.click('#backtrack-run');
    expect(await page.locator('#banner-issues li').allTextContents()).toEqual([
      'Launches from (LT): must be a 24-hour time HH:MM, Vilnius local time, got "5 PM"',
      'Float to (km): must be above the band\'s lower altitude (1 km), got "0.5"',
    ]);
    expect(await page.locator('#bt-from').getAttribute('aria-invalid')).toBe('true');
    await page.click('#banner-close');

    await page.fill('#bt-members', '300');
    await page.fill('#bt-from', '17:00');
    await page.fill('#bt-to', '23:00');
    await page.fill('#bt-alt-from', '2');
    await page.fill('#bt-alt-to', '4.5');
    await page.selectOption('#bt-area', 'by-border-strip');
    expect(await page.locator('#bt-window').textContent()).toBe(
      'Launches from 2025-10-24 17:00 LT (14:00Z) to 2025-10-24 23:00 LT (20:00Z).',
    );
    const [request, response] = await Promise.all([
      page.waitForRequest('**/api/backtrack'),
      page.waitForResponse('**/api/backtrack', { timeout: 60_000 }),
      page.click('#backtrack-run'),
    ]);
    expect(response.status()).toBe(200);
    const sent = request.postDataJSON();
    expect(sent.region).toBe('by-border-strip');
    expect(sent.launchWindow).toEqual({ start: '2025-10-24T14:00:00Z', end: '2025-10-24T20:00:00Z' });
    expect(sent.floatAltitudes).toEqual([
      { fromM: 2000, toM: 3000, weight: 1 },
      { fromM: 3000, toM: 4000, weight: 3 },
      { fromM: 4000, toM: 4500, weight: 1 },
    ]);
    const answer = await response.json();
    await page.waitForSelector('#backtrack-result ol li');

    // The priors as the server used them, echoed.
    expect(await page.locator('#backtrack-result .backtrack-priors').textContent()).toBe(
      `Priors used: launch area ${answer.priors.region.name} (by-border-strip); launches from 2025-10-24 17:00 LT (14:00Z) to 2025-10-24 23:00 LT (20:00Z); float altitude 2–3 km, 3–4 km ×3, 4–4.5 km.`,
    );

    // Distance and bearing from the first detection, checked against the great circle (the core's
    // are WGS 84: within 0.5 % and 1°), and the compass word for a south-easterly answer.
    const items = await page.locator('#backtrack-result ol.likely-list li').allTextContents();
    expect(items.length).toBe(Math.min(5, answer.mostLikely.length));
    expect(await page.locator('#backtrack-result').textContent()).toContain(
      'from D1, the first detection in time (10-24 20:00Z (23:00 LT))',
    );
    items.forEach((text, k) => {
      const cell = answer.mostLikely[k];
      const m = /— ([\d.]+) km, (\d{3})° true \(([NESW]{1,3})\) —/.exec(text);
      expect(m, text).not.toBeNull();
      const check = sphere(25.4, 54.75, cell.lon, cell.lat);
      expect(Math.abs(Number(m![1]) - check.km)).toBeLessThan(0.005 * check.km + 0.1);
      const off = Math.abs(((Number(m![2]) - check.deg + 540) % 360) - 180);
      expect(off).toBeLessThan(1.5);
    });
    // The best estimate (the core's first launch area), with its own distance and bearing.
    const best = answer.areas[0];
    const bestLine = (await page.locator('#backtrack-result .backtrack-best').textContent()) ?? '';
    expect(bestLine).toContain(
      `Best estimate (solid circle): within ${best.radiusKm} km of ${best.lon.toFixed(2)} E, ${best.lat.toFixed(2)} N`,
    );
    const b = /, ([\d.]+) km, (\d{3})° true \([NESW]{1,3}\) from D1;/.exec(bestLine);
    expect(b, bestLine).not.toBeNull();
    const bestCheck = sphere(25.4, 54.75, best.lon, best.lat);
    expect(Math.abs(Number(b![1]) - bestCheck.km)).toBeLessThan(0.005 * bestCheck.km + 0.1);
    expect(Math.abs(((Number(b![2]) - bestCheck.deg + 540) % 360) - 180)).toBeLessThan(1.5);
    // The wind blows from the south-east here: the launch lies south-east, in Belarus.
    expect(items[0]).toMatch(/° true \((E|ESE|SE|SSE|S)\)/);

    // The forward cross-check: its share as the answer counts it, and drawn with its key entries.
    const f = answer.forward;
    expect(f.run).toBeGreaterThan(0);
    // The page's percentages: whole, or to 0.1 under 1 %.
    const kept = (100 * f.kept) / f.run;
    const forwardLine = await page.locator('#backtrack-result .backtrack-forward').textContent();
    expect(forwardLine).toContain(
      `${f.kept} of ${f.run} launches run forward from round these cells (${kept.toFixed(kept < 1 ? 1 : 0)} %) passed every detection`,
    );
    // Under 20 kept the core calls the check inconclusive: the page must not call it agreement or not.
    if (f.kept < 20) expect(forwardLine).toContain('too few to confirm or refute the back-track');
    else expect(forwardLine).toMatch(answer.agreement.agree ? /they agree/ : /they DISAGREE/);
    expect(await page.locator('#map-overlay g.forward-cell').count()).toBe(Math.min(5, f.mostLikely.length));
    expect(f.mostLikely.length).toBeGreaterThan(0);
    expect(await page.locator('#map-base path.forward-area').getAttribute('d')).toMatch(/^M/);
    expect(await page.locator('#map-base path.best-area').getAttribute('d')).toMatch(/^M/);
    const key = await page.locator('#map-key').textContent();
    expect(key).toContain('forward check: track of a kept launch');
    expect(key).toContain('forward check: track of a rejected launch');
    expect(key).toContain('forward check: launch cell kept');
    expect(key).toContain('forward check: best estimate (10 km)');
    expect(key).toContain('back-track: best estimate (10 km)');

    // The map fitted: zoomed to the answer, the detection and every drawn cell inside the map.
    await expect
      .poll(() => page.locator('#map-base g.zoomed').getAttribute('transform'), { timeout: 5_000 })
      .not.toBe(zoomBefore);
    await zoomSettled();
    const map = await rectOf('#map-wrap');
    // Over the map but not under what is drawn over it: the run caption and warnings, the legends.
    const covers = await page
      .locator('.map-top > :not([hidden]), .map-legends')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
    const inside = (p: { x: number; y: number }) =>
      p.x > map.left &&
      p.x < map.right &&
      p.y > map.top &&
      p.y < map.bottom &&
      covers.every((r) => p.x < r.left || p.x > r.right || p.y < r.top || p.y > r.bottom);
    // The map's own markers (the map key draws the same classes in its swatches).
    for (const selector of [
      '#map-overlay g.detection',
      '#map-overlay g.likely',
      '#map-overlay g.forward-cell',
    ]) {
      const centres = await page.locator(selector).evaluateAll((gs) =>
        gs.map((g) => {
          const r = g.firstElementChild!.getBoundingClientRect();
          return { x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2 };
        }),
      );
      expect(centres.length, selector).toBeGreaterThan(0);
      for (const c of centres) expect(inside(c), `${selector} at ${c.x},${c.y}`).toBe(true);
    }
    // The forward tracks: asked for, drawn one path each (kept solid over rejected faint), and
    // counted in the panel.
    expect(sent.forwardTracks).toEqual({ kept: 40, rejected: 40 });
    const tracks = f.tracks as {
      keptTotal: number;
      rejectedTotal: number;
      acceptSigmas: number;
      matchFloorM: number;
      tracks: { kept: boolean; lon: number[]; lat: number[]; altM: number[]; tSec: number[] }[];
    };
    expect(tracks.keptTotal).toBe(f.kept);
    expect(tracks.rejectedTotal).toBe(f.run - f.kept);
    const keptTracks = tracks.tracks.filter((t) => t.kept);
    expect(keptTracks.length).toBe(Math.min(40, f.kept));
    expect(keptTracks.length).toBeGreaterThan(0);
    expect(tracks.tracks.length - keptTracks.length).toBe(Math.min(40, f.run - f.kept));
    expect(await page.locator('#map-base path.forward-track').count()).toBe(tracks.tracks.length);
    expect(await page.locator('#map-base path.forward-track.kept').count()).toBe(keptTracks.length);
    expect(await page.locator('#backtrack-result .backtrack-forward-tracks').textContent()).toBe(
      `Forward tracks drawn: ${keptTracks.length} of ${f.kept} kept launches (solid), ${tracks.tracks.length - keptTracks.length} of ${f.run - f.kept} rejected (faint).`,
    );
    // Each kept track passes the detection within the check's tolerance: acceptSigmas × σ, σ the
    // match floor here (the detection was sent without position or time uncertainty), at the
    // detection's time; 2 m more for the answer's rounding to 1e-5°.
    const toleranceM = tracks.acceptSigmas * tracks.matchFloorM;
    const detectionSec = Date.parse('2025-10-24T20:00:00Z') / 1000;
    for (const t of keptTracks) {
      const i = t.tSec.indexOf(detectionSec);
      expect(i, 'a point at the detection time').toBeGreaterThan(0);
      expect(sphere(25.4, 54.75, t.lon[i], t.lat[i]).km * 1000).toBeLessThanOrEqual(toleranceM + 2);
      // Launched from inside the priors' window, before the detection.
      expect(t.tSec[0]).toBeGreaterThanOrEqual(Date.parse('2025-10-24T14:00:00Z') / 1000);
      expect(t.tSec[0]).toBeLessThan(detectionSec);
    }
    // And as drawn: each kept path comes within that tolerance of the detection's pin, in pixels
    // at the map's scale (measured on the best-estimate circle, whose radius the answer gives).
    await zoomSettled();
    const circle = await rectOf('#map-base path.best-area');
    const pxPerM = (circle.bottom - circle.top) / (2 * answer.areas[0].radiusKm * 1000);
    const pin = await pinCentre('#map-overlay g.detection', 'D1');
    const nearestPx = await page.locator('#map-base path.forward-track.kept').evaluateAll(
      (paths, p) =>
        paths.map((path) => {
          const el = path as SVGPathElement;
          const m = el.getScreenCTM()!;
          const length = el.getTotalLength();
          let best = Number.POSITIVE_INFINITY;
          for (let s = 0; s <= 2000; s++) {
            const q = el.getPointAtLength((length * s) / 2000).matrixTransform(m);
            best = Math.min(best, Math.hypot(q.x - p.x, q.y - p.y));
          }
          return best;
        }),
      pin,
    );
    expect(nearestPx.length).toBe(keptTracks.length);
    // 10 % for the conic map's scale across the view, 1.5 px for sampling the path.
    for (const d of nearestPx) expect(d).toBeLessThanOrEqual(1.1 * toleranceM * pxPerM + 1.5);

    // Closer than the duty view: the 90 % region and the detection fill much of the map.
    const region = await rectOf('#map-base path.launch-region-90');
    expect(region.right - region.left).toBeGreaterThan(0.1 * (map.right - map.left));
    await shots('answer');
    await page.locator('#backtrack-result').scrollIntoViewIfNeeded();
    await shots('answer-panel');

    // A prior changed after the answer marks it stale; back as it was, it is not.
    await page.fill('#bt-alt-to', '5');
    expect(await page.locator('#backtrack-stale').isVisible()).toBe(true);
    await page.fill('#bt-alt-to', '4.5');
    expect(await page.locator('#backtrack-stale').isHidden()).toBe(true);

    // Anywhere in the wind's area: sent as such, echoed as no region. The answer is held back
    // until the button has been seen disabled: one back-track at a time.
    await page.selectOption('#bt-area', 'anywhere');
    expect(await page.locator('#backtrack-stale').isVisible()).toBe(true);
    let release = () => {};
    const held = new Promise<void>((done) => {
      release = done;
    });
    let requests = 0;
    await page.route('**/api/backtrack', async (route) => {
      requests++;
      const real = await route.fetch({ timeout: 60_000 });
      await held;
      await route.fulfill({ response: real });
    });
    const answeredSoon = page.waitForResponse('**/api/backtrack', { timeout: 60_000 });
    const [again] = await Promise.all([
      page.waitForRequest('**/api/backtrack'),
      page.click('#backtrack-run'),
    ]);
    expect(await page.locator('#backtrack-run').isDisabled()).toBe(true);
    await page.locator('#bt-members').press('Enter');
    release();
    const answered = await answeredSoon;
    await page.unroute('**/api/backtrack');
    await expect.poll(() => page.locator('#backtrack-run').isEnabled()).toBe(true);
    expect(requests).toBe(1);
    expect(again.postDataJSON().region).toBe('anywhere');
    expect((await answered.json()).priors.region).toBeNull();
    await expect
      .poll(() => page.locator('#backtrack-result .backtrack-priors').textContent())
      .toContain("Priors used: launch area anywhere in the wind's area; launches from 2025-10-24 17:00 LT");
    expect(await page.locator('#backtrack-stale').isHidden()).toBe(true);
  }, 180_000);

  it('keeps every map overlay clear of the others after a run and a form change, at every size', async () => {
    await page.selectOption('#template', 'default');
    await expect.poll(() => page.locator('#wind').inputValue()).toBe('illustrative-border-night');
    await page.click('#run');
    await page.waitForFunction(
      () => ['done', 'failed'].includes(document.querySelector('#status')?.getAttribute('data-state') ?? ''),
      undefined,
      { timeout: 120_000 },
    );
    expect(await page.locator('#status').getAttribute('data-state')).toBe('done');
    // The form changed after the run: the stale note shows beside the illustrative-wind badge.
    const float = await page.locator('#f-float').inputValue();
    await page.fill('#f-float', String(Number(float) + 500));
    const badge = page.locator('.map-top .illustrative-badge');
    expect(await page.locator('#map-stale').isVisible()).toBe(true);
    expect(await badge.isVisible()).toBe(true);
    for (const [width, height] of SCREEN_SIZES) {
      await page.setViewportSize({ width, height });
      await nextFrames(page);
      // Every box drawn over the map, each one: the top's lines (badge, caption, warnings, stale
      // note), the legends, the zoom buttons, the mode hint.
      const boxes = await page
        .locator('.map-top-row > *, .map-top > :not(.map-top-row), .map-legends, .map-controls, #mode-hint')
        .evaluateAll((els) =>
          els
            .filter((e) => (e as HTMLElement).offsetParent !== null)
            .map((e) => ({
              name: e.id || e.className,
              ...(e.getBoundingClientRect().toJSON() as {
                left: number;
                right: number;
                top: number;
                bottom: number;
              }),
            }))
            .filter((r) => r.right > r.left && r.bottom > r.top),
        );
      const names = boxes.map((b) => b.name);
      expect(names, `${width}×${height}`).toContain('map-stale');
      expect(names, `${width}×${height}`).toContain('illustrative-badge');
      for (const [i, a] of boxes.entries())
        for (const b of boxes.slice(i + 1))
          expect(
            a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom,
            `${width}×${height}: ${a.name} ${JSON.stringify(a)} overlaps ${b.name} ${JSON.stringify(b)}`,
          ).toBe(false);
      // The badge is a warning: whole, inside the map and the window.
      const map = await rectOf('#map-wrap');
      const r = await rectOf('.map-top .illustrative-badge');
      expect(r.left).toBeGreaterThanOrEqual(map.left);
      expect(r.top).toBeGreaterThanOrEqual(map.top);
      expect(r.right).toBeLessThanOrEqual(Math.min(map.right, width));
      expect(r.bottom).toBeLessThanOrEqual(Math.min(map.bottom, height));
    }
    await page.setViewportSize({ width: 1280, height: 720 });
    await shots('overlays-stale');
    await page.fill('#f-float', float);
    expect(await page.locator('#map-stale').isHidden()).toBe(true);
  }, 180_000);

  it('has no axe-core violations after the run and the back-track', async () => {
    const result = await axeViolations(page);
    expect(result.violations).toEqual([]);
    expect(result.passes).toBeGreaterThan(10);
  });

  it('logs no errors to the browser console', () => {
    expect(viewer.errors).toEqual([]);
  });
});
