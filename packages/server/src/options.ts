import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { defaultStoreRoot } from '@balloon-sim/node';
import { checkRedisUrl } from '@balloon-sim/queue';
import { InputError } from '@balloon-sim/sim-core';

/** Limits that keep one client, or many, from exhausting the machine. Every one is configurable. */
export interface Limits {
  /** Members of one run (preparing them takes the main thread ~0.5 µs each, 100 bytes each). */
  maxMembers: number;
  /** Members × solver steps of one run (the work it costs). */
  maxMemberSteps: number;
  /** Members × output frames of one run (the memory its tracks take: 12 bytes each). */
  maxMemberFrames: number;
  /** Runs computing at once, over all clients; more wait in a queue. */
  maxActiveRuns: number;
  /** Runs waiting for a slot, over all clients; beyond this a run is refused. */
  maxQueuedRuns: number;
  /** Runs (computing or waiting) of one client (one IP address). */
  maxRunsPerClient: number;
  /** Worker threads kept for runs (started with the first run, or before listening in main.ts). */
  poolWorkers: number;
  /** Worker threads one run may ask for (at most poolWorkers). */
  maxWorkersPerRun: number;
  /** Wall-clock bound of a run started by POST /api/runs, ms. */
  runTimeoutMs: number;
  /** Largest WebSocket message a client may send, bytes (ws `maxPayload`; larger: closed with 1009). */
  maxMessageBytes: number;
  /** Largest HTTP request body, bytes (larger: 413). */
  bodyLimitBytes: number;
  /**
   * Time a client has to send a whole request, headers and body, ms (then 408 and the connection is
   * closed): a client trickling a body holds a connection this long at most. 0: no limit.
   */
  requestTimeoutMs: number;
  /** Time a client has to send a request's headers, ms (at most requestTimeoutMs). */
  headersTimeoutMs: number;
  /** Open TCP connections (HTTP and WebSocket) of one client IP; more are refused with 429. */
  maxConnectionsPerClient: number;
  /** Back-tracks computing at once (each on a worker thread); more wait in a queue... */
  maxActiveBacktracks: number;
  /** ...of at most this many; beyond it a back-track is refused with 503 and Retry-After. */
  maxQueuedBacktracks: number;
  /** Requests (including WebSocket upgrades) per client per window; /api/health is exempt. */
  rateLimitMax: number;
  rateLimitWindowMs: number;
  /** Backpressure: above this many bytes waiting in a socket, frames are held back in a buffer... */
  socketHighWaterBytes: number;
  /** ...of at most this many bytes; a client that lets it fill up has its run cancelled. */
  maxPendingBytes: number;
  /** A client that reads nothing for this long while messages wait has its run cancelled, ms. */
  stallTimeoutMs: number;
  /** Frames of runs with at least this many members are sent binary (see README), smaller ones JSON. */
  binaryFrameMembers: number;
  /** Finished runs kept for GET /api/runs/:id…, oldest evicted first, by count and by bytes. */
  maxStoredRuns: number;
  maxStoredBytes: number;
  /** Nesting depth of a JSON document a client sends (a scenario nests 4 levels). */
  maxJsonDepth: number;
  /** Values of one GET /api/winds/:id/grid answer (nx × ny). */
  maxGridPoints: number;
  /** Bytes of one GET /api/winds/:id/field answer's arrays (a page's GPU run downloads the whole field). */
  maxWindFieldBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxMembers: 100_000,
  maxMemberSteps: 10_000_000,
  maxMemberFrames: 1_000_000,
  // One core stays free for the event loop, which merges the workers' frames and summarises runs:
  // on 2 cores, 2 runs at once made both slower and health answers 8× later (see README).
  maxActiveRuns: Math.max(1, availableParallelism() - 1),
  maxQueuedRuns: 200,
  maxRunsPerClient: 8,
  poolWorkers: availableParallelism(),
  maxWorkersPerRun: availableParallelism(),
  runTimeoutMs: 120_000,
  maxMessageBytes: 1024 * 1024,
  bodyLimitBytes: 1024 * 1024,
  // 1 MiB in 30 s is 35 kB/s: a slow link still makes it, a client trickling bytes does not stay.
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  // A browser opens up to 6 HTTP connections and a WebSocket per server: room for a dozen people
  // behind one address (a NAT, an office proxy).
  maxConnectionsPerClient: 100,
  // As for runs: one core stays free for the event loop.
  maxActiveBacktracks: Math.max(1, availableParallelism() - 1),
  maxQueuedBacktracks: 16,
  rateLimitMax: 600,
  rateLimitWindowMs: 60_000,
  socketHighWaterBytes: 1024 * 1024,
  maxPendingBytes: 8 * 1024 * 1024,
  stallTimeoutMs: 30_000,
  binaryFrameMembers: 500,
  maxStoredRuns: 32,
  maxStoredBytes: 256 * 1024 * 1024,
  maxJsonDepth: 32,
  maxGridPoints: 200_000,
  // The 0.25° GFS sets of ../shared/data are a few MB; a global field at full resolution is not for a page.
  maxWindFieldBytes: 256 * 1024 * 1024,
};

/** Where bundled data live. Defaults: the repository this package sits in, and ../shared/data beside it. */
export interface DataDirs {
  /** The repository's fixtures/ (scenarios, wind, geo). */
  fixturesDir: string;
  /** Real wind data kept beside the repository (may be absent). */
  sharedDataDir: string;
  /** The built viewer, served at / when it exists. */
  viewerDir: string;
}

export interface AppOptions extends Partial<DataDirs> {
  limits?: Partial<Limits>;
  /** Fastify's logger option (default off). */
  logger?: boolean | { level: string };
  /**
   * Origins (`http://localhost:5173`) whose pages may open /api/stream besides the server's own
   * (same origin): a page elsewhere in the user's browser may not start runs on this server.
   */
  allowedOrigins?: string[];
  /**
   * Host names (`balloon.example.org`) requests may name in their Host header, besides the loopback
   * names and the address the connection arrived on: any other is refused (DNS rebinding).
   */
  allowedHosts?: string[];
  /**
   * Hand runs to the queue's workers on this Redis (`QUEUE_REDIS_URL`, package @balloon-sim/queue)
   * instead of this server's worker threads: several servers and remote workers then share the load,
   * frames coming back through Redis. Back-tracks stay on this server's threads. Default: none.
   */
  queueRedisUrl?: string;
  /** The queue's name on that Redis (`QUEUE_NAME`; default balloon-sim, as balloon-sim-queue's). */
  queueName?: string;
  /**
   * The forecast store GET /api/store lists and POST /api/tonight reads (default
   * $BALLOON_SIM_FORECAST_STORE, else the user cache, as `balloon-sim` uses): the server's own, never
   * one a client names.
   */
  forecastStore?: string;
}

export interface ResolvedOptions extends DataDirs {
  limits: Limits;
  logger: boolean | { level: string };
  /** Allowed origins, normalised (`scheme://host[:port]`, lower case, no default port). */
  allowedOrigins: Set<string>;
  /** Allowed host names, lower case, without port (IPv6 in brackets). */
  allowedHosts: Set<string>;
  /** Where runs go when not to this server's threads (see AppOptions.queueRedisUrl), or null. */
  queue: { redisUrl: string; queueName?: string } | null;
  /** The forecast store's root folder (absolute). */
  forecastStore: string;
}

/** An origin as browsers send it (`http://localhost:5173`), or an InputError naming the entry. */
function normaliseOrigin(text: string, field: string): string {
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {}
  const bare = url && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  if (!url || !bare || !['http:', 'https:'].includes(url.protocol))
    throw new InputError(
      `${field} must be an origin such as http://localhost:5173 (scheme, host, port; no path), got ${JSON.stringify(text)}`,
      field,
      text,
    );
  return url.origin;
}

/** A host name (`balloon.example.org`, `192.0.2.7`, `[2001:db8::7]`), lower case, port dropped. */
function normaliseHost(text: string, field: string): string {
  let url: URL | null = null;
  try {
    url = new URL(`http://${text}`);
  } catch {}
  // Anything beyond a host and a port (a path, a user, a scheme) is a mistake in the list.
  if (!url || url.host !== text.toLowerCase().replace(/:80$/, ''))
    throw new InputError(
      `${field} must be a host name such as balloon.example.org (a port is ignored), got ${JSON.stringify(text)}`,
      field,
      text,
    );
  return url.hostname;
}

// This file runs from packages/server/src (tests) or packages/server/dist: the repository is 3 up.
const REPO_DIR = resolve(import.meta.dirname, '../../..');

export function resolveOptions(options: AppOptions = {}): ResolvedOptions {
  return {
    fixturesDir: resolve(options.fixturesDir ?? resolve(REPO_DIR, 'fixtures')),
    sharedDataDir: resolve(options.sharedDataDir ?? resolve(REPO_DIR, '../shared/data')),
    viewerDir: resolve(options.viewerDir ?? resolve(REPO_DIR, 'packages/viewer/dist')),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    logger: options.logger ?? false,
    allowedOrigins: new Set(
      (options.allowedOrigins ?? []).map((o, i) => normaliseOrigin(o, `allowedOrigins[${i}]`)),
    ),
    allowedHosts: new Set((options.allowedHosts ?? []).map((h, i) => normaliseHost(h, `allowedHosts[${i}]`))),
    queue: options.queueRedisUrl
      ? { redisUrl: checkRedisUrl(options.queueRedisUrl, 'queueRedisUrl'), queueName: options.queueName }
      : null,
    forecastStore: resolve(options.forecastStore ?? defaultStoreRoot()),
  };
}

/** The environment variable of a limit: `maxRunsPerClient` → `MAX_RUNS_PER_CLIENT`. */
export const envName = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

/** A comma-separated list, blanks around entries dropped; an unset or empty variable is none. */
const listOf = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

/**
 * The options main.ts takes from the environment: every limit by its name in capitals
 * (MAX_RUNS_PER_CLIENT=50), ALLOWED_ORIGINS and ALLOWED_HOSTS as comma-separated lists. A bad value
 * throws an InputError naming the variable.
 */
export function optionsFromEnv(env: Record<string, string | undefined>): AppOptions {
  const limits: Partial<Limits> = {};
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const name = envName(key);
    const text = env[name];
    if (text === undefined) continue;
    const value = Number(text);
    if (!(text.trim() !== '' && Number.isFinite(value) && value >= 0))
      throw new InputError(`${name} must be a number >= 0, got ${JSON.stringify(text)}`, name, text);
    limits[key] = value;
  }
  const allowedOrigins = listOf(env.ALLOWED_ORIGINS);
  const allowedHosts = listOf(env.ALLOWED_HOSTS);
  // Checked here, so that a mistake names the variable rather than an index into the list.
  for (const origin of allowedOrigins) normaliseOrigin(origin, 'ALLOWED_ORIGINS');
  for (const host of allowedHosts) normaliseHost(host, 'ALLOWED_HOSTS');
  const queueRedisUrl = env.QUEUE_REDIS_URL || undefined;
  if (queueRedisUrl) checkRedisUrl(queueRedisUrl, 'QUEUE_REDIS_URL');
  return { limits, allowedOrigins, allowedHosts, queueRedisUrl, queueName: env.QUEUE_NAME || undefined };
}

/** True when the folder exists (the viewer is built, the shared data are present). */
export const hasDir = (path: string) => existsSync(path);
