/// <reference lib="dom" />
/// <reference types="@webgpu/types" />
/**
 * The browser test's page (gpu.browser.test.ts): it runs small scenarios on the CPU (runPrepared,
 * the reference) and on the page's GPU (runPreparedOnGpu) and compares them member by member. It is
 * also the smallest example of the GPU path in a page: take navigator.gpu's device, hand it and a
 * prepared run to runPreparedOnGpu, read the same RunResult the CPU gives.
 */

import { decodeWind } from '@balloon-sim/formats';
import {
  AltitudeGridWind,
  type AnalysisTargets,
  distanceM,
  gridWind,
  isaAltitudeM,
  LinearShearWind,
  MemberSet,
  MemberStatus,
  type PreparedRun,
  PressureGridWind,
  prepareRun,
  type RunResult,
  runPrepared,
  Simulation,
  STATUS_NAMES,
  type WindField,
} from '@balloon-sim/sim-core';
import { GpuSimulation, runPreparedOnGpu } from '../index.js';

export interface CaseReport {
  name: string;
  members: number;
  /** Members whose end status differs (CPU name → GPU name). */
  statusDiffs: string[];
  /** Largest distance between the CPU's and the GPU's end positions (m), and of altitudes (m). */
  maxEndDistanceM: number;
  maxEndAltDiffM: number;
  /** Events in the CPU's and the GPU's lists, and those not matched by (member, kind). */
  cpuEvents: number;
  gpuEvents: number;
  unmatchedEvents: string[];
  /** Largest difference of matched events' times (s) and positions (m). */
  maxEventDtSec: number;
  maxEventDistanceM: number;
  /** Analysis events (zone entries/exits, border crossings) not matched by (member, kind, zone). */
  cpuAnalysisEvents: number;
  gpuAnalysisEvents: number;
  unmatchedAnalysisEvents: string[];
  /** Zone probabilities of the summaries, CPU and GPU. */
  cpuZoneProbabilities: number[];
  gpuZoneProbabilities: number[];
  cpuFrames: number;
  gpuFrames: number;
  /** Largest distance between matching frame positions (m); members flying in one and not the other. */
  maxFrameDistanceM: number;
  frameFlyingDiffs: number;
  /** Kinds of events seen (so the test knows each case exercised what it meant to). */
  kinds: string[];
}

const HOUR = 3600;
const T0 = Date.UTC(2025, 9, 24, 18) / 1000;

/** A box zone from 0 to `upperM`, and a border along a meridian, for the analysis. */
function targets(lonMin: number, lonMax: number, latMin: number, latMax: number, borderLon: number) {
  const t: AnalysisTargets = {
    zones: [
      {
        id: 'box',
        name: 'box',
        kind: 'other',
        lowerM: 0,
        upperM: 4000,
        contains: (lon, lat) => lon >= lonMin && lon <= lonMax && lat >= latMin && lat <= latMax,
      },
    ],
    origin: { id: 'O', name: 'Origin', contains: (lon) => lon < borderLon },
    home: { id: 'H', name: 'Home', contains: (lon) => lon >= borderLon },
  };
  return t;
}

function scenario(flight: object, extra: object = {}) {
  return {
    name: 'gpu comparison',
    wind: { type: 'uniform', uMps: 0, vMps: 0 },
    launch: {
      sites: [
        { id: 'a', lon: 24.5, lat: 54.1 },
        { id: 'b', lon: 25.1, lat: 53.8 },
      ],
      times: { start: '2025-10-24T18:00:00Z', end: '2025-10-24T20:00:00Z', everySec: 3600 },
    },
    flight,
    solver: { method: 'rk4', dtSec: 60, durationSec: 10 * HOUR },
    ensemble: {
      members: 24,
      seed: 11,
      perturb: {
        positionM: 3000,
        launchTimeSec: 900,
        floatAltitudeM: 300,
        ascentRateFraction: 0.2,
        descentRateFraction: 0.2,
      },
    },
    output: { intervalSec: 600 },
    groundElevationM: 120,
    ...extra,
  };
}

/** A small altitude grid over 20–30°E, 50–58°N, 5 levels, 3 times 6 h apart, with orography. */
function altitudeGrid(): WindField {
  const nx = 21;
  const ny = 17;
  const alts = [0, 1000, 3000, 6000, 12000];
  const times = [T0 - HOUR, T0 + 5 * HOUR, T0 + 11 * HOUR];
  const n = nx * ny * alts.length * times.length;
  const u = new Float32Array(n);
  const v = new Float32Array(n);
  let e = 0;
  for (let t = 0; t < times.length; t++)
    for (let k = 0; k < alts.length; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++, e++) {
          u[e] = 4 + 0.002 * alts[k] + 3 * Math.sin(0.4 * i + 0.3 * t) + 0.5 * j;
          v[e] = 2 * Math.cos(0.3 * j + 0.2 * k) - 1 + 0.4 * t;
        }
  const oro = new Float32Array(nx * ny);
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) oro[j * nx + i] = 150 + 120 * Math.sin(0.7 * i) * Math.cos(0.5 * j);
  return gridWind({
    lon: { start: 20, step: 0.5, count: nx },
    lat: { start: 50, step: 0.5, count: ny },
    levels: { kind: 'altitude', altitudesM: alts },
    timesSec: times,
    u,
    v,
    orographyM: oro,
    description: 'small altitude grid (test)',
  });
}

/** A small pressure grid: 5 levels whose heights vary by column and time, 3 times 6 h apart. */
function pressureGrid(): WindField {
  const nx = 21;
  const ny = 17;
  const p = [1000, 850, 700, 500, 300];
  const times = [T0 - HOUR, T0 + 5 * HOUR, T0 + 11 * HOUR];
  const n = nx * ny * p.length * times.length;
  const u = new Float32Array(n);
  const v = new Float32Array(n);
  const gh = new Float32Array(n);
  let e = 0;
  for (let t = 0; t < times.length; t++)
    for (let k = 0; k < p.length; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++, e++) {
          gh[e] = isaAltitudeM(p[k] * 100) + 40 * Math.sin(0.3 * i + t) + 25 * Math.cos(0.4 * j) * (k + 1);
          u[e] = 3 + 1.5 * k + 2 * Math.sin(0.5 * i + 0.2 * t);
          v[e] = 1.5 * Math.cos(0.35 * j + 0.3 * k + 0.1 * t);
        }
  return gridWind({
    lon: { start: 20, step: 0.5, count: nx },
    lat: { start: 50, step: 0.5, count: ny },
    levels: { kind: 'pressure', pressuresHpa: p, geopotentialHeightM: gh },
    timesSec: times,
    u,
    v,
    description: 'small pressure grid (test)',
  });
}

interface Case {
  name: string;
  prepared: PreparedRun;
  targets: AnalysisTargets;
}

export function cases(): Case[] {
  const box = targets(26, 27.5, 53, 55.5, 25.8);
  return [
    {
      // Analytic shear: ascent, float, timed descent, landing; a wind error per member.
      name: 'shear: ascent, float, descent, landing, wind error',
      prepared: prepareRun(
        scenario(
          { ascentRateMps: 3, floatAltitudeM: 3500, floatDurationSec: 2 * HOUR, descentRateMps: 4 },
          {
            ensemble: {
              members: 24,
              seed: 5,
              perturb: { positionM: 2000, launchTimeSec: 900, windSigmaMps: 1, windCorrelationSec: HOUR },
            },
          },
        ),
        new LinearShearWind(6, 1, 0.001, -0.0004),
      ),
      targets: box,
    },
    {
      // Burst on the way up (members whose burst is below their float), release after a time.
      name: 'shear: burst, release',
      prepared: prepareRun(
        scenario({
          ascentRateMps: 4,
          floatAltitudeM: 6000,
          burstAltitudeM: 5800,
          descentRateMps: 6,
          releaseAfterSec: 1500,
        }),
        new LinearShearWind(8, -1, 0.0005, 0.0002),
      ),
      targets: box,
    },
    {
      // An altitude grid with orography: landings on the ground's height.
      name: 'altitude grid: orography, landing on the ground',
      prepared: prepareRun(
        scenario(
          { ascentRateMps: 2.5, floatAltitudeM: 4000, floatDurationSec: 3 * HOUR, descentRateMps: 3 },
          { solver: { method: 'rk4', dtSec: 60, durationSec: 14 * HOUR } },
        ),
        altitudeGrid(),
      ),
      targets: box,
    },
    {
      // Afloat to the end on the altitude grid: members leave its box to the east, the rest meet the
      // end of its time range.
      name: 'altitude grid: float to the end, leaving the box, wind end',
      prepared: prepareRun(
        scenario(
          { ascentRateMps: 3, floatAltitudeM: 600 },
          { solver: { method: 'rk4', dtSec: 60, durationSec: 14 * HOUR } },
        ),
        altitudeGrid(),
      ),
      targets: box,
    },
    {
      // A pressure grid: members afloat on the 700 hPa surface, following its height.
      name: 'pressure grid: float on a pressure surface, descent',
      prepared: prepareRun(
        scenario(
          { ascentRateMps: 3, floatPressureHpa: 700, floatDurationSec: 4 * HOUR, descentRateMps: 5 },
          {
            ensemble: {
              members: 24,
              seed: 3,
              perturb: { positionM: 3000, launchTimeSec: 900, floatPressureHpa: 40 },
            },
          },
        ),
        pressureGrid(),
      ),
      targets: box,
    },
    {
      // A pressure grid, fixed float altitude, Heun: another method through the same kernel.
      name: 'pressure grid: heun, fixed float altitude',
      prepared: prepareRun(
        scenario(
          { ascentRateMps: 3, floatAltitudeM: 2500, floatDurationSec: 5 * HOUR, descentRateMps: 5 },
          { solver: { method: 'heun', dtSec: 120, durationSec: 10 * HOUR } },
        ),
        pressureGrid(),
      ),
      targets: box,
    },
  ];
}

const key = (e: { member: number; kind: string; zone?: string | null }) =>
  `${e.member}:${e.kind}:${e.zone ?? ''}`;

export function compare(name: string, cpu: RunResult, gpu: RunResult): CaseReport {
  const n = cpu.status.length;
  const statusDiffs: string[] = [];
  let maxEnd = 0;
  let maxAlt = 0;
  for (let i = 0; i < n; i++) {
    if (cpu.status[i] !== gpu.status[i])
      statusDiffs.push(`${i}: ${STATUS_NAMES[cpu.status[i]]} → ${STATUS_NAMES[gpu.status[i]]}`);
    if (Number.isFinite(cpu.endLon[i])) {
      maxEnd = Math.max(maxEnd, distanceM(cpu.endLon[i], cpu.endLat[i], gpu.endLon[i], gpu.endLat[i]) || 0);
      maxAlt = Math.max(maxAlt, Math.abs(cpu.endAltM[i] - gpu.endAltM[i]));
      if (!Number.isFinite(gpu.endLon[i])) maxEnd = Number.POSITIVE_INFINITY;
    }
  }
  const gpuByKey = new Map<string, (typeof gpu.events)[number]>();
  for (const e of gpu.events) gpuByKey.set(key(e), e);
  const unmatched: string[] = [];
  let maxDt = 0;
  let maxEv = 0;
  for (const e of cpu.events) {
    const g = gpuByKey.get(key(e));
    if (!g) {
      unmatched.push(`cpu ${key(e)} t=${e.tSec}`);
      continue;
    }
    gpuByKey.delete(key(e));
    maxDt = Math.max(maxDt, Math.abs(g.tSec - e.tSec));
    maxEv = Math.max(maxEv, distanceM(e.lon, e.lat, g.lon, g.lat));
  }
  for (const g of gpuByKey.values()) unmatched.push(`gpu ${key(g)} t=${g.tSec}`);
  const ga = new Set(gpu.analysisEvents.map(key));
  const ca = new Set(cpu.analysisEvents.map(key));
  const unmatchedAnalysis = [
    ...[...ca].filter((k) => !ga.has(k)).map((k) => `cpu ${k}`),
    ...[...ga].filter((k) => !ca.has(k)).map((k) => `gpu ${k}`),
  ];
  let maxFrame = 0;
  let flyingDiffs = 0;
  const frames = Math.min(cpu.frames.length, gpu.frames.length);
  for (let f = 0; f < frames; f++) {
    const a = cpu.frames[f].positions;
    const b = gpu.frames[f].positions;
    for (let i = 0; i < n; i++) {
      const fa = Number.isFinite(a[3 * i]);
      if (fa !== Number.isFinite(b[3 * i])) flyingDiffs++;
      else if (fa) maxFrame = Math.max(maxFrame, distanceM(a[3 * i], a[3 * i + 1], b[3 * i], b[3 * i + 1]));
    }
  }
  return {
    name,
    members: n,
    statusDiffs,
    maxEndDistanceM: maxEnd,
    maxEndAltDiffM: maxAlt,
    cpuEvents: cpu.events.length,
    gpuEvents: gpu.events.length,
    unmatchedEvents: unmatched,
    maxEventDtSec: maxDt,
    maxEventDistanceM: maxEv,
    cpuAnalysisEvents: cpu.analysisEvents.length,
    gpuAnalysisEvents: gpu.analysisEvents.length,
    unmatchedAnalysisEvents: unmatchedAnalysis,
    cpuZoneProbabilities: zoneProbabilities(cpu),
    gpuZoneProbabilities: zoneProbabilities(gpu),
    cpuFrames: cpu.frames.length,
    gpuFrames: gpu.frames.length,
    maxFrameDistanceM: maxFrame,
    frameFlyingDiffs: flyingDiffs,
    kinds: [...new Set(cpu.events.map((e) => e.kind))].sort(),
  };
}

function zoneProbabilities(r: RunResult): number[] {
  return r.summary.zones.map((z) => z.probability);
}

export interface DriftReport {
  grid: 'altitude' | 'pressure';
  members: number;
  steps: number;
  /** Members active at the end, CPU and GPU. */
  cpuActive: number;
  gpuActive: number;
  /** Largest distance between the CPU's and the GPU's end positions (m), and the mean. */
  maxEndDistanceM: number;
  meanEndDistanceM: number;
}

/** drift-bench v1 (altitude levels) or v2 (pressure levels), ../shared/bench/WORKLOAD.md. */
function driftWind(grid: 'altitude' | 'pressure'): AltitudeGridWind | PressureGridWind {
  const nx = 89;
  const ny = 41;
  const nt = 17;
  const alts = [0, 250, 500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000];
  const pressures = [1000, 975, 950, 925, 900, 850, 800, 750, 700, 650, 600, 550, 500];
  const nz = grid === 'pressure' ? pressures.length : alts.length;
  const u = new Float32Array(nx * ny * nz * nt);
  const v = new Float32Array(u.length);
  const heights = new Float32Array(u.length);
  let idx = 0;
  for (let n = 0; n < nt; n++) {
    const th = n * 3;
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++, idx++) {
          const lon = 14 + 0.25 * i;
          const lat = 50 + 0.25 * j;
          const z =
            grid === 'pressure'
              ? 44_330.8 * (1 - (pressures[k] / 1013.25) ** 0.190263) + 30 * Math.sin(0.3 * lon + 0.1 * th)
              : alts[k];
          heights[idx] = z;
          u[idx] = 4 + 0.0015 * z + 4 * Math.sin(0.7 * lon + 0.05 * th) * Math.cos(0.9 * lat);
          v[idx] = 2 + 0.001 * z + 5 * Math.cos(0.5 * lon - 0.8 * lat + 0.1 * th);
        }
  }
  const common = {
    lon: { start: 14, step: 0.25, count: nx },
    lat: { start: 50, step: 0.25, count: ny },
    timesSec: Array.from({ length: nt }, (_, n) => n * 10_800),
    u,
    v,
  };
  return grid === 'pressure'
    ? new PressureGridWind({
        ...common,
        levels: { kind: 'pressure', pressuresHpa: pressures, geopotentialHeightM: heights },
        description: 'drift-bench v2',
      })
    : new AltitudeGridWind({
        ...common,
        levels: { kind: 'altitude', altitudesM: alts },
        description: 'drift-bench v1',
      });
}

/** drift-bench's members (the first `count` of its particles), 12 h of RK4 at 60 s, CPU and GPU. */
export async function driftBench(device: GPUDevice, grid: 'altitude' | 'pressure', count: number) {
  const frac = (x: number) => x - Math.floor(x);
  const members = new MemberSet(count);
  for (let p = 0; p < count; p++) {
    members.lon[p] = 23.5 + 3.0 * frac(p * 0.618034);
    members.lat[p] = 53.6 + 0.8 * frac(p * 0.414214);
    members.floatAltM[p] = 300 + 3700 * frac(p * 0.732051);
    members.launchTSec[p] = 0;
  }
  const steps = 720;
  const options = {
    wind: driftWind(grid),
    members,
    method: 'rk4' as const,
    dtSec: 60,
    direction: 'forward' as const,
    durationSec: 60 * steps,
  };
  const cpu = new Simulation(options);
  while (!cpu.done) cpu.step();
  const gpu = await GpuSimulation.create(device, options);
  await gpu.init(false);
  while (!gpu.done) await gpu.advance(steps);
  const end = await gpu.endState();
  gpu.destroy();
  let max = 0;
  let sum = 0;
  let cpuActive = 0;
  let gpuActive = 0;
  for (let p = 0; p < count; p++) {
    const d = distanceM(cpu.lon[p], cpu.lat[p], end.lon[p], end.lat[p]);
    max = Math.max(max, d);
    sum += d;
    if (cpu.status[p] === MemberStatus.active) cpuActive++;
    if (end.status[p] === MemberStatus.active) gpuActive++;
  }
  const report: DriftReport = {
    grid,
    members: count,
    steps,
    cpuActive,
    gpuActive,
    maxEndDistanceM: max,
    meanEndDistanceM: sum / count,
  };
  return report;
}

/**
 * A real-data scenario (fixtures/scenarios/grodno-2020-08-04.json, its GFS 0.25° pressure-level files
 * served by the test under /data/) on the CPU and on the GPU, with a box zone and a border to analyse.
 */
async function realData(device: GPUDevice, scenarioDoc: unknown, files: string[]): Promise<CaseReport> {
  const fetched = await Promise.all(
    files.map(async (name) => ({
      name,
      bytes: new Uint8Array(await (await fetch(`data/${name}`)).arrayBuffer()),
    })),
  );
  const wind = await decodeWind(fetched, { levelType: 'isobaric' });
  const prepared = prepareRun(scenarioDoc, wind);
  const t = targets(24.2, 24.9, 53.9, 54.6, 24.0);
  const cpu = runPrepared(prepared, { targets: t });
  const gpu = await runPreparedOnGpu(device, prepared, { targets: t });
  return compare(`real data: ${wind.description}`, cpu, gpu);
}

async function main(): Promise<void> {
  const state = document.getElementById('state')!;
  const w = window as unknown as {
    gpuReport: Promise<{ cases: CaseReport[]; drift: DriftReport[] } | string>;
  };
  w.gpuReport = (async () => {
    if (!navigator.gpu) return 'no navigator.gpu in this browser';
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return 'navigator.gpu gave no adapter';
    const device = await adapter.requestDevice();
    const reports: CaseReport[] = [];
    for (const c of cases()) {
      const cpu = runPrepared(c.prepared, { targets: c.targets });
      const gpu = await runPreparedOnGpu(device, c.prepared, { targets: c.targets });
      reports.push(compare(c.name, cpu, gpu));
    }
    const drift = [await driftBench(device, 'altitude', 1000), await driftBench(device, 'pressure', 1000)];
    return { cases: reports, drift };
  })();
  (window as unknown as { gpuRealData: (doc: unknown, files: string[]) => Promise<CaseReport> }).gpuRealData =
    async (doc, files) => {
      const adapter = await navigator.gpu.requestAdapter();
      if (!adapter) throw new Error('navigator.gpu gave no adapter');
      return realData(await adapter.requestDevice(), doc, files);
    };
  state.textContent = 'running';
  await w.gpuReport.catch(() => undefined);
  state.textContent = 'done';
}

void main();
