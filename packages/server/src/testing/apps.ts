/** Apps for route tests: each made by `openApp` is closed after its test. */
import type { FastifyInstance } from 'fastify';
import { afterEach } from 'vitest';
import { buildApp } from '../app.js';
import type { AppOptions } from '../options.js';

const apps: FastifyInstance[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** A new app (not listening), closed after the test. */
export function openApp(options: AppOptions = {}): FastifyInstance {
  const app = buildApp(options);
  apps.push(app);
  return app;
}
