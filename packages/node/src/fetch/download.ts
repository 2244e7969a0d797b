import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '@balloon-sim/sim-core';
import { EnvHttpProxyAgent, fetch } from 'undici';
import { forgetTemporary, registerTemporary } from '../temporaries.js';

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
export async function download(url: string, options: DownloadOptions = {}): Promise<Uint8Array> {
  const attempts = options.attempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 60_000;
  let wait = options.backoffMs ?? 1000;
  const dispatcher = new EnvHttpProxyAgent({ proxyTunnel: false });
  try {
    for (let k = 1; ; k++) {
      try {
        return await attempt(url, options, dispatcher);
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
