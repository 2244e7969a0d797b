/**
 * A Redis server for tests: Debian's redis-server on 127.0.0.1, on a free port, with no
 * persistence, stopped by the test (and killed with the test process, whatever happens).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

export interface TestRedis {
  url: string;
  port: number;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

/** Whether redis-server can be run here; `.ci/run` installs it (`REQUIRE_REDIS=1` makes its absence a failure). */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** Why Redis tests do not run here, or null when they do (a failure instead under REQUIRE_REDIS=1). */
export function redisSkipReason(): string | null {
  if (hasRedisServer()) return null;
  if (process.env.REQUIRE_REDIS === '1') throw new Error('REQUIRE_REDIS=1 but redis-server is not installed');
  return 'redis-server is not installed (apt-get install redis-server; .ci/run does)';
}

/** A port nobody listens on now: the system's choice for port 0 (redis-server cannot take port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const running = new Set<ChildProcess>();
// A test process that ends (or fails) without stopping its servers still takes them down.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts redis-server; tries another port if another program took the free one in between. */
export async function startRedis(): Promise<TestRedis> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    running.add(child);
    const ready = await new Promise<boolean>((resolve) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/Ready to accept connections/.test(output)) resolve(true);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', () => resolve(false));
    });
    if (ready) {
      child.stdout?.resume();
      child.stderr?.resume();
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => {
              running.delete(child);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      };
    }
    running.delete(child);
    if (attempt >= 5) throw new Error(`redis-server did not start (port ${port})`);
  }
}
