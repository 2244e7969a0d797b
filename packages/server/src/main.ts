/**
 * Starts the server: `node packages/server/dist/main.js`. Environment: PORT (default 8080), HOST
 * (default 127.0.0.1), VIEWER_DIR, ALLOWED_ORIGINS and ALLOWED_HOSTS (comma-separated),
 * QUEUE_REDIS_URL and QUEUE_NAME (runs on the queue's workers, see options.ts),
 * BALLOON_SIM_FORECAST_STORE (the forecast store GET /api/store lists and POST /api/tonight reads), and any
 * limit by its name in capitals with underscores (MAX_ACTIVE_RUNS=4, MAX_RUNS_PER_CLIENT=50…; see
 * Limits in options.ts).
 */
import { buildApp } from './app.js';
import { optionsFromEnv } from './options.js';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const app = buildApp({
  ...optionsFromEnv(process.env),
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
