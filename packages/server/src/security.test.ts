import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@balloon-sim/sim-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { optionsFromEnv, resolveOptions } from './options.js';
import { hostRefusal, originRefusal } from './security.js';
import { openApp } from './testing/apps.js';
import { eventually, StreamClient, startServer } from './testing/client.js';

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server | null = null;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.app.close();
  server = null;
});

const portOf = (s: Server) => Number(new URL(s.http).port);

/** A GET with the Host header of our choosing (fetch does not let one set it). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens /api/stream with these headers: 'open', or the HTTP status and body it was refused with. */
function upgrade(
  url: string,
  options: { origin?: string; host?: string },
): Promise<{ opened: true; socket: WebSocket } | { opened: false; status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      ...(options.origin ? { origin: options.origin } : {}),
      ...(options.host ? { headers: { host: options.host } } : {}),
    });
    socket.once('open', () => resolve({ opened: true, socket }));
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c;
      });
      res.on('end', () => resolve({ opened: false, status: res.statusCode!, body }));
    });
    socket.once('error', reject);
  });
}

describe('Host header (DNS rebinding)', () => {
  it('REST answers loopback names, refuses other names with 403, and answers configured ones', async () => {
    const a = openApp({ allowedHosts: ['Balloon.Example.org'] });
    for (const host of ['localhost', 'localhost:8080', '127.0.0.1:9', '127.1.2.3', '[::1]:8080', 'LOCALHOST'])
      expect((await a.inject({ url: '/api/health', headers: { host } })).statusCode, host).toBe(200);
    expect(
      (await a.inject({ url: '/api/health', headers: { host: 'balloon.example.org:8080' } })).statusCode,
    ).toBe(200);
    for (const host of [
      'attacker.example',
      'attacker.example:8080',
      'localhost.attacker.example',
      '127.0.0.1.nip.io',
    ]) {
      const response = await a.inject({ url: '/api/scenarios', headers: { host } });
      expect(response.statusCode, host).toBe(403);
      expect(response.json().error).toMatch(/is not a name of this server.*allowedHosts/);
    }
    // A POST is refused before its body is looked at.
    const post = await a.inject({
      method: 'POST',
      url: '/api/validate',
      headers: { host: 'attacker.example', 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(post.statusCode).toBe(403);
  });

  it('the address a connection arrived on is a name of this server; another address is not', () => {
    const none = new Set<string>();
    expect(hostRefusal('192.0.2.7:8080', '192.0.2.7', none)).toBeNull();
    expect(hostRefusal('192.0.2.7', '::ffff:192.0.2.7', none)).toBeNull();
    expect(hostRefusal('[2001:db8::7]:8080', '2001:db8::7', none)).toBeNull();
    expect(hostRefusal('192.0.2.8:8080', '192.0.2.7', none)).toMatch(/192\.0\.2\.8/);
    expect(hostRefusal('attacker.example', '192.0.2.7', none)).toMatch(/attacker\.example/);
    expect(hostRefusal('a b', '192.0.2.7', none)).not.toBeNull();
    // HTTP/1.0 without a Host header: no browser sends that.
    expect(hostRefusal(undefined, '192.0.2.7', none)).toBeNull();
  });

  it('a WebSocket upgrade naming another host is refused with 403 before the upgrade', async () => {
    server = await startServer();
    const port = portOf(server);
    // What a page of attacker.example sends once its name resolves to this server: its own origin.
    const rebound = await upgrade(server.ws, {
      host: `attacker.example:${port}`,
      origin: `http://attacker.example:${port}`,
    });
    expect(rebound.opened).toBe(false);
    expect(rebound.opened === false && rebound.status).toBe(403);
    expect(server.app.balloonSim.streams.size).toBe(0);
    expect((await getWithHost(`${server.http}/api/health`, `attacker.example:${port}`)).status).toBe(403);
  });
});

describe('Origin of /api/stream', () => {
  it('opens for no Origin and for the server’s own origin; refuses other origins with 403 before the upgrade', async () => {
    server = await startServer();
    const port = portOf(server);
    for (const origin of [undefined, `http://127.0.0.1:${port}`, `https://127.0.0.1:${port}`]) {
      const result = await upgrade(server.ws, { origin });
      expect(result.opened, String(origin)).toBe(true);
      if (result.opened) result.socket.close();
    }
    for (const origin of [
      'http://attacker.example',
      `http://localhost:${port}`, // another origin of this machine: the Host header says 127.0.0.1
      `http://127.0.0.1:${port + 1}`,
      'null',
      'file://',
    ]) {
      const result = await upgrade(server.ws, { origin });
      expect(result.opened, origin).toBe(false);
      if (result.opened) continue;
      expect(result.status, origin).toBe(403);
      expect(JSON.parse(result.body).error).toMatch(/may not open this stream.*allowedOrigins/);
    }
    await eventually(() => server!.app.balloonSim.streams.size === 0);
    expect(server.app.balloonSim.runs.counts()).toEqual({ active: 0, queued: 0 });
  });

  it('opens for an origin of allowedOrigins, e.g. the Vite development server', async () => {
    server = await startServer({ allowedOrigins: ['http://localhost:5173/'] });
    const allowed = await upgrade(server.ws, { origin: 'http://localhost:5173' });
    expect(allowed.opened).toBe(true);
    if (allowed.opened) allowed.socket.close();
    const other = await upgrade(server.ws, { origin: 'http://localhost:5174' });
    expect(other.opened).toBe(false);
  });

  it('allowedOrigins and allowedHosts refuse malformed entries, naming them', () => {
    expect(() => resolveOptions({ allowedOrigins: ['localhost:5173'] })).toThrow(
      /allowedOrigins\[0\] must be an origin.*"localhost:5173"/,
    );
    expect(() => resolveOptions({ allowedOrigins: ['http://a.example/path'] })).toThrow(
      /allowedOrigins\[0\]/,
    );
    expect(() => resolveOptions({ allowedHosts: ['ok.example', 'http://a.example'] })).toThrow(
      /allowedHosts\[1\] must be a host name/,
    );
    expect(originRefusal('http://x.example', 'x.example', new Set())).toBeNull();
    expect(originRefusal('http://x.example:80', 'x.example', new Set())).toBeNull();
  });

  it('the environment gives ALLOWED_ORIGINS, ALLOWED_HOSTS and every limit; a bad value names its variable', () => {
    const options = optionsFromEnv({
      ALLOWED_ORIGINS: 'http://localhost:5173, https://ops.example.org',
      ALLOWED_HOSTS: 'balloon.example.org,',
      MAX_RUNS_PER_CLIENT: '20',
      MAX_ACTIVE_BACKTRACKS: '2',
    });
    expect(options).toEqual({
      allowedOrigins: ['http://localhost:5173', 'https://ops.example.org'],
      allowedHosts: ['balloon.example.org'],
      limits: { maxRunsPerClient: 20, maxActiveBacktracks: 2 },
    });
    expect(() => optionsFromEnv({ ALLOWED_ORIGINS: 'localhost:5173' })).toThrow(/ALLOWED_ORIGINS/);
    expect(() => optionsFromEnv({ MAX_ACTIVE_BACKTRACKS: 'two' })).toThrow(InputError);
  });
});

describe('security headers', () => {
  const viewerDir = mkdtempSync(join(tmpdir(), 'balloon-viewer-'));
  mkdirSync(join(viewerDir, 'assets'));
  writeFileSync(join(viewerDir, 'index.html'), '<!doctype html><title>viewer</title>');
  writeFileSync(join(viewerDir, 'assets', 'main.js'), 'export {};');
  afterAll(() => rmSync(viewerDir, { recursive: true, force: true }));

  it('the viewer, the API, errors and refusals carry CSP, nosniff, frame-ancestors and Referrer-Policy', async () => {
    const a = openApp({ viewerDir });
    const answers = {
      page: await a.inject('/'),
      script: await a.inject('/assets/main.js'),
      api: await a.inject('/api/health'),
      notFound: await a.inject('/api/nope'),
      badHost: await a.inject({ url: '/api/health', headers: { host: 'attacker.example' } }),
      notBuilt: await openApp({ viewerDir: join(viewerDir, 'missing') }).inject('/'),
    };
    expect(answers.page.statusCode).toBe(200);
    expect(answers.badHost.statusCode).toBe(403);
    for (const [name, response] of Object.entries(answers)) {
      const csp = String(response.headers['content-security-policy']);
      for (const directive of [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
      ])
        expect(csp, name).toContain(directive);
      expect(csp, name).not.toContain('unsafe-inline');
      expect(csp, name).not.toContain('upgrade-insecure-requests');
      expect(response.headers['x-content-type-options'], name).toBe('nosniff');
      expect(response.headers['x-frame-options'], name).toBe('DENY');
      expect(response.headers['referrer-policy'], name).toBe('no-referrer');
      // Plain http: no HSTS that would pin a name to https.
      expect(response.headers['strict-transport-security'], name).toBeUndefined();
    }
  });
});

interface RawConnection {
  socket: Socket;
  received(): string;
  isClosed(): boolean;
  closed: Promise<void>;
}

/** A raw TCP connection to the server, collecting what it answers. */
async function rawConnection(port: number): Promise<RawConnection> {
  const socket = connect({ host: '127.0.0.1', port });
  sockets.push(socket);
  let text = '';
  let isClosed = false;
  socket.on('data', (chunk) => {
    text += chunk.toString();
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      isClosed = true;
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => text, isClosed: () => isClosed, closed };
}

/** Sends a keep-alive GET /api/health on a raw connection; its whole answer, or what came before a close. */
async function healthOn(connection: RawConnection): Promise<string> {
  const before = connection.received().length;
  connection.socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  await eventually(
    () => connection.isClosed() || /\r\n\r\n\{.*\}$/s.test(connection.received().slice(before)),
    10_000,
  );
  return connection.received().slice(before);
}

describe('slow and numerous connections', () => {
  it('a client trickling a request body is answered 408 and disconnected before it has sent the body', async () => {
    server = await startServer({ limits: { requestTimeoutMs: 300 } });
    const connection = await rawConnection(portOf(server));
    const bodyBytes = 400;
    connection.socket.write(
      `POST /api/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${bodyBytes}\r\n\r\n`,
    );
    // One byte every 20 ms: the whole body would take 8 s, 27 times the request timeout.
    let sent = 0;
    let open = true;
    void connection.closed.then(() => {
      open = false;
    });
    const trickle = setInterval(() => {
      if (!open || sent >= bodyBytes) return clearInterval(trickle);
      connection.socket.write(' ');
      sent++;
    }, 20);
    await connection.closed;
    clearInterval(trickle);
    expect(sent).toBeLessThan(bodyBytes);
    expect(connection.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a client holding maxConnectionsPerClient connections is refused one more with 429; a freed one is usable again', async () => {
    server = await startServer({ limits: { maxConnectionsPerClient: 3 } });
    const port = portOf(server);
    const held = [];
    for (let k = 0; k < 3; k++) {
      const connection = await rawConnection(port);
      expect(await healthOn(connection)).toMatch(/^HTTP\/1\.1 200 /);
      held.push(connection);
    }
    const extra = await rawConnection(port);
    // Its answer, whatever it is: the 429 sent as it opened (before this request), or an answer to it.
    await healthOn(extra);
    expect(extra.received()).toMatch(/^HTTP\/1\.1 429 /);
    await extra.closed;
    expect(extra.received()).toMatch(/maxConnectionsPerClient = 3/);
    expect(extra.received()).not.toMatch(/"status":"ok"/);
    // The three it holds still work, and a WebSocket counts as a connection too.
    expect(await healthOn(held[0])).toMatch(/^HTTP\/1\.1 200 /);
    await expect(StreamClient.connect(server.ws)).rejects.toThrow();
    held[0].socket.destroy();
    await held[0].closed;
    await eventually(async () => {
      const next = await rawConnection(port);
      const answer = await healthOn(next);
      next.socket.destroy();
      return /^HTTP\/1\.1 200 /.test(answer);
    }, 10_000);
  });
});
