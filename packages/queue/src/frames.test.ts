/**
 * FramePublisher (a part's frames into its Redis stream, at most `window` unread): a reader that
 * cancelled and left must not hold the writer — and so its worker — for ever.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FramePublisher } from './frames.js';
import { redisSkipReason, startRedis, type TestRedis } from './testing/index.js';

const skip = redisSkipReason();

describe.skipIf(skip !== null)('FramePublisher', () => {
  let server: TestRedis;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('stops writing into a full stream once the run is cancelled, though its own flag never is', async () => {
    const publisher = new FramePublisher(redis, 'frames:test', 2, () => false, 'cancel:test');
    for (let k = 0; k < 5; k++) publisher.push({ type: 'done' });
    // Nobody reads: the stream fills to its window of 2 and the writer waits.
    while ((await redis.xlen('frames:test')) < 2) await new Promise((r) => setTimeout(r, 10));
    await redis.set('cancel:test', '1');
    await publisher.flushed();
    expect(await redis.xlen('frames:test')).toBe(2);
  }, 20_000);
});
