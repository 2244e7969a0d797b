import { fetchGfs, fetchOpenMeteo } from '../fetch/fetch-wind.js';
import { parseBox, parseHours } from '../fetch/gfs.js';
import { type Command, type CommandContext, option, parse, required, UsageError } from './command.js';

const fetchUsage = `usage: balloon-sim wind fetch gfs --bbox LONMIN,LATMIN,LONMAX,LATMAX --hours H --out DIR [options]
       balloon-sim wind fetch open-meteo --bbox LONMIN,LATMIN,LONMAX,LATMAX --step DEG --start YYYY-MM-DD --end YYYY-MM-DD --out FILE [options]

gfs: downloads a regional subset of a GFS 0.25° cycle (u, v, geopotential height on 1000–500 hPa)
from NOAA's grib filter service, one GRIB2 file per forecast hour.
  --cycle latest|YYYYMMDDHH   default latest (the newest cycle the server has)
  --hours 0-24/3 or 0,6,12    forecast hours
open-meteo: downloads pressure-level winds for a lattice of points every --step degrees.
common options:
  --base-url URL      another server (a mirror, or a local one in tests)
  --timeout-sec N     per attempt, default 60
  --attempts N        for network errors and 5xx answers, default 3
Files are written atomically: an interrupted fetch leaves no partial file.`;

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
  if (source === 'gfs') {
    const hours = option(() => parseHours(required(parsed, 'hours', fetchUsage)));
    const result = await fetchGfs({
      ...shared,
      cycle: parsed.values.cycle as string,
      hours,
      box,
      outDir: required(parsed, 'out', fetchUsage),
    });
    context.out(`cycle ${result.cycle}: ${result.paths.join(' ')}`);
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
    throw new UsageError(`unknown source "${source}": gfs or open-meteo\n\n${fetchUsage}`);
  }
}

const windUsage = `usage: balloon-sim wind <fetch> …

  fetch   download real forecasts (GFS subsets, Open-Meteo pressure levels)

Run "balloon-sim wind <subcommand> --help" for options.`;

export const windCommand: Command = {
  summary: 'wind data: fetch forecasts',
  usage: windUsage,
  async run(args, context) {
    const [sub, ...rest] = args;
    if (sub === undefined || sub === '--help' || sub === '-h') return context.out(windUsage);
    if (sub === 'fetch') return fetchCommand(rest, context);
    throw new UsageError(`unknown wind subcommand "${sub}"\n\n${windUsage}`);
  },
};
