import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@balloon-sim/sim-core';
import { hasSharedData, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DownloadError, describeNetworkError, download } from './download.js';
import { fetchGfs, fetchOpenMeteo } from './fetch-wind.js';
import { cycleAt, gfsFilterUrl, parseBox, parseCycle, parseHours } from './gfs.js';

describe('request building', () => {
  it('builds the grib filter URL with levels, variables and the box', () => {
    const url = new URL(
      gfsFilterUrl(
        { date: '20200804', hour: 12 },
        6,
        { lonMin: 13, lonMax: 25, latMin: 48, latMax: 56 },
        [850, 700],
        'http://x',
      ),
    );
    expect(url.pathname).toBe('/cgi-bin/filter_gfs_0p25.pl');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      dir: '/gfs.20200804/12/atmos',
      file: 'gfs.t12z.pgrb2.0p25.f006',
      lev_850_mb: 'on',
      lev_700_mb: 'on',
      var_UGRD: 'on',
      var_VGRD: 'on',
      var_HGT: 'on',
      subregion: '',
      leftlon: '13',
      rightlon: '25',
      toplat: '56',
      bottomlat: '48',
    });
  });

  it('parses hours, boxes and cycles, and says what is wrong', () => {
    expect(parseHours('0-12/6')).toEqual([0, 6, 12]);
    expect(parseHours('0,3')).toEqual([0, 3]);
    expect(() => parseHours('soon')).toThrow(/hours must be a list like 0,6,12/);
    expect(parseBox('13,48,25,56')).toEqual({ lonMin: 13, latMin: 48, lonMax: 25, latMax: 56 });
    expect(() => parseBox('25,48,13,56')).toThrow(/min < max/);
    expect(cycleAt(Date.UTC(2020, 7, 4, 17, 59) / 1000)).toEqual({ date: '20200804', hour: 12 });
  });
});

/** A stand-in for NOMADS and Open-Meteo on 127.0.0.1 serving ../shared/data, with scripted failures. */
function fakeServer(
  handler: (req: IncomingMessage, res: ServerResponse, url: URL) => void,
): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => handler(req, res, new URL(req.url ?? '/', 'http://localhost')));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

describe.runIf(hasSharedData)('balloon-sim wind fetch against a local server', () => {
  let server: Server;
  let base: string;
  const requests: string[] = [];
  const failuresLeft = new Map<string, number>();

  beforeAll(async () => {
    ({ server, base } = await fakeServer((_req, res, url) => {
      requests.push(url.pathname + url.search);
      if (url.pathname === '/cgi-bin/filter_gfs_0p25.pl') {
        const file = url.searchParams.get('file') ?? '';
        const dir = url.searchParams.get('dir');
        const step = /f(\d{3})$/.exec(file)?.[1];
        if (dir !== '/gfs.20200804/12/atmos' || !step || !['000', '006', '012'].includes(step)) {
          res.writeHead(404).end('not found');
          return;
        }
        const left = failuresLeft.get(file) ?? 0;
        if (left > 0) {
          failuresLeft.set(file, left - 1);
          res.writeHead(503).end('busy');
          return;
        }
        const bytes = readFileSync(sharedDataPath('gfs-0p25-poland', `20200804_f${step}.grib2`));
        res
          .writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length })
          .end(bytes);
        return;
      }
      if (url.pathname.startsWith('/slow')) return; // never answers
      if (url.pathname === '/v1/forecast') {
        const lats = (url.searchParams.get('latitude') ?? '').split(',');
        const body = lats.map((lat, k) => ({
          latitude: Number(lat),
          longitude: Number((url.searchParams.get('longitude') ?? '').split(',')[k]),
          hourly: { time: [] },
        }));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        return;
      }
      res.writeHead(404).end();
    }));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('downloads each forecast step of a cycle, byte for byte, under its own name', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'fetch-'));
    const log: string[] = [];
    const result = await fetchGfs({
      cycle: '2020080412',
      hours: [0, 6, 12],
      box: parseBox('13,48,25,56'),
      outDir,
      baseUrl: base,
      log: (l) => log.push(l),
    });
    expect(result.paths.map((p) => p.slice(outDir.length + 1))).toEqual([
      'gfs.2020080412.f000.grib2',
      'gfs.2020080412.f006.grib2',
      'gfs.2020080412.f012.grib2',
    ]);
    expect(
      readFileSync(result.paths[1]).equals(
        readFileSync(sharedDataPath('gfs-0p25-poland', '20200804_f006.grib2')),
      ),
    ).toBe(true);
    expect(log.at(-1)).toMatch(/^\[3\/3\] .*f012\.grib2 1\.07 MB$/);
    expect(readdirSync(outDir).some((f) => f.includes('.part-'))).toBe(false);
  });

  it('"latest" steps back a cycle at a time until the server has one', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'fetch-'));
    const nowSec = Date.UTC(2020, 7, 5, 6, 0) / 1000; // 06 UTC next day: tries 00 (05th), then 18 and 12 (4th)
    const result = await fetchGfs({
      cycle: 'latest',
      hours: [0],
      box: parseBox('13,48,25,56'),
      outDir,
      baseUrl: base,
      nowSec,
    });
    expect(result.cycle).toBe('2020080412');
  });

  it('retries a busy server and succeeds', async () => {
    failuresLeft.set('gfs.t12z.pgrb2.0p25.f000', 2);
    const outDir = await mkdtemp(join(tmpdir(), 'fetch-'));
    const before = requests.length;
    await fetchGfs({
      cycle: '2020080412',
      hours: [0],
      box: parseBox('13,48,25,56'),
      outDir,
      baseUrl: base,
      backoffMs: 10,
    });
    expect(requests.length - before).toBe(3);
  });

  it('gives up after its attempts with a clear message and writes nothing', async () => {
    failuresLeft.set('gfs.t12z.pgrb2.0p25.f006', 5);
    const outDir = await mkdtemp(join(tmpdir(), 'fetch-'));
    await expect(
      fetchGfs({
        cycle: '2020080412',
        hours: [6],
        box: parseBox('13,48,25,56'),
        outDir,
        baseUrl: base,
        backoffMs: 10,
        attempts: 2,
      }),
    ).rejects.toThrow(/download of .*f006.* failed after 2 attempts: .*HTTP 503/);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('times out a server that never answers', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'fetch-'));
    await expect(
      fetchOpenMeteo({
        box: parseBox('24,54,24.5,54.5'),
        stepDeg: 0.5,
        startDate: '2025-10-24',
        endDate: '2025-10-25',
        out: join(outDir, 'om.json'),
        baseUrl: `${base}/slow`,
        timeoutMs: 300,
        attempts: 1,
      }),
    ).rejects.toThrow(/timed out after 300 ms/);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('fetches Open-Meteo pressure levels for a lattice of points into one file', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'fetch-'));
    const out = join(outDir, 'om.json');
    const result = await fetchOpenMeteo({
      box: parseBox('24,54,25,55'),
      stepDeg: 0.5,
      startDate: '2025-10-24',
      endDate: '2025-10-25',
      out,
      baseUrl: base,
    });
    expect(result.points).toBe(9);
    const saved = JSON.parse(readFileSync(out, 'utf8'));
    expect(saved.map((p: { latitude: number; longitude: number }) => [p.longitude, p.latitude])).toEqual([
      [24, 54],
      [24.5, 54],
      [25, 54],
      [24, 54.5],
      [24.5, 54.5],
      [25, 54.5],
      [24, 55],
      [24.5, 55],
      [25, 55],
    ]);
    const request = new URL(requests.at(-1)!, 'http://x');
    expect(request.searchParams.get('hourly')).toContain(
      'wind_speed_850hPa,wind_direction_850hPa,geopotential_height_850hPa',
    );
    expect(request.searchParams.get('wind_speed_unit')).toBe('ms');
  });
});

/** A port nothing listens on: a server is started on port 0 and closed again. */
async function closedPort(): Promise<number> {
  const { server, base } = await fakeServer((_req, res) => res.end());
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return Number(new URL(base).port);
}

describe('download failures name their cause and are not bad input', () => {
  it('a refused connection: DownloadError naming ECONNREFUSED and the URL, not an InputError', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/file.grib2`;
    const error = await download(url, { attempts: 2, backoffMs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect(error).not.toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(url);
    expect((error as Error).message).toMatch(/failed after 2 attempts: connection refused \(ECONNREFUSED/);
  });

  it('a connection the server drops: reset or closed, named', async () => {
    const { server, base } = await fakeServer((req) => req.socket.destroy());
    try {
      const error = await download(`${base}/x`, { attempts: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DownloadError);
      expect((error as DownloadError).reason).toMatch(
        /connection reset .*ECONNRESET|closed unexpectedly .*UND_ERR_SOCKET/,
      );
    } finally {
      server.close();
    }
  });

  it('a 5xx answer to every attempt: DownloadError with the status and the URL', async () => {
    const { server, base } = await fakeServer((_req, res) => res.writeHead(502).end('bad gateway'));
    try {
      const error = await download(`${base}/y`, { attempts: 2, backoffMs: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DownloadError);
      expect((error as Error).message).toBe(`download of ${base}/y failed after 2 attempts: HTTP 502`);
    } finally {
      server.close();
    }
  });

  it('says DNS and TLS failures in words, from the cause Node puts under "fetch failed"', () => {
    // The shapes Node's fetch throws (TypeError "fetch failed" with a system or TLS error as cause),
    // built here because a test cannot reach a real DNS server or a host with a bad certificate.
    const failed = (cause: object) => Object.assign(new TypeError('fetch failed'), { cause });
    expect(
      describeNetworkError(failed({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND x.invalid' }), 1),
    ).toBe('the host name was not found (DNS) (ENOTFOUND: getaddrinfo ENOTFOUND x.invalid)');
    expect(
      describeNetworkError(failed({ code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' }), 1),
    ).toBe('TLS failure (CERT_HAS_EXPIRED: certificate has expired)');
    // Without a code, the messages down the chain (undici refuses ports such as 9 this way).
    expect(describeNetworkError(failed(new Error('bad port')), 1)).toBe('fetch failed: bad port');
    expect(describeNetworkError(failed({ code: 'UND_ERR_CONNECT_TIMEOUT', message: '' }), 1)).toBe(
      'connection timed out (UND_ERR_CONNECT_TIMEOUT)',
    );
  });

  it('a malformed or impossible cycle is bad input (InputError), found before any request', async () => {
    expect(() => parseCycle('2020-08-04')).toThrow(InputError);
    expect(() => parseCycle('2020130412')).toThrow(/cycle must be latest or YYYYMMDDHH.*got "2020130412"/);
    expect(parseCycle('2020080412')).toEqual({ date: '20200804', hour: 12 });
  });
});

/**
 * A plain HTTP forward proxy on 127.0.0.1 (no CONNECT): it takes requests in absolute form
 * ("GET http://host:port/path") and forwards them, recording each URL it forwarded.
 */
async function forwardProxy(): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = [];
  const { server, base } = await fakeServer((req, res) => {
    const target = new URL(req.url ?? '');
    seen.push(target.href);
    const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return { server, url: base, seen };
}

describe('downloads honour HTTP_PROXY and NO_PROXY', () => {
  const saved = { ...process.env };
  let origin: { server: Server; base: string };
  let proxy: { server: Server; url: string; seen: string[] };
  beforeAll(async () => {
    origin = await fakeServer((_req, res) => res.writeHead(200, { 'content-length': '5' }).end('hello'));
    proxy = await forwardProxy();
  });
  afterEach(() => {
    for (const key of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    proxy.seen.length = 0;
  });
  afterAll(() => {
    origin.server.close();
    proxy.server.close();
  });

  for (const name of ['HTTP_PROXY', 'http_proxy']) {
    it(`sends the request through the proxy ${name} names`, async () => {
      for (const key of ['HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']) delete process.env[key];
      process.env[name] = proxy.url;
      const body = await download(`${origin.base}/data.grib2?x=1`, { attempts: 1 });
      expect(new TextDecoder().decode(body)).toBe('hello');
      expect(proxy.seen).toEqual([`${origin.base}/data.grib2?x=1`]);
    });
  }

  it('goes direct to a host NO_PROXY lists', async () => {
    process.env.HTTP_PROXY = proxy.url;
    process.env.NO_PROXY = 'example.org,127.0.0.1';
    const body = await download(`${origin.base}/direct`, { attempts: 1 });
    expect(new TextDecoder().decode(body)).toBe('hello');
    expect(proxy.seen).toEqual([]);
  });

  it('a proxy that refuses connections is named in the failure, without its credentials', async () => {
    process.env.HTTP_PROXY = `http://user:secret@127.0.0.1:${await closedPort()}`;
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
    const error = await download(`${origin.base}/z`, { attempts: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(
      /connection refused .*\(through the proxy http:\/\/127\.0\.0\.1:\d+\)$/,
    );
    expect((error as Error).message).not.toContain('secret');
  });
});
