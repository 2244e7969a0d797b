import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../../errors.js';

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

/** One attempt: the whole body, or an error saying why not. */
async function attempt(url: string, options: DownloadOptions): Promise<Uint8Array> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const response = await fetch(url, { signal });
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
  if (total !== null && received !== total) throw new Error(`body ended after ${received} of ${total} bytes`);
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
 * failures. Throws HttpStatusError for final HTTP answers, InputError when every attempt failed.
 */
export async function download(url: string, options: DownloadOptions = {}): Promise<Uint8Array> {
  const attempts = options.attempts ?? 3;
  let wait = options.backoffMs ?? 1000;
  for (let k = 1; ; k++) {
    try {
      return await attempt(url, options);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (!retryable(error)) throw error;
      if (k >= attempts) {
        const reason =
          (error as Error).name === 'TimeoutError'
            ? `timed out after ${options.timeoutMs ?? 60_000} ms`
            : (error as Error).message;
        throw new InputError(`download of ${url} failed after ${attempts} attempts: ${reason}`, 'url', url);
      }
      await sleep(wait, options.signal);
      wait *= 2;
    }
  }
}

/**
 * Writes a file atomically: to a temporary name beside it, then renamed over the final name, so a
 * reader never sees half a file and an interrupted run leaves none behind.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.part-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
