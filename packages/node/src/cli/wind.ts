import { resolve as resolvePath } from 'node:path';
import { describeWindFile } from '@balloon-sim/formats';
import {
  type CoordinateAxis,
  checkTimeZone,
  directionOfWind,
  InputError,
  isoTimeText,
  type LocalTimes,
  localTimes,
  nearestInBox,
  PressureGridWind,
  parseCoordinate,
  type WindCoverage,
  type WindField,
  windLines,
  windProvenance,
} from '@balloon-sim/sim-core';
import { fetchOpenMeteo } from '../fetch/fetch-wind.js';
import { fetchForecast } from '../fetch/forecast.js';
import { parseBox, parseHours } from '../fetch/gfs.js';
import { FORECAST_MODELS, forecastModel, parseModelCycle } from '../fetch/models.js';
import { defaultStoreRoot, listStore, pruneStore, STORE_ENV } from '../fetch/store.js';
import { loadWindFiles, readWindFiles } from '../load-wind.js';
import { type Command, type CommandContext, option, parse, required, UsageError } from './command.js';

const fetchUsage = `usage: balloon-sim wind fetch <model> --bbox LONMIN,LATMIN,LONMAX,LATMAX [--hours H | --start T --end T] [--store DIR | --out DIR] [options]
       balloon-sim wind fetch open-meteo --bbox LONMIN,LATMIN,LONMAX,LATMAX --step DEG --start YYYY-MM-DD --end YYYY-MM-DD --out FILE [options]

models: ${FORECAST_MODELS.join(', ')}
  ecmwf-hres, ecmwf-ens  ECMWF open data (IFS 0.25°; ENS every member): only the u, v, gh messages
                         of the pressure levels from 1000 to 500 hPa, by byte ranges of the .index
  icon-eu                DWD ICON-EU (0.0625°): one bz2 file per parameter (U, V, FI), level, step
  gefs                   NOAA GEFS (0.5°, control and 30 members) through the NOMADS grib filter
  gfs                    NOAA GFS (0.25°) through the NOMADS grib filter
Each cycle goes to the forecast store, <store>/<model>/<YYYYMMDDHH>/, one GRIB2 file per step (every
member and level in it, cropped to the box) and index.json (steps, members, levels, box, files with
size and SHA-256, complete or not); a scenario names it as {"type": "forecast", "model": …}.
  --cycle latest|YYYYMMDDHH   default latest: the newest cycle that should be complete; when the
                              server lacks a step or field of it, the previous one (said on stderr)
  --hours 0-24/3 or 0,6,12    forecast hours; or
  --start T --end T           the period to cover (ISO 8601 UTC): the steps around it. Neither: the
                              next 24 hours
  --levels 1000,850,700       pressure levels (hPa), default the model's from 1000 to 500 hPa
  --members 0-10 or 0,1,2     ensemble members, default all
  --store DIR                 the store (default $${STORE_ENV}, else
                              $XDG_CACHE_HOME/balloon-sim/forecasts or ~/.cache/balloon-sim/forecasts)
  --out DIR                   write the cycle's files and index.json here instead
An interrupted fetch keeps the bytes received (in the cycle's .partial/) and the next fetch of the
same cycle resumes them (HTTP Range); every file is written atomically.
open-meteo: downloads pressure-level winds for a lattice of points every --step degrees.
common options:
  --base-url URL      another server (a mirror, or a local one in tests)
  --timeout-sec N     per attempt, default 60 (for the downloads by file: without receiving a byte)
  --attempts N        for network errors and 5xx answers, default 3
Proxies: HTTPS_PROXY / HTTP_PROXY (or https_proxy / http_proxy) name one, NO_PROXY lists hosts that
bypass it. Exit 1 when the network or the server fails (the cause is named), 2 for bad options or a
cycle the server does not hold.`;

const common = {
  bbox: { type: 'string' },
  out: { type: 'string' },
  'base-url': { type: 'string' },
  'timeout-sec': { type: 'string' },
  attempts: { type: 'string' },
} as const;

function positiveNumber(text: unknown, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!(n > 0)) throw new UsageError(`--${name} must be a positive number, got "${text}"`);
  return n;
}

/** "0-10" or "0,1,2" as whole numbers; a UsageError naming the option otherwise. */
function wholeNumbers(text: string | undefined, name: string): number[] | undefined {
  if (text === undefined) return undefined;
  const range = /^(\d+)-(\d+)$/.exec(text);
  const list = range
    ? Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, k) => Number(range[1]) + k)
    : text.split(',').map((x) => (x.trim() === '' ? Number.NaN : Number(x)));
  if (list.length === 0 || list.some((x) => !Number.isInteger(x) || x < 0))
    throw new UsageError(`--${name} must be a list like 0,1,2 or a range like 0-10, got "${text}"`);
  return list;
}

/** An ISO 8601 time as s since the epoch, UTC unless it names a zone; a UsageError naming the option otherwise. */
function timeOption(text: string, name: string): number {
  const zoned = /([zZ]|[+-]\d{2}:?\d{2})$/.test(text) || !text.includes('T') ? text : `${text}Z`;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(zoned) : Number.NaN;
  if (!Number.isFinite(ms))
    throw new UsageError(`--${name} must be an ISO 8601 time such as 2025-10-24T06:00Z, got "${text}"`);
  return ms / 1000;
}

async function fetchCommand(args: string[], context: CommandContext): Promise<void> {
  const [source, ...rest] = args;
  if (source === '--help' || source === '-h' || source === undefined) return context.out(fetchUsage);
  const parsed = parse(
    rest,
    {
      ...common,
      cycle: { type: 'string', default: 'latest' },
      hours: { type: 'string' },
      step: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      levels: { type: 'string' },
      members: { type: 'string' },
      store: { type: 'string' },
    },
    fetchUsage,
  );
  if (parsed.values.help) return context.out(fetchUsage);
  const box = option(() => parseBox(required(parsed, 'bbox', fetchUsage)));
  const shared = {
    baseUrl: parsed.values['base-url'] as string | undefined,
    timeoutMs: positiveNumber(parsed.values['timeout-sec'], 'timeout-sec', 60) * 1000,
    attempts: Math.round(positiveNumber(parsed.values.attempts, 'attempts', 3)),
    signal: context.signal,
    log: context.note,
  };
  if ((FORECAST_MODELS as readonly string[]).includes(source)) {
    const model = option(() => forecastModel(source));
    const cycle = parsed.values.cycle as string;
    // Checked before any request: a malformed cycle is bad usage (exit 2), not a failed download.
    if (cycle !== 'latest') option(() => parseModelCycle(model, cycle));
    const { hours: hoursText, start, end, out, store } = parsed.values as Record<string, string | undefined>;
    if (hoursText !== undefined && (start !== undefined || end !== undefined))
      throw new UsageError(`give --hours or --start and --end, not both\n\n${fetchUsage}`);
    if ((start === undefined) !== (end === undefined))
      throw new UsageError(`--start and --end go together\n\n${fetchUsage}`);
    if (out !== undefined && store !== undefined)
      throw new UsageError(`give --out or --store, not both\n\n${fetchUsage}`);
    const hours = hoursText === undefined ? undefined : option(() => parseHours(hoursText));
    const period =
      start !== undefined && end !== undefined
        ? { startSec: timeOption(start, 'start'), endSec: timeOption(end, 'end') }
        : undefined;
    if (period && !(period.endSec > period.startSec))
      throw new UsageError(`--end must be after --start, got ${start} .. ${end}`);
    const levelsHpa = wholeNumbers(parsed.values.levels as string | undefined, 'levels');
    const members = wholeNumbers(parsed.values.members as string | undefined, 'members');
    if (members && !model.ensemble)
      throw new UsageError(`--members is for the ensembles (ecmwf-ens, gefs); ${model.id} has one forecast`);
    const result = await fetchForecast({
      ...shared,
      model: model.id,
      cycle,
      hours,
      period,
      box,
      levelsHpa,
      members,
      outDir: out,
      storeRoot: store === undefined ? defaultStoreRoot() : resolvePath(store),
      onProgress: progressNote(context),
    });
    context.out(
      `${model.id} cycle ${result.cycle}${result.index.complete ? '' : ' (incomplete)'} in ${result.dir}: steps ${result.index.steps.join(', ')}${result.index.members ? `, members ${result.index.members.join(', ')}` : ''}`,
    );
  } else if (source === 'open-meteo') {
    const result = await fetchOpenMeteo({
      ...shared,
      box,
      stepDeg: positiveNumber(required(parsed, 'step', fetchUsage), 'step', 0),
      startDate: required(parsed, 'start', fetchUsage),
      endDate: required(parsed, 'end', fetchUsage),
      out: required(parsed, 'out', fetchUsage),
    });
    context.out(`${result.points} points: ${result.path}`);
  } else {
    throw new UsageError(
      `unknown source "${source}": ${FORECAST_MODELS.join(', ')} or open-meteo\n\n${fetchUsage}`,
    );
  }
}

/** A progress line on stderr every 10 MB of a download (a large file shows it is moving). */
function progressNote(
  context: CommandContext,
): (url: string, received: number, total: number | null) => void {
  const shown = new Map<string, number>();
  return (url, received, total) => {
    const step = Math.floor(received / 10e6);
    if (step > (shown.get(url) ?? 0)) {
      shown.set(url, step);
      context.note(
        `  ${url.split('?')[0].split('/').at(-1)}: ${(received / 1e6).toFixed(0)} MB${total ? ` of ${(total / 1e6).toFixed(0)} MB` : ''}`,
      );
    }
  };
}

const storeUsage = `usage: balloon-sim wind store list [--store DIR] [--model M] [--json]
       balloon-sim wind store prune --keep N [--store DIR] [--model M]

list   the cycles of the forecast store, newest first per model: steps, members, size, complete or not
prune  removes all but the newest N cycles of each model (or of --model)
  --store DIR   default $${STORE_ENV}, else $XDG_CACHE_HOME/balloon-sim/forecasts or ~/.cache/balloon-sim/forecasts`;

async function storeCommand(args: string[], context: CommandContext): Promise<void> {
  const [action, ...rest] = args;
  if (action === undefined || action === '--help' || action === '-h') return context.out(storeUsage);
  const parsed = parse(
    rest,
    {
      store: { type: 'string' },
      model: { type: 'string' },
      keep: { type: 'string' },
      json: { type: 'boolean' },
    },
    storeUsage,
  );
  if (parsed.values.help) return context.out(storeUsage);
  const root =
    parsed.values.store === undefined ? defaultStoreRoot() : resolvePath(parsed.values.store as string);
  const modelText = parsed.values.model as string | undefined;
  const model = modelText === undefined ? undefined : option(() => forecastModel(modelText)).id;
  if (action === 'list') {
    const cycles = await listStore(root, model);
    if (parsed.values.json) {
      context.out(
        JSON.stringify(
          {
            store: root,
            cycles: cycles.map((c) => ({
              model: c.model,
              cycle: c.cycle,
              dir: c.dir,
              bytes: c.bytes,
              complete: c.index?.complete ?? false,
              steps: c.index?.steps ?? [],
              members: c.index?.members ?? null,
              levelsHpa: c.index?.levelsHpa ?? [],
              box: c.index?.box ?? null,
              problem: c.problem ?? null,
            })),
          },
          null,
          2,
        ),
      );
      return;
    }
    if (cycles.length === 0) return context.out(`${root}: no forecast cycles`);
    const lines = cycles.map((c) =>
      c.index
        ? `${c.model} ${c.cycle} ${c.index.complete ? 'complete  ' : 'incomplete'} steps ${c.index.steps.length}/${c.index.stepsWanted.length} (+${c.index.steps[0] ?? '-'}..+${c.index.steps.at(-1) ?? '-'} h)${c.index.members ? ` members ${c.index.members.length}` : ''} ${(c.bytes / 1e6).toFixed(1)} MB`
        : `${c.model} ${c.cycle} unreadable: ${c.problem}`,
    );
    context.out(`${root}:\n${lines.join('\n')}`);
  } else if (action === 'prune') {
    const keep = Number(required(parsed, 'keep', storeUsage));
    if (!Number.isInteger(keep) || keep < 0)
      throw new UsageError(`--keep must be a whole number ≥ 0, got "${parsed.values.keep}"`);
    const removed = await pruneStore(root, keep, model);
    context.out(
      removed.length === 0
        ? `${root}: nothing to prune`
        : `${root}: removed ${removed.map((c) => `${c.model} ${c.cycle}`).join(', ')} (${(removed.reduce((n, c) => n + c.bytes, 0) / 1e6).toFixed(1)} MB)`,
    );
  } else {
    throw new UsageError(`unknown wind store action "${action}": list or prune\n\n${storeUsage}`);
  }
}

const inspectUsage = `usage: balloon-sim wind inspect <file…> [--json] [--allow-mixed-runs] [--time-zone ZONE]

Lists what wind files hold: format; for GRIB2 every field (parameter, level, valid time, packing);
for NetCDF its dimensions and variables; the coverage of the wind field they make together, its
source (producer, forecast run, grid, levels, each file with its size and SHA-256: what a run's
provenance records), and warnings about it (gaps between time steps, several forecast runs). Times
of the coverage and the source in local time beside UTC (--time-zone, default Europe/Vilnius).
  --allow-mixed-runs  make one field of files from different forecast runs (refused by default:
                      their times would be interpolated across runs)`;

/** The decoders' mixedRuns option from --allow-mixed-runs. */
function mixedRunsOption(parsed: ReturnType<typeof parse>): { mixedRuns: 'allow' | 'refuse' } {
  return { mixedRuns: parsed.values['allow-mixed-runs'] ? 'allow' : 'refuse' };
}

/** The coverage as text; times ISO 8601 UTC, or local beside UTC with `times` (inspect's listing). */
function coverageText(c: WindCoverage, times?: LocalTimes): string {
  const at = (tSec: number) => (times ? times.stampSec(tSec) : isoTimeText(tSec));
  // A field of one time has no time range: it is held steady at every time.
  const time = Number.isFinite(c.tMinSec)
    ? `${at(c.tMinSec)} .. ${at(c.tMaxSec)}`
    : 'any (one time, held steady)';
  return `lon ${c.lonMin}..${c.lonMax}${c.wrapsLon ? ' (all)' : ''}, lat ${c.latMin}..${c.latMax}, altitude ${c.altMinM.toFixed(0)}..${c.altMaxM.toFixed(0)} m, time ${time}`;
}

async function inspectCommand(args: string[], context: CommandContext): Promise<void> {
  const parsed = parse(
    args,
    { json: { type: 'boolean' }, 'allow-mixed-runs': { type: 'boolean' }, 'time-zone': { type: 'string' } },
    inspectUsage,
  );
  if (parsed.values.help) return context.out(inspectUsage);
  const zone = parsed.values['time-zone'];
  const times = localTimes(zone === undefined ? undefined : checkTimeZone(String(zone), '--time-zone'));
  if (parsed.positionals.length === 0)
    throw new UsageError(`wind inspect takes one or more files\n\n${inspectUsage}`);
  const files = await readWindFiles(parsed.positionals);
  const described = await Promise.all(
    files.map(async (f) => ({ file: f.name, ...(await describeWindFile(f)) })),
  );
  let field: WindField | null = null;
  let fieldProblem: string | null = null;
  try {
    field = await loadWindFiles(parsed.positionals, mixedRunsOption(parsed));
  } catch (error) {
    fieldProblem = (error as Error).message;
  }
  if (parsed.values.json) {
    context.out(
      JSON.stringify({
        files: described,
        field: field
          ? {
              description: field.description,
              coverage: field.coverage,
              source: field.source ?? null,
              warnings: field.warnings ?? [],
            }
          : null,
        fieldProblem,
      }),
    );
    return;
  }
  for (const d of described) {
    context.out(`${d.file}: ${d.format}`);
    const details = d.details as {
      messages?: {
        index: number;
        shortName: string;
        levelType: string;
        level: number;
        validTime: string;
        template5: number;
        nx?: number;
        ny?: number;
      }[];
      skipped?: unknown[];
    };
    if (details.messages) {
      // Wind fields (u, v, gh) grouped by level type; everything else only counted by name.
      const wind = new Map<
        string,
        { levels: Set<number>; times: Set<string>; grid: string; packing: number }
      >();
      const others = new Map<string, number>();
      for (const m of details.messages) {
        if (!['u', 'v', 'gh'].includes(m.shortName)) {
          others.set(m.shortName, (others.get(m.shortName) ?? 0) + 1);
          continue;
        }
        const key = `${m.shortName} on ${m.levelType}`;
        const g = wind.get(key) ?? {
          levels: new Set(),
          times: new Set(),
          grid: `${m.nx}×${m.ny}`,
          packing: m.template5,
        };
        g.levels.add(m.level);
        g.times.add(m.validTime);
        wind.set(key, g);
      }
      context.out(
        `  ${details.messages.length} fields${details.skipped?.length ? `, ${details.skipped.length} skipped (unsupported product templates)` : ''}`,
      );
      for (const [key, g] of wind) {
        const levels = [...g.levels].sort((a, b) => a - b);
        const levelText =
          levels.length > 6 ? `${levels[0]}…${levels.at(-1)} (${levels.length} levels)` : levels.join(', ');
        context.out(
          `  ${key}: ${levelText}; grid ${g.grid}, packing 5.${g.packing}, valid ${[...g.times].join(', ')}`,
        );
      }
      if (others.size > 0)
        context.out(`  other fields: ${[...others].map(([name, n]) => `${name} ${n}`).join(', ')}`);
    } else {
      context.out(`  ${JSON.stringify(d.details, null, 2).split('\n').join('\n  ')}`);
    }
  }
  context.out(
    field
      ? `wind field: ${field.description}\n  ${coverageText(field.coverage, times)}`
      : `no wind field: ${fieldProblem}`,
  );
  if (field)
    for (const line of windLines(windProvenance(field), (iso) => times.stamp(iso))) context.out(`  ${line}`);
  for (const w of field?.warnings ?? []) context.out(`warning: ${w}`);
}

const sampleUsage = `usage: balloon-sim wind sample <file…> --lon X --lat Y (--level HPA | --alt M) --time ISO8601 [--json] [--clamp]

Prints u (east) and v (north) in m/s at one point, on a pressure level (exact on the file's levels)
or at an altitude above mean sea level. --json prints {"u": …, "v": …}, the point and what was clamped.
A point outside the data (the box, the times, the levels or the altitudes they span there) is
refused (exit 2, naming the coverage and the value asked) unless --clamp is given: then the nearest
edge is used, and stderr and the JSON say so. X and Y are decimal degrees (25.2875) or degrees,
minutes and seconds with the hemisphere (25°17′15″E, "54 38 13 N").
  --clamp             use the nearest point inside the data instead of refusing
  --allow-mixed-runs  accept files of different forecast runs (see "wind inspect")`;

/** --lon or --lat: decimal degrees, or degrees, minutes and seconds (parseCoordinate). */
function coordinateOption(parsed: ReturnType<typeof parse>, axis: CoordinateAxis): number | undefined {
  const text = parsed.values[axis];
  return text === undefined ? undefined : parseCoordinate(String(text), axis, `--${axis}`);
}

function numberOption(parsed: ReturnType<typeof parse>, name: string): number | undefined {
  const text = parsed.values[name];
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${text}"`);
  return n;
}

/** One coordinate of a sample point moved inside the data by --clamp. */
interface Clamp {
  name: 'lon' | 'lat' | 'time' | 'levelHpa' | 'altM';
  asked: number | string;
  used: number | string;
  /** The range the data cover, in the coordinate's unit (ISO times for time). */
  range: [number | string, number | string];
}

async function sampleCommand(args: string[], context: CommandContext): Promise<void> {
  const parsed = parse(
    args,
    {
      lon: { type: 'string' },
      lat: { type: 'string' },
      level: { type: 'string' },
      alt: { type: 'string' },
      time: { type: 'string' },
      json: { type: 'boolean' },
      clamp: { type: 'boolean' },
      'allow-mixed-runs': { type: 'boolean' },
    },
    sampleUsage,
  );
  if (parsed.values.help) return context.out(sampleUsage);
  if (parsed.positionals.length === 0)
    throw new UsageError(`wind sample takes one or more files\n\n${sampleUsage}`);
  const lonAsked = coordinateOption(parsed, 'lon');
  const latAsked = coordinateOption(parsed, 'lat');
  const level = numberOption(parsed, 'level');
  const alt = numberOption(parsed, 'alt');
  if (lonAsked === undefined || latAsked === undefined)
    throw new UsageError(`--lon and --lat are required\n\n${sampleUsage}`);
  if ((level === undefined) === (alt === undefined))
    throw new UsageError(`give one of --level or --alt\n\n${sampleUsage}`);
  if (level !== undefined && !(level > 0))
    throw new UsageError(`--level must be a pressure > 0 hPa, got ${level}`);
  const timeText = required(parsed, 'time', sampleUsage);
  const tAsked = Date.parse(timeText) / 1000;
  if (!Number.isFinite(tAsked))
    throw new UsageError(`--time must be an ISO 8601 date-time, got "${timeText}"`);
  const field = await loadWindFiles(parsed.positionals, mixedRunsOption(parsed));
  if (level !== undefined && !(field instanceof PressureGridWind))
    throw new UsageError(`--level needs pressure-level data; ${field.description} is not: use --alt`);
  const c = field.coverage;
  const clamps: Clamp[] = [];

  // The box: a point outside it would get the value of the nearest edge without saying so.
  const near = nearestInBox(c, lonAsked, latAsked);
  const lon = near.lon;
  const lat = near.lat;
  if (latAsked !== lat) clamps.push({ name: 'lat', asked: latAsked, used: lat, range: [c.latMin, c.latMax] });
  if (lonAsked !== lon) clamps.push({ name: 'lon', asked: lonAsked, used: lon, range: [c.lonMin, c.lonMax] });
  // The times: outside them the first or last time's values would hold.
  const tSec = Math.min(c.tMaxSec, Math.max(c.tMinSec, tAsked));
  if (tSec !== tAsked)
    clamps.push({
      name: 'time',
      asked: isoTimeText(tAsked),
      used: isoTimeText(tSec),
      range: [isoTimeText(c.tMinSec), isoTimeText(c.tMaxSec)],
    });
  // The vertical: the file's pressure levels, or the altitudes they span at this point and time.
  let levelUsed = level;
  let altUsed = alt;
  if (level !== undefined && field instanceof PressureGridWind) {
    const p = field.pressuresHpa;
    const [low, high] = [p[p.length - 1], p[0]];
    levelUsed = Math.min(high, Math.max(low, level));
    if (levelUsed !== level)
      clamps.push({ name: 'levelHpa', asked: level, used: levelUsed, range: [low, high] });
  } else if (alt !== undefined) {
    const [bottom, top] = altitudeRange(field, lon, lat, tSec);
    altUsed = Math.min(top, Math.max(bottom, alt));
    if (altUsed !== alt) clamps.push({ name: 'altM', asked: alt, used: altUsed, range: [bottom, top] });
  }
  if (clamps.length > 0 && !parsed.values.clamp)
    throw new InputError(
      `the point lies outside the wind data: ${clamps.map(clampText).join('; ')}. Data: ${coverageText(c)}. Give a point inside, or --clamp to use the nearest edge`,
      clamps[0].name,
      clamps[0].asked,
    );
  for (const k of clamps) context.note(`clamped: ${clampText(k)}; using ${k.used}`);

  const out = new Float64Array(2);
  if (levelUsed !== undefined) (field as PressureGridWind).sampleOnLevel(lon, lat, levelUsed, tSec, out);
  else field.sample(lon, lat, altUsed!, tSec, out);
  const [u, v] = [out[0], out[1]];
  if (!Number.isFinite(u) || !Number.isFinite(v))
    throw new InputError(
      `the wind data have no value at this point (u = ${u}, v = ${v}): the files hold missing values around it`,
      'wind',
      { u, v },
    );
  if (parsed.values.json) {
    context.out(
      JSON.stringify({
        u,
        v,
        lon,
        lat,
        ...(levelUsed !== undefined ? { levelHpa: levelUsed } : { altM: altUsed }),
        time: isoTimeText(tSec),
        clamped: clamps,
      }),
    );
    return;
  }
  const { directionDeg, speedMps } = directionOfWind(u, v);
  context.out(
    `u = ${u.toFixed(3)} m/s, v = ${v.toFixed(3)} m/s (${speedMps.toFixed(2)} m/s from ${directionDeg.toFixed(0)}°)${clamps.length > 0 ? ` at the clamped point ${lon}, ${lat}, ${levelUsed !== undefined ? `${levelUsed} hPa` : `${altUsed} m`}, ${isoTimeText(tSec)}` : ''}`,
  );
}

const clampText = (k: Clamp) => {
  const names = {
    lon: 'longitude',
    lat: 'latitude',
    time: 'time',
    levelHpa: 'level (hPa)',
    altM: 'altitude (m)',
  };
  const range = k.name === 'altM' ? k.range.map((x) => (x as number).toFixed(0)) : k.range;
  return `${names[k.name]} ${k.asked} is outside ${range[0]}..${range[1]}${k.name === 'altM' ? " (the levels' heights at this point and time)" : ''}`;
};

/** Altitudes (m AMSL) a field holds data for at a point: the heights of its end levels there. */
function altitudeRange(field: WindField, lon: number, lat: number, tSec: number): [number, number] {
  if (field instanceof PressureGridWind) {
    const p = field.pressuresHpa;
    return [
      field.pressureLevelAltitudeM(lon, lat, p[0], tSec),
      field.pressureLevelAltitudeM(lon, lat, p[p.length - 1], tSec),
    ];
  }
  return [field.coverage.altMinM, field.coverage.altMaxM];
}

const windUsage = `usage: balloon-sim wind <fetch|inspect|sample> …

  fetch     download real forecasts (ECMWF HRES/ENS, ICON-EU, GEFS, GFS into the store; Open-Meteo)
  store     list or prune the forecast store
  inspect   list what wind files hold and the coverage of their field
  sample    print u and v at one point

Formats read (detected from the content): GRIB2, NetCDF3/NetCDF4 (ERA5 layout), grib2json,
Open-Meteo JSON, Wyoming TEXT:LIST soundings, balloon-sim wind grid JSON.
Run "balloon-sim wind <subcommand> --help" for options.`;

export const windCommand: Command = {
  summary: 'wind data: fetch forecasts, inspect files, sample a point',
  usage: windUsage,
  async run(args, context) {
    const [sub, ...rest] = args;
    if (sub === undefined || sub === '--help' || sub === '-h') return context.out(windUsage);
    if (sub === 'fetch') return fetchCommand(rest, context);
    if (sub === 'store') return storeCommand(rest, context);
    if (sub === 'inspect') return inspectCommand(rest, context);
    if (sub === 'sample') return sampleCommand(rest, context);
    throw new UsageError(`unknown wind subcommand "${sub}"\n\n${windUsage}`);
  },
};
