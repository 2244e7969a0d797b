import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DownloadError, downloadToFile, HttpStatusError } from './download.js';

/** 300 000 bytes whose every position differs from its neighbours' (a splice at the wrong place shows). */
const BODY = Buffer.from(Array.from({ length: 300_000 }, (_, k) => (k * 7 + (k >> 8)) & 0xff));

type Mode = 'ranges' | 'ignore-range' | 'wrong-range';

/**
 * A file server on 127.0.0.1 that honours Range (206, Content-Range) or ignores it (200), and can
 * cut the connection after sending part of the body, as a flaky network does.
 */
function rangeServer() {
  const state = {
    mode: 'ranges' as Mode,
    /**
     * Send only this many body bytes of the next answers (one entry per answer) and hold the
     * connection open in `open`, for the test to cut once the client has them (cutWhenReceived).
     */
    cutAfter: [] as number[],
    open: null as ServerResponse | null,
    requests: [] as { range: string | undefined; encoding: string | undefined }[],
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    state.requests.push({ range: req.headers.range, encoding: req.headers['accept-encoding'] });
    const asked = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    let body = BODY;
    if (asked && state.mode !== 'ignore-range') {
      const first = Number(asked[1]);
      const last = asked[2] ? Number(asked[2]) : BODY.length - 1;
      const shift = state.mode === 'wrong-range' ? 10 : 0;
      body = BODY.subarray(first + shift, last + 1);
      res.writeHead(206, {
        'content-length': body.length,
        'content-range': `bytes ${first + shift}-${last}/${BODY.length}`,
      });
    } else {
      res.writeHead(200, { 'content-length': body.length });
    }
    const cut = state.cutAfter.shift();
    if (cut === undefined) {
      res.end(body);
      return;
    }
    res.write(body.subarray(0, cut));
    state.open = res;
  });
  /** An onProgress that cuts the held connection once the client has received `bytes`: a cut mid-file. */
  const cutWhenReceived = (bytes: number) => (received: number) => {
    if (received >= bytes && state.open) {
      state.open.socket?.destroy();
      state.open = null;
    }
  };
  return { server, state, cutWhenReceived };
}

describe('downloadToFile: resuming, Range, servers that ignore it', () => {
  let server: Server;
  let state: ReturnType<typeof rangeServer>['state'];
  let cutWhenReceived: ReturnType<typeof rangeServer>['cutWhenReceived'];
  let url: string;
  let dir: string;

  beforeAll(async () => {
    ({ server, state, cutWhenReceived } = rangeServer());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/file.grib2`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    state.mode = 'ranges';
    state.cutAfter = [];
    state.open = null;
    state.requests = [];
    dir = mkdtempSync(join(tmpdir(), 'download-'));
  });

  it('a connection cut mid-file: the next attempt asks for the rest (bytes=N-) and the file is whole', async () => {
    state.cutAfter = [120_000];
    const path = join(dir, 'f.partial');
    const result = await downloadToFile(url, path, { backoffMs: 1, onProgress: cutWhenReceived(120_000) });
    expect(readFileSync(path).equals(BODY)).toBe(true);
    expect(state.requests.map((r) => r.range)).toEqual([undefined, 'bytes=120000-']);
    expect(result).toEqual({ bytes: BODY.length, resumedFrom: 0, restarts: 0 });
    // Byte ranges must mean the stored bytes, so no compressed encoding is accepted.
    expect(state.requests.every((r) => /^identity\b/.test(r.encoding ?? ''))).toBe(true);
  });

  it('bytes an interrupted run left are kept: only the rest is asked for', async () => {
    const path = join(dir, 'f.partial');
    writeFileSync(path, BODY.subarray(0, 200_000));
    const result = await downloadToFile(url, path);
    expect(state.requests.map((r) => r.range)).toEqual(['bytes=200000-']);
    expect(readFileSync(path).equals(BODY)).toBe(true);
    expect(result.resumedFrom).toBe(200_000);
  });

  it('a server that ignores Range (200 instead of 206) gets the file started over, cleanly', async () => {
    state.mode = 'ignore-range';
    const path = join(dir, 'f.partial');
    writeFileSync(path, BODY.subarray(0, 50_000));
    const result = await downloadToFile(url, path);
    expect(state.requests.map((r) => r.range)).toEqual(['bytes=50000-']);
    expect(readFileSync(path).equals(BODY)).toBe(true);
    expect(result.restarts).toBe(1);
  });

  it('a byte range (an index entry): 206 with the range, or cut out of a whole file a server sends instead', async () => {
    const range = { first: 1000, last: 60_999 };
    const a = join(dir, 'a.partial');
    await downloadToFile(url, a, { range });
    expect(state.requests.map((r) => r.range)).toEqual(['bytes=1000-60999']);
    expect(readFileSync(a).equals(BODY.subarray(1000, 61_000))).toBe(true);

    state.mode = 'ignore-range';
    const b = join(dir, 'b.partial');
    const result = await downloadToFile(url, b, { range });
    expect(readFileSync(b).equals(BODY.subarray(1000, 61_000))).toBe(true);
    expect(result.restarts).toBe(1);
  });

  it('a range cut mid-way resumes inside the range, and a complete range asks for nothing', async () => {
    state.cutAfter = [10_000];
    const range = { first: 100_000, last: 199_999 };
    const path = join(dir, 'r.partial');
    await downloadToFile(url, path, { range, backoffMs: 1, onProgress: cutWhenReceived(10_000) });
    expect(readFileSync(path).equals(BODY.subarray(100_000, 200_000))).toBe(true);
    expect(state.requests.map((r) => r.range)).toEqual(['bytes=100000-199999', 'bytes=110000-199999']);
    state.requests = [];
    await downloadToFile(url, path, { range });
    expect(state.requests).toEqual([]);
  });

  it('a 206 that does not start where asked is refused, not spliced in', async () => {
    state.mode = 'wrong-range';
    const path = join(dir, 'w.partial');
    writeFileSync(path, BODY.subarray(0, 1000));
    const error = await downloadToFile(url, path, { attempts: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(/answered bytes 1010-299999\/300000 for bytes=1000-/);
    expect(readFileSync(path).equals(BODY.subarray(0, 1000))).toBe(true);
  });

  it('a 404 is final (HttpStatusError, no retry) and leaves no file', async () => {
    let requests = 0;
    const notFound = createServer((_req, res) => {
      requests++;
      res.writeHead(404).end('no');
    });
    await new Promise<void>((resolve) => notFound.listen(0, '127.0.0.1', resolve));
    try {
      const path = join(dir, 'n.partial');
      const error = await downloadToFile(
        `http://127.0.0.1:${(notFound.address() as AddressInfo).port}/x`,
        path,
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpStatusError);
      expect((error as HttpStatusError).status).toBe(404);
      expect(requests).toBe(1);
      expect(() => readFileSync(path)).toThrow();
    } finally {
      notFound.close();
    }
  });
});
