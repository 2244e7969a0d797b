import { resolve } from 'node:path';
import {
  BACKTRACK_DEFAULTS,
  backtrack,
  backtrackSummary,
  countryAreas,
  type Detection,
  localTimes,
  minOf,
  parseCoordinate,
  provenanceLines,
  SCENARIO_DEFAULTS,
} from '@balloon-sim/sim-core';
import { parseJson, readInput } from '../files.js';
import { BUNDLED_GEOGRAPHY_DIR } from '../geography.js';
import { loadWindFiles } from '../load-wind.js';
import { backtrackProvenance, runTime, toolInfo } from '../provenance.js';
import { type Command, parse, UsageError } from './command.js';

const usage = `usage: balloon-sim backtrack --wind FILE [--wind FILE…] --detection LON,LAT,ALT_M,TIME [--detection …] [options]

Traces a detected balloon back to where it was probably launched: backward ensemble members float
back for up to --max-float-hours, then trace the ascent back to the ground. Launch points inside
Belarus count as plausible and form the launch-area probability grid. With several detections of one
balloon, its float altitude is fitted first.
  --detection LON,LAT,ALT_M,TIME   degrees, m above mean sea level, ISO 8601 (repeat for a track);
                            LON and LAT in decimal degrees (25.2875) or degrees, minutes and
                            seconds with the hemisphere (25°17′15″E, "25 17 15 E")
  --sigma-position-m M      1 σ of the detected position (default 1000)
  --sigma-alt-m M           1 σ of the altitude (default 200)
  --sigma-time-sec S        1 σ of the time (default 120)
  --members N               backward members (default ${BACKTRACK_DEFAULTS.members})
  --max-float-hours H       longest float before the detection (default ${BACKTRACK_DEFAULTS.maxFloatSec / 3600})
  --ascent-rate MPS         ascent after launch (default ${BACKTRACK_DEFAULTS.ascentRateMps})
  --seed N                  (default ${SCENARIO_DEFAULTS.seed})
  --allow-mixed-runs        make one wind of files from different forecast runs (refused by default)
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

function num(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${value}"`);
  return n;
}

export const backtrackCommand: Command = {
  summary: 'from radar detections, where was the balloon launched',
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
        members: { type: 'string' },
        'max-float-hours': { type: 'string' },
        'ascent-rate': { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
        'allow-mixed-runs': { type: 'boolean' },
      },
      usage,
    );
    if (parsed.values.help) return out(usage);
    const winds = (parsed.values.wind as string[] | undefined) ?? [];
    const texts = (parsed.values.detection as string[] | undefined) ?? [];
    if (winds.length === 0 || texts.length === 0)
      throw new UsageError(`--wind and --detection are required\n\n${usage}`);
    const v = parsed.values;
    const sigmas = {
      position: num(v['sigma-position-m'], 'sigma-position-m', 1000),
      alt: num(v['sigma-alt-m'], 'sigma-alt-m', 200),
      time: num(v['sigma-time-sec'], 'sigma-time-sec', 120),
    };
    const detections = texts.map((t, k) => parseDetection(t, k, sigmas));
    const wind = await loadWindFiles(winds, {
      mixedRuns: v['allow-mixed-runs'] ? 'allow' : 'refuse',
    });
    const countriesPath = resolve(BUNDLED_GEOGRAPHY_DIR, 'countries.json');
    const origin = countryAreas(
      parseJson((await readInput(countriesPath, 'geography file')).toString('utf8'), countriesPath),
      countriesPath,
      ['BY'],
    ).find((c) => c.id === 'BY');
    const options = {
      wind,
      detections,
      members: Math.round(num(v.members, 'members', BACKTRACK_DEFAULTS.members)),
      maxFloatSec: num(v['max-float-hours'], 'max-float-hours', BACKTRACK_DEFAULTS.maxFloatSec / 3600) * 3600,
      ascentRateMps: num(v['ascent-rate'], 'ascent-rate', BACKTRACK_DEFAULTS.ascentRateMps),
      seed: Math.round(num(v.seed, 'seed', SCENARIO_DEFAULTS.seed)),
      plausible: origin ? (lon: number, lat: number) => origin.contains(lon, lat) : undefined,
    };
    const result = backtrack(options);
    const provenance = backtrackProvenance(options, { runTime: runTime(), tool: toolInfo() });
    const summary = { ...backtrackSummary(result), provenance };
    if (v.json) return out(JSON.stringify(summary));
    const [producedBy, ...about] = provenanceLines(provenance, localTimes().stamp);
    const lines = [
      producedBy,
      ...about.map((line) => `  ${line}`),
      `float altitude ${result.floatAltitudeM} m${result.altitudeFit ? ` (fitted to ${detections.length} detections, RMS ${minOf(result.altitudeFit.map((f) => f.rmsKm)).toFixed(1)} km)` : ''}`,
      `${result.members} backward members: ${result.reachedGround} traced to the ground${origin ? `, ${result.plausible} of them in ${origin.name}` : ''}`,
      `median launch time ${result.medianLaunch ?? '-'}`,
      'most likely launch cells (0.05°):',
      ...result.mostLikely.map(
        (c) =>
          `  ${c.lon.toFixed(3)}, ${c.lat.toFixed(3)}  ${(100 * c.probability).toFixed(1)} %  median launch ${c.medianLaunch ?? '-'}  ${c.distanceKm.toFixed(1)} km at ${c.bearingDeg}° from the detection`,
      ),
    ];
    out(lines.join('\n'));
  },
};
