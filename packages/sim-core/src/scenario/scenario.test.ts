import { describe, expect, it } from 'vitest';
import { distanceM } from '../earth.js';
import { geoJson, runTracks } from '../output/formats.js';
import { MemberStatus } from '../solver/status.js';
import { UniformWind } from '../wind/analytic.js';
import { AltitudeGridWind } from '../wind/grid.js';
import { prepareRun, runScenario } from './entry.js';
import { ScenarioError } from './issues.js';
import { scenarioSize } from './prepare.js';
import type { Scenario } from './schema.js';
import { scenarioIssues, validateScenario } from './validate.js';

const base = (): Scenario => ({
  name: 'test',
  wind: { type: 'uniform', uMps: 10, vMps: 5 },
  launch: {
    sites: [{ id: 'a', lon: 25.9, lat: 54.4 }],
    times: { start: '2025-10-24T17:00:00Z' },
  },
  flight: { ascentRateMps: 3, floatAltitudeM: 3000 },
  solver: { durationSec: 3 * 3600 },
});

/** The message validateScenario throws for a document. */
function problem(doc: unknown): string {
  try {
    validateScenario(doc);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be refused');
}

describe('scenario validation', () => {
  it('accepts the base scenario', () => {
    expect(scenarioIssues(base())).toEqual([]);
  });

  it('names the field and the value for a bad step', () => {
    const s = base();
    s.solver.dtSec = -3;
    expect(problem(s)).toBe('solver.dtSec must be >= 1, got -3');
    s.solver.dtSec = 0;
    expect(problem(s)).toBe('solver.dtSec must be >= 1, got 0');
  });

  it('refuses NaN coordinates', () => {
    const s = base();
    s.launch.sites![0].lat = Number.NaN;
    expect(problem(s)).toContain('launch.sites[0].lat must be a finite number, got NaN');
  });

  it('refuses unknown fields with their path', () => {
    const s = base() as unknown as { flight: Record<string, unknown> };
    s.flight.ascentRate = 3;
    expect(problem(s)).toBe('flight.ascentRate is not a known field');
  });

  it('reports a missing field and an unknown wind type', () => {
    const s = base() as unknown as Record<string, unknown>;
    delete s.solver;
    expect(problem(s)).toBe('solver is required');
    expect(problem({ ...base(), wind: { type: 'tornado' } })).toMatch(
      /^wind\.type must be one of: uniform, shear, rotation, oscillating, sounding, file, forecast, ensemble, got "tornado"$/,
    );
  });

  it('reports errors inside the wind variant the type names', () => {
    expect(problem({ ...base(), wind: { type: 'uniform', uMps: 'fast', vMps: 1 } })).toBe(
      'wind.uMps must be number, got "fast"',
    );
  });

  it('reports a bad date', () => {
    const s = base();
    s.launch.times.start = 'tonight';
    expect(problem(s)).toMatch(/^launch\.times\.start must be an ISO 8601 date-time/);
  });

  it('output.timeZone: an IANA zone Intl knows, else refused with its path and value', () => {
    expect(scenarioIssues({ ...base(), output: { timeZone: 'Europe/Vilnius' } })).toEqual([]);
    expect(scenarioIssues({ ...base(), output: { timeZone: 'UTC' } })).toEqual([]);
    expect(problem({ ...base(), output: { timeZone: 'Europe/Vilnus' } })).toBe(
      'output.timeZone must be an IANA time zone such as Europe/Vilnius or UTC, got "Europe/Vilnus"',
    );
    expect(problem({ ...base(), output: { timeZone: 3 } })).toBe('output.timeZone must be string, got 3');
  });

  it('lists every problem at once', () => {
    const s = base();
    s.solver.dtSec = -1;
    s.launch.sites![0].lon = 400;
    const message = problem(s);
    expect(message).toContain('scenario has 2 problems');
    expect(message).toContain('launch.sites[0].lon must be <= 360, got 400');
  });
});

describe('checks against the wind field', () => {
  const grid = new AltitudeGridWind({
    lon: { start: 22, step: 1, count: 7 },
    lat: { start: 52, step: 1, count: 5 },
    levels: { kind: 'altitude', altitudesM: [0, 4000] },
    timesSec: [Date.parse('2025-10-24T12:00:00Z') / 1000, Date.parse('2025-10-25T00:00:00Z') / 1000],
    u: new Float32Array(140).fill(5),
    v: new Float32Array(140).fill(5),
    description: 'small grid',
  });
  const refused = (s: Scenario) => {
    try {
      prepareRun(s, grid);
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioError);
      return (error as Error).message;
    }
    throw new Error('expected refusal');
  };

  it('refuses a launch outside the field', () => {
    const s = base();
    s.launch.sites![0].lon = 30;
    expect(refused(s)).toBe(
      'launch.sites[0] lies outside the wind data (lon 22..28, lat 52..56), got {"lon":30,"lat":54.4}',
    );
  });

  it('refuses a launch time outside the field', () => {
    const s = base();
    s.launch.times.start = '2025-10-25T03:00:00Z';
    expect(refused(s)).toMatch(/^launch\.times must lie inside the wind data's times/);
  });

  it('refuses a float altitude above the top of the field', () => {
    const s = base();
    s.flight.floatAltitudeM = 6000;
    expect(refused(s)).toBe('flight.floatAltitudeM is above the top of the wind data (4000 m), got 6000');
  });

  it('refuses an output interval that is not a whole number of steps', () => {
    const s = base();
    s.output = { intervalSec: 90 };
    expect(refused(s)).toBe('output.intervalSec must be a whole number of steps of 60 s, got 90');
  });

  it('refuses a profile that would need a descent rate it lacks', () => {
    const s = base();
    s.flight.floatDurationSec = 600;
    expect(refused(s)).toMatch(/^flight\.descentRateMps is required/);
  });

  it('warns when the run outlasts the wind data', () => {
    const s = base();
    s.solver.durationSec = 12 * 3600;
    expect(prepareRun(s, grid).warnings[0]).toMatch(/wind data end at 2025-10-25T00:00:00.000Z/);
  });
});

describe('ensembles', () => {
  const ensemble = (seed: number): Scenario => ({
    ...base(),
    launch: {
      sites: [
        { id: 'a', lon: 25.9, lat: 54.4 },
        { id: 'b', lon: 25.3, lat: 54.1 },
      ],
      times: { start: '2025-10-24T17:00:00Z', end: '2025-10-24T19:00:00Z', everySec: 3600 },
    },
    ensemble: {
      members: 40,
      seed,
      perturb: {
        positionM: 1000,
        launchTimeSec: 300,
        floatAltitudeM: 200,
        ascentRateFraction: 0.1,
        windSigmaMps: 1.5,
        windCorrelationSec: 1800,
      },
    },
  });

  it('scenarioSize counts what prepareRun builds, before building it', () => {
    const s = ensemble(1);
    const prepared = prepareRun(s, runScenario(base()).prepared.wind);
    const size = scenarioSize(s);
    expect(size.members).toBe(prepared.simulation.members.count);
    expect(size.steps).toBe(prepared.simulation.durationSec / prepared.simulation.dtSec);
    expect(size.frames).toBe(runScenario(s).frames.length);
  });

  it('makes sites × launch times × members', () => {
    const prepared = prepareRun(ensemble(1), { ...runScenario(base()).prepared.wind });
    expect(prepared.simulation.members.count).toBe(2 * 3 * 40);
    expect(Array.from(prepared.memberSite.slice(0, 3))).toEqual([0, 0, 0]);
    expect(prepared.memberSite[120]).toBe(1);
    expect(prepared.memberLaunch[40]).toBe(1);
  });

  it('is the same bit for bit for the same seed, and differs for another seed', () => {
    const a = runScenario(ensemble(7));
    const b = runScenario(ensemble(7));
    const c = runScenario(ensemble(8));
    expect(b.endLon).toEqual(a.endLon);
    expect(b.endLat).toEqual(a.endLat);
    expect(b.endAltM).toEqual(a.endAltM);
    expect(b.frames.map((f) => Array.from(f.positions))).toEqual(
      a.frames.map((f) => Array.from(f.positions)),
    );
    expect(c.endLon).not.toEqual(a.endLon);
  });

  it('spreads launch positions with the standard deviation asked for', () => {
    const s = ensemble(3);
    s.ensemble!.members = 2000;
    s.launch.sites = [s.launch.sites![0]];
    s.launch.times = { start: '2025-10-24T17:00:00Z' };
    const m = prepareRun(s, runScenario(base()).prepared.wind).simulation.members;
    const north = Array.from(m.lat, (lat) => (lat - 54.4) * 111_195);
    const mean = north.reduce((x, y) => x + y) / north.length;
    const sd = Math.sqrt(north.reduce((x, y) => x + (y - mean) ** 2, 0) / north.length);
    // 2000 draws: the sample sd of a normal is within ±5 % of σ with probability > 0.99.
    expect(sd).toBeGreaterThan(950);
    expect(sd).toBeLessThan(1050);
    expect(Math.abs(mean)).toBeLessThan(100);
  });

  it('a single member is not perturbed', () => {
    const s = ensemble(3);
    s.ensemble!.members = 1;
    const m = prepareRun(s, runScenario(base()).prepared.wind).simulation.members;
    expect(m.lon[0]).toBe(25.9);
    expect(m.floatAltM[0]).toBe(3000);
  });
});

describe('runScenario', () => {
  it('runs an analytic scenario end to end and summarises it', () => {
    const result = runScenario(base());
    expect(result.status[0]).toBe(MemberStatus.active);
    // Ascent 1000 s, then the uniform wind carries the balloon 11.18 m/s for 3 h in total.
    const d = distanceM(25.9, 54.4, result.endLon[0], result.endLat[0]);
    expect(d / 1000).toBeCloseTo((Math.hypot(10, 5) * 3 * 3600) / 1000, 0);
    expect(result.frames.length).toBe(3 * 6 + 1);
    expect(result.summary.sites[0]).toMatchObject({ id: 'a', members: 1, status: { active: 1 } });
    expect(result.summary.start).toBe('2025-10-24T17:00:00.000Z');
    expect(result.summary.end).toBe('2025-10-24T20:00:00.000Z');
  });
});

describe('a launch below the ground is refused', () => {
  // Terrain rising eastward: 100 m at 22° E to 700 m at 28° E (100 m per degree), the same at every latitude.
  const orographyM = new Float32Array(35);
  for (let j = 0; j < 5; j++) for (let i = 0; i < 7; i++) orographyM[j * 7 + i] = 100 + 100 * i;
  const hilly = new AltitudeGridWind({
    lon: { start: 22, step: 1, count: 7 },
    lat: { start: 52, step: 1, count: 5 },
    levels: { kind: 'altitude', altitudesM: [0, 4000] },
    timesSec: [Date.parse('2025-10-24T12:00:00Z') / 1000, Date.parse('2025-10-25T00:00:00Z') / 1000],
    u: new Float32Array(140).fill(5),
    v: new Float32Array(140).fill(5),
    orographyM,
    description: 'hilly grid',
  });
  const at = (altM: number, extra: Partial<Scenario> = {}): Scenario => ({
    ...base(),
    launch: { sites: [{ id: 'lida', lon: 25.5, lat: 53.9, altM }], times: { start: '2025-10-24T17:00:00Z' } },
    ...extra,
  });

  it('names the site, its altM and the terrain height of the wind data there', () => {
    // At 25.5° E the terrain is 100 + 3.5·100 = 450 m.
    expect(() => prepareRun(at(200), hilly)).toThrow(ScenarioError);
    try {
      prepareRun(at(200), hilly);
    } catch (error) {
      const issue = (error as ScenarioError).issues[0];
      expect(issue.path).toBe('launch.sites[0].altM');
      expect(issue.value).toBe(200);
      expect(issue.message).toContain('site "lida" below the ground there (450.0 m AMSL');
    }
    expect(prepareRun(at(450), hilly).simulation.members.launchAltM[0]).toBe(450);
  });

  it('without orography, checks against groundElevationM', () => {
    expect(() => prepareRun(at(100, { groundElevationM: 150 }), new UniformWind(5, 5))).toThrow(
      /launch\.sites\[0\]\.altM puts site "lida" below the ground there \(150\.0 m AMSL, groundElevationM 150 m\)/,
    );
    expect(() => prepareRun(at(150, { groundElevationM: 150 }), new UniformWind(5, 5))).not.toThrow();
  });

  it('perturbed positions on rising ground start on the ground, counted in a warning', () => {
    const s = at(450, { ensemble: { members: 200, seed: 3, perturb: { positionM: 20_000 } } });
    const prepared = prepareRun(s, hilly);
    const m = prepared.simulation.members;
    let lifted = 0;
    for (let i = 0; i < m.count; i++) {
      const groundM = 100 + 100 * (m.lon[i] - 22);
      expect(m.launchAltM[i]).toBeCloseTo(Math.max(450, groundM), 3);
      if (groundM > 450) lifted++;
    }
    expect(lifted).toBeGreaterThan(50); // about half the members lie east of the site
    expect(prepared.warnings).toContain(
      `${lifted} perturbed launch positions lay below the ground at their site's altM and start on the ground instead`,
    );
  });
});

describe('every physical quantity has a plausible range', () => {
  // Each value is beyond its bound: the schema names its path, where the old one let it through to
  // the solver (1e307 m/s of descent gave NaN altitudes and null coordinates in GeoJSON).
  const cases: [string, (s: Scenario) => void, string][] = [
    ['flight.descentRateMps', (s) => (s.flight.descentRateMps = 1e307), 'must be <= 100, got 1e+307'],
    ['flight.ascentRateMps', (s) => (s.flight.ascentRateMps = 1e6), 'must be <= 50'],
    ['flight.floatAltitudeM', (s) => (s.flight.floatAltitudeM = 1e9), 'must be <= 50000'],
    ['flight.burstAltitudeM', (s) => (s.flight.burstAltitudeM = -1e5), 'must be >= -500'],
    ['flight.floatDurationSec', (s) => (s.flight.floatDurationSec = 1e12), 'must be <= 2592000'],
    ['flight.releaseAfterSec', (s) => (s.flight.releaseAfterSec = 1e12), 'must be <= 2592000'],
    ['launch.sites[0].altM', (s) => (s.launch.sites![0].altM = 1e20), 'must be <= 50000'],
    ['launch.times.everySec', (s) => (s.launch.times.everySec = 1e-9), 'must be >= 1'],
    [
      'launch.times.start',
      (s) => (s.launch.times.start = '1066-10-14T09:00:00Z'),
      'must be at or after 1900-01-01T00:00:00Z',
    ],
    ['solver.dtSec', (s) => (s.solver.dtSec = 1e-300), 'must be >= 1'],
    ['solver.dtSec', (s) => (s.solver.dtSec = 86_400), 'must be <= 3600'],
    ['solver.durationSec', (s) => (s.solver.durationSec = 1e300), 'must be <= 2592000'],
    ['output.intervalSec', (s) => (s.output = { intervalSec: 1e300 }), 'must be <= 86400'],
    ['ensemble.members', (s) => (s.ensemble = { members: 1e9 }), 'must be <= 1000000'],
    [
      'ensemble.perturb.positionM',
      (s) => (s.ensemble = { perturb: { positionM: 1e12 } }),
      'must be <= 100000',
    ],
    [
      'ensemble.perturb.launchTimeSec',
      (s) => (s.ensemble = { perturb: { launchTimeSec: 1e12 } }),
      'must be <= 86400',
    ],
    [
      'ensemble.perturb.floatAltitudeM',
      (s) => (s.ensemble = { perturb: { floatAltitudeM: 1e12 } }),
      'must be <= 10000',
    ],
    [
      'ensemble.perturb.windSigmaMps',
      (s) => (s.ensemble = { perturb: { windSigmaMps: 1e12 } }),
      'must be <= 50',
    ],
    [
      'ensemble.perturb.windCorrelationSec',
      (s) => (s.ensemble = { perturb: { windCorrelationSec: 1e-12 } }),
      'must be >= 1',
    ],
    ['groundElevationM', (s) => (s.groundElevationM = 1e6), 'must be <= 9000'],
    ['wind.uMps', (s) => (s.wind = { type: 'uniform', uMps: 1e6, vMps: 0 }), 'must be <= 200'],
    [
      'wind.duDzPerSec',
      (s) => (s.wind = { type: 'shear', u0Mps: 0, v0Mps: 0, duDzPerSec: 5, dvDzPerSec: 0 }),
      'must be <= 0.05',
    ],
    [
      'wind.periodSec',
      (s) => (s.wind = { type: 'rotation', centerLon: 25, centerLat: 54, periodSec: 0 }),
      'must not lie strictly between -3600 and 3600, got 0',
    ],
    [
      'wind.amplitudeMps',
      (s) => (s.wind = { type: 'oscillating', u0Mps: 0, v0Mps: 0, amplitudeMps: 1e9, periodSec: 3600 }),
      'must be <= 200',
    ],
    [
      'wind.levels[0].speedMps',
      (s) => (s.wind = { type: 'sounding', levels: [{ altM: 0, directionDeg: 90, speedMps: 1e9 }] }),
      'must be <= 200',
    ],
  ];
  it.each(cases)('%s: %s', (path, set, message) => {
    const s = base();
    set(s);
    const issues = scenarioIssues(s);
    expect(issues.map((i) => `${i.path} ${i.message}`).join('\n')).toContain(
      `${path} ${message.replace(/, got .*$/, '')}`,
    );
    if (message.includes(', got ')) expect(problem(s)).toContain(`${path} ${message}`);
  });

  it('values at the bounds are accepted', () => {
    const s = base();
    s.flight = {
      ascentRateMps: 50,
      floatAltitudeM: 50_000,
      floatDurationSec: 2_592_000,
      descentRateMps: 100,
    };
    s.solver = { dtSec: 3600, durationSec: 2_592_000 };
    s.groundElevationM = -500;
    expect(scenarioIssues(s)).toEqual([]);
  });
});

describe('members whose state turns non-finite are counted in the summary', () => {
  it('stopped with their reason, counted in a warning, and written nowhere as NaN or null', () => {
    // A fake field with a hole: 10 m/s eastward west of 26° E, no value east of it.
    const hole = {
      coverage: new UniformWind(0, 0).coverage,
      description: 'NaN east of 26 E',
      sample(lon: number, _lat: number, _alt: number, _t: number, out: Float64Array) {
        out[0] = lon > 26 ? Number.NaN : 10;
        out[1] = lon > 26 ? Number.NaN : 0;
      },
    };
    const s = base();
    s.launch.sites = [{ id: 'a', lon: 25.5, lat: 54 }];
    s.flight = { floatAltitudeM: 1000 };
    s.ensemble = { members: 3, perturb: { positionM: 500 } };
    const result = runScenario(s, { wind: hole });
    expect(result.summary.status['non-finite']).toBe(3);
    expect(result.summary.warnings).toContain(
      '3 members stopped because their position or altitude became non-finite (NaN or infinite): the wind data or the flight profile gave no finite value (events "non-finite" say where and when)',
    );
    for (let i = 0; i < 3; i++) expect(result.endLon[i]).toBeLessThanOrEqual(26);
    // The tracks and events; the provenance's runTime is null here by design (no caller gave one).
    const text = JSON.stringify((geoJson(runTracks(result)) as { features: unknown[] }).features);
    expect(text).not.toContain('null');
    expect(text).toContain('"non-finite"');
  });
});
