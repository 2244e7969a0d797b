import { resolve } from 'node:path';
import {
  backtrackProvenance,
  DEFAULT_REGION,
  loadLaunchRegion,
  loadScenarioWind,
  toolInfo,
} from '@balloon-sim/node';
import { backtrack, backtrackSummary } from '@balloon-sim/sim-core';
import { afterEach, describe, expect, it } from 'vitest';
import { openApp } from './testing/apps.js';
import { eventually, startServer } from './testing/client.js';

const SCENARIOS = resolve(import.meta.dirname, '../../../fixtures/scenarios');
const WIND = '../wind/illustrative-border-night.json';

it('POST /api/backtrack traces a detection near Vilnius back to launch cells in Belarus', async () => {
  const app = openApp();
  const response = await app.inject({
    method: 'POST',
    url: '/api/backtrack',
    payload: {
      wind: { type: 'file', paths: ['wind:illustrative-border-night'] },
      detections: [{ lon: 25.4, lat: 54.75, altM: 3500, time: '2025-10-24T20:00:00Z', sigmaPositionM: 1000 }],
      members: 200,
      maxFloatHours: 4,
    },
  });
  expect(response.statusCode).toBe(200);
  const result = response.json();
  expect(result.members).toBe(200);
  expect(result.plausible).toBeGreaterThan(0);
  expect(result.mostLikely.length).toBeGreaterThan(0);
  // South-easterly wind: the launch cells lie south-east of the detection, in Belarus.
  expect(result.mostLikely[0].lon).toBeGreaterThan(25.4);
  expect(result.mostLikely[0].lat).toBeLessThan(54.75);
});

it('POST /api/backtrack refuses bad detections and paths outside the data folders with a 400', async () => {
  const app = openApp();
  const bad = await app.inject({
    method: 'POST',
    url: '/api/backtrack',
    payload: {
      wind: { type: 'uniform', uMps: 5, vMps: 5 },
      detections: [{ lon: 25, lat: 95, altM: 3000, time: 'x' }],
    },
  });
  expect(bad.statusCode).toBe(400);
  const outside = await app.inject({
    method: 'POST',
    url: '/api/backtrack',
    payload: {
      wind: { type: 'file', paths: ['../../../../etc/passwd'] },
      detections: [{ lon: 25, lat: 54, altM: 3000, time: '2025-10-24T20:00:00Z' }],
    },
  });
  expect(outside.statusCode).toBe(400);
  expect(outside.json().error).toMatch(/^wind\.paths\[0\] must name a bundled fil/);
});

it('POST /api/backtrack takes the priors: an inline region, a launch window and float altitudes', async () => {
  const app = openApp();
  // A south-westerly wind (to the north-east): launches lie south-west of the detection.
  const box = [
    [24.8, 54.4],
    [25.3, 54.4],
    [25.3, 54.7],
    [24.8, 54.7],
    [24.8, 54.4],
  ];
  const response = await app.inject({
    method: 'POST',
    url: '/api/backtrack',
    payload: {
      wind: { type: 'uniform', uMps: 5, vMps: 5 },
      detections: [{ lon: 25.4, lat: 54.75, altM: 3000, time: '2025-10-24T20:00:00Z', sigmaPositionM: 1000 }],
      region: { type: 'Polygon', coordinates: [box] },
      launchWindow: { start: '2025-10-24T17:00:00Z', end: '2025-10-24T20:00:00Z' },
      floatAltitudes: [{ fromM: 2500, toM: 3500 }],
      members: 100,
      forwardMembers: 300,
    },
  });
  expect(response.statusCode).toBe(200);
  const result = response.json();
  expect(result.version).toBe(2);
  expect(result.priors.region.id).toBe('inline');
  expect(result.priors.launchWindow.start).toBe('2025-10-24T17:00:00Z');
  expect(result.priors.floatAltitudes).toEqual([{ fromM: 2500, toM: 3500, weight: 1 }]);
  expect(result.mostLikely.length).toBeGreaterThan(0);
  for (const c of result.mostLikely) {
    expect(c.meanLon).toBeGreaterThanOrEqual(24.8);
    expect(c.meanLon).toBeLessThanOrEqual(25.3);
    expect(c.meanLat).toBeGreaterThanOrEqual(54.4);
    expect(c.meanLat).toBeLessThanOrEqual(54.7);
    expect(Date.parse(c.medianLaunch)).toBeGreaterThanOrEqual(Date.parse('2025-10-24T17:00:00Z'));
  }
  expect(result.forward.run).toBeGreaterThan(0);
  expect(result).toHaveProperty('agreement');
});

it('POST /api/backtrack returns a bounded sample of forward tracks only when asked', async () => {
  const app = openApp();
  const payload = {
    wind: { type: 'uniform', uMps: 10, vMps: 0 },
    detections: [{ lon: 25.4, lat: 54.75, altM: 3000, time: '2025-10-24T20:00:00Z', sigmaPositionM: 500 }],
    region: 'anywhere',
    launchWindow: { start: '2025-10-24T17:00:00Z', end: '2025-10-24T20:00:00Z' },
    floatAltitudes: [{ fromM: 2500, toM: 3500 }],
    members: 100,
    forwardMembers: 300,
  };
  const plain = (await app.inject({ method: 'POST', url: '/api/backtrack', payload })).json();
  expect(plain.forward).not.toHaveProperty('tracks');
  const response = await app.inject({
    method: 'POST',
    url: '/api/backtrack',
    payload: { ...payload, forwardTracks: { kept: 4, rejected: 3 } },
  });
  expect(response.statusCode).toBe(200);
  const result = response.json();
  const { tracks, ...rest } = result.forward;
  // The figures are those of the run without tracks.
  expect(rest).toEqual(plain.forward);
  expect(tracks.keptTotal).toBe(result.forward.kept);
  expect(tracks.rejectedTotal).toBe(result.forward.run - result.forward.kept);
  expect(tracks.tracks.filter((t: { kept: boolean }) => t.kept)).toHaveLength(Math.min(4, tracks.keptTotal));
  expect(tracks.tracks.filter((t: { kept: boolean }) => !t.kept)).toHaveLength(
    Math.min(3, tracks.rejectedTotal),
  );
  expect(tracks.keptTotal).toBeGreaterThan(0);
  for (const t of tracks.tracks) {
    expect(t.lon.length).toBeGreaterThan(1);
    // A 10 m/s west wind: every track runs due east from its launch.
    expect(t.lon[t.lon.length - 1]).toBeGreaterThan(t.lon[0]);
  }
  // More than the bound, or an unknown key, is refused, naming the field.
  for (const forwardTracks of [{ kept: 101 }, { rejected: -1 }, { every: 1 }]) {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/backtrack',
      payload: { ...payload, forwardTracks },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/forwardTracks/);
  }
});

it('POST /api/backtrack refuses a launch window over 24 h, an unknown region and a bad time zone with a 400', async () => {
  const app = openApp();
  const base = {
    wind: { type: 'uniform', uMps: 5, vMps: 5 },
    detections: [{ lon: 25.4, lat: 54.75, altM: 3000, time: '2025-10-24T20:00:00Z' }],
    members: 10,
    forwardMembers: 0,
  };
  const long = await app.inject({
    method: 'POST',
    url: '/api/backtrack',
    payload: { ...base, launchWindow: { start: '2025-10-22T20:00:00Z', end: '2025-10-24T20:00:00Z' } },
  });
  expect(long.statusCode).toBe(400);
  expect(long.json().error).toMatch(/launchWindow must span at most 24 h/);
  const region = await app.inject({
    method: 'POST',
    url: '/api/backtrack',
    payload: { ...base, region: 'nowhere' },
  });
  expect(region.statusCode).toBe(400);
  const zone = await app.inject({
    method: 'POST',
    url: '/api/backtrack',
    payload: { ...base, timeZone: 'Mars/Olympus' },
  });
  expect(zone.statusCode).toBe(400);
  expect(zone.json().error).toMatch(/timeZone must be an IANA time zone.*Mars\/Olympus/);
});

describe('back-tracks run on the worker pool', () => {
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  afterEach(async () => {
    await server?.app.close();
    server = null;
  });

  /**
   * The largest back-track the route accepts: 2000 members, 12 h of float (its launch window, from
   * 16:00 local, is 9 h). It takes ~10 s on a loaded 2-core machine, so these tests get more time
   * than vitest's default (a guard against hanging, not a timing assertion).
   */
  const maximal = {
    wind: { type: 'file', paths: ['wind:illustrative-border-night'] },
    detections: [{ lon: 25.4, lat: 54.75, altM: 3500, time: '2025-10-24T22:00:00Z', sigmaPositionM: 1000 }],
    members: 2000,
    maxFloatHours: 12,
  };
  const post = (body: unknown) =>
    fetch(`${server!.http}/api/backtrack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const health = async () =>
    (await (await fetch(`${server!.http}/api/health`)).json()) as {
      backtracks?: { active: number; queued: number };
    };

  it('answers the same JSON as the library computing it in this thread, for one and for several detections', async () => {
    const app = openApp();
    const wind = await loadScenarioWind({ type: 'file', paths: [WIND] }, SCENARIOS);
    // The route's default region: the bundled border strip.
    const region = await loadLaunchRegion(DEFAULT_REGION);
    const inThread = (body: {
      detections: { lon: number; lat: number; altM: number; time: string }[];
      members: number;
      maxFloatHours: number;
      seed?: number;
    }) =>
      JSON.parse(
        JSON.stringify(
          backtrackSummary(
            backtrack({
              wind,
              detections: body.detections.map((d) => ({ ...d, tSec: Date.parse(d.time) / 1000 })),
              members: body.members,
              maxFloatSec: body.maxFloatHours * 3600,
              seed: body.seed,
              region,
            }),
          ),
        ),
      );
    const track = {
      ...maximal,
      detections: [
        { lon: 25.4, lat: 54.75, altM: 3500, time: '2025-10-24T21:00:00Z' },
        { lon: 25.2, lat: 54.85, altM: 3500, time: '2025-10-24T22:00:00Z' },
      ],
      members: 300,
      maxFloatHours: 6,
      seed: 11,
    };
    for (const body of [{ ...maximal, members: 300 }, track]) {
      const response = await app.inject({ method: 'POST', url: '/api/backtrack', payload: body });
      expect(response.statusCode).toBe(200);
      const { provenance, ...answer } = response.json();
      const expected = inThread(body);
      expect(expected.plausible).toBeGreaterThan(0);
      expect(answer).toEqual(expected);
      // What produced it: the request with its defaults, the wind by its files' hashes, the tool.
      const options = {
        wind,
        detections: body.detections.map((d) => ({ ...d, tSec: Date.parse(d.time) / 1000 })),
        members: body.members,
        maxFloatSec: body.maxFloatHours * 3600,
        seed: 'seed' in body ? body.seed : undefined,
        region: await loadLaunchRegion(DEFAULT_REGION),
      };
      expect(provenance).toEqual(
        JSON.parse(
          JSON.stringify(
            backtrackProvenance(options, expected, { runTime: provenance.runTime, tool: toolInfo() }),
          ),
        ),
      );
      expect(Number.isFinite(Date.parse(provenance.runTime))).toBe(true);
    }
  }, 180_000);

  it('the event loop answers health while a maximal back-track computes', async () => {
    server = await startServer();
    const order: string[] = [];
    const running = post(maximal).then((r) => {
      order.push('backtrack');
      return r;
    });
    // Computing (on a worker): the server says so while it goes.
    await eventually(async () => (await health()).backtracks?.active === 1, 10_000);
    await health().then(() => order.push('health'));
    const response = await running;
    expect(response.status).toBe(200);
    expect(order).toEqual(['health', 'backtrack']);
    expect((await health()).backtracks).toEqual({ active: 0, queued: 0 });
  }, 180_000);

  it('beyond maxActiveBacktracks and maxQueuedBacktracks a back-track is refused with 503 and Retry-After', async () => {
    server = await startServer({ limits: { maxActiveBacktracks: 1, maxQueuedBacktracks: 1 } });
    const first = post(maximal);
    await eventually(async () => (await health()).backtracks?.active === 1, 10_000);
    const second = post(maximal);
    await eventually(async () => (await health()).backtracks?.queued === 1, 10_000);
    const third = await post(maximal);
    expect(third.status).toBe(503);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await third.json()).error).toMatch(/maxActiveBacktracks = 1.*maxQueuedBacktracks = 1/);
    // The ones admitted finish, with the same answer.
    const [a, b] = await Promise.all([first, second]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    // The same answer, but for the time each was asked (in its provenance).
    const untimed = async (r: Response) => {
      const answer = await r.json();
      return { ...answer, provenance: { ...answer.provenance, runTime: null } };
    };
    expect(await untimed(a)).toEqual(await untimed(b));
  }, 180_000);

  it('an input error found on the worker still names its field', async () => {
    const response = await openApp().inject({
      method: 'POST',
      url: '/api/backtrack',
      payload: { ...maximal, detections: [{ ...maximal.detections[0], time: '2031-01-01T00:00:00Z' }] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().issues[0].path).toBe('detections[0].tSec');
  });
});

it('POST /api/backtrack takes a wind of several forecast members, as a scenario does, and answers per member', async () => {
  const app = openApp();
  // Member "east" blows to the east, member "north" to the north (10 m/s): launched 2800 s before
  // the detection, the balloon came from 28 km west under one and 28 km south under the other.
  const payload = {
    wind: {
      type: 'ensemble',
      members: [
        { type: 'uniform', uMps: 10, vMps: 0 },
        { type: 'uniform', uMps: 0, vMps: 10 },
      ],
      weights: [1, 3],
    },
    detections: [{ lon: 26, lat: 54.02, altM: 3000, time: '2025-10-24T20:00:00Z', sigmaPositionM: 0 }],
    region: 'anywhere',
    launchWindow: { start: '2025-10-24T19:11:20Z', end: '2025-10-24T19:15:20Z' },
    floatAltitudeM: 3000,
    members: 200,
    forwardMembers: 0,
  };
  const response = await app.inject({ method: 'POST', url: '/api/backtrack', payload });
  expect(response.statusCode, response.body).toBe(200);
  const result = response.json();
  const f = result.forecast;
  expect(f.members.map((m: { share: number; members: number }) => [m.share, m.members])).toEqual([
    [0.25, 50],
    [0.75, 150],
  ]);
  // The heavier member's launch (south: bearing 180°) first, with its 75 % of the mass; the
  // members' wind error (σ 1 m/s, the back-track's default) spreads each launch by a few degrees.
  expect(Math.abs(result.areas[0].bearingDeg - 180)).toBeLessThanOrEqual(5);
  expect(result.areas[0].probability).toBeCloseTo(0.75, 2);
  expect(Math.abs(f.members[0].best.bearingDeg - 270)).toBeLessThanOrEqual(5);
  expect(f.agree).toBe(false);
  expect(f.sentence).toMatch(/disagree on where it was launched/);
  // The worker thread answers what the library answers in this thread.
  const { provenance: _, ...answer } = result;
  const d = payload.detections[0];
  const inThread = backtrackSummary(
    backtrack({
      wind: await loadScenarioWind(payload.wind as Parameters<typeof loadScenarioWind>[0], SCENARIOS),
      detections: [{ ...d, tSec: Date.parse(d.time) / 1000 }],
      region: null,
      launchWindow: {
        startSec: Date.parse('2025-10-24T19:11:20Z') / 1000,
        endSec: Date.parse('2025-10-24T19:15:20Z') / 1000,
      },
      floatAltitudeM: 3000,
      members: 200,
      forward: false,
    }),
  );
  expect(answer).toEqual(JSON.parse(JSON.stringify(inThread)));
});
