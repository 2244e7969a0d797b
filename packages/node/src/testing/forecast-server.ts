/**
 * A stand-in for the forecast publishers on 127.0.0.1: it serves a folder laid out as the service
 * lays out its files (ECMWF's forecasts/<date>/<HH>z/ifs/0p25/<stream>/…, DWD's
 * weather/nwp/icon-eu/grib/<HH>/<param>/…), honours Range requests (206 with Content-Range) or,
 * when told, ignores them (200 with the whole file), answers 404 for what it does not hold, and can
 * cut a connection mid-file. Dynamic services (NOMADS' grib filter) get a handler of their own.
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export interface ServedRequest {
  path: string;
  query: URLSearchParams;
  range: string | undefined;
  status: number;
}

export interface ForecastServer {
  base: string;
  server: Server;
  requests: ServedRequest[];
  /** Ignore Range headers: answer 200 with the whole file. */
  ignoreRange: boolean;
  /**
   * Cut the next answer whose path ends with this suffix after `bytes` body bytes: the answer is
   * held open until the client has those bytes (call `progress` from its onProgress), then cut.
   */
  cutOnce(suffix: string, bytes: number): void;
  /** The client's progress: cuts a held answer once the client has received its bytes. */
  progress(url: string, received: number): void;
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 port 0 serving `root`; `dynamic` may answer a request itself (return
 * the file to send, or null for 404) before the folder is looked at.
 */
export async function startForecastServer(
  root: string,
  dynamic?: (path: string, query: URLSearchParams) => string | null | undefined,
): Promise<ForecastServer> {
  const cuts: { suffix: string; bytes: number }[] = [];
  const held: { res: ServerResponse; bytes: number; path: string }[] = [];
  const state = {
    ignoreRange: false,
    requests: [] as ServedRequest[],
  };
  const send = (req: IncomingMessage, res: ServerResponse, file: string | null, url: URL) => {
    const record: ServedRequest = {
      path: url.pathname,
      query: url.searchParams,
      range: req.headers.range,
      status: 404,
    };
    state.requests.push(record);
    let size = -1;
    try {
      if (file) size = statSync(file).isFile() ? statSync(file).size : -1;
    } catch {
      size = -1;
    }
    if (!file || size < 0) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const bytes = readFileSync(file);
    const asked = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    let body: Buffer = bytes;
    if (asked && !state.ignoreRange) {
      const first = Number(asked[1]);
      const last = Math.min(asked[2] ? Number(asked[2]) : bytes.length - 1, bytes.length - 1);
      if (first >= bytes.length) {
        record.status = 416;
        res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
        return;
      }
      body = bytes.subarray(first, last + 1);
      record.status = 206;
      res.writeHead(206, {
        'content-length': body.length,
        'content-range': `bytes ${first}-${last}/${bytes.length}`,
      });
    } else {
      record.status = 200;
      res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
    }
    const cut = cuts.findIndex((c) => url.pathname.endsWith(c.suffix));
    if (cut >= 0 && body.length > cuts[cut].bytes) {
      const { bytes: n } = cuts.splice(cut, 1)[0];
      res.write(body.subarray(0, n));
      held.push({ res, bytes: n, path: url.pathname });
      return;
    }
    res.end(body);
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const answer = dynamic?.(url.pathname, url.searchParams);
    if (answer !== undefined) {
      send(req, res, answer, url);
      return;
    }
    const path = normalize(decodeURIComponent(url.pathname));
    send(req, res, path.includes('..') ? null : join(root, path), url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    server,
    get requests() {
      return state.requests;
    },
    set requests(value) {
      state.requests = value;
    },
    get ignoreRange() {
      return state.ignoreRange;
    },
    set ignoreRange(value) {
      state.ignoreRange = value;
    },
    cutOnce(suffix, bytes) {
      cuts.push({ suffix, bytes });
    },
    progress(url, received) {
      const path = new URL(url).pathname;
      for (let k = held.length - 1; k >= 0; k--) {
        if (held[k].path === path && received >= held[k].bytes) {
          held[k].res.socket?.destroy();
          held.splice(k, 1);
        }
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
