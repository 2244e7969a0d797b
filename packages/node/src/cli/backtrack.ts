import { dirname, resolve } from 'node:path';
import {
  type AltitudeBand,
  BACKTRACK_DEFAULTS,
  type BacktrackOptions,
  type BacktrackResult,
  backtrack,
  backtrackSummary,
  DEFAULT_FLOAT_ALTITUDES,
  type Detection,
  type LaunchCell,
  type LaunchWindow,
  type LocalTimes,
  localTimes,
  minOf,
  NIGHT_WINDOW_DEFAULTS,
  parseCoordinate,
  provenanceLines,
  SCENARIO_DEFAULTS,
  validateScenario,
  type WindField,
} from '@balloon-sim/sim-core';
import { readInput } from '../files.js';
import {
  BUNDLED_REGIONS,
  type BundledRegion,
  loadLaunchRegion,
  type RegionSource,
} from '../launch-region.js';
import { loadScenarioWind, loadWindFiles } from '../load-wind.js';
import { backtrackProvenance, runTime, toolInfo } from '../provenance.js';
import { type Command, parse, UsageError } from './command.js';

const bandsText = (bands: readonly AltitudeBand[]) =>
  bands.map((b) => `${b.fromM}-${b.toM}${b.weight === 1 ? '' : `:${b.weight}`}`).join(',');

const usage = `usage: balloon-sim backtrack (--wind FILE [--wind FILE…] | --wind-source FILE) --detection LON,LAT,ALT_M,TIME [--detection …] [options]

From radar detections of one balloon, where and when was it launched? Backward members from the
detections, weighted by three priors (where launches happen, when, how high balloons float) and by
how well they pass every detection, give a posterior over launch cells and times; forward runs from
around the likely launches, kept where they pass the detections within their σ, check it.
  --detection LON,LAT,ALT_M,TIME   degrees, m above mean sea level, ISO 8601 (repeat for a track);
                            LON and LAT in decimal degrees (25.2875) or degrees, minutes and
                            seconds with the hemisphere (25°17′15″E, "25 17 15 E")
  --sigma-position-m M      1 σ of the detected position (default 1000)
  --sigma-alt-m M           1 σ of the altitude (default 200)
  --sigma-time-sec S        1 σ of the time (default 120)
priors:
  --region ID|FILE          where launches happen: a bundled region, ${BUNDLED_REGIONS.join(' or ')}
                            (default by-border-strip: Belarus 2–30 km from the Lithuanian border),
                            a GeoJSON (Multi)Polygon file, or "anywhere"
  --launch-window START/END ISO 8601 times (default: from ${NIGHT_WINDOW_DEFAULTS.startHourLocal}:00 local time on the
                            evening before the first detection, to the detection)
  --time-zone ZONE          the local time of the default window and of the text output
                            (default ${NIGHT_WINDOW_DEFAULTS.timeZone})
  --window-start-hour H     the local hour the default window opens (default ${NIGHT_WINDOW_DEFAULTS.startHourLocal})
  --float-altitudes BANDS   float-altitude prior, m: FROM-TO[:WEIGHT] bands, weight a relative density
                            per metre (default ${bandsText(DEFAULT_FLOAT_ALTITUDES)})
  --float-altitude M        a known float altitude (m): replaces the prior and the fit
  --max-float-hours H       longest float before the first detection (default: the window bounds it)
members:
  --members N               backward members (default ${BACKTRACK_DEFAULTS.members}); with forecast members, split
                            among them by weight, at least one each
  --forward-members N       launches of the forward check (default ${BACKTRACK_DEFAULTS.forwardMembers}; 0 skips it), split alike
  --ascent-rate MPS         ascent after launch (default ${BACKTRACK_DEFAULTS.ascentRateMps})
  --seed N                  (default ${SCENARIO_DEFAULTS.seed})
  --allow-mixed-runs        make one wind of files from different forecast runs (refused by default)
forecast members (each back-tracked on its own, the answer their weight mixture):
  --forecast-members all|N,N…  the members of a multi-member --wind file (ensemble GRIB2, NetCDF)
  --grid-offset             the --wind field as 27 copies displaced by ±1 grid cell and ±250 m
  --wind-source FILE        the wind as a scenario gives it: a JSON file holding a scenario's "wind"
                            (a forecast with "members" or "lagged", an "ensemble" with "weights"…),
                            or a scenario file, whose wind is taken; paths relative to its folder
  --json                    print the result as one JSON document`;

function parseDetection(
  text: string,
  k: number,
  sigmas: { position: number; alt: number; time: number },
): Detection {
  const parts = text.split(',');
  if (parts.length !== 4)
    throw new UsageError(`--detection ${k + 1} must be LON,LAT,ALT_M,TIME, got "${text}"`);
  const lon = parseCoordinate(parts[0], 'lon', `--detection ${k + 1} longitude`);
  const lat = parseCoordinate(parts[1], 'lat', `--detection ${k + 1} latitude`);
  const altText = parts[2].trim();
  const altM = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(altText) ? Number(altText) : Number.NaN;
  const tSec = Date.parse(parts[3]) / 1000;
  if (!Number.isFinite(altM))
    throw new UsageError(`--detection ${k + 1}: the altitude must be a number of metres, got "${parts[2]}"`);
  if (!Number.isFinite(tSec))
    throw new UsageError(`--detection ${k + 1}: time must be ISO 8601, got "${parts[3]}"`);
  return {
    lon,
    lat,
    altM,
    tSec,
    sigmaPositionM: sigmas.position,
    sigmaAltM: sigmas.alt,
    sigmaTimeSec: sigmas.time,
  };
}

function num(value: unknown, name: string, fallback: number): number;
function num(value: unknown, name: string, fallback?: number): number | undefined;
function num(value: unknown, name: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const text = String(value).trim();
  const n = text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${value}"`);
  return n;
}

/** `FROM-TO[:WEIGHT],…` → bands (weight 1 unless given). */
function parseBands(text: string): AltitudeBand[] {
  return text.split(',').map((part) => {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*(?::\s*(\d+(?:\.\d+)?))?\s*$/.exec(part);
    if (!m)
      throw new UsageError(
        `--float-altitudes must be FROM-TO[:WEIGHT] bands in m, comma-separated (e.g. 1000-3000,3000-4000:3), got "${part}"`,
      );
    return { fromM: Number(m[1]), toM: Number(m[2]), weight: m[3] === undefined ? 1 : Number(m[3]) };
  });
}

function parseWindow(text: string): LaunchWindow {
  const [start, end, extra] = text.split('/');
  const startSec = Date.parse(start ?? '') / 1000;
  const endSec = Date.parse(end ?? '') / 1000;
  if (extra !== undefined || !Number.isFinite(startSec) || !Number.isFinite(endSec))
    throw new UsageError(
      `--launch-window must be two ISO 8601 times START/END (2025-10-24T15:00:00Z/2025-10-24T21:00:00Z), got "${text}"`,
    );
  return { startSec, endSec };
}

function parseRegion(text: string): RegionSource | null {
  if (text === 'anywhere') return null;
  if ((BUNDLED_REGIONS as readonly string[]).includes(text)) return { bundled: text as BundledRegion };
  return { file: text };
}

/** A 90 % interval of launch times, local time with UTC beside it; "-" without one. */
const interval = (times: LocalTimes, from: string | null, to: string | null) =>
  from === null || to === null ? '-' : times.span(from, to);

/** A launch area: a circle to search, its mass and launch times, where it lies from the detection. */
function areaLine(a: BacktrackResult['areas'][number], rank: number, times: LocalTimes): string {
  return `  ${rank}. ${a.lon.toFixed(3)}, ${a.lat.toFixed(3)}  within ${a.radiusKm} km: ${(100 * a.probability).toFixed(1)} %${rank > 1 ? ` (${(100 * a.addedProbability).toFixed(1)} % not in those above)` : ''}  launched ${times.stamp(a.medianLaunch)}, 90 % ${interval(times, a.launchFrom, a.launchTo)}  ${a.distanceKm.toFixed(1)} km at ${a.bearingDeg}° from the first detection`;
}

function cellLine(c: LaunchCell, rank: number, times: LocalTimes): string {
  return `  ${rank}. ${c.lon.toFixed(3)}, ${c.lat.toFixed(3)}  ${(100 * c.probability).toFixed(1)} %  launched ${times.stamp(c.medianLaunch)}, 90 % ${interval(times, c.launchFrom, c.launchTo)}  ${c.distanceKm.toFixed(1)} km at ${c.bearingDeg}° from the first detection`;
}

/** `all` or `0,3,…`: the members of a multi-member file, as a scenario's `members`. */
function parseMembers(text: string): 'all' | number[] {
  if (text === 'all') return 'all';
  const list = text.split(',').map((x) => (/^\s*\d+\s*$/.test(x) ? Number(x) : Number.NaN));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n)))
    throw new UsageError(
      `--forecast-members must be "all" or member numbers N,N,… (0 the control), got "${text}"`,
    );
  return list;
}

/**
 * The wind of a back-track: the --wind files as one field (as before), the same files as several
 * forecast members (--forecast-members, --grid-offset: the scenario's file source with those keys),
 * or a scenario's wind source from a file (--wind-source), checked by the scenario schema.
 */
async function backtrackWind(
  winds: string[],
  sourceFile: string | undefined,
  o: { mixedRuns: 'allow' | 'refuse'; members: string | undefined; gridOffset: boolean },
): Promise<WindField> {
  if (sourceFile === undefined && o.members === undefined && !o.gridOffset)
    return loadWindFiles(winds, { mixedRuns: o.mixedRuns });
  let source: unknown;
  let baseDir = process.cwd();
  if (sourceFile !== undefined) {
    if (o.members !== undefined || o.gridOffset)
      throw new UsageError(
        '--forecast-members and --grid-offset go with --wind files; in a --wind-source file write them as the source\'s "members" and "gridOffset"',
      );
    const doc = JSON.parse((await readInput(sourceFile, 'wind source file')).toString('utf8')) as unknown;
    // A scenario file gives its wind; anything else is the wind source itself.
    source = doc && typeof doc === 'object' && 'wind' in doc && 'launch' in doc ? doc.wind : doc;
    baseDir = dirname(resolve(sourceFile));
  } else
    source = {
      type: 'file',
      paths: winds.map((w) => resolve(w)),
      mixedRuns: o.mixedRuns,
      ...(o.members === undefined ? {} : { members: parseMembers(o.members) }),
      ...(o.gridOffset ? { gridOffset: true } : {}),
    };
  // Checked by the scenario schema (its messages and paths) inside a carrier scenario, as the
  // server checks a back-track's wind.
  const carrier = validateScenario({
    wind: source,
    launch: { sites: [{ id: 'detection', lon: 0, lat: 0 }], times: { start: '2000-01-01T00:00:00Z' } },
    flight: { floatAltitudeM: 1000 },
    solver: { durationSec: 60 },
  });
  return loadScenarioWind(carrier.wind, baseDir);
}

/** The forecast members of a back-track through several: each one's best estimate and share, and the sentence. */
function forecastLines(result: BacktrackResult, times: LocalTimes): string[] {
  const f = result.forecast;
  if (!f) return [];
  return [
    `forecast members: ${f.members.length}, each back-tracked on its own; the figures above are their weight mixture (a member's share of the mass is its weight's share among those placing a launch)`,
    ...f.members.map(
      (m, k) =>
        `  ${k + 1}. ${m.label}: ${(100 * m.share).toFixed(1)} % of the mass (weight ${m.weight}, ${m.members} backward members, effective ${Math.round(m.effectiveSamples)})${
          m.best && m.bestCell
            ? `; best estimate ${m.best.lon.toFixed(3)}, ${m.best.lat.toFixed(3)} (${m.best.distanceKm.toFixed(1)} km at ${m.best.bearingDeg}°), launched ${times.stamp(m.best.medianLaunch)}; best cell ${m.bestCell.lon.toFixed(3)}, ${m.bestCell.lat.toFixed(3)} (${(100 * m.bestCell.probability).toFixed(1)} % of its own mass)`
            : '; no launch inside the priors'
        }`,
    ),
    // The sentence stands here unless the warnings below carry it (members that disagree).
    ...(result.warnings.includes(f.sentence) ? [] : [f.sentence]),
  ];
}

export const backtrackCommand: Command = {
  summary: 'from radar detections, where and when was the balloon launched',
  usage,
  async run(args, { out }) {
    const parsed = parse(
      args,
      {
        wind: { type: 'string', multiple: true },
        detection: { type: 'string', multiple: true },
        'sigma-position-m': { type: 'string' },
        'sigma-alt-m': { type: 'string' },
        'sigma-time-sec': { type: 'string' },
        region: { type: 'string' },
        'launch-window': { type: 'string' },
        'time-zone': { type: 'string' },
        'window-start-hour': { type: 'string' },
        'float-altitudes': { type: 'string' },
        'float-altitude': { type: 'string' },
        members: { type: 'string' },
        'forward-members': { type: 'string' },
        'max-float-hours': { type: 'string' },
        'ascent-rate': { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
        'allow-mixed-runs': { type: 'boolean' },
        'forecast-members': { type: 'string' },
        'grid-offset': { type: 'boolean' },
        'wind-source': { type: 'string' },
      },
      usage,
    );
    if (parsed.values.help) return out(usage);
    const winds = (parsed.values.wind as string[] | undefined) ?? [];
    const texts = (parsed.values.detection as string[] | undefined) ?? [];
    const v = parsed.values;
    const windSource = v['wind-source'] as string | undefined;
    if ((winds.length === 0 && windSource === undefined) || texts.length === 0)
      throw new UsageError(`--wind (or --wind-source) and --detection are required\n\n${usage}`);
    if (winds.length > 0 && windSource !== undefined)
      throw new UsageError('give the wind once: --wind FILE… or --wind-source FILE, not both');
    const sigmas = {
      position: num(v['sigma-position-m'], 'sigma-position-m', 1000),
      alt: num(v['sigma-alt-m'], 'sigma-alt-m', 200),
      time: num(v['sigma-time-sec'], 'sigma-time-sec', 120),
    };
    const detections = texts.map((t, k) => parseDetection(t, k, sigmas));
    const timeZone = (v['time-zone'] as string | undefined) ?? NIGHT_WINDOW_DEFAULTS.timeZone;
    const regionSource = parseRegion((v.region as string | undefined) ?? 'by-border-strip');
    const launchWindow =
      v['launch-window'] === undefined ? undefined : parseWindow(v['launch-window'] as string);
    const floatAltitudes =
      v['float-altitudes'] === undefined ? undefined : parseBands(v['float-altitudes'] as string);
    const maxFloatHours = num(v['max-float-hours'], 'max-float-hours');
    const forwardMembers = num(v['forward-members'], 'forward-members', BACKTRACK_DEFAULTS.forwardMembers);
    const wind = await backtrackWind(winds, windSource, {
      mixedRuns: v['allow-mixed-runs'] ? 'allow' : 'refuse',
      members: v['forecast-members'] as string | undefined,
      gridOffset: v['grid-offset'] === true,
    });
    const region = regionSource === null ? null : await loadLaunchRegion(regionSource, process.cwd());
    const options: BacktrackOptions = {
      wind,
      detections,
      region,
      launchWindow,
      timeZone,
      windowStartHourLocal: num(v['window-start-hour'], 'window-start-hour'),
      floatAltitudes,
      floatAltitudeM: num(v['float-altitude'], 'float-altitude'),
      members: Math.round(num(v.members, 'members', BACKTRACK_DEFAULTS.members)),
      maxFloatSec: maxFloatHours === undefined ? undefined : maxFloatHours * 3600,
      ascentRateMps: num(v['ascent-rate'], 'ascent-rate', BACKTRACK_DEFAULTS.ascentRateMps),
      seed: Math.round(num(v.seed, 'seed', SCENARIO_DEFAULTS.seed)),
      forward: forwardMembers === 0 ? false : { members: Math.round(forwardMembers) },
    };
    const result = backtrack(options);
    const provenance = backtrackProvenance(options, result, { runTime: runTime(), tool: toolInfo() });
    const summary = { ...backtrackSummary(result), provenance };
    if (v.json) return out(JSON.stringify(summary));
    const times = localTimes(timeZone);
    const [producedBy, ...about] = provenanceLines(provenance, times.stamp);
    const p = result.priors;
    const altitudes =
      p.floatAltitudeM !== null
        ? `float altitude ${p.floatAltitudeM} m (given)`
        : p.floatAltitudes
          ? `float altitudes ${p.floatAltitudes.map((b) => `${b.fromM}–${b.toM} m${b.weight === 1 ? '' : ` ×${b.weight}`}`).join(', ')} (relative density per metre)`
          : 'float altitude from the detections alone';
    const f = result.forward;
    const a = result.agreement;
    const lines = [
      producedBy,
      ...about.map((line) => `  ${line}`),
      `priors: launch region ${p.region ? `${p.region.id} (${p.region.name})` : 'anywhere'}; launch window ${times.stamp(p.launchWindow.start)} to ${times.stamp(p.launchWindow.end)} (${p.launchWindow.rule})${p.maxFloatSec === null ? '' : `, at most ${p.maxFloatSec / 3600} h of float`}; ${altitudes}`,
      `float altitude ${result.floatAltitudeM} m (posterior median)${result.altitudeFit ? `; the track alone fits ${result.altitudeFit.reduce((b, x) => (x.rmsKm < b.rmsKm ? x : b)).altM} m (RMS ${minOf(result.altitudeFit.map((x) => x.rmsKm)).toFixed(1)} km over ${detections.length} detections)` : ''}`,
      `${result.members} backward members: ${result.candidates} launch candidates traced down, ${result.reachedGround} reached the ground, ${result.plausible} inside the priors (effective ${Math.round(result.effectiveSamples)})`,
      `launch time ${times.stamp(result.medianLaunch)}, 90 % between ${times.stamp(result.launchFrom)} and ${times.stamp(result.launchTo)}`,
      `where to look, best estimate first (the posterior's medoid, then the circles adding the most mass):`,
      ...(result.areas.length === 0 ? ['  none'] : result.areas.map((a, k) => areaLine(a, k + 1, times))),
      `most likely launch cells (${BACKTRACK_DEFAULTS.cellDeg}°), by posterior mass:`,
      ...(result.mostLikely.length === 0
        ? ['  none']
        : result.mostLikely.map((c, k) => cellLine(c, k + 1, times))),
      ...(f
        ? [
            `forward check: ${f.run} launches run from around those cells, ${f.kept} kept (passing every detection within ${BACKTRACK_DEFAULTS.acceptSigmas} σ; effective ${Math.round(f.effectiveSamples)}); its best estimate and cells:`,
            ...(f.areas.length === 0 ? [] : [areaLine(f.areas[0], 1, times)]),
            ...(f.mostLikely.length === 0
              ? ['  none']
              : f.mostLikely.map((c, k) => cellLine(c, k + 1, times))),
          ]
        : ['forward check: off']),
      ...(a
        ? [
            `agreement: best estimates ${a.bestDistanceKm.toFixed(1)} km apart, ${a.topCellsShared} of the top ${a.topCellsCompared} cells shared, mass overlap ${a.massOverlap.toFixed(2)}${a.launchDifferenceMin === null ? '' : `, launch times ${Math.abs(a.launchDifferenceMin)} min apart`}: ${a.agree ? 'the two methods agree' : 'THE TWO METHODS DISAGREE'}`,
          ]
        : []),
      ...forecastLines(result, times),
      ...result.warnings.map((w) => `warning: ${w}`),
    ];
    out(lines.join('\n'));
  },
};
