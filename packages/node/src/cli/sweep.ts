import type { Scenario } from '@balloon-sim/sim-core';
import { mergeSweeps, parseShard, type SweepTable, sweepCsv } from '@balloon-sim/sim-core';
import { parseJson, readInput } from '../files.js';
import { pinWindSource } from '../load-wind.js';
import { readScenarioFile } from '../scenario-file.js';
import { runSweep, type SweepShard } from '../sweep.js';
import { type Command, type CommandContext, option, parse, UsageError } from './command.js';
import { OutputFile, openOutput } from './outputs.js';
import { progressBar, workerCount } from './progress.js';

const sweepUsage = `usage: balloon-sim sweep <scenario.json | -> [--start ISO --end ISO --every SEC] [--sites ID,ID] [options]

Runs the scenario's ensemble for every launch site and launch time and prints the risk table: per
site and time, the probability of crossing the border and of entering each zone, and the earliest
entry — "which launch hours tonight threaten Vilnius".
  --start, --end, --every   launch times (default: the scenario's)
  --sites ID,ID             only these launch sites
  --shard i/n               run rows i, i+n, i+2n… only (1 ≤ i ≤ n), written as JSON for "merge"
  --workers N               worker threads (default: every core, one for small runs)
  --out FILE                write the table (.csv or .json) instead of printing it; as run --out:
                              renamed into place at the end, pipes and devices written through
  --format csv|json         format when printing or for other extensions (default csv)`;

const mergeUsage = `usage: balloon-sim merge <shard.json…> [--out FILE] [--format csv|json]

Merges the shards of one sweep ("sweep --shard i/n --out shard-i.json") into the table one sweep run
would give; refuses shards of different sweeps, duplicates and gaps.`;

/**
 * The scenario with sweep's --start, --end, --every and --sites applied (the launch times and sites
 * swept); a bad value is a UsageError naming the option.
 */
export function sweepScenario(scenario: Scenario, values: Record<string, unknown>): Scenario {
  let out = scenario;
  if (values.start !== undefined) {
    const start = String(values.start);
    const end = values.end === undefined ? start : String(values.end);
    const every = values.every === undefined ? undefined : Number(values.every);
    if (every !== undefined && !(every > 0))
      throw new UsageError(`--every must be a positive number of seconds, got "${values.every}"`);
    out = {
      ...out,
      launch: { ...out.launch, times: { start, end, ...(every === undefined ? {} : { everySec: every }) } },
    };
  } else if (values.end !== undefined || values.every !== undefined) {
    throw new UsageError('--end and --every need --start');
  }
  if (values.sites !== undefined) {
    const ids = String(values.sites).split(',');
    const sites = (out.launch.sites ?? []).filter((s) => ids.includes(s.id));
    const unknown = ids.filter((id) => !sites.some((s) => s.id === id));
    if (unknown.length > 0)
      throw new UsageError(
        `--sites: no launch site ${unknown.map((u) => `"${u}"`).join(', ')} in the scenario`,
      );
    out = { ...out, launch: { ...out.launch, sites } };
  }
  return out;
}

/** The table's format: --format, else the --out extension, else --json, else CSV. */
export function tableFormat(values: Record<string, unknown>, shard: boolean): 'csv' | 'json' {
  const path = values.out === undefined ? undefined : String(values.out);
  const format =
    values.format ??
    (path?.endsWith('.json') ? 'json' : path?.endsWith('.csv') ? 'csv' : values.json ? 'json' : 'csv');
  if (format !== 'csv' && format !== 'json')
    throw new UsageError(`--format must be csv or json, got "${format}"`);
  if (shard && format !== 'json')
    throw new UsageError('a shard is written as JSON (for merge): use --out shard.json or --format json');
  return format;
}

/**
 * Opens --out before any work (see OutputFile: written under a temporary name and renamed at the
 * end, or written through to a pipe or device); null prints the table on standard output.
 */
export async function openTableOutput(values: Record<string, unknown>, signal: AbortSignal) {
  return values.out === undefined || values.out === '-' ? null : openOutput(String(values.out), signal);
}

/** Writes a sweep table to its output (renamed into place) or prints it; says what was written. */
export async function emitTable(
  table: SweepTable,
  format: 'csv' | 'json',
  output: OutputFile | null,
  context: CommandContext,
): Promise<void> {
  const text = format === 'json' ? `${JSON.stringify(table)}\n` : sweepCsv(table);
  if (output) {
    await output.writeInChunks(text, context.signal);
    OutputFile.commit([output], context.signal);
    context.note(`wrote ${output.shown} (${table.rows.length} rows)`);
  } else {
    context.out(text.replace(/\n$/, ''));
  }
}

export const sweepCommand: Command = {
  summary: 'risk table over launch sites and times (shardable)',
  usage: sweepUsage,
  async run(args, context) {
    const parsed = parse(
      args,
      {
        start: { type: 'string' },
        end: { type: 'string' },
        every: { type: 'string' },
        sites: { type: 'string' },
        shard: { type: 'string' },
        workers: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        json: { type: 'boolean' },
      },
      sweepUsage,
    );
    if (parsed.values.help) return context.out(sweepUsage);
    if (parsed.positionals.length !== 1)
      throw new UsageError(`sweep takes one scenario file\n\n${sweepUsage}`);
    const shard =
      parsed.values.shard === undefined ? null : option(() => parseShard(String(parsed.values.shard)));
    const format = tableFormat(parsed.values, shard !== null);
    const file = await readScenarioFile(parsed.positionals[0], context.signal);
    // A forecast's "latest" is pinned here, as `balloon-sim run` pins it: the table's provenance
    // names the cycle read, and a distributed sweep of the same scenario gives the same bytes.
    const scenario = sweepScenario(
      { ...file.scenario, wind: await pinWindSource(file.scenario.wind, file.baseDir, context.note) },
      parsed.values,
    );
    const output = await openTableOutput(parsed.values, context.signal);
    try {
      await sweep(scenario, file.baseDir, shard, parsed.values, format, output, context);
    } catch (error) {
      output?.abandon();
      throw error;
    }
  },
};

async function sweep(
  scenario: Scenario,
  baseDir: string,
  shard: SweepShard | null,
  values: Record<string, unknown>,
  format: 'csv' | 'json',
  output: OutputFile | null,
  context: CommandContext,
): Promise<void> {
  const bar = progressBar('sweeping');
  const table = await runSweep({
    scenario,
    baseDir,
    shard,
    workers: (memberSteps) => workerCount(values.workers, memberSteps),
    signal: context.signal,
    onProgress: bar,
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  await emitTable(table, format, output, context);
}

export const mergeCommand: Command = {
  summary: 'merge sweep shards into one table',
  usage: mergeUsage,
  async run(args, context) {
    const parsed = parse(
      args,
      { out: { type: 'string' }, format: { type: 'string' }, json: { type: 'boolean' } },
      mergeUsage,
    );
    if (parsed.values.help) return context.out(mergeUsage);
    if (parsed.positionals.length === 0) throw new UsageError(`merge takes the shard files\n\n${mergeUsage}`);
    const format = tableFormat(parsed.values, false);
    const tables = await Promise.all(
      parsed.positionals.map(
        async (p) => parseJson((await readInput(p, 'shard file')).toString('utf8'), p) as SweepTable,
      ),
    );
    const merged = mergeSweeps(tables, parsed.positionals);
    const output = await openTableOutput(parsed.values, context.signal);
    try {
      await emitTable(merged, format, output, context);
    } catch (error) {
      output?.abandon();
      throw error;
    }
  },
};
