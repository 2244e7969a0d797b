import { readScenarioFile } from '@balloon-sim/node';
import { type Command, OutputFile, openOutput, parse, UsageError } from '@balloon-sim/node/cli';
import { formatSummary } from '@balloon-sim/sim-core';
import { QueueClient } from '../client.js';
import { distributedRun } from '../work.js';
import { QUEUE_USAGE, queueConfig, ttlSec, wholeNumber } from './common.js';
import { DISTRIBUTE_OPTIONS, DISTRIBUTE_USAGE } from './sweep.js';

const usage = `usage: balloon-sim-queue run <scenario.json | -> --redis URL [--jobs N] [--json] [--out FILE.json]

"balloon-sim run" on the queue's workers: the members cut into jobs of contiguous ranges, the parts
merged here into the summary one machine gives, bit for bit (--json prints the same document as
"balloon-sim run --json"). Tracks stay where they were computed: the outputs are the summary's.
${QUEUE_USAGE}
${DISTRIBUTE_USAGE}
  --json                    print the summary as one JSON document instead of tables
  --out FILE.json           write the summary (as "balloon-sim run --out FILE.json")`;

export const runCommand: Command = {
  summary: 'a large run over the queue: member ranges for the workers, merged here',
  usage,
  async run(args, { out, note, signal }) {
    const parsed = parse(
      args,
      { ...DISTRIBUTE_OPTIONS, json: { type: 'boolean' }, out: { type: 'string' } },
      usage,
    );
    const values = parsed.values;
    if (values.help) return out(usage);
    if (parsed.positionals.length !== 1) throw new UsageError(`run takes one scenario file\n\n${usage}`);
    const config = queueConfig(values, usage);
    const jobs = wholeNumber(values, 'jobs', 1, 100_000, 16);
    const ttl = ttlSec(values);
    const path = typeof values.out === 'string' ? values.out : null;
    if (path !== null && !path.endsWith('.json'))
      throw new UsageError(
        `--out: a run on the queue writes its summary only (FILE.json), got "${path}": tracks (.csv, .geojson, …) come from "balloon-sim run"`,
      );
    const file = await readScenarioFile(parsed.positionals[0], signal);
    const output = path === null ? null : await openOutput(path, signal);
    let client: QueueClient | null = null;
    try {
      client = await QueueClient.open(config);
      const { result } = await distributedRun(client, {
        scenario: file.scenario,
        baseDir: file.baseDir,
        jobs,
        id: typeof values.id === 'string' ? values.id : undefined,
        shipInputs: Boolean(values['ship-inputs']),
        ttlSec: ttl,
        signal,
        note,
      });
      if (output) {
        // The same text as balloon-sim run --out FILE.json.
        await output.writeInChunks(`${JSON.stringify(result.summary, null, 2)}\n`, signal);
        OutputFile.commit([output], signal);
      }
      out(values.json ? JSON.stringify(result.summary) : formatSummary(result.summary));
      if (output && !values.json) out(`wrote ${output.shown}`);
    } catch (error) {
      output?.abandon();
      throw error;
    } finally {
      await client?.close();
    }
  },
};
