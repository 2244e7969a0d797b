/**
 * The shapes the host and the kernel share: the run's uniform block (one field list, from which both
 * the WGSL struct and the host's writer are made, so they cannot drift apart), the per-member records
 * and the codes. Numbers here are the engine's (solver/status.ts, flight/profile.ts); tests compare
 * the GPU's events and statuses with the CPU's by name, so a code out of step would show.
 */
import { EVENT_KINDS, MemberStatus, Stage } from '@balloon-sim/sim-core';

/** The run's uniform block: every field 4 bytes, in this order. */
export const RUN_FIELDS = [
  ['count', 'u32'], // members in this slice
  ['groupsX', 'u32'], // workgroups along x (the dispatch is 2-D above 65 535 groups)
  ['firstStep', 'i32'], // index of this dispatch's first step (−1 with init)
  ['steps', 'u32'], // steps in this dispatch
  ['init', 'u32'], // 1: launch the members whose launch is the run's start, take no step
  ['record', 'u32'], // 0: no positions, 1: after the last step, 2: after every step
  ['dt', 'f32'], // step length, s (> 0; the direction is `sign`)
  ['sign', 'f32'], // +1 forward, −1 backward
  ['windEndStep', 'i32'], // the step inside which the wind's time range ends; NONE: none
  ['windEndTau', 'f32'], // where in that step, s from its start
  ['groundM', 'f32'], // flat ground where the wind has no orography
  ['hasOrography', 'u32'],
  ['lonMin', 'f32'], // the wind's lon/lat box (WindCoverage)
  ['lonSpan', 'f32'],
  ['latMin', 'f32'],
  ['latMax', 'f32'],
  ['wrapsLon', 'u32'],
  ['eventCapacity', 'u32'], // event records the event buffer holds
  ['noisy', 'u32'], // 1: a wind error per member and step in the noise buffer
  // The grid (grid-base.ts, grid-time-axis.ts): locating a point.
  ['gLon0', 'f32'],
  ['gInvDLon', 'f32'],
  ['gMaxFx', 'f32'],
  ['gLonSpan', 'f32'],
  ['gNLon', 'i32'],
  ['gWraps', 'u32'],
  ['gLat0', 'f32'],
  ['gInvDLat', 'f32'],
  ['gMaxFy', 'f32'],
  ['gNLat', 'i32'],
  ['gNz', 'i32'],
  ['gNt', 'i32'],
  ['gLevelStride', 'i32'],
  ['gTimeStride', 'i32'],
  ['gUniformTimes', 'u32'],
  ['gT0', 'f32'], // first grid time, s after the run's start
  ['gInvDt', 'f32'], // 1 / spacing of uniform grid times
  // Where each part of the grid buffer starts (in f32 entries).
  ['oUV', 'i32'],
  ['oGH', 'i32'],
  ['oOro', 'i32'],
  ['oLevels', 'i32'],
  ['oInvDz', 'i32'],
  ['oTimes', 'i32'],
  // Analytic fields' parameters (analytic.ts), their meaning by kind.
  ['a0', 'f32'],
  ['a1', 'f32'],
  ['a2', 'f32'],
  ['a3', 'f32'],
  ['a4', 'f32'],
  ['a5', 'f32'],
] as const;

export type RunField = (typeof RUN_FIELDS)[number][0];
export type RunUniforms = Record<RunField, number>;

/** Bytes of the uniform block, padded to 16. */
export const RUN_BYTES = Math.ceil((RUN_FIELDS.length * 4) / 16) * 16;

/** Writes the uniform block. */
export function runUniformBytes(values: RunUniforms): ArrayBuffer {
  const bytes = new ArrayBuffer(RUN_BYTES);
  const view = new DataView(bytes);
  RUN_FIELDS.forEach(([name, type], k) => {
    const v = values[name];
    if (type === 'f32') view.setFloat32(4 * k, v, true);
    else if (type === 'i32') view.setInt32(4 * k, v, true);
    else view.setUint32(4 * k, v, true);
  });
  return bytes;
}

/** The uniform block as WGSL. */
export function runStructWgsl(): string {
  return `struct Run {\n${RUN_FIELDS.map(([n, t]) => `  ${n}: ${t},`).join('\n')}\n}`;
}

/** "No time": a step index no run reaches. */
export const NONE_STEP = 0x7fffffff;

/** Words per member of the parameter buffer (read-only) and of the state buffer (read-write). */
export const PARAM_WORDS = 16;
export const STATE_WORDS = 12;
/** Words per event record: member | kind << 28, step, τ, lon (hi, lo), lat (hi, lo), altitude. */
export const EVENT_WORDS = 8;
/** A forward flight has at most 4 events (launch, float, descent or release, its end); backward 3. */
export const MAX_EVENTS_PER_MEMBER = 4;
/** Bits of the `member | kind << 28` word that hold the member: slices hold fewer members. */
export const MEMBER_BITS = 28;

/** Member parameter flags (the CPU's NaN for "none" is a flag here: a GPU may assume no NaN). */
export const Flag = {
  launchAlt: 1,
  ascent: 2,
  float: 4,
  /** Floats on a pressure surface whose height the grid gives (follows it as it moves). */
  surface: 8,
  floatDuration: 16,
  burst: 32,
  descent: 64,
  release: 128,
  /** Floats on a pressure (on the grid's surface or at its ISA altitude): never "level". */
  floatPressure: 256,
} as const;

export const STATUS = MemberStatus;
export const STAGE = Stage;
/** Event kind codes: the index in EVENT_KINDS. */
export const KIND = Object.fromEntries(EVENT_KINDS.map((k, i) => [k, i])) as Record<
  (typeof EVENT_KINDS)[number],
  number
>;

/** Marks a missing orography value: the CPU's NaN, which a GPU kernel cannot test for. */
export const MISSING = -3.0e38;
