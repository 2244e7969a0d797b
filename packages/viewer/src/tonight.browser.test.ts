/**
 * Tonight (issue 15) in Chromium against the real server, given a test store (a real GFS cycle from
 * ../shared/data): the store is named, one action runs the briefing, each airport shows its
 * P(inside) timeline against the threshold (D3), its closure window and an alert when the threshold
 * is crossed, matching what POST /api/tonight answers; a server without a forecast says how to fetch
 * one. Screenshots at 1280×720, 1400×900 and 1920×1080 go to packages/viewer/test-results/ (not
 * committed); axe-core finds no violation after it.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  TEST_ENSEMBLE_MODEL,
  TEST_STORE_CYCLE,
  writeTestEnsembleStore,
  writeTestStore,
} from '@balloon-sim/node/testing';
import type { Briefing } from '@balloon-sim/sim-core';
import { hasEccodes, hasSharedData } from '@balloon-sim/sim-core/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumForTests } from '../bench/chromium.js';
import {
  axeViolations,
  collectPageErrors,
  type OpenViewer,
  openViewer,
  type ServedViewer,
  screenshotsAtSizes,
  serveViewer,
} from '../bench/served-viewer.js';
import { clock } from './time.js';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = resolve(ROOT, 'test-results');
/** Tonight as the test asks it: 4 August 2020, 18–20 LT, 2 members per launch point and hour. */
const ASK = { night: '2020-08-04', launchHours: '18-20', members: 2 };

const CHROMIUM = chromiumForTests('viewer tonight tests');

describe.skipIf(!CHROMIUM || !hasSharedData)('Tonight in the viewer, in Chromium', () => {
  let viewer: OpenViewer;
  let served: ServedViewer;
  let context: BrowserContext;
  let page: Page;

  /** Screenshots of `p` at each size. */
  const shots = (name: string, p: Page = page) => screenshotsAtSizes(p, resolve(RESULTS, `tonight-${name}`));

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    viewer = await openViewer({ forecastStore: await writeTestStore() });
    ({ served, context, page } = viewer);
  }, 120_000);

  afterAll(() => viewer?.close());

  it("names the forecast in the server's store", async () => {
    await expect
      .poll(() => page.locator('#tonight-store').textContent())
      .toContain(`gfs cycle ${TEST_STORE_CYCLE}`);
  });

  it('runs tonight in one action: per airport the P(inside) timeline against the threshold, the closure window and an alert', async () => {
    // What the server answers for the same request, read apart from the page.
    const answer = await fetch(`${served.origin}/api/tonight`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ASK),
    });
    expect(answer.status).toBe(200);
    const { briefing } = (await answer.json()) as { briefing: Briefing };

    await page.fill('#tn-night', ASK.night);
    await page.fill('#tn-hours', ASK.launchHours);
    await page.fill('#tn-members', String(ASK.members));
    await page.click('#tonight-run');
    await page.waitForFunction(
      () =>
        ['done', 'failed'].includes(
          document.querySelector('#tonight-state')?.getAttribute('data-state') ?? '',
        ),
      undefined,
      { timeout: 90_000 },
    );
    expect(await page.locator('#tonight-state').getAttribute('data-state')).toBe('done');
    expect(
      await page.locator('.tonight-airport').evaluateAll((s) => s.map((e) => e.getAttribute('data-icao'))),
    ).toEqual(briefing.airports.map((a) => a.icao));
    for (const airport of briefing.airports) {
      const block = page.locator(`.tonight-airport[data-icao="${airport.icao}"]`);
      // One line per bound per zone, the threshold line, and a shaded band per closure window.
      expect(await block.locator('path.tonight-line').count()).toBe(2 * airport.zones.length);
      expect(await block.locator('line.tonight-threshold').count()).toBe(1);
      expect(await block.locator('rect.tonight-window').count()).toBe(airport.closureWindow.length);
      const alert = block.locator('[role="alert"]');
      if (airport.alert) {
        const text = await alert.textContent();
        for (const w of airport.closureWindow) expect(text).toContain(`${clock(w.start)} → ${clock(w.end)}`);
        expect(text).toContain('P(inside) ≥ 1 %');
      } else {
        expect(await alert.count()).toBe(0);
        expect(await block.textContent()).toContain('No closure indicated');
      }
      // The threshold line stands where the P(inside) axis marks the threshold.
      const thresholdY = Number(await block.locator('line.tonight-threshold').getAttribute('y1'));
      const tickY = await block
        .locator('g.tonight-axis g.tick')
        .evaluateAll((ticks) =>
          ticks
            .filter((t) => t.textContent === '1 %')
            .map((t) => Number(/translate\(0,([-\d.]+)\)/.exec(t.getAttribute('transform') ?? '')?.[1])),
        );
      expect(tickY).toHaveLength(1);
      // (d3's axis sets its ticks half a pixel off, so that 1-pixel lines fall on whole pixels.)
      expect(Math.abs(tickY[0] - thresholdY)).toBeLessThanOrEqual(0.5);
      // One forecast (gfs): no spread across forecast members to show.
      expect(await block.locator('.tonight-spread').count()).toBe(0);
      const rows = await block.locator('table.tonight-hours tbody tr').count();
      expect(rows).toBe(briefing.launches.length);
    }
    expect(await page.locator('.tonight-forecast').textContent()).toContain(`gfs cycle ${TEST_STORE_CYCLE}`);
    expect(await page.locator('.tonight-files code').first().textContent()).toBe(
      briefing.forecast.files[0].sha256,
    );
    await page.locator('#tonight').scrollIntoViewIfNeeded();
    await shots('briefing');
  });

  it('has no axe-core violations after it', async () => {
    const result = await axeViolations(page);
    expect(result.violations).toEqual([]);
    expect(result.passes).toBeGreaterThan(10);
  });

  it("says how to fetch a forecast when the server's store holds none", async () => {
    const empty = await serveViewer({ forecastStore: mkdtempSync(join(tmpdir(), 'store-empty-')) });
    const other = await context.newPage();
    const errors: string[] = [];
    collectPageErrors(other, errors);
    try {
      await other.goto(`${empty.origin}/`);
      await expect
        .poll(() => other.locator('#tonight-store').textContent())
        .toContain("No forecast in the server's store");
      await other.click('#tonight-run');
      await other.waitForFunction(
        () => document.querySelector('#tonight-state')?.getAttribute('data-state') === 'failed',
        undefined,
        { timeout: 30_000 },
      );
      expect(await other.locator('#banner-message').textContent()).toMatch(
        /no forecast in the server's store: fetch one with "balloon-sim wind fetch/,
      );
      expect(await other.locator('#tonight').isHidden()).toBe(true);
      await shots('no-store', other);
    } finally {
      await other.close();
      await empty.close();
    }
    // The 404 the page asked for is the one console message expected: nothing else went wrong.
    expect(errors.filter((e) => !/404/.test(e))).toEqual([]);
  });

  it.runIf(hasEccodes)(
    'shows per airport the spread across forecast members for an ensemble store, as the server answers it',
    async () => {
      // Three gefs members built to disagree (see cli/tonight-members.test.ts in @balloon-sim/node).
      const ensemble = await serveViewer({
        forecastStore: await writeTestEnsembleStore([{ u: -25 }, { u: -12, v: 8 }, { u: -25, v: -8 }]),
      });
      const other = await context.newPage();
      const errors: string[] = [];
      collectPageErrors(other, errors);
      try {
        const ask = { night: ASK.night, launchHours: ASK.launchHours };
        const answer = await fetch(`${ensemble.origin}/api/tonight`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(ask),
        });
        expect(answer.status).toBe(200);
        const { briefing } = (await answer.json()) as { briefing: Briefing };
        const fm = briefing.forecastMembers!;
        expect(fm.count).toBe(3);
        await other.goto(`${ensemble.origin}/`);
        await expect.poll(() => other.locator('#tonight-store').textContent()).toContain(TEST_ENSEMBLE_MODEL);
        await other.fill('#tn-night', ask.night);
        await other.fill('#tn-hours', ask.launchHours);
        await other.click('#tonight-run');
        await other.waitForFunction(
          () =>
            ['done', 'failed'].includes(
              document.querySelector('#tonight-state')?.getAttribute('data-state') ?? '',
            ),
          undefined,
          { timeout: 120_000 },
        );
        expect(await other.locator('#tonight-state').getAttribute('data-state')).toBe('done');
        const pct = (p: number) => (100 * p).toFixed(p > 0 && p < 0.01 ? 1 : 0);
        for (const a of fm.airports) {
          const line = other.locator(`.tonight-airport[data-icao="${a.icao}"] .tonight-spread`);
          const range =
            pct(a.probabilityMin) === pct(a.probabilityMax)
              ? `${pct(a.probabilityMax)} %`
              : `${pct(a.probabilityMin)}–${pct(a.probabilityMax)} %`;
          const text = await line.textContent();
          expect(text).toContain(
            `forecast members: P(enter) ${range}, ${a.membersReachingThreshold} of 3 reach the threshold`,
          );
          expect(text).toContain(a.sentence);
          expect(await line.getAttribute('data-uncertainty')).toBe(a.uncertainty);
          // Per launch hour: how many forecast members reach the threshold from that hour's launches.
          const reach = other.locator(
            `.tonight-airport[data-icao="${a.icao}"] table.tonight-hours tbody td:last-child`,
          );
          expect(await reach.allTextContents()).toEqual(
            briefing.airports
              .find((x) => x.icao === a.icao)!
              .hours.map(
                ({ forecastMembers: h }) =>
                  `${h!.membersReachingThreshold} of 3${h!.tooFew > 0 ? ` (${h!.tooFew} too few)` : ''}`,
              ),
          );
        }
        expect(fm.airports.some((a) => a.uncertainty === 'weather')).toBe(true);
        expect(await other.locator('.tonight-forecast').textContent()).toContain('3 forecast members');
        await other.locator('.tonight-spread').first().scrollIntoViewIfNeeded();
        await shots('forecast-members', other);
      } finally {
        await other.close();
        await ensemble.close();
      }
      expect(errors).toEqual([]);
    },
    300_000,
  );

  it('logs no errors to the browser console', () => {
    expect(viewer.errors).toEqual([]);
  });
});
