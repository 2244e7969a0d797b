/**
 * Starts the server: `node packages/server/dist/main.js`. Environment: PORT (default 8080), HOST
 * (default 127.0.0.1), VIEWER_DIR, and any limit by its name in capitals with underscores
 * (MAX_ACTIVE_RUNS=4, MAX_RUNS_PER_CLIENT=50…; see Limits in options.ts).
 */
import { buildApp } from './app.js';
import { DEFAULT_LIMITS, type Limits } from './options.js';

const envName = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

function limitsFromEnv(): Partial<Limits> {
  const limits: Partial<Limits> = {};
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const text = process.env[envName(key)];
    if (text === undefined) continue;
    const value = Number(text);
    if (!(Number.isFinite(value) && value >= 0))
      throw new Error(`${envName(key)} must be a number >= 0, got "${text}"`);
    limits[key] = value;
  }
  return limits;
}

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const app = buildApp({
  limits: limitsFromEnv(),
  viewerDir: process.env.VIEWER_DIR,
  logger: { level: process.env.LOG_LEVEL ?? 'warn' },
});

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    // Streams are told, runs cancelled and their workers terminated before the process exits.
    app.close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });

await app.balloonSim.warmUp();
const address = await app.listen({ port, host });
console.log(`balloon-sim server listening on ${address}`);
