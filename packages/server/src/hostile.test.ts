import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { redactor, SERVER_PATH } from './errors.js';
import { openApp } from './testing/apps.js';
import { StreamClient, startServer } from './testing/client.js';

/** A valid scenario to spoil: one balloon afloat in a uniform wind. */
const scenario = () => ({
  wind: { type: 'uniform', uMps: 5, vMps: 5 } as Record<string, unknown>,
  launch: { sites: [{ id: 'lida', lon: 25.3, lat: 53.9 }], times: { start: '2025-10-24T19:00:00Z' } },
  flight: { floatAltitudeM: 3000 },
  solver: { durationSec: 3600 },
});
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

const open = openApp;

async function post(a: FastifyInstance, url: string, payload: unknown, contentType = 'application/json') {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return a.inject({ method: 'POST', url, payload: body, headers: { 'content-type': contentType } });
}

/** Every hostile answer: a 4xx with an error message, and the server still answering. */
async function refused(
  a: FastifyInstance,
  response: { statusCode: number; json(): unknown },
  status?: number,
) {
  expect(response.statusCode).toBeGreaterThanOrEqual(400);
  expect(response.statusCode).toBeLessThan(500);
  if (status) expect(response.statusCode).toBe(status);
  const body = response.json() as { error: string };
  expect(body.error).toBeTypeOf('string');
  expect((await a.inject('/api/health')).statusCode).toBe(200);
  return body as { error: string; issues?: { path: string; message: string }[] };
}

describe('hostile HTTP requests get a 4xx with the reason', () => {
  it('malformed JSON, wrong types, unknown fields, a body that is not an object', async () => {
    const a = open();
    await refused(a, await post(a, '/api/validate', '{"wind": {'), 400);
    await refused(a, await post(a, '/api/validate', 'wind=1', 'application/x-www-form-urlencoded'), 415);
    const wrong = await refused(
      a,
      await post(a, '/api/validate', { ...scenario(), solver: { durationSec: 'long' } }),
    );
    expect(wrong.issues?.[0].path).toBe('solver.durationSec');
    const unknown = await refused(a, await post(a, '/api/runs', { ...scenario(), evil: true }));
    expect(unknown.issues).toContainEqual({ path: 'evil', message: 'is not a known field' });
    await refused(a, await post(a, '/api/runs', [1, 2, 3]), 400);
    await refused(a, await post(a, '/api/runs', 'null'), 400);
    // 1e400 parses to Infinity, which JSON cannot hold and sim-core refuses.
    const infinite = JSON.stringify({ ...scenario(), groundElevationM: 0 }).replace(
      '"groundElevationM":0',
      '"groundElevationM":1e400',
    );
    const nan = await refused(a, await post(a, '/api/validate', infinite));
    expect(nan.issues?.[0].path).toBe('groundElevationM');
  });

  it('huge arrays and oversized bodies, deeply nested documents', async () => {
    const a = open({ limits: { bodyLimitBytes: 200_000 } });
    const big = await refused(
      a,
      await post(a, '/api/validate', { ...scenario(), pad: 'x'.repeat(300_000) }),
      413,
    );
    expect(big.error).toMatch(/bodyLimitBytes = 200000/);
    const sites = Array.from({ length: 10_001 }, (_, k) => ({ id: `s${k}`, lon: 25, lat: 54 }));
    const many = { ...scenario(), launch: { ...scenario().launch, sites } };
    const roomy = open({ limits: { bodyLimitBytes: 2_000_000 } });
    await refused(roomy, await post(roomy, '/api/validate', many), 400);
    const deep = `{"wind": ${nested(50_000)}}`;
    const body = await refused(roomy, await post(roomy, '/api/validate', deep), 400);
    expect(body.error).toMatch(/maxJsonDepth = 32/);
  });

  it('path-like ids and paths outside the bundled folders', async () => {
    const a = open();
    for (const url of [
      '/api/scenarios/..%2F..%2Fetc%2Fpasswd',
      '/api/scenarios/%2Fetc%2Fpasswd',
      '/api/winds/..%2F..%2Fetc%2Fpasswd',
      '/api/winds/..%2Fwind%2Fillustrative-border-night/grid?alt=1000',
      '/api/runs/..%2F..%2Fetc%2Fpasswd',
      '/api/runs/..%2F..%2Fetc%2Fpasswd/csv',
      '/api/scenarios/../../etc/passwd',
    ])
      await refused(a, await a.inject(url));
    const cases: [string, Record<string, unknown>][] = [
      ['wind.paths[0]', { wind: { type: 'file', paths: ['../../../../../etc/passwd'] } }],
      ['wind.paths[0]', { wind: { type: 'file', paths: ['/etc/passwd'] } }],
      [
        'wind.paths[1]',
        { wind: { type: 'file', paths: ['../wind/illustrative-border-night.json', '/proc/self/environ'] } },
      ],
      ['wind.paths[0]', { wind: { type: 'file', paths: ['../../packages/server/package.json'] } }],
      ['wind.paths', { wind: { type: 'file', paths: ['wind:../../etc/passwd'] } }],
      ['zones.files[0]', { zones: { files: ['/etc/hosts'] } }],
      ['wind.store', { wind: { type: 'forecast', model: 'gfs', cycle: 'latest', store: '/etc' } }],
      // The members of an ensemble are confined as a plain wind is.
      [
        'wind.members[1].paths[0]',
        {
          wind: {
            type: 'ensemble',
            members: [
              { type: 'file', paths: ['wind:illustrative-border-night'] },
              { type: 'file', paths: ['/etc/passwd'] },
            ],
          },
        },
      ],
      [
        'wind.members[0].store',
        {
          wind: {
            type: 'ensemble',
            members: [
              { type: 'forecast', model: 'gfs', cycle: 'latest', store: '/etc' },
              { type: 'file', paths: ['wind:illustrative-border-night'] },
            ],
          },
        },
      ],
      [
        'launch.area.file',
        { launch: { area: { file: '../../../../etc/passwd', points: 3 }, times: scenario().launch.times } },
      ],
    ];
    for (const [path, patch] of cases) {
      const body = await refused(a, await post(a, '/api/validate', { ...scenario(), ...patch }), 400);
      expect(body.issues?.[0].path, JSON.stringify(patch)).toBe(path);
      expect(body.error).not.toMatch(/root|passwd:/);
    }
    // A bundled file that is not a wind file: a decoding error naming it relative to fixtures/.
    const notWind = await refused(
      a,
      await post(a, '/api/validate', { ...scenario(), wind: { type: 'file', paths: ['../geo/zones.json'] } }),
      400,
    );
    expect(notWind.error).toMatch(/fixtures\/geo\/zones\.json/);
    expect(notWind.error).not.toMatch(/\/work\//);
  });

  it('too many requests from one client: 429 naming the limit; health stays exempt', async () => {
    const a = open({ limits: { rateLimitMax: 3, rateLimitWindowMs: 60_000 } });
    for (let k = 0; k < 3; k++) expect((await a.inject('/api/scenarios')).statusCode).toBe(200);
    const body = await refused(a, await a.inject('/api/scenarios'), 429);
    expect(body.error).toMatch(/rateLimitMax = 3/);
    for (let k = 0; k < 5; k++) expect((await a.inject('/api/health')).statusCode).toBe(200);
  });
});

describe('hostile WebSocket messages get an error message; the server stays up', () => {
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  afterEach(async () => {
    await server?.app.close();
    server = null;
  });

  it('malformed JSON, wrong shapes, unknown types and fields, binary, invalid or nested scenarios', async () => {
    server = await startServer({ limits: { maxWorkersPerRun: 2 } });
    const client = await StreamClient.connect(server.ws);
    const sends: [unknown, RegExp][] = [
      ['{"type": "run", ', /not valid JSON/],
      ['[1,2,3]', /JSON object/],
      ['"run"', /JSON object/],
      [{ type: 'fly' }, /"run" or "cancel"/],
      [{ type: { $gt: '' } }, /"run" or "cancel"/],
      [{ type: 'cancel' }, /no run to cancel/],
      [{ type: 'run', scenario: scenario(), workers: 3 }, /maxWorkersPerRun/],
      [{ type: 'run', scenario: scenario(), workers: '2' }, /workers must be a whole number/],
      [{ type: 'run', scenario: scenario(), priority: 'high' }, /"priority" is not known/],
      [{ type: 'run' }, /scenario/],
      [{ type: 'run', scenario: { ...scenario(), solver: { durationSec: -5 } } }, /solver.durationSec/],
      [
        { type: 'run', scenario: { ...scenario(), wind: { type: 'file', paths: ['/etc/passwd'] } } },
        /bundled file/,
      ],
      [`{"type": "run", "scenario": ${nested(100_000)}}`, /maxJsonDepth/],
    ];
    for (const [message, reason] of sends) {
      const from = client.messages.length;
      client.send(message);
      const error = await client.json('error', 10_000, from);
      expect(error.message, JSON.stringify(message).slice(0, 80)).toMatch(reason);
    }
    const from = client.messages.length;
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await client.json('error', 10_000, from)).message).toMatch(/binary/);
    // Still serving this connection: a valid run goes to the end.
    const last = client.messages.length;
    client.send({ type: 'run', scenario: scenario() });
    expect((await client.end(60_000, last)).type).toBe('done');
  });

  it('a message over maxPayload closes that socket (1009), nothing else', async () => {
    server = await startServer({ limits: { maxMessageBytes: 10_000 } });
    const client = await StreamClient.connect(server.ws);
    client.send({ type: 'run', scenario: { ...scenario(), description: 'x'.repeat(20_000) } });
    expect((await client.closed).code).toBe(1009);
    const health = await fetch(`${server.http}/api/health`);
    expect(health.status).toBe(200);
    const next = await StreamClient.connect(server.ws);
    next.send({ type: 'run', scenario: scenario() });
    expect((await next.end()).type).toBe('done');
    next.close();
  });
});

describe('error messages name files relative to the data folders, never by server path nor by content', () => {
  // Both data folders reached through symbolic links, as a deployment often has them: the server
  // reads files by their real paths, which the messages must not show either.
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'balloon-redact-')));
  const real = join(base, 'real-fixtures');
  mkdirSync(join(real, 'scenarios'), { recursive: true });
  mkdirSync(join(real, 'wind'));
  mkdirSync(join(real, 'zones'));
  writeFileSync(join(real, 'wind', 'notwind.json'), '{"format": SECRET-WIND-LINE}\n');
  writeFileSync(join(real, 'zones', 'secret.txt'), 'SECRET-ZONE-LINE of a text file\n');
  writeFileSync(join(real, 'area.json'), 'SECRET-AREA-LINE\n');
  mkdirSync(join(base, 'real-shared'));
  writeFileSync(join(base, 'real-shared', 'notes.txt'), 'SECRET-SHARED-LINE\n');
  symlinkSync(real, join(base, 'fixtures'));
  symlinkSync(join(base, 'real-shared'), join(base, 'shared'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('wind, zone, launch area and shared files that cannot be read', async () => {
    const a = open({ fixturesDir: join(base, 'fixtures'), sharedDataDir: join(base, 'shared') });
    const uniform = { type: 'uniform', uMps: 5, vMps: 5 };
    const cases: [Record<string, unknown>, string, string][] = [
      [{ wind: { type: 'file', paths: ['../wind/notwind.json'] } }, 'fixtures/wind/notwind.json', 'validate'],
      [
        { wind: { type: 'file', paths: ['../wind/notwind.json'] } },
        'fixtures/wind/notwind.json',
        'backtrack',
      ],
      [{ wind: uniform, zones: { files: ['../zones/secret.txt'] } }, 'fixtures/zones/secret.txt', 'validate'],
      [
        {
          wind: uniform,
          launch: { area: { file: '../area.json', points: 3 }, times: scenario().launch.times },
        },
        'fixtures/area.json',
        'validate',
      ],
      [{ wind: { type: 'file', paths: ['../../shared/notes.txt'] } }, 'shared-data/notes.txt', 'validate'],
      // Missing inside a linked folder: said to be missing, not refused as lying outside.
      [
        { wind: { type: 'file', paths: ['../wind/missing.json'] } },
        'fixtures/wind/missing.json does not exist',
        'validate',
      ],
      [
        { zones: { files: ['../../shared/missing.txt'] } },
        'shared-data/missing.txt does not exist',
        'validate',
      ],
    ];
    for (const [patch, label, route] of cases) {
      const payload =
        route === 'validate'
          ? { ...scenario(), ...patch }
          : {
              wind: patch.wind,
              detections: [{ lon: 25, lat: 54, altM: 3000, time: '2025-10-24T20:00:00Z' }],
            };
      const body = await refused(a, await post(a, `/api/${route}`, payload), 400);
      const text = JSON.stringify(body);
      expect(body.error, text).toContain(label);
      expect(text).not.toContain(base);
      expect(text).not.toMatch(/SECRET/);
    }
  });

  it('an absolute path of this machine outside the data folders is not shown either', () => {
    const redact = redactor([{ path: '/no/such/root', label: 'fixtures' }]);
    expect(redact('zone file /no/such/root/zones/a.json does not exist')).toBe(
      'zone file fixtures/zones/a.json does not exist',
    );
    const left = redact(`cannot read ${tmpdir()}/x/y.json, nor /proc/self/environ; see GET /api/winds (m/s)`);
    expect(left).toBe(`cannot read ${SERVER_PATH}, nor ${SERVER_PATH}; see GET /api/winds (m/s)`);
  });
});
