import { readScenarioFile, runContext, WorkerPool } from '@balloon-sim/node';
import { type Command, OutputFile, openOutput, parse, UsageError } from '@balloon-sim/node/cli';
import { QueueClient } from '../client.js';
import {
  parseHours,
  parseNights,
  planSeason,
  runSeason,
  scenarioHours,
  seasonCsv,
  seasonTable,
  seasonWinds,
} from '../season.js';
import { cores, QUEUE_OPTIONS, QUEUE_USAGE, queueConfig, ttlSec, wholeNumber } from './common.js';

const usage = `usage: balloon-sim-queue season <scenario.json> --winds DIR --nights FIRST..LAST --out FILE [--hours H,H] [--redis URL]

Every night × launch site × launch hour × member of a season, over a folder of forecasts or
analyses: the risk per night and hour (each night and hour's rows are "balloon-sim sweep"'s for the
scenario with that night's wind and that launch time). Each file of DIR is one wind, each
sub-folder one wind of all its files; a night and hour takes the wind that covers its whole flight
(of several, the one that starts latest); one that no wind covers is refused. Resumable: each
finished night and hour is kept in the state folder and not redone when the season runs again.
Progress on standard error. On this machine's worker threads, or with --redis on the queue's
workers.
  --winds DIR               the folder of winds
  --nights FIRST..LAST      dates YYYY-MM-DD (UTC), a range or a comma list
  --hours H,H               launch hours, UTC, 0–47 (24 and after: the next morning; default the
                              scenario's launch hours)
  --out FILE                the table: .csv (a row per night, hour and site; its provenance in
                              "# " lines first, local times beside UTC) or .json (with "provenance")
  --state DIR               finished nights and hours (default FILE.season next to --out)
  --workers N               worker threads when computing here (default every core, ${cores()} here)
${QUEUE_USAGE} (optional: without it the season runs here)
  --units-at-once N         nights and hours on the queue at once (default 8)
  --ttl-days D              keep results in Redis this long (default 7)`;

export const seasonCommand: Command = {
  summary: 'a season: nights × sites × launch hours over a folder of winds, resumable',
  usage,
  async run(args, { out, note, signal }) {
    const parsed = parse(
      args,
      {
        ...QUEUE_OPTIONS,
        winds: { type: 'string' },
        nights: { type: 'string' },
        hours: { type: 'string' },
        out: { type: 'string' },
        state: { type: 'string' },
        workers: { type: 'string' },
        'units-at-once': { type: 'string' },
        'ttl-days': { type: 'string' },
      },
      usage,
    );
    const values = parsed.values;
    if (values.help) return out(usage);
    if (parsed.positionals.length !== 1) throw new UsageError(`season takes one scenario file\n\n${usage}`);
    for (const name of ['winds', 'nights', 'out'])
      if (typeof values[name] !== 'string') throw new UsageError(`--${name} is required\n\n${usage}`);
    const path = String(values.out);
    const format = path.endsWith('.json') ? 'json' : path.endsWith('.csv') ? 'csv' : null;
    if (format === null) throw new UsageError(`--out must end in .csv or .json, got "${path}"`);
    const config = values.redis === undefined ? null : queueConfig(values, usage);
    const workers = wholeNumber(values, 'workers', 1, 256, cores());
    const unitsAtOnce = wholeNumber(values, 'units-at-once', 1, 1000, 8);
    const ttl = ttlSec(values);
    const nights = parseNights(String(values.nights));
    const file = await readScenarioFile(parsed.positionals[0], signal);
    const hours =
      values.hours === undefined ? scenarioHours(file.scenario) : parseHours(String(values.hours));
    // The table's time of run (SOURCE_DATE_EPOCH fixes it) and the scenario's zone files by content,
    // read before any work: a bad SOURCE_DATE_EPOCH or a missing zone file stops the season at once.
    const context = await runContext(file.scenario, file.baseDir);
    const output = await openOutput(path, signal);
    let client: QueueClient | null = null;
    let pool: WorkerPool | null = null;
    try {
      note(`season: reading the winds of ${values.winds}`);
      const winds = await seasonWinds(String(values.winds));
      const units = await planSeason(file.scenario, winds, nights, hours);
      const stateDir = typeof values.state === 'string' ? values.state : `${path}.season`;
      if (config) client = await QueueClient.open(config);
      else pool = new WorkerPool(workers);
      const results = await runSeason({
        units,
        baseDir: file.baseDir,
        stateDir,
        engine: client
          ? { kind: 'queue', client, ttlSec: ttl, unitsAtOnce }
          : { kind: 'local', pool: pool as WorkerPool },
        signal,
        note,
      });
      const table = seasonTable(file.scenario, results, context);
      const text = format === 'json' ? `${JSON.stringify(table, null, 2)}\n` : seasonCsv(table);
      await output.writeInChunks(text, signal);
      OutputFile.commit([output], signal);
      note(`wrote ${output.shown} (${units.length} nights × hours; kept in ${stateDir})`);
    } catch (error) {
      output.abandon();
      throw error;
    } finally {
      await client?.close();
      await pool?.close();
    }
  },
};
