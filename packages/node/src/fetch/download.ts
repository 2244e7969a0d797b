import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '@balloon-sim/sim-core';
import { EnvHttpProxyAgent, fetch } from 'undici';
import { forgetTemporary, registerTemporary } from '../temporaries.js';

/** Shared options of the fetchers. */
export interface FetchCommon {
  baseUrl?: string;
  timeoutMs?: number;
  attempts?: number;
  backoffMs?: number;
  signal?: AbortSignal;
  /** Progress lines (the command line sends them to stderr). */
  log?: (line: string) => void;
}

/** Options of one download. */
export interface DownloadOptions {
  /** Give up on an attempt after this long without completing (ms). Default 60 s. */
  timeoutMs?: number;
  /** Attempts in all, for network errors and 5xx/429 answers (4xx other than 429 are final). Default 3. */
  attempts?: number;
  /** Wait before the second attempt (ms), doubled for each later one. Default 1 s. */
  backoffMs?: number;
  /** Called with bytes received and the total when the server says it. */
  onProgress?: (received: number, total: number | null) => void;
  /** Stops the download (Ctrl-C). */
  signal?: AbortSignal;
}

/**
 * A download that failed for a reason outside the user's input (the network, the server): every
 * attempt failed. Not an InputError: the command line exits 1, not 2. The message names the URL and
 * the cause (DNS, refused, reset, timeout, TLS, HTTP status).
 */
export class DownloadError extends Error {
  override name = 'DownloadError';
  constructor(
    message: string,
    readonly url: string,
    /** The cause in a word or two, e.g. "connection refused (ECONNREFUSED)" or "HTTP 503". */
    readonly reason: string,
  ) {
    super(message);
  }
}

/** An answer that retrying cannot change (404, 400…): the status and URL, for the caller to decide. */
export class HttpStatusError extends InputError {
  override name = 'HttpStatusError';
  constructor(
    readonly status: number,
    readonly url: string,
  ) {
    super(`${url} answered HTTP ${status}`, 'url', url);
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

/**
 * Error codes of Node's sockets, DNS and TLS, and of undici (the cause of fetch's "fetch failed"),
 * in words a person behind a firewall or a proxy can act on.
 */
const NETWORK_CAUSES: Record<string, string> = {
  ENOTFOUND: 'the host name was not found (DNS)',
  EAI_AGAIN: 'the host name could not be looked up (DNS temporarily unavailable)',
  EAI_FAIL: 'the host name could not be looked up (DNS failure)',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server or a proxy',
  EPIPE: 'connection closed by the server while sending',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNABORTED: 'connection aborted',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'the server sent no answer in time',
  UND_ERR_BODY_TIMEOUT: 'the server stopped sending the body',
  UND_ERR_SOCKET: 'the connection was closed unexpectedly',
  UND_ERR_CLOSED: 'the connection was closed',
  UND_ERR_ABORTED: 'the request was aborted (a proxy refused the tunnel?)',
  UND_ERR_PRX_TLS: 'TLS handshake with the proxy failed',
};

/**
 * Why an attempt failed, in words: Node's fetch throws TypeError("fetch failed") and keeps the real
 * cause (a system error code, a TLS failure) in `error.cause`, sometimes one level further down.
 */
export function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof HttpStatusError) return `HTTP ${error.status}`;
  const e = error as { name?: string; message?: string; code?: string; cause?: unknown };
  if (e?.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  let node: unknown = error;
  const messages: string[] = [];
  for (let depth = 0; depth < 4 && node && typeof node === 'object'; depth++) {
    const { code, message, cause } = node as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string') {
      const detail = typeof message === 'string' && message ? `: ${message}` : '';
      if (NETWORK_CAUSES[code]) return `${NETWORK_CAUSES[code]} (${code}${detail})`;
      if (/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return `TLS failure (${code}${detail})`;
      return `${code}${detail}`;
    }
    if ((node as { name?: string }).name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
    if (typeof message === 'string' && message && !messages.includes(message)) messages.push(message);
    node = cause;
  }
  // No code: every message down the chain ("fetch failed: bad port" for a port fetch refuses).
  return messages.length > 0 ? messages.join(': ') : String(error);
}

/** One attempt: the whole body, or an error saying why not. */
async function attempt(
  url: string,
  options: DownloadOptions,
  dispatcher: EnvHttpProxyAgent,
): Promise<Uint8Array> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const response = await fetch(url, { signal, dispatcher });
  if (!response.ok) {
    await response.body?.cancel();
    throw new HttpStatusError(response.status, url);
  }
  const total = Number(response.headers.get('content-length')) || null;
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    options.onProgress?.(received, total);
  }
  if (total !== null && received !== total)
    throw new Error(`the body ended after ${received} of ${total} bytes`);
  const body = new Uint8Array(received);
  let offset = 0;
  for (const c of chunks) {
    body.set(c, offset);
    offset += c.length;
  }
  return body;
}

const retryable = (error: unknown) =>
  !(error instanceof HttpStatusError) || error.status >= 500 || error.status === 429;

/**
 * Downloads a URL with a timeout per attempt and retries with exponential backoff for transient
 * failures. Throws HttpStatusError for final HTTP answers (4xx but 429), DownloadError when every
 * attempt failed (network errors, 5xx, 429), naming the cause.
 *
 * Goes through the proxy that HTTPS_PROXY / HTTP_PROXY name (or their lower-case forms), except for
 * hosts NO_PROXY lists: institutional users sit behind proxies, and Node's own fetch ignores these
 * variables. undici's EnvHttpProxyAgent reads them; plain http:// URLs are sent to an http proxy in
 * absolute form (no CONNECT tunnel), which every forward proxy accepts.
 */
export function download(url: string, options: DownloadOptions = {}): Promise<Uint8Array> {
  return withRetries(url, options, (dispatcher) => attempt(url, options, dispatcher));
}

/** Runs attempts with backoff, as `download` describes, turning the last failure into a DownloadError. */
async function withRetries<T>(
  url: string,
  options: DownloadOptions,
  once: (dispatcher: EnvHttpProxyAgent) => Promise<T>,
): Promise<T> {
  const attempts = options.attempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 60_000;
  let wait = options.backoffMs ?? 1000;
  const dispatcher = new EnvHttpProxyAgent({ proxyTunnel: false });
  try {
    for (let k = 1; ; k++) {
      try {
        return await once(dispatcher);
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (!retryable(error)) throw error;
        if (k >= attempts) {
          const reason = describeNetworkError(error, timeoutMs);
          throw new DownloadError(
            `download of ${url} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}${proxyNote(url)}`,
            url,
            reason,
          );
        }
        await sleep(wait, options.signal);
        wait *= 2;
      }
    }
  } finally {
    await dispatcher.close();
  }
}

/** Options of a download into a file. */
export interface FileDownloadOptions extends DownloadOptions {
  /** Only these bytes of the resource, first and last inclusive (an HTTP Range request). */
  range?: { first: number; last: number };
}

/** What downloadToFile did. */
export interface FileDownloadResult {
  /** Size of the file at the end (the resource, or the range). */
  bytes: number;
  /** Bytes that were already in the file and were kept (resumed from), 0 when it started afresh. */
  resumedFrom: number;
  /** How many times the server ignored a Range request (answered 200) and the file was started over. */
  restarts: number;
}

/** A time limit's abort reason, named as AbortSignal.timeout names its own (describeNetworkError). */
const timeoutReason = (ms: number) =>
  Object.assign(new Error(`no data for ${ms} ms`), { name: 'TimeoutError' });

/**
 * Downloads a URL, or a byte range of it, into `path`, continuing from whatever is already there:
 * the bytes a cut connection left (the next attempt asks for the rest, Range: bytes=N-), or those an
 * interrupted run left. A server that ignores Range (answers 200 instead of 206) is met by starting
 * the file over from its first byte; for a range, the bytes before it are skipped and the download
 * stops after its last. A 206 whose Content-Range does not start where asked is refused, not spliced.
 * The size is checked against Content-Length / Content-Range or the range asked; the caller checks
 * the content. `timeoutMs` limits how long an attempt may go without receiving a byte (a large file
 * may take longer in all). The file is not renamed or removed here: it is the partial download.
 */
export async function downloadToFile(
  url: string,
  path: string,
  options: FileDownloadOptions = {},
): Promise<FileDownloadResult> {
  await mkdir(dirname(path), { recursive: true });
  const range = options.range;
  const wanted = range ? range.last - range.first + 1 : null;
  let have = await sizeOf(path);
  if (wanted !== null && have > wanted) {
    await writeFile(path, new Uint8Array(0)); // longer than the range: not this download's bytes
    have = 0;
  }
  const resumedFrom = have;
  if (wanted !== null && have === wanted) return { bytes: have, resumedFrom, restarts: 0 };
  let restarts = 0;
  await withRetries(url, options, async (dispatcher) => {
    // What the file holds now: a failed attempt keeps the bytes it wrote, and the next continues.
    have = await sizeOf(path);
    const result = await attemptToFile(url, path, options, dispatcher, have);
    have = result.bytes;
    restarts += result.restarted ? 1 : 0;
  });
  return { bytes: have, resumedFrom, restarts };
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** One attempt of downloadToFile, from `have` bytes already in the file. */
async function attemptToFile(
  url: string,
  path: string,
  options: FileDownloadOptions,
  dispatcher: EnvHttpProxyAgent,
  have: number,
): Promise<{ bytes: number; restarted: boolean }> {
  const idleMs = options.timeoutMs ?? 60_000;
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(timeoutReason(idleMs)), idleMs);
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(timeoutReason(idleMs)), idleMs);
  };
  const signal = options.signal ? AbortSignal.any([controller.signal, options.signal]) : controller.signal;
  const range = options.range;
  const first = (range?.first ?? 0) + have;
  // Byte counts must be of the stored bytes: no compressed transfer (fetch itself sends identity with a Range).
  const headers: Record<string, string> =
    range || have > 0
      ? { range: `bytes=${first}-${range ? range.last : ''}` }
      : { 'accept-encoding': 'identity' };
  try {
    const response = await fetch(url, { signal, dispatcher, headers });
    let skip = 0; // bytes of the body before the ones wanted
    let restarted = false;
    let total: number | null = null; // size the file must reach
    if (response.status === 206) {
      const contentRange = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
      if (!contentRange || Number(contentRange[1]) !== first) {
        await response.body?.cancel();
        throw new Error(
          `the server answered ${response.headers.get('content-range') ?? '(no Content-Range)'} for bytes=${first}-`,
        );
      }
      total = have + Number(contentRange[2]) - first + 1;
      if (!range && contentRange[3] !== '*') total = Number(contentRange[3]);
    } else if (response.status === 416 && !range && have > 0) {
      // Nothing left to send: the file may already be whole (Content-Range: bytes */size).
      await response.body?.cancel();
      const size = /^bytes \*\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
      if (size && Number(size[1]) === have) return { bytes: have, restarted: false };
      await writeFile(path, new Uint8Array(0));
      throw new Error(
        `the server refused the range bytes=${first}- of a file it says is ${size?.[1] ?? 'of unknown size'} bytes`,
      );
    } else if (response.ok) {
      // 200: the whole resource, Range ignored. Start the file over; for a range, cut it out.
      restarted = have > 0 || range !== undefined;
      have = 0;
      await writeFile(path, new Uint8Array(0));
      const length = Number(response.headers.get('content-length')) || null;
      skip = range?.first ?? 0;
      total = range ? range.last - range.first + 1 : length;
      if (range && length !== null && length < range.last + 1) {
        await response.body?.cancel();
        throw new Error(
          `the server sent ${length} bytes, fewer than the range bytes=${range.first}-${range.last} needs`,
        );
      }
    } else {
      await response.body?.cancel();
      throw new HttpStatusError(response.status, url);
    }
    const file = await open(path, 'a');
    try {
      const reader = response.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        alive();
        let chunk = value;
        if (skip > 0) {
          const dropped = Math.min(skip, chunk.length);
          skip -= dropped;
          chunk = chunk.subarray(dropped);
        }
        if (total !== null && have + chunk.length > total) chunk = chunk.subarray(0, total - have);
        if (chunk.length > 0) {
          await file.write(chunk);
          have += chunk.length;
          options.onProgress?.(have, total);
        }
        if (total !== null && have === total && (range !== undefined || restarted)) {
          await reader.cancel(); // the rest of a whole file sent for a range is not needed
          break;
        }
      }
    } finally {
      await file.close();
    }
    if (total !== null && have !== total) throw new Error(`the body ended after ${have} of ${total} bytes`);
    return { bytes: have, restarted };
  } finally {
    clearTimeout(timer);
  }
}

/** " (through the proxy …)" when the environment sends this URL through a proxy: part of the cause. */
function proxyNote(url: string): string {
  const env = process.env;
  const https = url.startsWith('https:');
  const proxy = https
    ? (env.https_proxy ?? env.HTTPS_PROXY ?? env.http_proxy ?? env.HTTP_PROXY)
    : (env.http_proxy ?? env.HTTP_PROXY);
  if (!proxy) return '';
  const noProxy = env.no_proxy ?? env.NO_PROXY ?? '';
  // Only say "through" when NO_PROXY does not obviously exempt the host (the agent decides exactly).
  const host = new URL(url).hostname.toLowerCase();
  const exempt = noProxy
    .split(/[,\s]/)
    .filter(Boolean)
    .some((e) => {
      const name = e
        .replace(/:\d+$/, '')
        .replace(/^\*?\./, '')
        .toLowerCase();
      return e === '*' || host === name || host.endsWith(`.${name}`);
    });
  if (exempt) return '';
  let shown = proxy;
  try {
    const p = new URL(proxy);
    shown = `${p.protocol}//${p.host}`; // never print a proxy's user name or password
  } catch {
    shown = 'the proxy set in the environment';
  }
  return ` (through the proxy ${shown})`;
}

/**
 * Writes a file atomically: to a temporary name beside it, then renamed over the final name, so a
 * reader never sees half a file and an interrupted run leaves none behind.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.part-${process.pid}-${randomBytes(4).toString('hex')}`;
  registerTemporary(temporary);
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  } finally {
    forgetTemporary(temporary);
  }
}
