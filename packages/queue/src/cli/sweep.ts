import { readScenarioFile } from '@balloon-sim/node';
import {
  type Command,
  emitTable,
  openTableOutput,
  parse,
  sweepScenario,
  tableFormat,
  UsageError,
} from '@balloon-sim/node/cli';
import { QueueClient } from '../client.js';
import { distributedSweep } from '../work.js';
import { QUEUE_OPTIONS, QUEUE_USAGE, queueConfig, ttlSec, wholeNumber } from './common.js';

export const DISTRIBUTE_USAGE = `  --jobs N                  cut the work into N jobs (default 4 per worker you expect; at most a
                              job per row)
  --id ID                   name the work (default: made from its inputs, so the same scenario,
                              files and --jobs resume the same work)
  --ship-inputs             put the input files' bytes in Redis, for workers that do not share them
  --ttl-days D              keep results and finished jobs in Redis this long (default 7)`;

const usage = `usage: balloon-sim-queue sweep <scenario.json | -> --redis URL [--jobs N] [balloon-sim sweep's options]

The risk table of "balloon-sim sweep", computed by the queue's workers on any number of machines:
its rows cut into jobs (rows i, i + n, … as "sweep --shard i/n"), merged here into exactly the
table one machine gives, byte for byte. Stopped and started again with the same scenario (or --id),
it redoes no job that finished; a job whose worker was lost is taken by another.
${QUEUE_USAGE}
${DISTRIBUTE_USAGE}
  --start, --end, --every   launch times (default: the scenario's)
  --sites ID,ID             only these launch sites
  --out FILE                write the table (.csv or .json) instead of printing it
  --format csv|json         format when printing or for other extensions (default csv)`;

export const DISTRIBUTE_OPTIONS = {
  ...QUEUE_OPTIONS,
  jobs: { type: 'string' },
  id: { type: 'string' },
  'ship-inputs': { type: 'boolean' },
  'ttl-days': { type: 'string' },
} as const;

export const sweepCommand: Command = {
  summary: 'a sweep over the queue: jobs for the workers, merged here',
  usage,
  async run(args, context) {
    const parsed = parse(
      args,
      {
        ...DISTRIBUTE_OPTIONS,
        start: { type: 'string' },
        end: { type: 'string' },
        every: { type: 'string' },
        sites: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        json: { type: 'boolean' },
      },
      usage,
    );
    const values = parsed.values;
    if (values.help) return context.out(usage);
    if (parsed.positionals.length !== 1) throw new UsageError(`sweep takes one scenario file\n\n${usage}`);
    const config = queueConfig(values, usage);
    const jobs = wholeNumber(values, 'jobs', 1, 100_000, 16);
    const ttl = ttlSec(values);
    const format = tableFormat(values, false);
    const file = await readScenarioFile(parsed.positionals[0], context.signal);
    const scenario = sweepScenario(file.scenario, values);
    const output = await openTableOutput(values, context.signal);
    let client: QueueClient | null = null;
    try {
      client = await QueueClient.open(config);
      const table = await distributedSweep(client, {
        scenario,
        baseDir: file.baseDir,
        jobs,
        id: typeof values.id === 'string' ? values.id : undefined,
        shipInputs: Boolean(values['ship-inputs']),
        ttlSec: ttl,
        signal: context.signal,
        note: context.note,
      });
      await emitTable(table, format, output, context);
    } catch (error) {
      output?.abandon();
      throw error;
    } finally {
      await client?.close();
    }
  },
};
