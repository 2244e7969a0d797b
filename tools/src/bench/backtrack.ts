/**
 * How well a back-track finds the launch: seeded synthetic cases, each a balloon launched from a
 * random point of the bundled border strip (2–30 km inside Belarus) at a random night hour, flown
 * forward on a wind field without error, and detected by a radar whose reports carry errors; the
 * back-track (with its default priors) then looks for the launch.
 *
 * Fields: the illustrative wind (fixtures/wind) and the real GFS 0.25° forecast of 2020-08-04 12 UTC
 * (../shared/data/gfs-0p25-poland, f000/f006/f012; its box is 13–25 E, 48–56 N, so launches are
 * drawn from the strip west of 24.9 E, near Hrodna; skipped with a line on stderr when the folder
 * is absent). Each case is back-tracked from its first detection alone and from three detections
 * 10 minutes apart.
 *
 * A case: launch time uniform over a night hour window (illustrative 2025-10-24 16:00–24:00 UTC,
 * 19:00–03:00 local; GFS 2020-08-04 18:00–20:40 UTC, 21:00–23:40 local: the forecast ends at
 * 24:00 UTC), launch point uniform over the strip, ascent 3 m/s ± 15 %, float altitude drawn from the
 * back-track's own default prior (1–5 km, half of it in 3–4 km), first detection 1–3 h after the
 * launch. A case whose balloon leaves the wind data before its last detection is drawn again
 * (counted in `redrawn`). Radar errors (1 σ): position 1 km (east and north), altitude 150 m, time
 * 60 s; the back-track is told these σ.
 *
 * Figures per field and detection count: top1HitRate (the true launch within 10 km of the best
 * estimate: the weighted mean launch point of the most probable cell), top5HitRate (within 10 km of
 * that point of one of the 5 most probable cells), medianErrorKm (best estimate to the true launch;
 * an empty posterior counts as a miss with an infinite error), medianTimeErrorMin (the best cell's
 * median launch time to the true one), the same for the forward cross-check, and how often the two
 * agree (best estimates within 10 km). Prints one JSON line.
 *
 * Usage: node tools/dist/bench/backtrack.js [--cases N] [--seed S] [--members M] [--forward-members F]
 *        [--fields illustrative,gfs] [--verbose]
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEFAULT_REGION, loadLaunchRegion, loadWindFiles } from '@balloon-sim/node';
import {
  type BacktrackResult,
  backtrack,
  DEFAULT_FLOAT_ALTITUDES,
  type Detection,
  ellipsoidDistanceM,
  type LaunchCell,
  type LaunchRegion,
  MemberSet,
  Simulation,
  type WindField,
} from '@balloon-sim/sim-core';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '50' },
    seed: { type: 'string', default: '2025' },
    members: { type: 'string' },
    'forward-members': { type: 'string' },
    fields: { type: 'string', default: 'illustrative,gfs' },
    verbose: { type: 'boolean', default: false },
  },
});
const CASES = Number(values.cases);
const SEED = Number(values.seed);
const ROOT = resolve(import.meta.dirname, '../../..');
const SHARED = process.env.BALLOON_SIM_SHARED_DATA ?? resolve(ROOT, '../shared/data');
const SIGMA = { positionM: 1000, altM: 150, timeSec: 60 };
const HIT_KM = 10;
const DT = 60;

/** A small seeded generator for the cases (mulberry32), independent of the back-track's streams. */
function rngOf(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, gauss };
}

interface Field {
  name: string;
  wind: WindField;
  /** Launch times are drawn from [t0, t1) (s), launch longitudes below lonMax. */
  t0: number;
  t1: number;
  lonMax: number;
}

interface Case {
  lon: number;
  lat: number;
  tSec: number;
  floatAltM: number;
  detections: Detection[];
}

/** The default float-altitude prior, sampled (the same bands the back-track assumes). */
function drawAltitude(u: number): number {
  const mass = DEFAULT_FLOAT_ALTITUDES.map((b) => b.weight * (b.toM - b.fromM));
  let left = u * mass.reduce((a, b) => a + b, 0);
  for (const [k, b] of DEFAULT_FLOAT_ALTITUDES.entries()) {
    if (left < mass[k]) return b.fromM + left / b.weight;
    left -= mass[k];
  }
  return DEFAULT_FLOAT_ALTITUDES[DEFAULT_FLOAT_ALTITUDES.length - 1].toM;
}

/** Draws one case: launch, flight, detections with radar errors; null when the balloon left the data. */
function drawCase(field: Field, region: LaunchRegion, rng: ReturnType<typeof rngOf>): Case | null {
  let lon = 0;
  let lat = 0;
  const sinMin = Math.sin((region.latMin * Math.PI) / 180);
  const sinMax = Math.sin((region.latMax * Math.PI) / 180);
  do {
    lon = region.lonMin + rng.next() * (Math.min(region.lonMax, field.lonMax) - region.lonMin);
    lat = (Math.asin(sinMin + rng.next() * (sinMax - sinMin)) * 180) / Math.PI;
  } while (!region.contains(lon, lat));
  const tSec = field.t0 + Math.floor((rng.next() * (field.t1 - field.t0)) / 60) * 60;
  const floatAltM = drawAltitude(rng.next());
  const ascent = 3 * (1 + 0.15 * rng.gauss());
  const firstAfterSec = 3600 + Math.floor((rng.next() * 2 * 3600) / 60) * 60;
  const times = [0, 600, 1200].map((dt) => tSec + firstAfterSec + dt);
  const members = new MemberSet(1);
  members.lon[0] = lon;
  members.lat[0] = lat;
  members.launchTSec[0] = tSec;
  members.ascentRateMps[0] = ascent;
  members.floatAltM[0] = floatAltM;
  const c = field.wind.coverage;
  if (times[2] > c.tMaxSec) return null;
  const sim = new Simulation({
    wind: field.wind,
    members,
    method: 'rk4',
    dtSec: DT,
    direction: 'forward',
    durationSec: times[2] - tSec,
    startSec: tSec,
  });
  const detections: Detection[] = [];
  while (!sim.done) {
    sim.step();
    if (sim.status[0] !== 1) return null; // left the data (or landed: it never does, floating)
    if (times.includes(sim.tSec)) {
      const dNorth = rng.gauss() * SIGMA.positionM;
      const dEast = rng.gauss() * SIGMA.positionM;
      const dLat = dNorth / 111_195;
      const dLon = dEast / (111_195 * Math.cos((sim.lat[0] * Math.PI) / 180));
      detections.push({
        lon: sim.lon[0] + dLon,
        lat: sim.lat[0] + dLat,
        altM: sim.altM[0] + rng.gauss() * SIGMA.altM,
        tSec: Math.round(sim.tSec + rng.gauss() * SIGMA.timeSec),
        sigmaPositionM: SIGMA.positionM,
        sigmaAltM: SIGMA.altM,
        sigmaTimeSec: SIGMA.timeSec,
      });
    }
  }
  // The reports must lie inside the wind data for the back-track to start from them.
  for (const d of detections)
    if (!(d.lon > c.lonMin && d.lon < c.lonMax && d.lat > c.latMin && d.lat < c.latMax && d.altM < c.altMaxM))
      return null;
  return { lon, lat, tSec, floatAltM, detections };
}

interface Score {
  errorKm: number;
  timeErrorMin: number;
  top1: boolean;
  top5: boolean;
}

/** Estimates as points with a launch time: the launch areas, or the cells' weighted mean points. */
type Estimate = { lon: number; lat: number; medianLaunch: string | null };
const ofCells = (cells: LaunchCell[]): Estimate[] =>
  cells.map((c) => ({ lon: c.meanLon, lat: c.meanLat, medianLaunch: c.medianLaunch }));

function score(cells: Estimate[], truth: Case): Score {
  if (cells.length === 0)
    return {
      errorKm: Number.POSITIVE_INFINITY,
      timeErrorMin: Number.POSITIVE_INFINITY,
      top1: false,
      top5: false,
    };
  const dist = (c: Estimate) => ellipsoidDistanceM(c.lon, c.lat, truth.lon, truth.lat) / 1000;
  const errorKm = dist(cells[0]);
  const launch = cells[0].medianLaunch === null ? Number.NaN : Date.parse(cells[0].medianLaunch) / 1000;
  return {
    errorKm,
    timeErrorMin: Math.abs(launch - truth.tSec) / 60,
    top1: errorKm <= HIT_KM,
    top5: cells.slice(0, 5).some((c) => dist(c) <= HIT_KM),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
  return Number.isFinite(m) ? Number(m.toFixed(1)) : m > 0 ? 'Infinity' : null;
};
const rate = (xs: boolean[]) => Number((xs.filter(Boolean).length / Math.max(1, xs.length)).toFixed(3));

function figures(scores: Score[]) {
  return {
    top1HitRate: rate(scores.map((s) => s.top1)),
    top5HitRate: rate(scores.map((s) => s.top5)),
    medianErrorKm: median(scores.map((s) => s.errorKm)),
    medianTimeErrorMin: median(scores.map((s) => s.timeErrorMin)),
  };
}

async function fields(): Promise<{ list: Field[]; skipped: string[] }> {
  const wanted = values.fields.split(',');
  const list: Field[] = [];
  const skipped: string[] = [];
  if (wanted.includes('illustrative'))
    list.push({
      name: 'illustrative',
      wind: await loadWindFiles([resolve(ROOT, 'fixtures/wind/illustrative-border-night.json')]),
      t0: Date.parse('2025-10-24T16:00:00Z') / 1000,
      t1: Date.parse('2025-10-25T00:00:00Z') / 1000,
      lonMax: 180,
    });
  if (wanted.includes('gfs')) {
    const files = ['000', '006', '012'].map((h) =>
      resolve(SHARED, 'gfs-0p25-poland', `20200804_f${h}.grib2`),
    );
    if (files.every((f) => existsSync(f)))
      list.push({
        name: 'gfs-2020-08-04',
        wind: await loadWindFiles(files),
        t0: Date.parse('2020-08-04T18:00:00Z') / 1000,
        t1: Date.parse('2020-08-04T20:40:00Z') / 1000,
        lonMax: 24.9,
      });
    else {
      skipped.push('gfs-2020-08-04');
      console.error(
        `bench:backtrack: skipping the GFS 2020-08-04 cases: ${resolve(SHARED, 'gfs-0p25-poland')} is absent`,
      );
    }
  }
  return { list, skipped };
}

const t0 = performance.now();
const region = await loadLaunchRegion(DEFAULT_REGION);
const { list, skipped } = await fields();
const out: Record<string, unknown> = {};
for (const field of list) {
  const rng = rngOf(SEED ^ (field.name.length * 7919));
  const byCount: Record<string, unknown> = {};
  const cases: Case[] = [];
  let redrawn = 0;
  while (cases.length < CASES) {
    const c = drawCase(field, region, rng);
    if (c) cases.push(c);
    else if (++redrawn > 50 * CASES)
      throw new Error(`${field.name}: cannot draw cases that stay in the data`);
  }
  for (const n of [1, 3]) {
    const back: Score[] = [];
    const fwd: Score[] = [];
    const cells: Score[] = [];
    let agree = 0;
    let empty = 0;
    const started = performance.now();
    cases.forEach((c, k) => {
      const result: BacktrackResult = backtrack({
        wind: field.wind,
        detections: c.detections.slice(0, n),
        region,
        seed: SEED + k,
        ...(values.members ? { members: Number(values.members) } : {}),
        ...(values['forward-members'] ? { forward: { members: Number(values['forward-members']) } } : {}),
      });
      const b = score(result.areas, c);
      const f = score(result.forward?.areas ?? [], c);
      back.push(b);
      fwd.push(f);
      cells.push(score(ofCells(result.mostLikely), c));
      if (result.agreement?.agree) agree++;
      if (result.mostLikely.length === 0) empty++;
      if (values.verbose)
        console.error(
          JSON.stringify({
            field: field.name,
            n,
            k,
            truth: [
              c.lon.toFixed(3),
              c.lat.toFixed(3),
              new Date(c.tSec * 1000).toISOString(),
              Math.round(c.floatAltM),
            ],
            errorKm: b.errorKm.toFixed(1),
            top5: b.top5,
            fwdKm: f.errorKm.toFixed(1),
            ess: result.effectiveSamples,
            kept: result.forward?.kept,
            candidates: result.candidates,
            plausible: result.plausible,
            areas: result.areas.map((x) => x.addedProbability),
            warnings: result.warnings,
          }),
        );
    });
    byCount[`detections${n}`] = {
      cases: cases.length,
      ...figures(back),
      emptyPosteriors: empty,
      cells: figures(cells),
      forward: figures(fwd),
      agreeRate: Number((agree / cases.length).toFixed(3)),
      secPerCase: Number(((performance.now() - started) / 1000 / cases.length).toFixed(2)),
    };
  }
  out[field.name] = { redrawn, ...byCount };
}
console.log(
  JSON.stringify({
    bench: 'backtrack',
    seed: SEED,
    radarSigma: SIGMA,
    hitKm: HIT_KM,
    targets: { detections3: { top5HitRate: 0.8, medianErrorKm: 15 } },
    fields: out,
    skipped,
    wallSec: Number(((performance.now() - t0) / 1000).toFixed(1)),
  }),
);
