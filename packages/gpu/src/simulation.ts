/// <reference types="@webgpu/types" />
/**
 * A fixed-step run of many members on a GPU: sim-core's Simulation (the same options, the same time
 * grid, the same events and statuses) with its steps taken by the kernel (kernel.ts). The host keeps
 * what needs float64 or the engine's random streams: the time grid, launch times as (step, offset),
 * the wind error (drawn here by the engine's own WindError, so each member gets the CPU's numbers).
 *
 * Members are split into slices that fit the device's limits (a binding holds at most
 * maxStorageBufferBindingSize bytes, a buffer maxBufferSize: 128 MiB and 256 MiB unless the device
 * was requested with more). Each slice has its own buffers; every dispatch runs all slices for a run
 * of steps, each slice's dispatch covering its members in a 2-D grid of workgroups. What comes back
 * is read in pieces of at most a binding's size: positions after each step (for the analysis) or after
 * the last, the events (appended by the kernel to a buffer with an atomic counter, read in two steps:
 * the count, then that many records), and the end state.
 */
import {
  checkOptions,
  EVENT_KINDS,
  invalid,
  isaAltitudeM,
  type MemberSet,
  PressureGridWind,
  runStartSec,
  type SimEvent,
  type SimulationOptions,
  tableauOf,
  WindError,
} from '@balloon-sim/sim-core';
import { kernelSource, WORKGROUP_SIZE } from './kernel.js';
import {
  EVENT_WORDS,
  Flag,
  MAX_EVENTS_PER_MEMBER,
  MEMBER_BITS,
  NONE_STEP,
  PARAM_WORDS,
  RUN_BYTES,
  type RunUniforms,
  runUniformBytes,
  STATE_WORDS,
  STATUS,
} from './layout.js';
import { type GpuWind, gpuWind } from './wind-data.js';

/** How positions come back from a call of `advance`. */
export const Record = {
  /** None (only events). */
  none: 0,
  /** After the last step of the call: an output frame. */
  last: 1,
  /** After every step: what the per-step analysis (RunObserver) reads. */
  everyStep: 2,
} as const;
export type RecordMode = (typeof Record)[keyof typeof Record];

export interface GpuSimulationConfig {
  /** Most members per slice (default: what the device's limits allow, at most 2²⁰). */
  maxSliceMembers?: number;
}

/** What a call of `advance` brought back. */
export interface GpuStepOutput {
  /** Steps taken. */
  steps: number;
  /**
   * Positions, one array per recorded step (every step, or the last): lon, lat, alt, status code per
   * member (float32; status as a number), members in order.
   */
  records: Float32Array[];
  /** The events of those steps (unordered; members are this run's indices). */
  events: SimEvent[];
}

interface Slice {
  offset: number;
  count: number;
  groupsX: number;
  groupsY: number;
  uniform: GPUBuffer;
  params: GPUBuffer;
  state: GPUBuffer;
  noise: GPUBuffer;
  records: GPUBuffer;
  events: GPUBuffer;
  bindGroup: GPUBindGroup;
  /** Records of one call at most: steps whose positions fit one binding. */
  recordSteps: number;
}

/** The buffer a readback maps: MAP_READ | COPY_DST, created per read, destroyed after. */
async function readBack(
  device: GPUDevice,
  source: GPUBuffer,
  offset: number,
  bytes: number,
): Promise<ArrayBuffer> {
  const staging = device.createBuffer({
    size: bytes,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(source, offset, staging, 0, bytes);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const copy = staging.getMappedRange().slice(0);
  staging.unmap();
  staging.destroy();
  return copy;
}

const align4 = (bytes: number) => Math.ceil(bytes / 4) * 4;

/** Most bytes of positions (or wind errors) one slice holds for a call of `advance`: 64 MiB. */
const RECORD_BYTES = 64 << 20;

export class GpuSimulation {
  readonly count: number;
  readonly dtSec: number;
  readonly sign: number;
  /** Steps of the run as options give them (the CPU's stepCount). */
  readonly stepCount: number;
  /** Steps actually taken: fewer when the wind's time range ends inside the run. */
  readonly stepsToTake: number;
  readonly startSec: number;
  /** The step inside which the wind's time range ends (the run's last), −1 if none. */
  readonly windEndStep: number;
  readonly windEndSec: number;
  private stepIndex = 0;
  private initialised = false;
  private readonly slices: Slice[];
  private readonly pipeline: GPUComputePipeline;
  private readonly uniforms: RunUniforms;
  private readonly windError: WindError;
  private readonly noisy: boolean;
  private readonly launchStep: Int32Array;
  private readonly members: MemberSet;
  private readonly windBuffer: GPUBuffer;
  private readonly dummy: GPUBuffer;
  private readonly maxBinding: number;

  /** Builds the run on `device`. Throws GpuUnsupportedError when the kernel cannot run it. */
  static async create(
    device: GPUDevice,
    options: SimulationOptions,
    config: GpuSimulationConfig = {},
  ): Promise<GpuSimulation> {
    const { sign, stepCount, groundM } = checkOptions(options);
    const start = runStartSec(options.startSec, options.members, sign);
    const wind = gpuWind(options.wind, start);
    const module = device.createShaderModule({
      code: kernelSource({ wind: wind.kind, tableau: tableauOf(options.method) }),
    });
    const pipeline = await device.createComputePipelineAsync({
      layout: 'auto',
      compute: { module, entryPoint: 'main' },
    });
    return new GpuSimulation(device, options, config, { sign, stepCount, groundM, start, wind, pipeline });
  }

  private constructor(
    private readonly device: GPUDevice,
    options: SimulationOptions,
    config: GpuSimulationConfig,
    made: {
      sign: number;
      stepCount: number;
      groundM: number;
      start: number;
      wind: GpuWind;
      pipeline: GPUComputePipeline;
    },
  ) {
    const { sign, stepCount, groundM, start, wind, pipeline } = made;
    const members = options.members;
    this.members = members;
    this.count = members.count;
    this.sign = sign;
    this.dtSec = options.dtSec;
    this.stepCount = stepCount;
    this.startSec = start;
    this.pipeline = pipeline;
    const dt = options.dtSec;

    // The step inside which the wind's time range ends, by the CPU's own test (simulation.ts step()).
    const c = options.wind.coverage;
    this.windEndSec = sign > 0 ? c.tMaxSec : c.tMinSec;
    let windEndStep = -1;
    if (Number.isFinite(this.windEndSec)) {
      const runTime = sign * (this.windEndSec - start);
      let s = Math.max(0, Math.floor(runTime / dt) - 1);
      while (s < stepCount && !(sign * (start + (s + 1) * sign * dt - this.windEndSec) > 0)) s++;
      if (s < stepCount) windEndStep = s;
    }
    this.windEndStep = windEndStep;
    this.stepsToTake = windEndStep >= 0 ? windEndStep + 1 : stepCount;
    const windEndTau = windEndStep >= 0 ? sign * (this.windEndSec - (start + windEndStep * sign * dt)) : 0;

    // Launch times as (step, offset): the step whose (t, tEnd] holds the launch.
    this.launchStep = new Int32Array(this.count);
    const launchTau = new Float64Array(this.count);
    for (let i = 0; i < this.count; i++) {
      const t = members.launchTSec[i];
      if (!Number.isFinite(t)) invalid(`members[${i}].launchTSec`, 'must be a finite time', t);
      const r = sign * (t - start);
      if (r < 0) invalid(`members[${i}].launchTSec`, 'must not be before the start of the run', t);
      [this.launchStep[i], launchTau[i]] = r === 0 ? [-1, dt] : stepAndOffset(r, dt);
    }

    const limits = device.limits;
    this.maxBinding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    if (wind.data.byteLength > this.maxBinding)
      invalid(
        'wind',
        `needs a grid buffer of ${wind.data.byteLength} bytes, more than this device binds (${this.maxBinding})`,
        wind.data.byteLength,
      );
    const perMember = MAX_EVENTS_PER_MEMBER * EVENT_WORDS * 4; // the largest per-member buffer
    const sliceMax = Math.max(
      1,
      Math.min(
        config.maxSliceMembers ?? 1 << 20,
        Math.floor((this.maxBinding - 16) / perMember),
        (1 << MEMBER_BITS) - 1,
      ),
    );

    this.windError = new WindError(options.windError, dt, this.count, options.memberIds);
    this.noisy = this.windError.sigmaMps > 0;
    this.uniforms = {
      count: 0,
      groupsX: 0,
      firstStep: 0,
      steps: 0,
      init: 0,
      record: 0,
      dt,
      sign,
      windEndStep: windEndStep >= 0 ? windEndStep : NONE_STEP,
      windEndTau,
      groundM,
      hasOrography: wind.hasOrography ? 1 : 0,
      lonMin: c.lonMin,
      lonSpan: c.lonMax - c.lonMin,
      latMin: c.latMin,
      latMax: c.latMax,
      wrapsLon: c.wrapsLon ? 1 : 0,
      eventCapacity: 0,
      noisy: this.noisy ? 1 : 0,
      ...wind.uniforms,
    };

    this.windBuffer = device.createBuffer({
      size: align4(wind.data.byteLength),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(this.windBuffer, 0, wind.data);
    this.dummy = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });

    const params = memberParams(options, wind, this.launchStep, launchTau);
    this.slices = [];
    for (let offset = 0; offset < this.count || (offset === 0 && this.count === 0); offset += sliceMax) {
      const count = Math.min(sliceMax, this.count - offset);
      if (count <= 0) break;
      this.slices.push(this.makeSlice(offset, count, params));
    }
  }

  private makeSlice(offset: number, count: number, params: Uint32Array): Slice {
    const device = this.device;
    const storage = (bytes: number, extra = 0) =>
      device.createBuffer({
        size: Math.max(16, align4(bytes)),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | extra,
      });
    const paramBuf = storage(count * PARAM_WORDS * 4);
    device.queue.writeBuffer(paramBuf, 0, params, offset * PARAM_WORDS, count * PARAM_WORDS);
    const state = new Uint32Array(count * STATE_WORDS);
    for (let p = 0; p < count; p++) {
      const s = p * STATE_WORDS;
      state[s + 5] = STATUS.pending << 8;
      state[s + 6] = NONE_STEP;
      state[s + 8] = NONE_STEP;
      state[s + 10] = NONE_STEP;
    }
    const stateBuf = storage(state.byteLength);
    device.queue.writeBuffer(stateBuf, 0, state);
    // Positions of as many steps as one binding holds (at least one), and no more than RECORD_BYTES:
    // a GPU that binds gigabytes would otherwise get a buffer of every step of the run, read or not.
    const recordSteps = Math.max(1, Math.floor(Math.min(this.maxBinding, RECORD_BYTES) / (16 * count)));
    const records = storage(16 * count * Math.min(recordSteps, Math.max(1, this.stepsToTake)));
    const events = storage(4 + MAX_EVENTS_PER_MEMBER * EVENT_WORDS * 4 * count);
    const noiseSteps = this.noisy
      ? Math.max(1, Math.min(recordSteps, Math.floor(Math.min(this.maxBinding, RECORD_BYTES) / (8 * count))))
      : 0;
    const noise = this.noisy ? storage(8 * count * noiseSteps) : this.dummy;
    const uniform = device.createBuffer({
      size: RUN_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    const bindGroup = device.createBindGroup({
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: uniform } },
        { binding: 1, resource: { buffer: paramBuf } },
        { binding: 2, resource: { buffer: stateBuf } },
        { binding: 3, resource: { buffer: this.windBuffer } },
        { binding: 4, resource: { buffer: noise } },
        { binding: 5, resource: { buffer: records } },
        { binding: 6, resource: { buffer: events } },
      ],
    });
    const groups = Math.ceil(count / WORKGROUP_SIZE);
    const maxX = this.device.limits.maxComputeWorkgroupsPerDimension;
    const groupsX = Math.min(groups, maxX);
    const groupsY = Math.ceil(groups / groupsX);
    return {
      offset,
      count,
      groupsX,
      groupsY,
      uniform,
      params: paramBuf,
      state: stateBuf,
      noise,
      records,
      events,
      bindGroup,
      recordSteps: this.noisy ? Math.min(recordSteps, noiseSteps) : recordSteps,
    };
  }

  /** Slices the members are split into (each with its own buffers and dispatch). */
  get sliceCount(): number {
    return this.slices.length;
  }

  /** Steps taken so far. */
  get stepsTaken(): number {
    return this.stepIndex;
  }

  get done(): boolean {
    return this.stepIndex >= this.stepsToTake;
  }

  /** The run's time (s since the epoch), as the CPU's Simulation.tSec: its end once the wind ended. */
  get tSec(): number {
    return this.tSecAfter(this.stepIndex);
  }

  /** Most steps one call of `advance` can record after every step. */
  get maxRecordedSteps(): number {
    return Math.min(...this.slices.map((s) => s.recordSteps));
  }

  /**
   * Launches the members whose launch is the run's start (as the CPU's Simulation constructor does);
   * with `record`, their positions come back (the run's first frame). Called once, before `advance`.
   */
  async init(record = false): Promise<GpuStepOutput> {
    if (this.initialised) throw new Error('GpuSimulation.init was called already');
    this.initialised = true;
    if (this.noisy)
      for (let i = 0; i < this.count; i++) if (this.launchStep[i] === -1) this.windError.start(i);
    return this.dispatch(-1, 0, record ? Record.last : Record.none, true);
  }

  /** Takes up to `steps` steps (fewer at the end of the run); see Record for what comes back. */
  async advance(steps: number, record: RecordMode = Record.none): Promise<GpuStepOutput> {
    if (!this.initialised) await this.init(false);
    let n = Math.min(steps, this.stepsToTake - this.stepIndex);
    if (n <= 0) return { steps: 0, records: [], events: [] };
    if (record === Record.everyStep || this.noisy) n = Math.min(n, this.maxRecordedSteps);
    const first = this.stepIndex;
    const out = await this.dispatch(first, n, record, false);
    this.stepIndex += n;
    return out;
  }

  private async dispatch(
    first: number,
    steps: number,
    record: RecordMode,
    init: boolean,
  ): Promise<GpuStepOutput> {
    const device = this.device;
    const noise = this.noisy && !init ? this.noiseFor(first, steps) : null;
    const encoder = device.createCommandEncoder();
    for (const s of this.slices) {
      const u = {
        ...this.uniforms,
        count: s.count,
        groupsX: s.groupsX,
        firstStep: init ? -1 : first,
        steps,
        init: init ? 1 : 0,
        record,
        eventCapacity: MAX_EVENTS_PER_MEMBER * s.count,
      };
      device.queue.writeBuffer(s.uniform, 0, runUniformBytes(u));
      device.queue.writeBuffer(s.events, 0, new Uint32Array(1));
      if (noise) {
        for (let r = 0; r < steps; r++)
          device.queue.writeBuffer(s.noise, 8 * r * s.count, noise[r], 2 * s.offset, 2 * s.count);
      }
      const pass = encoder.beginComputePass();
      pass.setPipeline(this.pipeline);
      pass.setBindGroup(0, s.bindGroup);
      pass.dispatchWorkgroups(s.groupsX, s.groupsY);
      pass.end();
    }
    device.queue.submit([encoder.finish()]);

    // Events: each slice's count, then its records.
    const events: SimEvent[] = [];
    const counts = await Promise.all(
      this.slices.map(async (s) => new Uint32Array(await readBack(device, s.events, 0, 4))[0]),
    );
    await Promise.all(
      this.slices.map(async (s, k) => {
        const n = counts[k];
        if (n === 0) return;
        if (n > MAX_EVENTS_PER_MEMBER * s.count)
          throw new Error(`GPU event buffer overflow: ${n} events from ${s.count} members`);
        const words = new Uint32Array(await readBack(device, s.events, 4, n * EVENT_WORDS * 4));
        this.parseEvents(words, n, s.offset, events);
      }),
    );

    const records: Float32Array[] = [];
    const recorded = record === Record.everyStep ? steps : record === Record.last ? 1 : 0;
    for (let r = 0; r < recorded; r++) records.push(new Float32Array(4 * this.count));
    if (recorded > 0) {
      await Promise.all(
        this.slices.map(async (s) => {
          // One readback per slice: its records of every recorded step, step-major.
          const data = new Float32Array(await readBack(device, s.records, 0, 16 * s.count * recorded));
          for (let r = 0; r < recorded; r++)
            records[r].set(data.subarray(4 * s.count * r, 4 * s.count * (r + 1)), 4 * s.offset);
        }),
      );
    }
    return { steps, records, events };
  }

  /**
   * The wind error of each member in each of `steps` steps from `first`, as the CPU draws it: a
   * member's own generator, started at its launch, stepped at every later step (wind-error.ts).
   * Members that have ended still draw: their numbers are their own, and nothing reads them.
   */
  private noiseFor(first: number, steps: number): Float32Array[] {
    const n = this.count;
    const we = this.windError;
    const launched = new Uint8Array(n);
    const out: Float32Array[] = [];
    for (let r = 0; r < steps; r++) {
      const k = first + r;
      for (let i = 0; i < n; i++) launched[i] = this.launchStep[i] < k ? STATUS.active : STATUS.pending;
      we.update(launched);
      for (let i = 0; i < n; i++) if (this.launchStep[i] === k) we.start(i);
      const uv = new Float32Array(2 * n);
      for (let i = 0; i < n; i++) {
        uv[2 * i] = we.u[i];
        uv[2 * i + 1] = we.v[i];
      }
      out.push(uv);
    }
    return out;
  }

  private parseEvents(words: Uint32Array, n: number, offset: number, into: SimEvent[]): void {
    const floats = new Float32Array(words.buffer, words.byteOffset, words.length);
    const ints = new Int32Array(words.buffer, words.byteOffset, words.length);
    const memberMask = (1 << MEMBER_BITS) - 1;
    for (let e = 0; e < n; e++) {
      const w = e * EVENT_WORDS;
      const member = offset + (words[w] & memberMask);
      const kind = EVENT_KINDS[words[w] >>> MEMBER_BITS];
      const step = ints[w + 1];
      const tau = floats[w + 2];
      into.push({
        member,
        kind,
        tSec: kind === 'launch' ? this.members.launchTSec[member] : this.timeOf(step, tau),
        lon: floats[w + 3] + floats[w + 4],
        lat: floats[w + 5] + floats[w + 6],
        altM: floats[w + 7],
      });
    }
  }

  /**
   * The time (s since the epoch) of τ seconds into step k, in float64; the ends of steps and of the
   * wind's range are the CPU's own float64 values, not a float32 offset's.
   */
  timeOf(step: number, tau: number): number {
    const sdt = this.sign * this.dtSec;
    if (step === this.windEndStep && tau === Math.fround(this.uniforms.windEndTau)) return this.windEndSec;
    if (tau === Math.fround(this.dtSec)) return this.startSec + (step + 1) * sdt;
    return this.startSec + step * sdt + this.sign * tau;
  }

  /** The run's time after `steps` steps, as the CPU's Simulation.tSec (its end once the wind ended). */
  tSecAfter(steps: number): number {
    const n = this.windEndStep >= 0 && steps > this.windEndStep ? this.stepCount : steps;
    return this.startSec + n * this.sign * this.dtSec;
  }

  /** Each member's end: status, position (NaN before launch), the time it ended (NaN: flying). */
  async endState(): Promise<{
    status: Uint8Array;
    lon: Float64Array;
    lat: Float64Array;
    altM: Float64Array;
    endTSec: Float64Array;
  }> {
    const n = this.count;
    const status = new Uint8Array(n);
    const lon = new Float64Array(n);
    const lat = new Float64Array(n);
    const altM = new Float64Array(n);
    const endTSec = new Float64Array(n).fill(Number.NaN);
    await Promise.all(
      this.slices.map(async (s) => {
        const words = new Uint32Array(await readBack(this.device, s.state, 0, s.count * STATE_WORDS * 4));
        const floats = new Float32Array(words.buffer);
        const ints = new Int32Array(words.buffer);
        for (let p = 0; p < s.count; p++) {
          const i = s.offset + p;
          const w = p * STATE_WORDS;
          const code = words[w + 5] >>> 8;
          status[i] = code;
          const launched = code !== STATUS.pending;
          lon[i] = launched ? floats[w] + floats[w + 1] : Number.NaN;
          lat[i] = launched ? floats[w + 2] + floats[w + 3] : Number.NaN;
          altM[i] = launched ? floats[w + 4] : Number.NaN;
          if (ints[w + 10] !== NONE_STEP) endTSec[i] = this.timeOf(ints[w + 10], floats[w + 11]);
        }
      }),
    );
    return { status, lon, lat, altM, endTSec };
  }

  /** Frees the GPU buffers. */
  destroy(): void {
    for (const s of this.slices)
      for (const b of [s.uniform, s.params, s.state, s.records, s.events]) b.destroy();
    for (const s of this.slices) if (s.noise !== this.dummy) s.noise.destroy();
    this.windBuffer.destroy();
    this.dummy.destroy();
  }
}

/** A run time r > 0 (s) as (step, offset) with the offset in (0, dt]. */
function stepAndOffset(r: number, dt: number): [number, number] {
  let k = Math.ceil(r / dt) - 1;
  let tau = r - k * dt;
  if (tau <= 0) {
    k -= 1;
    tau += dt;
  } else if (tau > dt) {
    k += 1;
    tau -= dt;
  }
  return [k, tau];
}

/** The members' parameters as the kernel reads them: 16 words each (kernel.ts loadMember). */
function memberParams(
  options: SimulationOptions,
  wind: GpuWind,
  launchStep: Int32Array,
  launchTau: Float64Array,
): Uint32Array {
  const m = options.members;
  const n = m.count;
  const words = new Uint32Array(n * PARAM_WORDS);
  const floats = new Float32Array(words.buffer);
  const ints = new Int32Array(words.buffer);
  const forward = options.direction !== 'backward';
  const surfaceWind = wind.hasSurfaces && options.wind instanceof PressureGridWind ? options.wind : null;
  for (let i = 0; i < n; i++) {
    const w = i * PARAM_WORDS;
    const hiLo = (x: number, at: number) => {
      const hi = Math.fround(x);
      floats[w + at] = hi;
      floats[w + at + 1] = x - hi;
    };
    hiLo(m.lon[i], 0);
    hiLo(m.lat[i], 2);
    let flags = 0;
    const set = (value: number, at: number, flag: number) => {
      if (Number.isNaN(value)) return;
      floats[w + at] = value;
      flags |= flag;
    };
    set(m.launchAltM[i], 4, Flag.launchAlt);
    set(m.ascentRateMps[i], 5, Flag.ascent);
    const pressure = m.floatPressureHpa[i];
    if (!Number.isNaN(pressure)) {
      flags |= Flag.float | Flag.floatPressure;
      if (surfaceWind) {
        const { k, wz } = surfaceWind.levelWeight(pressure);
        flags |= Flag.surface;
        ints[w + 11] = k;
        floats[w + 12] = wz;
      } else {
        // No heights in the field: the ISA's altitude of the pressure, as flight-stages.ts takes it.
        floats[w + 6] = isaAltitudeM(pressure * 100);
      }
    } else {
      set(m.floatAltM[i], 6, Flag.float);
    }
    set(m.floatDurationSec[i], 7, Flag.floatDuration);
    set(m.burstAltM[i], 8, Flag.burst);
    set(m.descentRateMps[i], 9, Flag.descent);
    if (forward) set(m.releaseAfterSec[i], 10, Flag.release);
    ints[w + 13] = launchStep[i];
    floats[w + 14] = launchTau[i];
    words[w + 15] = flags;
    // The CPU stops the run when a member must descend without a rate (flight-stages.ts); here, before.
    const descends = forward && flags & (Flag.floatDuration | Flag.burst | Flag.release);
    if (descends && !(flags & Flag.descent))
      invalid(`members[${i}].descentRateMps`, 'is needed to descend', Number.NaN);
  }
  return words;
}
