import { describe, expect, it } from 'vitest';
import { ISA_SEA_LEVEL_DENSITY, isaDensity } from '../atmosphere.js';
import { DEG_PER_RAD, distanceM, EARTH_RADIUS_M } from '../earth.js';
import { membersAt } from '../testing/helpers.js';
import { OscillatingWind, SolidBodyRotationWind, UniformWind } from '../wind/analytic.js';
import { AltitudeGridWind } from '../wind/grid.js';
import type { WindField } from '../wind/wind-field.js';
import type { MemberSet } from './members.js';
import { Simulation, type SimulationOptions, type SolverMethod } from './simulation.js';
import { MemberStatus, type SimEvent } from './status.js';

function run(
  options: Partial<SimulationOptions> & { wind: WindField; members: MemberSet; durationSec: number },
) {
  const sim = new Simulation({ method: 'rk4', dtSec: 60, direction: 'forward', ...options });
  const events: SimEvent[] = [];
  while (!sim.done) {
    sim.step();
    events.push(...sim.drainEvents());
  }
  return { sim, events };
}

const at = { lon: 25, lat: 54, altM: 1000 };

describe('Simulation: analytic truths', () => {
  it.each(['euler', 'heun', 'rk4'] as SolverMethod[])(
    'still air leaves a floating balloon where it is (%s)',
    (method) => {
      const { sim } = run({
        wind: new UniformWind(0, 0),
        members: membersAt([at]),
        durationSec: 6 * 3600,
        method,
      });
      expect([sim.lon[0], sim.lat[0], sim.altM[0]]).toEqual([25, 54, 1000]);
      expect(sim.status[0]).toBe(MemberStatus.active);
    },
  );

  it.each(['euler', 'heun', 'rk4'] as SolverMethod[])(
    'a uniform east wind moves along the parallel by u·t / (R cos φ) (%s)',
    (method) => {
      const u = 10;
      const t = 3 * 3600;
      const { sim } = run({
        wind: new UniformWind(u, 0),
        members: membersAt([at]),
        durationSec: t,
        method,
        dtSec: 90,
      });
      const expectedLon = 25 + ((u * t) / (EARTH_RADIUS_M * Math.cos((54 * Math.PI) / 180))) * DEG_PER_RAD;
      expect(sim.lat[0]).toBe(54);
      expect(sim.lon[0]).toBeCloseTo(expectedLon, 10);
      // An independent check of the distance: 108 km along the parallel.
      expect(distanceM(25, 54, sim.lon[0], 54)).toBeCloseTo(u * t, -1);
    },
  );

  it('solid-body rotation brings members back to their start after one period', () => {
    const period = 12 * 3600;
    const wind = new SolidBodyRotationWind(25, 54, period);
    const points = [
      { lon: 26, lat: 54, altM: 500 },
      { lon: 25, lat: 55.5, altM: 2000 },
      { lon: 22, lat: 52, altM: 3000 },
    ];
    const { sim } = run({ wind, members: membersAt(points), durationSec: period, dtSec: 120 });
    points.forEach((p, i) => {
      expect(distanceM(p.lon, p.lat, sim.lon[i], sim.lat[i])).toBeLessThan(0.01);
    });
  });

  it('solid-body rotation halfway round puts a member opposite the centre, at the same distance', () => {
    const period = 24 * 3600;
    const wind = new SolidBodyRotationWind(25, 54, period);
    const { sim } = run({
      wind,
      members: membersAt([{ lon: 25, lat: 55, altM: 1000 }]),
      durationSec: period / 2,
    });
    expect(distanceM(25, 54, sim.lon[0], sim.lat[0])).toBeCloseTo(distanceM(25, 54, 25, 55), 1);
    expect(sim.lon[0]).toBeCloseTo(25, 6);
    expect(sim.lat[0]).toBeCloseTo(53, 2);
  });

  // Distance from the start after one period of a solid-body rotation: the global error of the method.
  function errorAt(method: SolverMethod, dtSec: number): number {
    const period = 6 * 3600;
    const wind = new SolidBodyRotationWind(25, 54, period);
    const { sim } = run({
      wind,
      members: membersAt([{ lon: 27, lat: 54, altM: 1000 }]),
      durationSec: period,
      method,
      dtSec,
    });
    return distanceM(27, 54, sim.lon[0], sim.lat[0]);
  }

  it.each([
    ['euler', 1, [240, 120, 60]],
    ['heun', 2, [480, 240, 120]],
    ['rk4', 4, [1800, 900, 450]],
  ] as [SolverMethod, number, number[]][])(
    '%s converges with order ≈ %d as dt halves',
    (method, order, dts) => {
      const errors = dts.map((dt) => errorAt(method, dt));
      const measured = [Math.log2(errors[0] / errors[1]), Math.log2(errors[1] / errors[2])];
      console.info(
        `${method}: errors ${errors.map((e) => e.toExponential(2)).join(', ')} m, orders ${measured.map((o) => o.toFixed(2))}`,
      );
      for (const o of measured) expect(Math.abs(o - order)).toBeLessThan(0.25);
    },
  );

  it('a time-varying wind run forward then backward returns to its start', () => {
    const wind = new OscillatingWind(8, 3, 6, 5 * 3600, 1000);
    const start = { lon: 24.3, lat: 54.7, altM: 2500 };
    const forward = run({ wind, members: membersAt([start], 1000), durationSec: 6 * 3600 });
    const end = { lon: forward.sim.lon[0], lat: forward.sim.lat[0], altM: 2500 };
    expect(distanceM(start.lon, start.lat, end.lon, end.lat)).toBeGreaterThan(100_000);
    const back = run({
      wind,
      members: membersAt([end], 1000 + 6 * 3600),
      durationSec: 6 * 3600,
      direction: 'backward',
    });
    expect(distanceM(start.lon, start.lat, back.sim.lon[0], back.sim.lat[0])).toBeLessThan(0.001);
  });
});

describe('Simulation: flight stages', () => {
  it('reaches its float altitude exactly at (float − launch altitude) / ascent rate, inside a step', () => {
    // 70 s steps do not divide the 600 s ascent: the event must still fall at 600 s.
    const members = membersAt([{ lon: 25, lat: 54, altM: 3000 }], 0, { ascentRateMps: 5, launchAltM: 0 });
    const { sim, events } = run({ wind: new UniformWind(5, 5), members, durationSec: 70 * 30, dtSec: 70 });
    const float = events.find((e) => e.kind === 'float');
    expect(float?.tSec).toBeCloseTo(600, 6);
    expect(float?.altM).toBe(3000);
    expect(sim.altM[0]).toBe(3000);
  });

  it('launches from the ground elevation when no launch altitude is given', () => {
    const members = membersAt([{ lon: 25, lat: 54, altM: 1000 }], 0, { ascentRateMps: 4 });
    const { events } = run({ wind: new UniformWind(0, 0), members, durationSec: 600, groundElevationM: 200 });
    expect(events.find((e) => e.kind === 'launch')?.altM).toBe(200);
    expect(events.find((e) => e.kind === 'float')?.tSec).toBeCloseTo(200, 6);
  });

  it('descends after a burst in a time equal to the integral of dz / (w₀·√(ρ₀/ρ(z)))', () => {
    const burstM = 12_000;
    const w0 = 5;
    const members = membersAt([{ lon: 25, lat: 54, altM: Number.NaN }], 0, {
      ascentRateMps: 6,
      burstAltM: burstM,
      descentRateMps: w0,
      launchAltM: 0,
    });
    members.floatAltM[0] = Number.NaN;
    const { events, sim } = run({ wind: new UniformWind(0, 0), members, durationSec: 4 * 3600, dtSec: 30 });
    const burst = events.find((e) => e.kind === 'burst');
    const landing = events.find((e) => e.kind === 'landing');
    expect(burst?.tSec).toBeCloseTo(2000, 6);
    // Independent quadrature (composite Simpson, 2 m panels) of the descent time.
    const n = 6000;
    const h = burstM / n;
    const f = (z: number) => 1 / (w0 * Math.sqrt(ISA_SEA_LEVEL_DENSITY / isaDensity(z)));
    let sum = f(0) + f(burstM);
    for (let k = 1; k < n; k++) sum += (k % 2 ? 4 : 2) * f(k * h);
    const expected = (h / 3) * sum;
    expect(landing!.tSec - burst!.tSec).toBeCloseTo(expected, 1);
    expect(sim.status[0]).toBe(MemberStatus.landed);
    expect(sim.altM[0]).toBe(0);
  });

  it('releases the payload on its timer, which then descends and lands', () => {
    const members = membersAt([{ lon: 25, lat: 54, altM: 3000 }], 0, {
      ascentRateMps: 3,
      launchAltM: 0,
      releaseAfterSec: 1800,
      descentRateMps: 4,
    });
    const { events, sim } = run({ wind: new UniformWind(10, 0), members, durationSec: 3 * 3600 });
    const kinds = events.map((e) => e.kind);
    expect(kinds).toEqual(['launch', 'float', 'release', 'landing']);
    expect(events[2].tSec).toBe(1800);
    expect(sim.status[0]).toBe(MemberStatus.landed);
  });

  it('ends a timed float and descends', () => {
    const members = membersAt([{ lon: 25, lat: 54, altM: 2000 }], 0, {
      floatDurationSec: 3630,
      descentRateMps: 5,
    });
    const { events } = run({ wind: new UniformWind(0, 0), members, durationSec: 3 * 3600 });
    expect(events.find((e) => e.kind === 'descent')?.tSec).toBe(3630);
    expect(events.at(-1)?.kind).toBe('landing');
  });

  it('stops a member that leaves the wind grid as "left-domain"', () => {
    const grid = new AltitudeGridWind({
      lon: { start: 24, step: 0.5, count: 5 },
      lat: { start: 53, step: 0.5, count: 5 },
      levels: { kind: 'altitude', altitudesM: [0, 5000] },
      timesSec: [0],
      u: new Float32Array(50).fill(20),
      v: new Float32Array(50).fill(0),
      description: 'east wind grid',
    });
    const { sim, events } = run({
      wind: grid,
      members: membersAt([{ lon: 25, lat: 54, altM: 1000 }]),
      durationSec: 6 * 3600,
    });
    expect(sim.status[0]).toBe(MemberStatus.leftDomain);
    const left = events.find((e) => e.kind === 'left-domain')!;
    // 20 m/s covers the 1° to the east edge (65.4 km at 54°N) in about 3270 s.
    expect(left.tSec).toBeGreaterThanOrEqual(3240);
    expect(left.tSec).toBeLessThanOrEqual(3330);
  });

  it('stops members as "wind-ended" when the wind data end before the run', () => {
    const grid = new AltitudeGridWind({
      lon: { start: 20, step: 1, count: 10 },
      lat: { start: 50, step: 1, count: 10 },
      levels: { kind: 'altitude', altitudesM: [0] },
      timesSec: [0, 3600],
      u: new Float32Array(200).fill(1),
      v: new Float32Array(200).fill(1),
      description: 'one hour of wind',
    });
    const { sim, events } = run({
      wind: grid,
      members: membersAt([{ lon: 25, lat: 54, altM: 100 }]),
      durationSec: 7200,
    });
    expect(sim.status[0]).toBe(MemberStatus.windEnded);
    expect(events.at(-1)).toMatchObject({ kind: 'wind-ended', tSec: 3600 });
  });

  it('traces a backward float and ascent down to the launch point', () => {
    // Forward: launch from the ground at t=0, ascend 4 m/s to 3000 m (750 s), float.
    const wind = new UniformWind(12, 4);
    const fwd = run({
      wind,
      members: membersAt([{ lon: 24, lat: 54, altM: 3000 }], 0, { ascentRateMps: 4, launchAltM: 0 }),
      durationSec: 3 * 3600,
    });
    const det = { lon: fwd.sim.lon[0], lat: fwd.sim.lat[0], altM: 3000 };
    // Backward from the "detection" at 3 h: float back for 3 h − 750 s, then the ascent down to the ground.
    const back = run({
      wind,
      members: membersAt([det], 3 * 3600, { ascentRateMps: 4, floatDurationSec: 3 * 3600 - 750 }),
      durationSec: 4 * 3600,
      direction: 'backward',
    });
    expect(back.sim.status[0]).toBe(MemberStatus.launchPoint);
    expect(back.sim.endTSec[0]).toBeCloseTo(0, 6);
    expect(distanceM(24, 54, back.sim.lon[0], back.sim.lat[0])).toBeLessThan(0.01);
  });
});

/** A test fake: 10 m/s eastward west of 26° E, no value (NaN) east of it, as a field with a hole. */
class HoleEastOf26 implements WindField {
  readonly coverage = new UniformWind(0, 0).coverage;
  readonly description = 'NaN east of 26 E';
  sample(lon: number, _lat: number, _altM: number, _tSec: number, out: Float64Array): void {
    out[0] = lon > 26 ? Number.NaN : 10;
    out[1] = lon > 26 ? Number.NaN : 0;
  }
}

/** Every position of every frame is a whole finite triple or a whole NaN one (not flying). */
function expectNoPartialOrNaNFlight(sim: Simulation, frames: Float32Array[]) {
  for (const p of frames)
    for (let i = 0; i < sim.count; i++) {
      const triple = [p[3 * i], p[3 * i + 1], p[3 * i + 2]];
      const finite = triple.every(Number.isFinite);
      expect(finite || triple.every(Number.isNaN), `member ${i}: ${triple}`).toBe(true);
    }
}

describe('Simulation: a state that turns non-finite stops the member with its reason', () => {
  it('a wind without a value stops the member at its last finite position, event "non-finite"', () => {
    const sim = new Simulation({
      wind: new HoleEastOf26(),
      members: membersAt([
        { lon: 25.9, lat: 54, altM: 1000 },
        { lon: 25, lat: 54, altM: 1000 },
      ]),
      method: 'rk4',
      dtSec: 60,
      direction: 'forward',
      durationSec: 3 * 3600,
    });
    const frames: Float32Array[] = [];
    const events: SimEvent[] = [];
    while (!sim.done) {
      sim.step();
      frames.push(sim.frame().positions);
      events.push(...sim.drainEvents());
    }
    expectNoPartialOrNaNFlight(sim, frames);
    for (let i = 0; i < 2; i++) {
      expect(sim.status[i]).toBe(MemberStatus.nonFinite);
      // Stopped in the step where an RK stage first met the hole: within one step (600 m) of 26° E.
      expect(sim.lon[i]).toBeGreaterThan(25.99);
      expect(sim.lon[i]).toBeLessThanOrEqual(26);
      expect(Number.isFinite(sim.endTSec[i])).toBe(true);
    }
    const stops = events.filter((e) => e.kind === 'non-finite');
    expect(stops.map((e) => e.member).sort()).toEqual([0, 1]);
    for (const e of stops) expect([e.lon, e.lat, e.altM].every(Number.isFinite)).toBe(true);
  });

  it('a descent rate of 1e307 m/s gives no NaN altitude: the member lands or stops, never flies on NaN', () => {
    const { sim } = run({
      wind: new UniformWind(5, 0),
      members: membersAt([at], 0, { floatAltM: 3000, floatDurationSec: 600, descentRateMps: 1e307 }),
      durationSec: 3600,
    });
    expect([MemberStatus.landed, MemberStatus.nonFinite]).toContain(sim.status[0]);
    expect([sim.lon[0], sim.lat[0], sim.altM[0]].every(Number.isFinite)).toBe(true);
  });
});
