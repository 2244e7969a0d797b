import { createHash } from 'node:crypto';
import {
  mergeSweeps,
  parseShard,
  type SweepTable,
  shardMembers,
  sweepCsv,
  sweepTable,
} from '../../analysis/sweep.js';
import { prepareRun } from '../../scenario/entry.js';
import { selectMembers } from '../../scenario/prepare.js';
import { runSteps } from '../../scenario/run.js';
import type { Scenario } from '../../scenario/schema.js';
import { writeFileAtomic } from '../fetch/download.js';
import { parseJson, readInput } from '../files.js';
import { loadScenarioTargets } from '../geography.js';
import { loadScenarioWind } from '../load-wind.js';
import { readScenarioFile } from '../scenario-file.js';
import { runInWorkers } from '../workers/pool.js';
import { type Command, type CommandContext, option, parse, UsageError } from './command.js';
import { drive, progressBar, workerCount } from './progress.js';

const sweepUsage = `usage: balloon-sim sweep <scenario.json> [--start ISO --end ISO --every SEC] [--sites ID,ID] [options]

Runs the scenario's ensemble for every launch site and launch time and prints the risk table: per
site and time, the probability of crossing the border and of entering each zone, and the earliest
entry — "which launch hours tonight threaten Vilnius".
  --start, --end, --every   launch times (default: the scenario's)
  --sites ID,ID             only these launch sites
  --shard i/n               run rows i, i+n, i+2n… only (1 ≤ i ≤ n), written as JSON for "merge"
  --workers N               worker threads (default: every core, one for small runs)
  --out FILE                write the table (.csv or .json) instead of printing it
  --format csv|json         format when printing or for other extensions (default csv)`;

const mergeUsage = `usage: balloon-sim merge <shard.json…> [--out FILE] [--format csv|json]

Merges the shards of one sweep ("sweep --shard i/n --out shard-i.json") into the table one sweep run
would give; refuses shards of different sweeps, duplicates and gaps.`;

function withOverrides(scenario: Scenario, values: Record<string, unknown>): Scenario {
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

async function emit(
  table: SweepTable,
  values: Record<string, unknown>,
  context: CommandContext,
): Promise<void> {
  const path = values.out === undefined ? undefined : String(values.out);
  const format =
    values.format ??
    (path?.endsWith('.json') ? 'json' : path?.endsWith('.csv') ? 'csv' : values.json ? 'json' : 'csv');
  if (format !== 'csv' && format !== 'json')
    throw new UsageError(`--format must be csv or json, got "${format}"`);
  if (table.shard && format !== 'json')
    throw new UsageError('a shard is written as JSON (for merge): use --out shard.json or --format json');
  const text = format === 'json' ? `${JSON.stringify(table)}\n` : sweepCsv(table);
  if (path) {
    await writeFileAtomic(path, text);
    context.note(`wrote ${path} (${table.rows.length} rows)`);
  } else {
    process.stdout.write(text);
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
    const file = await readScenarioFile(parsed.positionals[0]);
    const scenario = withOverrides(file.scenario, parsed.values);
    const wind = await loadScenarioWind(scenario.wind, file.baseDir);
    const whole = prepareRun(scenario, wind);
    const targets = await loadScenarioTargets(scenario, file.baseDir);
    const groups = whole.sites.length * whole.launchTimesSec.length;
    const ids = shard ? shardMembers(groups, whole.membersPerLaunch, shard.index, shard.count) : undefined;
    const sim = whole.simulation;
    const memberSteps = (ids?.length ?? sim.members.count) * (sim.durationSec / sim.dtSec);
    const workers = workerCount(parsed.values.workers, memberSteps);
    const result =
      workers > 1
        ? await runInWorkers({
            scenario,
            baseDir: file.baseDir,
            prepared: whole,
            targets,
            workers,
            ids,
            signal: context.signal,
            onProgress: progressBar('sweeping'),
          })
        : await drive(
            runSteps(ids ? selectMembers(whole, ids) : whole, { targets, keepFrames: false }),
            context.signal,
            'sweeping',
          );
    const fingerprint = createHash('sha256')
      .update(JSON.stringify(scenario))
      .update(wind.description)
      .digest('hex')
      .slice(0, 16);
    await emit(
      sweepTable(
        result.summary,
        whole.sites.map((s) => s.id),
        fingerprint,
        shard,
      ),
      parsed.values,
      context,
    );
  },
};

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
    const tables = await Promise.all(
      parsed.positionals.map(
        async (p) => parseJson((await readInput(p, 'shard file')).toString('utf8'), p) as SweepTable,
      ),
    );
    await emit(mergeSweeps(tables, parsed.positionals), parsed.values, context);
  },
};
