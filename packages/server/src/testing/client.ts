/** Helpers for the server tests and the bench: a server on 127.0.0.1 port 0 and a recording ws client. */
import { readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  type AcceptedMessage,
  decodeFrame,
  type EventMessage,
  type FrameMessage,
  jsonPositions,
  StreamedTracks,
  type WireFrame,
} from '@balloon-sim/sim-core';
import WebSocket from 'ws';
import { buildApp } from '../app.js';
import type { AppOptions } from '../options.js';

/** A message received: JSON (parsed) or a binary frame (decoded), with its arrival time (ms). */
export type Received =
  | { kind: 'json'; at: number; data: Record<string, unknown> & { type: string } }
  | { kind: 'binary'; at: number; frame: WireFrame };

export async function startServer(options: AppOptions = {}) {
  const app = buildApp(options);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { app, http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}/api/stream` };
}

export class StreamClient {
  readonly messages: Received[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary) => {
      const at = performance.now();
      this.messages.push(
        isBinary
          ? { kind: 'binary', at, frame: decodeFrame(data) }
          : { kind: 'json', at, data: JSON.parse(data.toString()) },
      );
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      }),
    );
  }

  static connect(url: string): Promise<StreamClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const client = new StreamClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first message from `from` on that matches, waiting for it up to `timeoutMs`. */
  async next(match: (m: Received) => boolean, timeoutMs = 30_000, from = 0): Promise<Received> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error('socket closed while waiting');
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out; received ${this.types().join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The first JSON message of a type (from index `from`). */
  async json(type: string, timeoutMs = 30_000, from = 0) {
    const m = await this.next(
      (m) => m.kind === 'json' && (m.data.type === type || m.data.type === 'error'),
      timeoutMs,
      from,
    );
    const data = (m as Extract<Received, { kind: 'json' }>).data;
    if (data.type !== type) throw new Error(`waiting for "${type}", got ${JSON.stringify(data)}`);
    return data;
  }

  /** A run to its end: `done`, `error` or `cancelled`. */
  async end(timeoutMs = 60_000, from = 0) {
    const m = await this.next(
      (m) => m.kind === 'json' && ['done', 'error', 'cancelled'].includes(m.data.type),
      timeoutMs,
      from,
    );
    return (m as Extract<Received, { kind: 'json' }>).data;
  }

  /** The run's tracks as the messages received so far bring them (sim-core StreamedTracks). */
  tracks(): StreamedTracks {
    const tracks = new StreamedTracks();
    for (const m of this.messages) {
      if (m.kind === 'binary') tracks.frame(m.frame.index, m.frame.tSec, m.frame.positions);
      else if (m.data.type === 'accepted') tracks.accepted(m.data as unknown as AcceptedMessage);
      else if (m.data.type === 'event') tracks.events(m.data as unknown as EventMessage);
      else if (m.data.type === 'frame') {
        const f = m.data as unknown as FrameMessage;
        tracks.frame(f.index, f.tSec, jsonPositions(f.positions));
      }
    }
    return tracks;
  }

  types(): string[] {
    return this.messages.map((m) => (m.kind === 'json' ? m.data.type : 'binary'));
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * A bare stream client that hands every message on as a browser's WebSocket does (binaryType
 * "arraybuffer"): text as a string, a binary message as an ArrayBuffer of exactly its bytes.
 */
export function browserLikeSocket(
  url: string,
  onMessage: (data: string | ArrayBuffer) => void,
): Promise<{ send(text: string): void; close(): void }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    socket.on('message', (data: ArrayBuffer, isBinary) =>
      onMessage(isBinary ? data : new TextDecoder().decode(data)),
    );
    socket.once('open', () => resolve({ send: (text) => socket.send(text), close: () => socket.close() }));
    socket.once('error', reject);
  });
}

/** Threads of this process (Linux): a run's worker threads appear here and go when terminated. */
export function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

export const hasProcThreads = (() => {
  try {
    return threadCount() > 0;
  } catch {
    return false;
  }
})();

/** Waits until `check` holds, polling every 20 ms, or throws after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
