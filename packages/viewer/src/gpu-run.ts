/// <reference lib="dom" />
/// <reference types="@webgpu/types" />
/**
 * A scenario run on this browser's GPU (WebGPU, @balloon-sim/gpu) instead of the server's CPU, fed to
 * the page exactly as a server run is: the same stream handler (stream.ts) gets `accepted`, frames,
 * events, `summary` and `done`, so tracks, tables and header are drawn by the same code. The server
 * still checks the scenario (POST /api/validate: schema, files, limits) and serves what the page
 * cannot read itself (the wind's nodes, GET /api/winds/:id/field; zones; country outlines); the run
 * is prepared here by sim-core's own prepareValidRun, with the analysis the server gives a run (bundled
 * zones, the countries, the LT–BY border). The CPU path stays the default and the reference.
 *
 * Whatever the page cannot do on the GPU (a wind that is not a bundled one, zone or launch-area
 * files, a field the kernel does not sample, a GPU that fails or is lost mid-run) ends in
 * GpuFallback, with the reason: the caller then runs the scenario on the server and says why.
 */
import { GpuUnsupportedError, gpuUnsupported, runPreparedOnGpu } from '@balloon-sim/gpu';
import {
  type AnalysisEvent,
  type AnalysisTargets,
  analysisTargets,
  analyticWind,
  byTimeThenMember,
  countryAreas,
  isoTime,
  polygonsFromGeoJson,
  prepareValidRun,
  type Scenario,
  type SimEvent,
  type WindField,
  withAreaSites,
  zonesFromGeoJson,
} from '@balloon-sim/sim-core';
import { eventJson } from '@balloon-sim/sim-core/protocol';
import { ApiError, type Geography, getJson, postJson, type Zones } from './api.js';
import type { StreamHandler } from './stream.js';
import { decodeWindField } from './wind-field.js';

/** Whether this page can compute on a GPU: the adapter and its name, or why not. */
export type GpuAvailability = { ok: true; adapter: GPUAdapter; name: string } | { ok: false; reason: string };

/** The adapter's name as the browser tells it ("SwiftShader Device (Subzero)", "nvidia ampere"). */
function adapterName(adapter: GPUAdapter): string {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  if (!info) return 'unnamed adapter';
  const description = info.description?.trim();
  if (description) return description;
  const parts = [info.vendor, info.architecture, info.device].map((p) => p?.trim()).filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : 'unnamed adapter';
}

/** Asks navigator.gpu for an adapter; never throws (a missing or blocked WebGPU is a reason). */
export async function probeGpu(nav: Navigator = navigator): Promise<GpuAvailability> {
  const gpu = (nav as Navigator & { gpu?: GPU }).gpu;
  if (!gpu)
    return {
      ok: false,
      reason:
        'this browser offers no WebGPU (navigator.gpu is absent: an older browser, WebGPU turned off, or a page not served over HTTPS or from this computer)',
    };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter)
      return {
        ok: false,
        reason: 'WebGPU is here but gives no adapter (no usable GPU, or the browser blocks it)',
      };
    return { ok: true, adapter, name: adapterName(adapter) };
  } catch (error) {
    return { ok: false, reason: `WebGPU could not be asked for an adapter: ${(error as Error).message}` };
  }
}

/** The GPU path cannot run this scenario, or failed: the reason, for the message that the server runs it. */
export class GpuFallback extends Error {
  override name = 'GpuFallback';
  constructor(readonly reason: string) {
    super(`runs on the server instead: ${reason}`);
  }
}

/** What the page reads from the server once (zones and outlines), and the last wind field fetched. */
const cache: {
  targets: Promise<{ zones: Zones; geography: Geography }> | null;
  wind: { id: string; field: Promise<WindField> } | null;
} = { targets: null, wind: null };

const WIND_PREFIX = 'wind:';

/** Why the page cannot prepare this scenario itself (the server reads something it cannot), or null. */
export function pageUnsupported(scenario: Scenario): string | null {
  const wind = scenario.wind as { type: string; paths?: string[] } & Record<string, unknown>;
  if (wind.type === 'forecast')
    return 'its wind is a forecast from the server’s store, which only the server reads';
  if (wind.type === 'file') {
    const extra = Object.keys(wind).filter((k) => !['type', 'paths', 'levelType'].includes(k));
    if (wind.paths?.length !== 1 || !wind.paths[0].startsWith(WIND_PREFIX))
      return 'its wind is a file the server reads, not one of the bundled winds (wind:<id>)';
    if (extra.length > 0) return `its wind has options (${extra.join(', ')}) the page does not apply`;
  }
  if (scenario.zones?.files?.length) return 'it reads zone files, which only the server reads';
  if (scenario.launch.area?.file) return 'its launch area is a file, which only the server reads';
  return null;
}

async function windField(scenario: Scenario): Promise<WindField> {
  const source = scenario.wind as { type: string; paths?: string[] };
  if (source.type !== 'file') return analyticWind(scenario.wind);
  const id = source.paths![0].slice(WIND_PREFIX.length);
  if (cache.wind?.id !== id) {
    const field = (async () => {
      const path = `api/winds/${encodeURIComponent(id)}/field`;
      let response: Response;
      try {
        response = await fetch(path);
      } catch {
        throw new GpuFallback(
          `the wind's nodes could not be fetched (GET ${path}: the server does not answer)`,
        );
      }
      if (!response.ok) {
        const text = await response.text();
        let said = `HTTP ${response.status}`;
        try {
          said = (JSON.parse(text) as { error?: string }).error ?? said;
        } catch {}
        throw new GpuFallback(`the wind's nodes could not be fetched (GET ${path}: ${said})`);
      }
      return decodeWindField(await response.arrayBuffer());
    })();
    cache.wind = { id, field };
    // A failed fetch is not kept: the next run asks again.
    field.catch(() => {
      if (cache.wind?.field === field) cache.wind = null;
    });
  }
  return cache.wind!.field;
}

/** The zones, border and countries a server run is analysed against, from the server's own files. */
async function targetsOf(scenario: Scenario): Promise<{ targets: AnalysisTargets; geography: Geography }> {
  cache.targets ??= Promise.all([getJson<Zones>('api/zones'), getJson<Geography>('api/geography')]).then(
    ([zones, geography]) => ({ zones, geography }),
  );
  const { zones, geography } = await cache.targets.catch((error) => {
    cache.targets = null;
    throw error;
  });
  const bundled = scenario.zones?.bundled ?? true;
  return {
    targets: analysisTargets(
      bundled ? zonesFromGeoJson(zones, 'zones.json') : [],
      countryAreas(geography.countries, 'countries.json'),
    ),
    geography,
  };
}

/** A device with the adapter's own limits on buffers (the runner splits members to fit them). */
async function deviceOf(adapter: GPUAdapter): Promise<GPUDevice> {
  const l = adapter.limits;
  try {
    return await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
      },
    });
  } catch (error) {
    throw new GpuFallback(`the GPU gave no device: ${(error as Error).message}`);
  }
}

export interface GpuRunOptions {
  adapter: GPUAdapter;
  /** Cancels the run between output frames (the handler then gets `cancelled`). */
  signal: AbortSignal;
}

let runs = 0;

/**
 * Runs the scenario on the GPU, telling `handler` what a server run tells it. Resolves when the run
 * is done or cancelled; a scenario the server refuses goes to handler.error with the server's issues
 * (as a server run's refusal does). Rejects with GpuFallback when the GPU path cannot run it.
 */
export async function runOnGpu(doc: Scenario, handler: StreamHandler, options: GpuRunOptions): Promise<void> {
  const cannot = pageUnsupported(doc);
  if (cannot) throw new GpuFallback(cannot);
  // The server's own checks first: a scenario it would refuse is refused here in the same words.
  let checked: { members: number; steps: number; frames: number; warnings: string[] };
  try {
    checked = await postJson('api/validate', doc);
  } catch (error) {
    if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
      handler.error(error.message.replace(/^POST api\/validate: /, ''), error.issues);
      return;
    }
    throw new GpuFallback(`the server could not check the scenario: ${(error as Error).message}`);
  }
  const [wind, { targets, geography }] = await Promise.all([windField(doc), targetsOf(doc)]);
  // The bundled border strip, as the server samples it (node's resolveLaunchArea, prefix "strip").
  const scenario = doc.launch.area
    ? withAreaSites(doc, polygonsFromGeoJson(geography.launchStrip, 'launch-strip.json'), 'strip')
    : doc;
  // Checked by the server above: prepareValidRun, not prepareRun, whose schema validator compiles
  // code at run time (new Function), which the page's Content-Security-Policy rightly forbids.
  const prepared = prepareValidRun(scenario, wind, { runTime: isoTime(Date.now() / 1000) });
  const unsupported = gpuUnsupported(prepared);
  if (unsupported) throw new GpuFallback(unsupported);
  if (options.signal.aborted) {
    handler.cancelled();
    return;
  }

  const device = await deviceOf(options.adapter);
  // What went wrong on the device: WebGPU reports a lost device and validation or memory errors
  // apart from the calls that caused them, and a run with either must not be shown as an answer.
  const trouble: { said: string | null } = { said: null };
  void device.lost.then((info) => {
    if (info.reason !== 'destroyed')
      trouble.said ??= `the GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''})`;
  });
  device.addEventListener('uncapturederror', (event) => {
    trouble.said ??= `the GPU reported an error: ${(event as GPUUncapturedErrorEvent).error.message}`;
  });
  const checkDevice = () => {
    if (trouble.said) throw new GpuFallback(trouble.said);
  };
  const runId = `gpu-${++runs}`;
  const { sites, launchTimesSec, membersPerLaunch } = prepared;
  handler.accepted({
    type: 'accepted',
    runId,
    members: prepared.simulation.members.count,
    steps: checked.steps,
    frames: checked.frames,
    workers: 1,
    queued: false,
    binaryFrames: true,
    warnings: checked.warnings,
    layout: {
      sites: sites.map((s) => ({ id: s.id, ...(s.name === undefined ? {} : { name: s.name }) })),
      launchTimesSec,
      membersPerLaunch,
    },
    provenance: prepared.provenance,
  });

  let found: (SimEvent | AnalysisEvent)[] = [];
  let index = 0;
  const collect = (events: (SimEvent | AnalysisEvent)[]) => {
    for (const e of events) found.push(e);
  };
  try {
    const result = await runPreparedOnGpu(device, prepared, {
      targets,
      keepFrames: false,
      onEvents: collect,
      onAnalysisEvents: collect,
      onFrame: (frame) => {
        checkDevice();
        const events = found.sort(byTimeThenMember).map(eventJson);
        found = [];
        const at = index++;
        // As the server sends them: frame 0 first, then its events; later frames after theirs.
        if (at === 0) handler.frame(at, frame.tSec, frame.positions);
        if (events.length > 0) handler.events({ type: 'event', frame: at, events });
        if (at > 0) handler.frame(at, frame.tSec, frame.positions);
      },
      onProgress: (fraction) => handler.progress(fraction),
      signal: options.signal,
    });
    checkDevice();
    // As it comes over the wire (JSON): what the page reads of a server's summary.
    handler.summary(JSON.parse(JSON.stringify(result.summary)));
    handler.done();
  } catch (error) {
    if (options.signal.aborted) {
      handler.cancelled();
      return;
    }
    if (error instanceof GpuFallback) throw error;
    if (error instanceof GpuUnsupportedError) throw new GpuFallback(error.reason);
    throw new GpuFallback(trouble.said ?? `the GPU run failed: ${(error as Error).message}`);
  } finally {
    device.destroy();
  }
}
