import { randomBytes } from 'node:crypto';
import { type Socket, connect as tcpConnect } from 'node:net';
import { resolve } from 'node:path';
import { loadScenarioTargets, loadScenarioWind, readScenarioFile, runContext } from '@balloon-sim/node';
import {
  CSV_HEADER,
  csvChunks,
  type Frame,
  geoJson,
  prepareRun,
  runPrepared,
  runTracks,
  type Scenario,
} from '@balloon-sim/sim-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppOptions } from './options.js';
import {
  eventually,
  hasProcThreads,
  type Received,
  StreamClient,
  startServer,
  threadCount,
} from './testing/client.js';

const SCENARIOS = resolve(import.meta.dirname, '../../../fixtures/scenarios');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server | null = null;
const clients: StreamClient[] = [];
async function serve(options: AppOptions = {}): Promise<Server> {
  server = await startServer(options);
  return server;
}
async function connect(): Promise<StreamClient> {
  const client = await StreamClient.connect(server!.ws);
  clients.push(client);
  return client;
}
/** Raw TCP clients of a test, destroyed after it (the server waits for them to close). */
const rawSockets: Socket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of rawSockets.splice(0)) s.destroy();
  await server?.app.close();
  server = null;
});

const health = async () =>
  (await (await fetch(`${server!.http}/api/health`)).json()) as { runs: { active: number; queued: number } };

/** Balloons afloat at 3 km from one site in a uniform wind: cheap to prepare, as long as asked. */
const drift = (members: number, durationSec: number): Scenario => ({
  wind: { type: 'uniform', uMps: 8, vMps: 6 },
  launch: { sites: [{ id: 'lida', lon: 25.3, lat: 53.9 }], times: { start: '2025-10-24T19:00:00Z' } },
  flight: { floatAltitudeM: 3000 },
  solver: { durationSec, dtSec: 60 },
  ensemble: { members, seed: 7, perturb: { positionM: 3000 } },
  output: { intervalSec: 600 },
});

/** The time of run the library runs here record; the server records when it accepted its run. */
const LIBRARY_RUN_TIME = '2025-10-24T18:00:00.000Z';

/**
 * What sim-core's library gives for a scenario (relative paths resolved like a bundled file), with
 * the provenance the server gives (its tool, the files by hash), at LIBRARY_RUN_TIME.
 */
async function libraryRun(doc: Scenario) {
  const wind = await loadScenarioWind(doc.wind, SCENARIOS);
  const context = await runContext(doc, SCENARIOS, LIBRARY_RUN_TIME);
  return runPrepared(prepareRun(doc, wind, context), { targets: await loadScenarioTargets(doc, SCENARIOS) });
}

/** A summary the server sent, its time of run (checked to be one) set to the library's. */
function atLibraryTime<T>(summary: T): T {
  const { provenance } = summary as { provenance?: { runTime: string | null } };
  expect(Number.isFinite(Date.parse(provenance?.runTime ?? ''))).toBe(true);
  return { ...summary, provenance: { ...provenance, runTime: LIBRARY_RUN_TIME } };
}

const jsonOf = (m: Received) => (m.kind === 'json' ? m.data : null);
const framesOf = (client: StreamClient) =>
  client.messages.flatMap((m): Frame[] => {
    if (m.kind === 'binary') return [{ tSec: m.frame.tSec, positions: m.frame.positions }];
    const d = m.data as { type: string; tSec?: number; positions?: ([number, number, number] | null)[] };
    if (d.type !== 'frame') return [];
    return [
      { tSec: d.tSec!, positions: Float32Array.from(d.positions!.flatMap((p) => p ?? [NaN, NaN, NaN])) },
    ];
  });

/** Starts one run and waits until it is busy on its workers (progress past 0). */
async function busyRun(client: StreamClient, scenario: Scenario, workers = 1) {
  client.send({ type: 'run', scenario, workers });
  const accepted = await client.json('accepted');
  await client.next(
    (m) => m.kind === 'json' && m.data.type === 'progress' && (m.data.fraction as number) > 0,
  );
  return accepted;
}

/** Runs one small run to the end so that lazily started threads (libuv's pool…) exist before counting. */
async function warmUp(): Promise<number> {
  const client = await connect();
  client.send({ type: 'run', scenario: drift(10, 3600) });
  expect((await client.end()).type).toBe('done');
  client.close();
  await sleep(300);
  return threadCount();
}

describe('streaming a run', () => {
  it('sends accepted, the launch frame at once, then frames in time order, events, the library summary, done', async () => {
    await serve();
    const file = await readScenarioFile(resolve(SCENARIOS, 'default.json'));
    const doc: Scenario = { ...file.scenario, ensemble: { ...file.scenario.ensemble, members: 10 } };
    const library = await libraryRun(doc);
    const expected = JSON.parse(JSON.stringify(library.summary));
    const libraryTracks = runTracks(library);
    for (const workers of [1, 2]) {
      const client = await connect();
      client.send({ type: 'run', scenario: doc, workers });
      const done = await client.end();
      expect(done.type, JSON.stringify(client.messages.map(jsonOf).filter((m) => m?.type === 'error'))).toBe(
        'done',
      );
      const types = client.types();
      expect(types[0]).toBe('accepted');
      expect(types[1]).toBe('frame'); // the launch positions, before any worker has reported
      expect(types.at(-2)).toBe('summary');
      const accepted = client.messages[0].kind === 'json' ? client.messages[0].data : { layout: null };
      expect(accepted).toMatchObject({ members: 120, steps: 480, frames: 49, workers, binaryFrames: false });
      // Which member is which: the three sites, four launch times and 10 members of the scenario.
      expect(accepted.layout).toEqual({
        sites: doc.launch.sites!.map((s) => ({ id: s.id, ...(s.name ? { name: s.name } : {}) })),
        launchTimesSec: [17, 18, 19, 20].map((h) => Date.UTC(2025, 9, 24, h) / 1000),
        membersPerLaunch: 10,
      });
      // Each event message names the frame it belongs to: the frame after it, frame 0's after frame 0.
      let framesSeen = 0;
      for (const m of client.messages) {
        if (m.kind === 'json' && m.data.type === 'frame') framesSeen++;
        if (m.kind === 'json' && m.data.type === 'event')
          expect(m.data.frame).toBe(m.data.frame === 0 ? framesSeen - 1 : framesSeen);
      }
      // The stream carries the whole run: its tracks write the library run's GeoJSON and CSV.
      const streamed = client.tracks();
      // The accepted message gave the run's provenance: the files written carry it, at the server's time.
      expect(streamed.provenance?.wind.files).toEqual(library.prepared.provenance.wind.files);
      streamed.provenance = atLibraryTime({ provenance: streamed.provenance! }).provenance;
      expect(JSON.stringify(geoJson(streamed))).toBe(JSON.stringify(geoJson(libraryTracks)));
      const csv = [...csvChunks(streamed)].join('');
      expect(csv).toBe([...csvChunks(libraryTracks)].join(''));
      expect(csv.length).toBeGreaterThan(CSV_HEADER.length + 120 * 40);
      const frames = client.messages.flatMap((m) =>
        m.kind === 'json' && m.data.type === 'frame' ? [m.data] : [],
      );
      expect(frames.map((f) => f.index)).toEqual([...Array(49).keys()]);
      const times = frames.map((f) => f.tSec as number);
      expect(times.every((t, k) => k === 0 || t > times[k - 1])).toBe(true);
      const events = client.messages.flatMap((m) =>
        m.kind === 'json' && m.data.type === 'event'
          ? (m.data.events as { kind: string; time: string }[])
          : [],
      );
      const kinds = new Set(events.map((e) => e.kind));
      for (const kind of ['launch', 'float', 'landing', 'border-crossing', 'zone-entry'])
        expect(kinds).toContain(kind);
      expect(events.every((e, k) => k === 0 || e.time >= events[k - 1].time)).toBe(true);
      expect(atLibraryTime((await client.json('summary')).summary)).toEqual(expected);
      const progress = client.messages.flatMap((m) =>
        m.kind === 'json' && m.data.type === 'progress' ? [m.data.fraction as number] : [],
      );
      expect(progress.at(-1)).toBe(1);
      expect(progress.every((p, k) => k === 0 || p >= progress[k - 1])).toBe(true);
    }
    expect((await health()).runs).toEqual({ active: 0, queued: 0 });
  });

  it('large ensembles get binary frames whose positions are the library run frames', async () => {
    await serve({ limits: { binaryFrameMembers: 100 } });
    const doc = drift(300, 3 * 3600);
    const expected = await libraryRun(doc);
    const client = await connect();
    client.send({ type: 'run', scenario: doc, workers: 2 });
    expect((await client.end()).type).toBe('done');
    expect((await client.json('accepted')).binaryFrames).toBe(true);
    const binary = client.messages.filter((m) => m.kind === 'binary');
    expect(binary.map((m) => m.frame.index)).toEqual([...Array(expected.frames.length).keys()]);
    const frames = framesOf(client);
    expect(frames).toHaveLength(expected.frames.length);
    frames.forEach((frame, k) => {
      expect(frame.tSec).toBe(expected.frames[k].tSec);
      expect(Array.from(frame.positions)).toEqual(Array.from(expected.frames[k].positions));
    });
  });

  it('runs beyond the concurrency limit wait in the queue, get their launch frame at once, then run', async () => {
    await serve({ limits: { maxActiveRuns: 1, maxMemberSteps: 50_000_000 } });
    const first = await connect();
    await busyRun(first, drift(20_000, 6 * 3600));
    const second = await connect();
    const sent = performance.now();
    second.send({ type: 'run', scenario: drift(1000, 3600) });
    const accepted = await second.json('accepted');
    expect(accepted.queued).toBe(true);
    const frame0 = await second.next((m) => m.kind === 'binary');
    expect(frame0.kind === 'binary' && frame0.frame.index).toBe(0);
    expect(frame0.at - sent).toBeLessThan(1000);
    expect((await health()).runs).toEqual({ active: 1, queued: 1 });
    first.send({ type: 'cancel' });
    expect((await second.end()).type).toBe('done');
    // Prepared again when it left the queue: the same members, the same result.
    const expected = JSON.parse(JSON.stringify((await libraryRun(drift(1000, 3600))).summary));
    expect(atLibraryTime((await second.json('summary')).summary)).toEqual(expected);
    expect((await first.json('cancelled')).runId).toEqual(expect.any(String));
  });

  it('a client may not have more runs than maxRunsPerClient; a run over maxMemberSteps is refused', async () => {
    await serve({ limits: { maxActiveRuns: 1, maxRunsPerClient: 1, maxMemberSteps: 50_000_000 } });
    const first = await connect();
    await busyRun(first, drift(20_000, 6 * 3600));
    const second = await connect();
    second.send({ type: 'run', scenario: drift(10, 3600) });
    expect(await second.json('error')).toMatchObject({
      message: expect.stringMatching(/maxRunsPerClient = 1/),
    });
    second.send({ type: 'run', scenario: drift(100_000, 12 * 3600) });
    expect(await second.json('error', 30_000, second.messages.length)).toMatchObject({
      message: expect.stringMatching(/maxMemberSteps = 50000000/),
    });
  });
});

/** A client frame (RFC 6455 §5.2): FIN, the opcode, masked as clients must, payloads under 64 KiB. */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const length =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | payload.length])
      : Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([length, mask, payload.map((b, i) => b ^ mask[i % 4])]);
}

describe.skipIf(!hasProcThreads)('stopping runs', () => {
  const busyWorkers = () => server!.app.balloonSim.runs.busyWorkers;

  it('a close frame alone cancels the run, while the client keeps its TCP connection open', async () => {
    await serve({ limits: { maxMemberSteps: 50_000_000 } });
    const { port } = new URL(server!.http);
    // Half-open allowed: when the server ends its side, this one stays open, as a lingering client's would.
    const socket = tcpConnect({ host: '127.0.0.1', port: Number(port), allowHalfOpen: true });
    rawSockets.push(socket);
    let received = '';
    let tcpClosed = false;
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('close', () => {
      tcpClosed = true;
    });
    socket.on('error', () => {});
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write(
      [
        'GET /api/stream HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        '',
        '',
      ].join('\r\n'),
    );
    await eventually(() => received.startsWith('HTTP/1.1 101'), 10_000);
    const run = JSON.stringify({ type: 'run', scenario: drift(20_000, 6 * 3600), workers: 1 });
    socket.write(clientFrame(0x1, Buffer.from(run)));
    await eventually(() => busyWorkers() === 1, 30_000);
    const code = Buffer.alloc(2);
    code.writeUInt16BE(1000);
    socket.write(clientFrame(0x8, code));
    // The run's work stops: its worker is free, no run is active, and none finished into the store.
    await eventually(() => busyWorkers() === 0 && server!.app.balloonSim.runs.counts().active === 0, 10_000);
    expect(server!.app.balloonSim.runs.store.size).toBe(0);
    expect(tcpClosed).toBe(false);
  });

  it('cancel stops the work: its workers are free again, no more frames, health shows no active run', async () => {
    await serve({ limits: { maxMemberSteps: 50_000_000, poolWorkers: 2 } });
    const baseline = await warmUp();
    const client = await connect();
    await busyRun(client, drift(20_000, 6 * 3600), 2);
    expect(busyWorkers()).toBe(2);
    expect((await health()).runs.active).toBe(1);
    client.send({ type: 'cancel' });
    await client.json('cancelled');
    expect(busyWorkers()).toBe(0);
    expect((await health()).runs.active).toBe(0);
    const received = client.messages.length;
    await sleep(300);
    expect(client.messages.length).toBe(received);
    expect(threadCount()).toBeLessThanOrEqual(baseline); // the pool's threads, no new ones
  });

  it('a disconnect mid-run frees its workers for the next run in the queue', async () => {
    await serve({ limits: { maxActiveRuns: 1, maxMemberSteps: 50_000_000, poolWorkers: 2 } });
    const baseline = await warmUp();
    const leaving = await connect();
    await busyRun(leaving, drift(20_000, 6 * 3600), 2);
    const waiting = await connect();
    waiting.send({ type: 'run', scenario: drift(10, 3600) });
    expect((await waiting.json('accepted')).queued).toBe(true);
    leaving.close();
    expect((await waiting.end()).type).toBe('done');
    await eventually(async () => (await health()).runs.active === 0, 2000);
    expect(busyWorkers()).toBe(0);
    expect(threadCount()).toBeLessThanOrEqual(baseline);
  });

  it('a client that does not read has its run cancelled with an error once the buffer bound is reached', async () => {
    await serve({
      limits: {
        binaryFrameMembers: 1,
        socketHighWaterBytes: 64 * 1024,
        maxPendingBytes: 256 * 1024,
        maxMemberSteps: 50_000_000,
        maxMemberFrames: 10_000_000,
      },
    });
    const client = await connect();
    const scenario = { ...drift(20_000, 6 * 3600), output: { intervalSec: 60 } };
    client.send({ type: 'run', scenario });
    await client.json('accepted');
    client.socket.pause(); // stop reading: the server's socket buffer fills up
    await eventually(async () => (await health()).runs.active === 0, 30_000);
    client.socket.resume();
    const error = await client.json('error');
    expect(error.message).toMatch(/maxPendingBytes = 262144/);
    expect(client.types()).not.toContain('done');
  });

  it('app.close() tells open streams the server is shutting down and terminates the workers', async () => {
    await serve({ limits: { maxMemberSteps: 50_000_000, poolWorkers: 2 } });
    const baseline = await warmUp(); // the pool's 2 threads included
    const client = await connect();
    await busyRun(client, drift(20_000, 6 * 3600), 2);
    await server!.app.close();
    server = null;
    expect(await client.json('error')).toMatchObject({ message: 'server shutting down' });
    expect((await client.closed).code).toBe(1001);
    await eventually(() => threadCount() <= baseline - 2, 5000);
  });
});
