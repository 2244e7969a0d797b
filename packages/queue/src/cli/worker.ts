import { resolve } from 'node:path';
import { type Command, parse, UsageError } from '@balloon-sim/node/cli';
import { parsePathMap } from '../inputs.js';
import { DEFAULT_LOCK_SEC, QueueWorker } from '../worker.js';
import { cores, defaultCacheDir, QUEUE_OPTIONS, QUEUE_USAGE, queueConfig, wholeNumber } from './common.js';

const usage = `usage: balloon-sim-queue worker --redis URL [--threads N] [--concurrency N] [--path-map FROM=TO …] [options]

Takes jobs (sweep rows, members of runs, a season's nights and hours) from the queue and computes
them on this machine's cores; runs until stopped (SIGINT/SIGTERM: it finishes the jobs it holds
first; a second signal stops it at once, and its jobs go to other workers once their locks expire).
Its input files must be the coordinator's, byte for byte (checked by SHA-256): at the same paths, at
other paths through --path-map, or fetched from Redis when the coordinator shipped them; a worker
whose files differ refuses the job, and the coordinator stops naming both.
${QUEUE_USAGE}
  --threads N               worker threads (default: every core, ${cores()} here)
  --concurrency N           jobs at once, one thread each (default: the threads)
  --path-map FROM=TO        the coordinator's folder FROM is TO here (a shared folder mounted
                              elsewhere); repeat for several
  --cache DIR               where files fetched from Redis are kept (default ${defaultCacheDir()})
  --lock-sec S              a job's lock, s (default ${DEFAULT_LOCK_SEC}): a lost worker's job is taken again within
                              1.5 × S; renewed every S/2 while the job runs
  --max-jobs N              stop after N jobs (a batch slot's worth of work)
  --name NAME               the worker's name in messages (default host:pid)`;

export const workerCommand: Command = {
  summary: 'take jobs from the queue and compute them (run one per machine)',
  usage,
  async run(args, { note, signal, out }) {
    const parsed = parse(
      args,
      {
        ...QUEUE_OPTIONS,
        threads: { type: 'string' },
        concurrency: { type: 'string' },
        'path-map': { type: 'string', multiple: true },
        cache: { type: 'string' },
        'lock-sec': { type: 'string' },
        'max-jobs': { type: 'string' },
        name: { type: 'string' },
      },
      usage,
    );
    if (parsed.values.help) return out(usage);
    if (parsed.positionals.length > 0) throw new UsageError(`worker takes no file\n\n${usage}`);
    const values = parsed.values;
    const config = queueConfig(values, usage);
    const threads = wholeNumber(values, 'threads', 1, 256, cores());
    const concurrency = wholeNumber(values, 'concurrency', 1, 1024, threads);
    const lockSec = wholeNumber(values, 'lock-sec', 1, 3600, DEFAULT_LOCK_SEC);
    const maxJobs = values['max-jobs'] === undefined ? undefined : wholeNumber(values, 'max-jobs', 1, 1e9, 1);
    const pathMap = ((values['path-map'] as string[] | undefined) ?? []).map(parsePathMap);
    const worker = await QueueWorker.start({
      config,
      threads,
      concurrency,
      pathMap,
      cacheDir: resolve(typeof values.cache === 'string' ? values.cache : defaultCacheDir()),
      lockSec,
      maxJobs,
      name: typeof values.name === 'string' ? values.name : undefined,
      log: note,
    });
    note(
      `worker ${worker.name}: taking jobs from ${config.queueName ?? 'balloon-sim'} (threads ${threads}, jobs at once ${concurrency}, lock ${lockSec} s)`,
    );
    const onStop = () => {
      note(`worker ${worker.name}: stopping after the jobs it holds`);
      void worker.close();
    };
    signal.addEventListener('abort', onStop, { once: true });
    await worker.stopped;
    signal.removeEventListener('abort', onStop);
    note(`worker ${worker.name}: stopped`);
  },
};
