import { QueueRunner } from '@balloon-sim/queue';
import type { RunExecutor } from './runs.js';

/**
 * Runs handed to the queue's workers (QUEUE_REDIS_URL): the connection opens with the server and
 * `ready` settles with it; a run started before then waits for it, and fails with its error if
 * Redis cannot be reached.
 */
export function queueExecutor(config: { redisUrl: string; queueName?: string }): RunExecutor & {
  ready: Promise<void>;
} {
  const opening = QueueRunner.open(config);
  // Reported by ready (warmUp) or by the first run, not as an unhandled rejection.
  opening.catch(() => {});
  return {
    ready: opening.then(() => {}),
    run: async (options) => (await opening).run(options),
    close: async () => {
      const runner = await opening.catch(() => null);
      await runner?.close();
    },
  };
}
