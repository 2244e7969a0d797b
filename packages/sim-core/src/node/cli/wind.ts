import { describeWindFile } from '../../decode/wind-file.js';
import { directionOfWind } from '../../wind/analytic.js';
import { PressureGridWind } from '../../wind/grid.js';
import type { WindCoverage } from '../../wind/wind-field.js';
import { fetchGfs, fetchOpenMeteo } from '../fetch/fetch-wind.js';
import { parseBox, parseCycle, parseHours } from '../fetch/gfs.js';
import { loadWindFiles, readWindFiles } from '../load-wind.js';
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
Files are written atomically: an interrupted fetch leaves no partial file.
Proxies: HTTPS_PROXY / HTTP_PROXY (or https_proxy / http_proxy) name one, NO_PROXY lists hosts that
bypass it. Exit 1 when the network or the server fails (the cause is named), 2 for bad options.`;

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
    const cycle = parsed.values.cycle as string;
    // Checked before any request: a malformed cycle is bad usage (exit 2), not a failed download.
    if (cycle !== 'latest') option(() => parseCycle(cycle));
    const hours = option(() => parseHours(required(parsed, 'hours', fetchUsage)));
    const result = await fetchGfs({
      ...shared,
      cycle,
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

const inspectUsage = `usage: balloon-sim wind inspect <file…> [--json]

Lists what wind files hold: format; for GRIB2 every field (parameter, level, valid time, packing);
for NetCDF its dimensions and variables; and the coverage of the wind field they make together.`;

const iso = (t: number) => (Number.isFinite(t) ? new Date(t * 1000).toISOString() : String(t));

function coverageText(c: WindCoverage): string {
  return `lon ${c.lonMin}..${c.lonMax}${c.wrapsLon ? ' (all)' : ''}, lat ${c.latMin}..${c.latMax}, altitude ${c.altMinM.toFixed(0)}..${c.altMaxM.toFixed(0)} m, time ${iso(c.tMinSec)} .. ${iso(c.tMaxSec)}`;
}

async function inspectCommand(args: string[], context: CommandContext): Promise<void> {
  const parsed = parse(args, { json: { type: 'boolean' } }, inspectUsage);
  if (parsed.values.help) return context.out(inspectUsage);
  if (parsed.positionals.length === 0)
    throw new UsageError(`wind inspect takes one or more files\n\n${inspectUsage}`);
  const files = await readWindFiles(parsed.positionals);
  const described = await Promise.all(
    files.map(async (f) => ({ file: f.name, ...(await describeWindFile(f)) })),
  );
  let field: { description: string; coverage: WindCoverage } | null = null;
  let fieldProblem: string | null = null;
  try {
    field = await loadWindFiles(parsed.positionals);
  } catch (error) {
    fieldProblem = (error as Error).message;
  }
  if (parsed.values.json) {
    context.out(
      JSON.stringify({
        files: described,
        field: field ? { description: field.description, coverage: field.coverage } : null,
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
      ? `wind field: ${field.description}\n  ${coverageText(field.coverage)}`
      : `no wind field: ${fieldProblem}`,
  );
}

const sampleUsage = `usage: balloon-sim wind sample <file…> --lon X --lat Y (--level HPA | --alt M) --time ISO8601 [--json]

Prints u (east) and v (north) in m/s at one point, on a pressure level (exact on the file's levels)
or at an altitude above mean sea level. --json prints {"u": …, "v": …} and the point.`;

function numberOption(parsed: ReturnType<typeof parse>, name: string): number | undefined {
  const text = parsed.values[name];
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${text}"`);
  return n;
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
    },
    sampleUsage,
  );
  if (parsed.values.help) return context.out(sampleUsage);
  if (parsed.positionals.length === 0)
    throw new UsageError(`wind sample takes one or more files\n\n${sampleUsage}`);
  const lon = numberOption(parsed, 'lon');
  const lat = numberOption(parsed, 'lat');
  const level = numberOption(parsed, 'level');
  const alt = numberOption(parsed, 'alt');
  if (lon === undefined || lat === undefined)
    throw new UsageError(`--lon and --lat are required\n\n${sampleUsage}`);
  if ((level === undefined) === (alt === undefined))
    throw new UsageError(`give one of --level or --alt\n\n${sampleUsage}`);
  const timeText = required(parsed, 'time', sampleUsage);
  const tSec = Date.parse(timeText) / 1000;
  if (!Number.isFinite(tSec)) throw new UsageError(`--time must be an ISO 8601 date-time, got "${timeText}"`);
  const field = await loadWindFiles(parsed.positionals);
  const out = new Float64Array(2);
  if (level !== undefined) {
    if (!(field instanceof PressureGridWind))
      throw new UsageError(`--level needs pressure-level data; ${field.description} is not: use --alt`);
    field.sampleOnLevel(lon, lat, level, tSec, out);
  } else {
    field.sample(lon, lat, alt!, tSec, out);
  }
  const [u, v] = [out[0], out[1]];
  if (parsed.values.json) {
    context.out(
      JSON.stringify({
        u,
        v,
        lon,
        lat,
        ...(level !== undefined ? { levelHpa: level } : { altM: alt }),
        time: new Date(tSec * 1000).toISOString(),
      }),
    );
    return;
  }
  const { directionDeg, speedMps } = directionOfWind(u, v);
  context.out(
    `u = ${u.toFixed(3)} m/s, v = ${v.toFixed(3)} m/s (${speedMps.toFixed(2)} m/s from ${directionDeg.toFixed(0)}°)`,
  );
}

const windUsage = `usage: balloon-sim wind <fetch|inspect|sample> …

  fetch     download real forecasts (GFS subsets, Open-Meteo pressure levels)
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
    if (sub === 'inspect') return inspectCommand(rest, context);
    if (sub === 'sample') return sampleCommand(rest, context);
    throw new UsageError(`unknown wind subcommand "${sub}"\n\n${windUsage}`);
  },
};
