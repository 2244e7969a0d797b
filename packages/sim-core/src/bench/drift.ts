/**
 * drift-bench v1 (../shared/bench/WORKLOAD.md) through the core's public API: a GFS-like regional
 * grid on altitude levels, 10 000 balloons floating at fixed altitudes, RK4, dt = 60 s, 12 h.
 * Each round runs our core once and then the plain-C yardstick (../shared/bench/ref.sh) once, so the
 * two are measured alternately under the same machine load; the best round of each is reported.
 * Prints one JSON line: particleStepsPerSec, the check values meanLon, meanLat, active, and
 * refParticleStepsPerSec and ratio when the yardstick ran.
 * Usage: node dist/bench/drift.js [--particles N] [--steps N] [--rounds N] [--no-ref]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { AltitudeGridWind, MemberSet, MemberStatus, Simulation } from '../index.js';

const { values } = parseArgs({
  options: {
    particles: { type: 'string', default: '10000' },
    steps: { type: 'string', default: '720' },
    rounds: { type: 'string', default: '5' },
    'no-ref': { type: 'boolean', default: false },
  },
});
const particles = Number(values.particles);
const steps = Number(values.steps);
const rounds = Number(values.rounds);
const refScript = resolve(import.meta.dirname, '../../../../../shared/bench/ref.sh');

const NX = 89;
const NY = 41;
const ALTS = [0, 250, 500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000];
const NT = 17;
const DT_GRID_SEC = 10_800;

function buildWind(): AltitudeGridWind {
  const nodes = NX * NY * ALTS.length * NT;
  const u = new Float32Array(nodes);
  const v = new Float32Array(nodes);
  let idx = 0;
  for (let n = 0; n < NT; n++) {
    const th = (n * DT_GRID_SEC) / 3600;
    for (const z of ALTS) {
      for (let j = 0; j < NY; j++) {
        const lat = 50 + 0.25 * j;
        for (let i = 0; i < NX; i++) {
          const lon = 14 + 0.25 * i;
          u[idx] = 4 + 0.0015 * z + 4 * Math.sin(0.7 * lon + 0.05 * th) * Math.cos(0.9 * lat);
          v[idx] = 2 + 0.001 * z + 5 * Math.cos(0.5 * lon - 0.8 * lat + 0.1 * th);
          idx++;
        }
      }
    }
  }
  return new AltitudeGridWind({
    lon: { start: 14, step: 0.25, count: NX },
    lat: { start: 50, step: 0.25, count: NY },
    levels: { kind: 'altitude', altitudesM: ALTS },
    timesSec: Array.from({ length: NT }, (_, n) => n * DT_GRID_SEC),
    u,
    v,
    description: 'drift-bench v1 analytic grid',
  });
}

const frac = (x: number) => x - Math.floor(x);

function runOnce(wind: AltitudeGridWind) {
  const members = new MemberSet(particles);
  for (let p = 0; p < particles; p++) {
    members.lon[p] = 23.5 + 3.0 * frac(p * 0.618034);
    members.lat[p] = 53.6 + 0.8 * frac(p * 0.414214);
    members.floatAltM[p] = 300 + 3700 * frac(p * 0.732051);
    members.launchTSec[p] = 0;
  }
  const sim = new Simulation({
    wind,
    members,
    method: 'rk4',
    dtSec: 60,
    direction: 'forward',
    durationSec: 60 * steps,
  });
  const t0 = performance.now();
  while (!sim.done) sim.step();
  const seconds = (performance.now() - t0) / 1000;
  let sumLon = 0;
  let sumLat = 0;
  let active = 0;
  for (let p = 0; p < particles; p++) {
    sumLon += sim.lon[p];
    sumLat += sim.lat[p];
    if (sim.status[p] === MemberStatus.active) active++;
  }
  return { seconds, meanLon: sumLon / particles, meanLat: sumLat / particles, active };
}

/** One run of the C yardstick: its particle-steps per second, or null when it cannot run here. */
function runReference(): number | null {
  const r = spawnSync('bash', [refScript, String(particles), String(steps)], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return (
    (JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { particleStepsPerSec?: number })
      .particleStepsPerSec ?? null
  );
}

const wind = buildWind();
runOnce(wind); // warm-up: let the JIT compile the hot loop before anything is timed
const withRef = !values['no-ref'] && existsSync(refScript);
let best = runOnce(wind);
let bestRef: number | null = withRef ? runReference() : null;
for (let r = 1; r < rounds; r++) {
  const next = runOnce(wind);
  if (next.seconds < best.seconds) best = next;
  if (withRef) {
    const ref = runReference();
    if (ref !== null && (bestRef === null || ref > bestRef)) bestRef = ref;
  }
}
const rate = Math.round((particles * steps) / best.seconds);
console.log(
  JSON.stringify({
    bench: 'drift-bench-v1',
    particles,
    steps,
    rounds,
    seconds: Number(best.seconds.toFixed(4)),
    particleStepsPerSec: rate,
    active: best.active,
    meanLon: Number(best.meanLon.toFixed(9)),
    meanLat: Number(best.meanLat.toFixed(9)),
    ...(bestRef === null
      ? {}
      : { refParticleStepsPerSec: bestRef, ratio: Number((rate / bestRef).toFixed(3)) }),
  }),
);
