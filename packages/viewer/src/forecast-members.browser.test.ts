/**
 * A run over several forecast members in the viewer (issue 14), in Chromium against the real
 * server: a link's scenario flying the bundled wind as HYSPLIT's grid offset (27 forecast members)
 * runs as the link says, the run header names the forecast members, the zone table gives per zone
 * the range of P(enter) across them and how many reach the closure threshold, and the member table
 * marks those with too few trajectories. Every figure is checked against the server's own summary
 * of the same scenario (POST /api/runs), recomputed here from its per-member answers. A screenshot
 * at 1280×720 goes to packages/viewer/test-results/ (not committed); axe-core finds no violation.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RunSummary } from '@balloon-sim/sim-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumForTests, launchChromium } from '../bench/chromium.js';
import {
  axeViolations,
  collectPageErrors,
  nextFrames,
  type ServedViewer,
  serveViewer,
} from '../bench/served-viewer.js';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = resolve(ROOT, 'test-results');

const CHROMIUM = chromiumForTests('viewer forecast-member tests');

/** A percentage as the page writes one: whole percent, one decimal below 1 % (README, "Outputs"). */
const pct = (p: number) => `${(100 * p).toFixed(p > 0 && p < 0.01 ? 1 : 0)} %`;
const range = (lo: number, hi: number) =>
  pct(lo) === pct(hi) ? pct(hi) : `${pct(lo).slice(0, -2)}–${pct(hi)}`;

describe.skipIf(!CHROMIUM)('forecast members in the viewer', () => {
  let served: ServedViewer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    served = await serveViewer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    collectPageErrors(page, pageErrors);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('shows per zone the spread across forecast members, as the server’s summary gives it', async () => {
    const origin = served.origin;
    const doc = await (await fetch(`${origin}/api/scenarios/default`)).json();
    const winds = (await (await fetch(`${origin}/api/winds`)).json()) as {
      id: string;
      source: Record<string, unknown>;
    }[];
    const bundled = winds.find((w) => w.id === 'illustrative-border-night');
    expect(bundled).toBeDefined();
    // The bundled wind as 27 grid-offset forecast members, two trajectories each at one site and hour.
    const scenario = {
      ...doc,
      wind: { ...bundled!.source, gridOffset: true },
      launch: {
        ...doc.launch,
        sites: doc.launch.sites.slice(0, 1),
        times: { start: doc.launch.times.start },
      },
      ensemble: { ...doc.ensemble, members: 54, seed: 7 },
      solver: { ...doc.solver, durationSec: 5 * 3600 },
    };
    const response = await fetch(`${origin}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(scenario),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const summary = ((await response.json()) as { summary: RunSummary }).summary;
    const forecast = summary.forecast!;
    expect(forecast.members).toHaveLength(27);

    const hash = `#s=${Buffer.from(JSON.stringify({ v: 1, template: 'default', scenario })).toString('base64url')}`;
    await page.goto(`${origin}/${hash}`);
    await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'Ready', undefined, {
      timeout: 30_000,
    });
    await page.click('#run');
    await page.waitForFunction(
      () => ['done', 'failed'].includes(document.querySelector('#status')?.getAttribute('data-state') ?? ''),
      undefined,
      { timeout: 120_000 },
    );
    expect(await page.locator('#status').getAttribute('data-state')).toBe('done');

    // The header names the forecast members (equal weights: the grid offset's 27).
    expect(await page.locator('#run-header').textContent()).toContain(
      `Forecast members: 27 (equal weights): ${forecast.members[0].label}`,
    );

    // Per zone: the lowest and highest of the forecast members' own P(enter), and how many of them
    // closed, recomputed from the per-member answers (and equal to the server's spread).
    const threshold = `${+(100 * summary.closureThreshold).toPrecision(6)} %`;
    expect(await page.locator('#forecast-head').textContent()).toBe(
      `Forecast members: P(enter) range, reaching ${threshold}`,
    );
    for (const zone of summary.zones) {
      const ps = forecast.members.map((m) => m.zones.find((z) => z.id === zone.id)!.probability);
      const closing = forecast.members.filter((m) => m.zones.find((z) => z.id === zone.id)!.crossesThreshold);
      const spread = forecast.zones.find((z) => z.id === zone.id)!;
      expect([spread.probabilityMin, spread.probabilityMax]).toEqual([Math.min(...ps), Math.max(...ps)]);
      expect(spread.membersCrossingThreshold).toBe(closing.length);
      const cell = page.locator(`#zone-table tbody tr[data-zone="${zone.id}"] td.forecast-spread`);
      expect(await cell.textContent()).toBe(
        `${range(Math.min(...ps), Math.max(...ps))}, ${closing.length} of 27 reach ${threshold}`,
      );
    }
    // Some zone's forecast members disagree, or the test shows nothing of a spread.
    expect(
      forecast.zones.some((z) => z.probabilityMax > z.probabilityMin) ||
        (forecast.border !== null && forecast.border.probabilityMax > forecast.border.probabilityMin),
    ).toBe(true);

    // Each forecast member's row: two trajectories, too few for the threshold, marked.
    const rows = page.locator('#forecast-member-table tbody tr');
    expect(await rows.count()).toBe(27);
    for (const [k, member] of forecast.members.entries()) {
      expect(member.members).toBe(2);
      const cells = await rows.nth(k).locator('th, td').allTextContents();
      expect(cells.slice(0, 3)).toEqual([member.label, '1', `2: too few for ${threshold}`]);
      expect(cells[3]).toBe(member.border ? pct(member.border.probability) : '–');
    }

    // The map's caption names the forecast members by their count alone (room is short there).
    expect(await page.locator('#map-run').textContent()).toContain('Forecast members: 27 · ');
    await page.locator('#results-body').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: resolve(RESULTS, 'forecast-members-1280x720.png') });
    expect((await axeViolations(page, '#results-body')).violations).toEqual([]);
    expect((await axeViolations(page, '#run-header')).violations).toEqual([]);

    // The tracks coloured by forecast member: the choice is offered, and the legend names them.
    await page.locator('#colour-forecast-label').click();
    expect(await page.locator('#track-legend .legend-title').textContent()).toBe('Tracks: forecast member');
    const legend = await page.locator('#track-legend ul').first().locator('li').allTextContents();
    expect(legend.slice(0, 12)).toEqual(forecast.members.slice(0, 12).map((m) => m.label));
    expect(legend[12]).toBe('… colours repeat (27 forecast members)');
    await nextFrames(page);
    await page.screenshot({ path: resolve(RESULTS, 'forecast-members-colours-1280x720.png') });
    expect((await axeViolations(page, '#track-legend')).violations).toEqual([]);
    // At 1280×720 the results panel shows a line under the map: to look at the tables, the panel
    // alone over the whole page for one screenshot, at the end of the test.
    await page.evaluate(() => {
      const r = document.getElementById('results')!;
      Object.assign(r.style, {
        position: 'fixed',
        inset: '0',
        zIndex: '9999',
        overflow: 'auto',
        background: '#0d1117',
      });
    });
    await page.screenshot({ path: resolve(RESULTS, 'forecast-members-results-1280x720.png') });
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
