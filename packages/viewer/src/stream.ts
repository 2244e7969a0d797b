/// <reference lib="dom" />
/**
 * The WebSocket client of `/api/stream` (packages/server/README.md): sends `run` and `cancel`,
 * turns the server's messages into calls on a handler. Frames arrive as JSON (small runs) or binary
 * (large runs); both become one Float32Array of lon, lat, alt per member with NaN where a member is
 * not flying, the layout the track renderer keeps.
 */
import type { RunSummary } from '@balloon-sim/sim-core';
import type { Issue } from './api.js';

export interface Accepted {
  runId: string;
  members: number;
  steps: number;
  frames: number;
  queued?: boolean;
  binaryFrames?: boolean;
  warnings?: string[];
}

/** An event as the server sends it (sim-core's NDJSON/GeoJSON event records). */
export interface RunEvent {
  member: number;
  kind: string;
  zone?: string;
  time: string;
  lon: number;
  lat: number;
  altM: number;
}

export interface StreamHandler {
  accepted(info: Accepted): void;
  progress(fraction: number): void;
  frame(index: number, tSec: number, positions: Float32Array): void;
  events(events: RunEvent[]): void;
  summary(summary: RunSummary): void;
  done(): void;
  cancelled(): void;
  /** A refusal or failure from the server, or the connection lost while a run was going. */
  error(message: string, issues: Issue[]): void;
}

/** "BSF1", the magic number at the start of a binary frame (packages/server/src/frames.ts). */
const FRAME_MAGIC = 0x31465342;
const FRAME_HEADER_BYTES = 20;

/** Decodes a binary frame: header of 20 bytes, then float32 lon, lat, alt per member (little-endian). */
export function decodeBinaryFrame(buffer: ArrayBuffer): {
  index: number;
  tSec: number;
  positions: Float32Array;
} {
  const view = new DataView(buffer);
  if (buffer.byteLength < FRAME_HEADER_BYTES || view.getUint32(0, true) !== FRAME_MAGIC)
    throw new Error('not a balloon-sim binary frame (magic "BSF1")');
  const n = view.getUint32(16, true);
  if (buffer.byteLength !== FRAME_HEADER_BYTES + 12 * n)
    throw new Error(`binary frame of ${n} members must be ${FRAME_HEADER_BYTES + 12 * n} bytes`);
  // The header is 20 bytes, a multiple of 4, so the floats can be viewed in place on little-endian
  // machines (every browser); DataView would be needed only on a big-endian one.
  const positions = new Float32Array(buffer.slice(FRAME_HEADER_BYTES));
  return { index: view.getUint32(4, true), tSec: view.getFloat64(8, true), positions };
}

/** Positions of a JSON frame (`[lon, lat, alt]` or null per member) in the binary layout. */
export function jsonPositions(positions: ([number, number, number] | null)[]): Float32Array {
  const out = new Float32Array(3 * positions.length).fill(Number.NaN);
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i];
    if (!p) continue;
    out[3 * i] = p[0];
    out[3 * i + 1] = p[1];
    out[3 * i + 2] = p[2];
  }
  return out;
}

/** The stream URL next to the page: ws(s)://host/…/api/stream. */
export function streamUrl(location: Location = window.location): string {
  const url = new URL('api/stream', new URL('.', location.href));
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/** One connection, opened for the first run and kept; one run at a time (as the server allows). */
export class StreamClient {
  private socket: WebSocket | null = null;
  private running = false;

  constructor(
    private readonly url: string,
    private readonly handler: StreamHandler,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  async run(scenario: unknown): Promise<void> {
    const socket = await this.open();
    this.running = true;
    socket.send(JSON.stringify({ type: 'run', scenario }));
  }

  cancel(): void {
    if (this.running && this.socket?.readyState === WebSocket.OPEN)
      this.socket.send(JSON.stringify({ type: 'cancel' }));
  }

  close(): void {
    this.socket?.close();
    this.socket = null;
  }

  private open(): Promise<WebSocket> {
    const current = this.socket;
    if (current && current.readyState === WebSocket.OPEN) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.url);
      socket.binaryType = 'arraybuffer';
      socket.onopen = () => {
        this.socket = socket;
        resolve(socket);
      };
      socket.onerror = () => reject(new Error(`cannot connect to ${this.url}`));
      socket.onclose = (event) => {
        if (this.socket === socket) this.socket = null;
        if (this.running) {
          this.running = false;
          this.handler.error(
            `the connection to the server closed during the run (code ${event.code}${event.reason ? `: ${event.reason}` : ''})`,
            [],
          );
        }
      };
      socket.onmessage = (event) => this.receive(event.data);
    });
  }

  private receive(data: unknown): void {
    const h = this.handler;
    if (data instanceof ArrayBuffer) {
      const frame = decodeBinaryFrame(data);
      h.frame(frame.index, frame.tSec, frame.positions);
      return;
    }
    const message = JSON.parse(String(data)) as { type: string } & Record<string, unknown>;
    switch (message.type) {
      case 'accepted':
        h.accepted(message as unknown as Accepted);
        break;
      case 'progress':
        h.progress(message.fraction as number);
        break;
      case 'frame': {
        const tSec =
          typeof message.tSec === 'number' ? message.tSec : Date.parse(message.time as string) / 1000;
        h.frame(message.index as number, tSec, jsonPositions(message.positions as []));
        break;
      }
      case 'event':
        h.events(message.events as RunEvent[]);
        break;
      case 'summary':
        h.summary(message.summary as RunSummary);
        break;
      case 'done':
        this.running = false;
        h.done();
        break;
      case 'cancelled':
        this.running = false;
        h.cancelled();
        break;
      case 'error':
        this.running = false;
        h.error(String(message.message), (message.issues as Issue[] | undefined) ?? []);
        break;
      default:
        // A newer server may say more; an old page ignores what it does not know.
        break;
    }
  }
}
