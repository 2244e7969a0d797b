import { createHash } from 'node:crypto';
import { readFile, rm, rmdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { cropGrib2, describeGrib2, type Grib2MessageSummary } from '@balloon-sim/formats';
import { DecodeError, InputError, isoTimeText, type LonLatBox } from '@balloon-sim/sim-core';
import Bunzip from 'seek-bzip';
import {
  DownloadError,
  download,
  downloadToFile,
  type FetchCommon,
  HttpStatusError,
  writeFileAtomic,
} from './download.js';
import {
  asControlMember,
  ECMWF_BASE_URL,
  type EcmwfIndexEntry,
  type EcmwfSelection,
  ecmwfDefaults,
  ecmwfStreams,
  ecmwfUrl,
  mergeRanges,
  parseEcmwfIndex,
  selectEcmwf,
} from './ecmwf.js';
import { gfsFilterUrl, NOMADS_BASE_URL } from './gfs.js';
import { DWD_BASE_URL, ICON_PARAMS, iconEuUrl } from './icon-eu.js';
import {
  type Cycle,
  cycleAtOrBefore,
  type ForecastModel,
  type ForecastModelId,
  forecastModel,
  parseModelCycle,
  previousCycle,
  stepsCovering,
} from './models.js';
import { gefsFilterUrl } from './nomads.js';
import {
  type CycleIndex,
  cycleDir,
  defaultStoreRoot,
  readCycleIndex,
  STORE_FORMAT,
  type StoreFile,
  writeCycleIndex,
} from './store.js';

export interface ForecastFetchOptions extends FetchCommon {
  model: ForecastModelId | string;
  /** "latest" or YYYYMMDDHH. */
  cycle: string;
  /** Valid times to cover (s since the epoch): the steps around them are fetched. */
  period?: { startSec: number; endSec: number };
  /** Forecast hours instead of a period. Neither: the next 24 hours from now. */
  hours?: number[];
  box: LonLatBox;
  /** Pressure levels (hPa); default the model's levels from 1000 to 500 hPa. */
  levelsHpa?: number[];
  /** Ensemble members; default all. */
  members?: number[];
  /** The store's root folder (default: defaultStoreRoot()); files go to <root>/<model>/<cycle>/. */
  storeRoot?: string;
  /** Write the cycle's files and index here instead of into the store. */
  outDir?: string;
  /** "Now", s since the epoch (tests). */
  nowSec?: number;
  /** Requests at once within a step (default 4). */
  concurrency?: number;
  /** Bytes of one download received so far (a progress display; tests cut connections with it). */
  onProgress?: (url: string, received: number, total: number | null) => void;
}

export interface ForecastFetchResult {
  model: ForecastModelId;
  cycle: string;
  dir: string;
  /** The step files, in step order. */
  paths: string[];
  index: CycleIndex;
  /** Newer cycles tried first and found incomplete on the server, with why. */
  skipped: { cycle: string; reason: string }[];
}

/** How many cycles "latest" steps back while the newest are not (yet) complete on the server. */
const LATEST_LOOKBACK = 4;

/** A cycle the server does not (yet) hold whole: a 404, or an index without some wanted fields. */
class NotPublished extends Error {
  override name = 'NotPublished';
}

/** One download that makes (part of) a step file. */
interface Piece {
  url: string;
  /** Name of its partial file. */
  name: string;
  range?: { first: number; last: number };
  /** The answer is bzip2-compressed. */
  bz2?: boolean;
  /** The fields it must hold. */
  expect: { shortName: string; level: number; member: number | null }[];
  /** ENS's control taken from HRES's stream (IFS 50r1 and after): labelled member 0 once cropped. */
  control?: boolean;
}

interface StepPlan {
  step: number;
  pieces: Piece[];
  /** Crop the fields to the box here (the grib filter crops on the server). */
  crop: boolean;
}

interface CyclePlan {
  steps: StepPlan[];
  levelsHpa: number[];
  members: number[] | null;
  source: string;
}

const megabytes = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
const three = (n: number) => String(n).padStart(3, '0');

/**
 * Downloads one forecast cycle of a model into the store (or --out): for each step the needed
 * fields only (ECMWF: byte ranges its index lists; DWD: one bzip2 file per parameter and level;
 * NOMADS: the grib filter's cut), checked (sizes, GRIB2 structure and "7777" ends, the cycle, step,
 * parameters, levels and members asked for), cropped to the box where the server did not crop,
 * written as one GRIB2 file per step with every member and level, and listed in index.json with
 * its size and SHA-256. Interrupted downloads resume from the bytes received (kept in .partial/).
 *
 * "latest" starts from the newest cycle that should be complete and steps back a cycle at a time
 * while the server lacks a step of it (404) or a wanted field, saying so through `log`.
 */
export async function fetchForecast(options: ForecastFetchOptions): Promise<ForecastFetchResult> {
  const model = forecastModel(options.model);
  const log = options.log ?? (() => {});
  const nowSec = options.nowSec ?? Date.now() / 1000;
  const skipped: { cycle: string; reason: string }[] = [];
  const latest = options.cycle === 'latest';
  let cycle = latest
    ? cycleAtOrBefore(model, nowSec - model.delaySec)
    : parseModelCycle(model, options.cycle);
  for (let k = 0; ; k++) {
    const steps = stepsFor(model, cycle, options, nowSec);
    try {
      if (latest) log(`trying cycle ${cycle.name} of ${model.id}`);
      const plan = await planCycle(model, cycle, steps, options);
      const result = await fetchCycle(model, cycle, plan, options, log, latest);
      if (skipped.length > 0)
        log(
          `used cycle ${cycle.name}: the newer ${skipped.map((s) => s.cycle).join(', ')} ${skipped.length === 1 ? 'is' : 'are'} not complete on the server`,
        );
      return { ...result, skipped };
    } catch (error) {
      if (!(error instanceof NotPublished)) throw error;
      if (!latest)
        throw new InputError(
          `cycle ${cycle.name} of ${model.id} is not complete on the server: ${error.message} (not yet published, or no longer kept)`,
          'cycle',
          cycle.name,
        );
      skipped.push({ cycle: cycle.name, reason: error.message });
      if (k + 1 >= LATEST_LOOKBACK)
        throw new DownloadError(
          `no complete cycle of ${model.id} among the newest ${LATEST_LOOKBACK}: ${skipped.map((s) => `${s.cycle}: ${s.reason}`).join('; ')}`,
          options.baseUrl ?? defaultBase(model.id),
          'no complete cycle',
        );
      const older = previousCycle(model, cycle);
      log(
        `cycle ${cycle.name} of ${model.id} is not complete on the server (${error.message}); falling back to ${older.name}`,
      );
      cycle = older;
    }
  }
}

function defaultBase(model: ForecastModelId): string {
  return model.startsWith('ecmwf') ? ECMWF_BASE_URL : model === 'icon-eu' ? DWD_BASE_URL : NOMADS_BASE_URL;
}

/** The steps to fetch from a cycle: the hours asked (each one the cycle publishes), or those covering the period. */
function stepsFor(
  model: ForecastModel,
  cycle: Cycle,
  options: ForecastFetchOptions,
  nowSec: number,
): number[] {
  if (options.hours) {
    const published = model.steps(new Date(cycle.timeSec * 1000).getUTCHours());
    const wrong = options.hours.filter((h) => !published.includes(h));
    if (wrong.length > 0)
      throw new InputError(
        `${model.id} cycle ${cycle.name} has no step${wrong.length > 1 ? 's' : ''} +${wrong.join(', +')} h (it publishes ${published[0]}…${published.at(-1)} h: ${stepsText(published)})`,
        'hours',
        wrong,
      );
    return [...new Set(options.hours)].sort((a, b) => a - b);
  }
  const period = options.period ?? {
    startSec: Math.max(nowSec, cycle.timeSec),
    endSec: Math.max(nowSec, cycle.timeSec) + 86_400,
  };
  return stepsCovering(model, cycle, period.startSec, period.endSec);
}

/** "0–144 every 3, 150–360 every 6" */
function stepsText(steps: number[]): string {
  const runs: string[] = [];
  let k = 0;
  while (k < steps.length) {
    const every = k + 1 < steps.length ? steps[k + 1] - steps[k] : 0;
    let j = k;
    while (j + 1 < steps.length && steps[j + 1] - steps[j] === every) j++;
    runs.push(j > k ? `${steps[k]}–${steps[j]} every ${every}` : `${steps[k]}`);
    k = j + 1;
  }
  return runs.join(', ');
}

/** What to download for each step of a cycle; for ECMWF this reads the steps' indexes. */
async function planCycle(
  model: ForecastModel,
  cycle: Cycle,
  steps: number[],
  options: ForecastFetchOptions,
): Promise<CyclePlan> {
  const base = options.baseUrl ?? defaultBase(model.id);
  const common = {
    timeoutMs: options.timeoutMs,
    attempts: options.attempts,
    backoffMs: options.backoffMs,
    signal: options.signal,
  };
  if (model.id === 'ecmwf-hres' || model.id === 'ecmwf-ens') {
    let selection: EcmwfSelection | null = null;
    const plans: StepPlan[] = [];
    for (const step of steps) {
      const { entries, url } = await ecmwfIndex(
        base,
        ecmwfStreams(model.ensemble, cycle),
        cycle,
        step,
        common,
      );
      // Since IFS 50r1 ENS's ef files hold the perturbed members only and the control is stream
      // oper's fc (see ecmwf.ts): where the index lists no control and the control is wanted, it is
      // taken from there, for every step alike.
      const wantsControl = options.members === undefined || options.members.includes(0);
      const control =
        model.ensemble && wantsControl && !entries.some((e) => e.levtype === 'pl' && e.member === 0)
          ? await ecmwfIndex(base, ecmwfStreams(false, cycle), cycle, step, common)
          : null;
      const listed = control ? [...entries, ...control.entries] : entries;
      selection ??= ecmwfDefaults(listed, options.levelsHpa, options.members);
      if (selection.levelsHpa.length < 2)
        throw new NotPublished(`the index ${url} lists no pressure levels from 1000 to 500 hPa`);
      const perturbed = control
        ? selectEcmwf(entries, { ...selection, members: selection.members.filter((m) => m !== 0) })
        : selectEcmwf(entries, selection);
      const controlled = control
        ? selectEcmwf(control.entries, { ...selection, members: selection.members.includes(0) ? [0] : [] })
        : { chosen: [], missing: [] };
      const missing = [...controlled.missing, ...perturbed.missing];
      const indexes = control ? `${url} (and ${control.url} for the control)` : url;
      // ECMWF writes a step's index once its file is whole: levels or members asked for that it does
      // not list are not published at all (bad input), not a cycle still on its way.
      if (missing.length > 0 && (options.levelsHpa || options.members)) {
        const pl = listed.filter((e) => e.levtype === 'pl' && e.param === 'u');
        const levels = [...new Set(pl.map((e) => e.level!))].sort((a, b) => b - a);
        const members = [...new Set(pl.map((e) => e.member))].sort((a, b) => a - b);
        throw new InputError(
          `${model.id} does not publish ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ` and ${missing.length - 4} more` : ''}: the index ${indexes} lists levels ${levels.join(', ')} hPa${model.ensemble ? `, members ${members[0]}–${members.at(-1)}` : ''}`,
          options.levelsHpa ? 'levels' : 'members',
          options.levelsHpa ?? options.members,
        );
      }
      if (missing.length > 0)
        throw new NotPublished(
          `the index ${indexes} lacks ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ` and ${missing.length - 4} more` : ''}`,
        );
      const pieces = (from: string, chosen: EcmwfIndexEntry[], isControl: boolean): Piece[] => {
        const gribUrl = from.replace(/\.index$/, '.grib2');
        return mergeRanges(chosen).map((r, k) => ({
          url: gribUrl,
          name: `f${three(step)}-${isControl ? 'control-' : ''}${k}.grib2`,
          range: { first: r.first, last: r.last },
          // The control from stream oper is a deterministic message until it is labelled.
          expect: chosen
            .filter((e) => e.offset >= r.first && e.offset <= r.last)
            .map((e) => ({
              shortName: e.param,
              level: e.level!,
              member: model.ensemble && !isControl ? e.member : null,
            })),
          ...(isControl ? { control: true } : {}),
        }));
      };
      plans.push({
        step,
        crop: true,
        // The control first, as in an ef file that holds it.
        pieces: [
          ...(control ? pieces(control.url, controlled.chosen, true) : []),
          ...pieces(url, perturbed.chosen, false),
        ],
      });
    }
    return {
      steps: plans,
      levelsHpa: [...selection!.levelsHpa],
      members: model.ensemble ? [...selection!.members] : null,
      source: base,
    };
  }
  const levels = options.levelsHpa ?? [...model.levelsHpa];
  if (model.id === 'icon-eu') {
    const names: Record<string, string> = { U: 'u', V: 'v', FI: 'z' };
    return {
      levelsHpa: levels,
      members: null,
      source: base,
      steps: steps.map((step) => ({
        step,
        crop: true,
        pieces: ICON_PARAMS.flatMap((param) =>
          levels.map((level) => ({
            url: iconEuUrl(base, cycle, step, level, param),
            name: `f${three(step)}-${param}-${level}.grib2.bz2`,
            bz2: true,
            expect: [{ shortName: names[param], level, member: null }],
          })),
        ),
      })),
    };
  }
  const wind = (member: number | null) =>
    levels.flatMap((level) => ['u', 'v', 'gh'].map((shortName) => ({ shortName, level, member })));
  if (model.id === 'gefs') {
    const members = options.members ?? [...(model.members ?? [])];
    return {
      levelsHpa: levels,
      members,
      source: base,
      steps: steps.map((step) => ({
        step,
        crop: false,
        pieces: members.map((member) => ({
          url: gefsFilterUrl(base, cycle, member, step, options.box, levels),
          name: `f${three(step)}-m${member}.grib2`,
          expect: wind(member),
        })),
      })),
    };
  }
  const gfsCycle = { date: cycle.name.slice(0, 8), hour: Number(cycle.name.slice(8)) };
  return {
    levelsHpa: levels,
    members: null,
    source: base,
    steps: steps.map((step) => ({
      step,
      crop: false,
      pieces: [
        {
          url: gfsFilterUrl(gfsCycle, step, options.box, levels, base),
          name: `f${three(step)}.grib2`,
          expect: wind(null),
        },
      ],
    })),
  };
}

/** A step's ECMWF index: the first of these streams the server has; NotPublished when none. */
async function ecmwfIndex(
  base: string,
  streams: { stream: string; type: string }[],
  cycle: Cycle,
  step: number,
  common: Parameters<typeof download>[1],
): Promise<{ entries: EcmwfIndexEntry[]; url: string }> {
  const tried: string[] = [];
  for (const { stream, type } of streams) {
    const url = ecmwfUrl(base, cycle, step, stream, type, 'index');
    try {
      const text = new TextDecoder().decode(await download(url, common));
      try {
        return { entries: parseEcmwfIndex(text), url };
      } catch (error) {
        throw new DownloadError(
          `the index ${url} is malformed: ${(error as Error).message}`,
          url,
          'malformed index',
        );
      }
    } catch (error) {
      if (!(error instanceof HttpStatusError && error.status === 404)) throw error;
      tried.push(url);
    }
  }
  throw new NotPublished(`step +${step} h: HTTP 404 for ${tried.join(' and ')}`);
}

/** Downloads, checks, crops and stores every step of a planned cycle. */
async function fetchCycle(
  model: ForecastModel,
  cycle: Cycle,
  plan: CyclePlan,
  options: ForecastFetchOptions,
  log: (line: string) => void,
  probeLastFirst: boolean,
): Promise<Omit<ForecastFetchResult, 'skipped'>> {
  const root = options.storeRoot ?? defaultStoreRoot();
  const dir = options.outDir ? resolve(options.outDir) : cycleDir(root, model.id, cycle.name);
  const partialDir = join(dir, '.partial');
  const box = options.box;
  const previous = await readCycleIndex(dir).catch(() => null);
  // Steps already held from an earlier fetch of the same cycle, box, levels and members are kept.
  const same =
    previous !== null &&
    previous.model === model.id &&
    previous.cycle === cycle.name &&
    JSON.stringify(previous.box) === JSON.stringify(box) &&
    JSON.stringify(previous.levelsHpa) === JSON.stringify(plan.levelsHpa) &&
    JSON.stringify(previous.members) === JSON.stringify(plan.members);
  const files: StoreFile[] = same ? [...previous.files] : [];
  const index: CycleIndex = {
    format: STORE_FORMAT,
    model: model.id,
    cycle: cycle.name,
    referenceTime: isoTimeText(cycle.timeSec, 'seconds'),
    source: plan.source,
    stepsWanted: plan.steps.map((s) => s.step),
    steps: [],
    members: plan.members,
    levelsHpa: plan.levelsHpa,
    box,
    files,
    complete: false,
    updated: '',
  };
  const held = new Set(files.map((f) => f.step));
  const todo = plan.steps.filter((s) => !held.has(s.step));
  // For "latest", the last step first: when the server lacks it, the cycle is not complete yet, and
  // that shows before anything is stored (ECMWF's indexes have already shown it).
  const order =
    probeLastFirst && todo.length > 1 && !model.id.startsWith('ecmwf')
      ? [todo[todo.length - 1], ...todo.slice(0, -1)]
      : todo;
  try {
    for (const [k, step] of order.entries()) {
      const { bytes, messages, received } = await fetchStep(model, cycle, step, partialDir, box, options);
      const name = `${model.id}.${cycle.name}.f${three(step.step)}.grib2`;
      const path = join(dir, name);
      await writeFileAtomic(path, bytes);
      const file: StoreFile = {
        path: name,
        step: step.step,
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        messages,
      };
      const at = files.findIndex((f) => f.step === step.step);
      if (at >= 0) files[at] = file;
      else files.push(file);
      files.sort((a, b) => a.step - b.step);
      index.steps = files.map((f) => f.step);
      await writeCycleIndex(dir, index);
      for (const piece of step.pieces) await rm(join(partialDir, piece.name), { force: true });
      log(
        `[${k + 1}/${order.length}] ${path} ${megabytes(bytes.length)}${received !== bytes.length ? ` (${megabytes(received)} received)` : ''}`,
      );
    }
    index.steps = files.map((f) => f.step);
    index.complete = plan.steps.every((s) => index.steps.includes(s.step));
    await writeCycleIndex(dir, index);
  } finally {
    // An empty .partial (nothing received) or cycle folder (nothing stored) is not left behind.
    await rmdir(partialDir).catch(() => {});
    if (files.length === 0 && !options.outDir)
      await rmdir(dir)
        .then(() => rmdir(dirname(dir)))
        .catch(() => {});
  }
  const wanted = new Set(plan.steps.map((s) => s.step));
  return {
    model: model.id,
    cycle: cycle.name,
    dir,
    paths: files.filter((f) => wanted.has(f.step)).map((f) => join(dir, f.path)),
    index,
  };
}

/** Runs tasks at most `limit` at a time, in order of start; the first failure stops the rest. */
async function inParallel<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await task(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** One step: its pieces downloaded (resuming), checked, cropped and joined. */
async function fetchStep(
  model: ForecastModel,
  cycle: Cycle,
  step: StepPlan,
  partialDir: string,
  box: LonLatBox,
  options: ForecastFetchOptions,
): Promise<{ bytes: Uint8Array; messages: number; received: number }> {
  const common = {
    timeoutMs: options.timeoutMs,
    attempts: options.attempts,
    backoffMs: options.backoffMs,
    signal: options.signal,
  };
  const parts: Uint8Array[] = new Array(step.pieces.length);
  let messages = 0;
  let received = 0;
  await inParallel([...step.pieces.keys()], options.concurrency ?? 4, async (k) => {
    const piece = step.pieces[k];
    const partial = join(partialDir, piece.name);
    for (let attempt = 1; ; attempt++) {
      let resumed = false;
      try {
        const result = await downloadToFile(piece.url, partial, {
          ...common,
          range: piece.range,
          onProgress: options.onProgress && ((n, total) => options.onProgress?.(piece.url, n, total)),
        });
        resumed = result.resumedFrom > 0;
        received += result.bytes;
      } catch (error) {
        if (error instanceof HttpStatusError && error.status === 404)
          throw new NotPublished(`step +${step.step} h: HTTP 404 for ${piece.url}`);
        throw error;
      }
      try {
        const raw = new Uint8Array(await readFile(partial));
        const grib = piece.bz2 ? decompress(raw) : raw;
        checkPiece(grib, piece, cycle, step.step, model);
        const kept = step.crop ? (await cropGrib2({ name: piece.url, bytes: grib }, box)).bytes : grib;
        parts[k] = piece.control ? asControlMember(kept) : kept;
        messages += piece.expect.length;
        return;
      } catch (error) {
        if (error instanceof NotPublished) throw error;
        // Bytes kept from an earlier attempt or run may not belong with the new ones: start over once.
        await rm(partial, { force: true });
        if (resumed && attempt === 1) continue;
        throw new DownloadError(
          `the server's answer for ${piece.url}${piece.range ? ` (bytes ${piece.range.first}-${piece.range.last})` : ''} is not the GRIB2 data asked for: ${(error as Error).message}`,
          piece.url,
          'invalid data',
        );
      }
    }
  });
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, messages, received };
}

function decompress(raw: Uint8Array): Uint8Array {
  try {
    return Bunzip.decode(raw, undefined, true);
  } catch (error) {
    throw new Error(`not a valid bzip2 file (${(error as Error).message ?? error})`);
  }
}

/**
 * The piece holds what was asked: GRIB2 messages whole (each from "GRIB" to "7777" at the length its
 * header states), of this cycle and step, with every field expected (parameter, level, member).
 */
function checkPiece(grib: Uint8Array, piece: Piece, cycle: Cycle, step: number, model: ForecastModel): void {
  let summary: Grib2MessageSummary[];
  try {
    summary = describeGrib2({ name: piece.url, bytes: grib }).messages;
  } catch (error) {
    if (error instanceof DecodeError) throw new Error(error.message);
    throw error;
  }
  const reference = isoTimeText(cycle.timeSec, 'seconds');
  const valid = isoTimeText(cycle.timeSec + step * 3600, 'seconds');
  for (const m of summary) {
    if (m.referenceTime !== reference || m.validTime !== valid)
      throw new Error(
        `message ${m.message} is of cycle ${m.referenceTime} valid ${m.validTime}, not cycle ${reference} +${step} h (${valid})`,
      );
  }
  const key = (shortName: string, level: number, member: number | null | undefined) =>
    `${shortName} ${level} hPa${member === null || member === undefined ? '' : ` member ${member}`}`;
  const held = new Set(
    summary
      .filter((m) => m.levelType === 'isobaric')
      .map((m) => key(m.shortName, m.level, model.ensemble ? m.member : null)),
  );
  const missing = piece.expect
    .filter((e) => !held.has(key(e.shortName, e.level, e.member)))
    .map((e) => key(e.shortName, e.level, e.member));
  if (missing.length > 0)
    throw new Error(
      `it lacks ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ` and ${missing.length - 4} more` : ''}`,
    );
}
