import { PartLost, QueueRunner } from '@balloon-sim/queue';
import { ClientError } from './errors.js';
import type { RunExecutor } from './runs.js';

/**
 * Runs handed to the queue's workers (QUEUE_REDIS_URL): the connection opens with the server and
 * `ready` settles with it; a run started before then waits for it, and fails with its error if
 * Redis cannot be reached. A run whose queue workers were lost for good (PartLost) is a 503 with
 * that message, not a 500 that says nothing: the client learns that running it again may succeed.
 */
export function queueExecutor(config: { redisUrl: string; queueName?: string }): RunExecutor & {
  ready: Promise<void>;
} {
  const opening = QueueRunner.open(config);
  // Reported by ready (warmUp) or by the first run, not as an unhandled rejection.
  opening.catch(() => {});
  return {
    ready: opening.then(() => {}),
    run: async (options) => {
      try {
        return await (await opening).run(options);
      } catch (error) {
        if (error instanceof PartLost) throw new ClientError(503, error.message);
        throw error;
      }
    },
    close: async () => {
      const runner = await opening.catch(() => null);
      await runner?.close();
    },
  };
}
