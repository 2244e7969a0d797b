/**
 * Load bench: `node packages/server/dist/bench.js [--clients 50] [--members 1000] [--timeout-sec 300]`
 * (build first: `npx tsc -b packages/server`). Starts the server (dist/main.js) on 127.0.0.1, port 0,
 * in a child process; opens N WebSocket clients that each run a 1 000-member scenario on the bundled
 * illustrative wind (one site, four launch times, 250 members each, 8 h, zones analysed) at the same
 * moment, while polling /api/health; prints one JSON line:
 *   { clients, runsCompleted, errors, framesPerSec, p50FirstFrameMs, p99FirstFrameMs, healthP99Ms, peakRssMB }
 * firstFrame: from sending `run` to receiving frame 0; peakRssMB: the server process's peak resident
 * memory (VmHWM, worker threads included). Bounded: every client is given up after --timeout-sec.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { readFrameHeader } from '@balloon-sim/sim-core';
import WebSocket from 'ws';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '50' },
    members: { type: 'string', default: '1000' },
    'timeout-sec': { type: 'string', default: '300' },
  },
});
const clients = Number(values.clients);
const members = Number(values.members);
const timeoutMs = Number(values['timeout-sec']) * 1000;
if (!(Number.isInteger(clients) && clients >= 1 && clients <= 500)) throw new Error('--clients: 1 to 500');
if (!(Number.isInteger(members) && members >= 4 && members % 4 === 0))
  throw new Error('--members: a multiple of 4 (four launch times)');

const scenario = {
  name: 'bench',
  wind: { type: 'file', paths: ['wind:illustrative-border-night'] },
  launch: {
    sites: [{ id: 'ashmyany', lon: 25.95, lat: 54.42 }],
    times: { start: '2025-10-24T17:00:00Z', end: '2025-10-24T20:00:00Z', everySec: 3600 },
  },
  flight: { ascentRateMps: 3, floatAltitudeM: 3500, floatDurationSec: 7200, descentRateMps: 4 },
  solver: { method: 'rk4', dtSec: 60, durationSec: 28800 },
  ensemble: {
    members: members / 4,
    seed: 2025,
    perturb: { positionM: 1500, launchTimeSec: 600, windSigmaMps: 1 },
  },
  output: { intervalSec: 600 },
  groundElevationM: 150,
};

/** Starts dist/main.js on a free port; resolves with its base URL once it prints it. */
function startServer(): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [resolve(import.meta.dirname, 'main.js')], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      // Every bench client comes from 127.0.0.1, which the server counts as one client.
      MAX_RUNS_PER_CLIENT: String(clients),
      MAX_QUEUED_RUNS: String(clients),
      RATE_LIMIT_MAX: String(10 * clients + 100),
      // A WebSocket per client and the health poller's connections.
      MAX_CONNECTIONS_PER_CLIENT: String(clients + 20),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolveStart, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(text)?.[1];
      if (url) resolveStart({ child, base: url });
    });
    child.once('exit', (code) => reject(new Error(`server exited (code ${code}) before listening`)));
  });
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const round = (x: number | null, digits = 1) => (x === null ? null : Number(x.toFixed(digits)));

interface ClientResult {
  ok: boolean;
  firstFrameMs: number | null;
  frames: number;
  error?: string;
}

/** One client: connect, run, count frames until `done` (or an error, a close, the timeout). */
function runClient(wsUrl: string, go: Promise<void>): Promise<ClientResult> {
  return new Promise((resolveClient) => {
    const result: ClientResult = { ok: false, firstFrameMs: null, frames: 0 };
    const socket = new WebSocket(wsUrl);
    let sentAt = 0;
    const finish = (error?: string) => {
      clearTimeout(timer);
      if (error) result.error = error;
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.close();
      resolveClient(result);
    };
    const timer = setTimeout(() => finish('timed out'), timeoutMs);
    socket.on('open', async () => {
      await go; // every client sends at the same moment
      sentAt = performance.now();
      socket.send(JSON.stringify({ type: 'run', scenario }));
    });
    socket.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        // Only the header is read: the bench measures the server, not this client's decoding.
        let index: number;
        try {
          index = readFrameHeader(data).index;
        } catch (error) {
          return finish((error as Error).message);
        }
        if (index === 0) result.firstFrameMs = performance.now() - sentAt;
        result.frames++;
        return;
      }
      const message = JSON.parse(data.toString()) as { type: string; index?: number; message?: string };
      if (message.type === 'frame') {
        if (message.index === 0) result.firstFrameMs = performance.now() - sentAt;
        result.frames++;
      } else if (message.type === 'done') {
        result.ok = true;
        finish();
      } else if (message.type === 'error' || message.type === 'cancelled')
        finish(message.message ?? message.type);
    });
    socket.on('error', (error) => finish(error.message));
    socket.on('close', () => finish('closed'));
  });
}

/** Peak resident memory of a process (Linux /proc), MB. */
function peakRssMB(pid: number): number | null {
  try {
    const kB = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kB ? Number(kB) / 1024 : null;
  } catch {
    return null;
  }
}

const { child, base } = await startServer();
try {
  const healthMs: number[] = [];
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const t0 = performance.now();
      const response = await fetch(`${base}/api/health`);
      await response.json();
      healthMs.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();

  let release!: () => void;
  const go = new Promise<void>((r) => {
    release = r;
  });
  const started = performance.now();
  const pending = Array.from({ length: clients }, () =>
    runClient(`${base.replace('http', 'ws')}/api/stream`, go),
  );
  // Give the sockets a moment to open, then every client sends its run at once.
  await new Promise((r) => setTimeout(r, 500));
  const sendAt = performance.now();
  release();
  const results = await Promise.all(pending);
  const wallSec = (performance.now() - sendAt) / 1000;
  polling = false;
  await poll;

  const first = results
    .map((r) => r.firstFrameMs)
    .filter((x): x is number => x !== null)
    .sort((a, b) => a - b);
  const errors = results.filter((r) => !r.ok);
  const health = [...healthMs].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      clients,
      membersPerRun: members,
      runsCompleted: results.filter((r) => r.ok).length,
      errors: errors.length,
      ...(errors.length ? { firstError: errors[0].error } : {}),
      framesPerSec: round(results.reduce((s, r) => s + r.frames, 0) / wallSec),
      p50FirstFrameMs: round(quantile(first, 0.5)),
      p99FirstFrameMs: round(quantile(first, 0.99)),
      healthP99Ms: round(quantile(health, 0.99)),
      healthPolls: health.length,
      wallSec: round(wallSec, 2),
      setupSec: round((sendAt - started) / 1000, 2),
      peakRssMB: round(peakRssMB(child.pid!)),
    }),
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}
