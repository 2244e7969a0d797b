/// <reference lib="dom" />
/**
 * The WebSocket client of `/api/stream` (packages/server/README.md): sends `run` and `cancel`,
 * turns the server's messages into calls on a handler. The messages, the binary frame format and
 * the event records are sim-core's wire contract (`@balloon-sim/sim-core/protocol`). Frames arrive
 * as JSON (small runs) or binary (large runs); both become one Float32Array of lon, lat, alt per
 * member with NaN where a member is not flying, the layout the track renderer keeps.
 */

import type { RunSummary } from '@balloon-sim/sim-core';
import {
  type AcceptedMessage,
  type ClientMessage,
  decodeFrame,
  type EventMessage,
  jsonPositions,
  type ServerMessage,
} from '@balloon-sim/sim-core/protocol';
import type { Issue } from './api.js';

export interface StreamHandler {
  accepted(info: AcceptedMessage): void;
  progress(fraction: number): void;
  frame(index: number, tSec: number, positions: Float32Array): void;
  /** Events found since the previous frame, with the index of the frame they belong to. */
  events(message: EventMessage): void;
  summary(summary: RunSummary): void;
  done(): void;
  cancelled(): void;
  /** A refusal or failure from the server, or the connection lost while a run was going. */
  error(message: string, issues: Issue[]): void;
}

/** Hands one message of the stream to the handler: a binary frame (an ArrayBuffer), or JSON text. */
export function dispatch(data: unknown, h: StreamHandler): void {
  if (data instanceof ArrayBuffer) {
    const frame = decodeFrame(data);
    h.frame(frame.index, frame.tSec, frame.positions);
    return;
  }
  const message = JSON.parse(String(data)) as ServerMessage;
  switch (message.type) {
    case 'accepted':
      h.accepted(message);
      break;
    case 'progress':
      h.progress(message.fraction);
      break;
    case 'frame':
      h.frame(message.index, message.tSec, jsonPositions(message.positions));
      break;
    case 'event':
      h.events(message);
      break;
    case 'summary':
      h.summary(message.summary);
      break;
    case 'done':
      h.done();
      break;
    case 'cancelled':
      h.cancelled();
      break;
    case 'error':
      h.error(String(message.message), message.issues ?? []);
      break;
    default:
      // A newer server may say more; an old page ignores what it does not know.
      break;
  }
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
    socket.send(JSON.stringify({ type: 'run', scenario } satisfies ClientMessage));
  }

  cancel(): void {
    if (this.running && this.socket?.readyState === WebSocket.OPEN)
      this.socket.send(JSON.stringify({ type: 'cancel' } satisfies ClientMessage));
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

  /** The handler, told the run is over only once this client no longer counts it as running. */
  private readonly ends: StreamHandler = {
    accepted: (info) => this.handler.accepted(info),
    progress: (fraction) => this.handler.progress(fraction),
    frame: (index, tSec, positions) => this.handler.frame(index, tSec, positions),
    events: (message) => this.handler.events(message),
    summary: (summary) => this.handler.summary(summary),
    done: () => {
      this.running = false;
      this.handler.done();
    },
    cancelled: () => {
      this.running = false;
      this.handler.cancelled();
    },
    error: (message, issues) => {
      this.running = false;
      this.handler.error(message, issues);
    },
  };

  private receive(data: unknown): void {
    dispatch(data, this.ends);
  }
}
