import {
  describeValue,
  encodeFrame,
  eventJson,
  type Frame,
  frameMessage,
  RUN_MESSAGE_FIELDS,
  type RunResult,
  type ServerMessage,
  Simulation,
} from '@balloon-sim/sim-core';
import { type RawData, WebSocket } from 'ws';
import type { ServerContext } from './context.js';
import { errorReply, RunCancelled } from './errors.js';

/** A message of the stream's contract (sim-core protocol/messages.ts) as JSON text. */
const text = (message: ServerMessage) => JSON.stringify(message);

/** A client's message as an object with a `type`, or why it is not one. */
function parseMessage(text: string): (Record<string, unknown> & { type?: unknown }) | string {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return 'message is not valid JSON';
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message))
    return 'message must be a JSON object with a "type"';
  return message as Record<string, unknown>;
}

/**
 * The server's WebSocket class (ws's `WebSocket` option): it emits `closing` as soon as the
 * connection starts closing — a close frame from the client, a protocol error, or the server's own
 * close. ws emits `close` only once the TCP connection has ended, which a client that sent its close
 * frame can put off for ws's closeTimeout (30 s) while its run would go on computing.
 */
export class StreamSocket extends WebSocket {
  override close(code?: number, data?: string | Buffer): void {
    if (this.readyState === WebSocket.OPEN) this.emit('closing');
    super.close(code, data);
  }
}

/** What a run on a stream has become: its id once accepted, how to stop it, and why it failed. */
interface StreamRun {
  id: string | null;
  controller: AbortController;
  /** Set when the server stops the run for this client's sake (it does not read): sent as an error. */
  failure?: string;
}

/**
 * One WebSocket connection of /api/stream: reads `run` and `cancel` messages, streams one run at a
 * time (accepted, launch frame at once, then events, frames and progress as the workers advance,
 * summary, done), and holds back output for a client that reads slowly — up to a bound, after which
 * its run is cancelled with an error. A closed socket cancels its run.
 */
export class StreamSession {
  private run: StreamRun | null = null;
  private pending: (string | Uint8Array)[] = [];
  private pendingBytes = 0;
  private drainTimer: NodeJS.Timeout | null = null;
  private lastDrainMs = 0;
  private closed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly clientId: string,
    private readonly ctx: ServerContext,
  ) {}

  onMessage(data: RawData, isBinary: boolean): void {
    const message = isBinary ? undefined : parseMessage(data.toString());
    if (isBinary) this.sendError('binary messages are not understood: send JSON text');
    else if (typeof message === 'string') this.sendError(message);
    else if (message?.type === 'run') void this.startRun(message);
    else if (message?.type === 'cancel') this.cancel();
    else this.sendError(`message type must be "run" or "cancel", got ${describeValue(message?.type)}`);
  }

  /** The socket is closing or closed: stop the run and forget what was waiting to be sent. */
  onClose(): void {
    this.closed = true;
    this.run?.controller.abort(new RunCancelled('connection closed'));
    this.dropPending();
  }

  /** The server is shutting down: say so, stop the run, close with 1001 (going away). */
  shutdown(): void {
    this.dropPending();
    this.sendNow(text({ type: 'error', message: 'server shutting down' }));
    this.closed = true;
    this.run?.controller.abort(new RunCancelled('server shutting down'));
    this.socket.close(1001, 'server shutting down');
  }

  private cancel(): void {
    if (this.run) this.run.controller.abort(new RunCancelled('run cancelled'));
    else this.sendError('no run to cancel');
  }

  /** The `workers` of a run message: a whole number from 1 to maxWorkersPerRun, default 1. */
  private workersOf(message: Record<string, unknown>): number | string {
    const max = this.ctx.limits.maxWorkersPerRun;
    const known: readonly string[] = RUN_MESSAGE_FIELDS;
    const unknown = Object.keys(message).find((k) => !known.includes(k));
    if (unknown !== undefined)
      return `run message field "${unknown.slice(0, 50)}" is not known (${known.join(', ')})`;
    const { workers = 1 } = message;
    if (!(Number.isInteger(workers) && (workers as number) >= 1 && (workers as number) <= max))
      return `workers must be a whole number from 1 to ${max} (maxWorkersPerRun), got ${describeValue(workers)}`;
    return workers as number;
  }

  private async startRun(message: Record<string, unknown>): Promise<void> {
    if (this.run)
      return this.sendError('a run is already going on this connection: send {"type":"cancel"} first');
    const workers = this.workersOf(message);
    if (typeof workers === 'string') return this.sendError(workers);
    const run: StreamRun = { id: null, controller: new AbortController() };
    this.run = run;
    try {
      const result = await this.accept(message.scenario, workers, run);
      const { summary } = await result;
      this.send(text({ type: 'summary', summary }));
      this.send(text({ type: 'done', runId: run.id! }));
    } catch (error) {
      if (run.failure) this.sendNow(text({ type: 'error', message: run.failure }));
      else if (error instanceof RunCancelled) this.send(text({ type: 'cancelled', runId: run.id }));
      else this.sendError(error);
    } finally {
      if (this.run === run) this.run = null;
    }
  }

  /**
   * Checks a scenario, submits its run and sends `accepted` and the launch frame. A function of its
   * own so that the prepared run (its members) is not held by the stream while the run waits.
   */
  private async accept(scenario: unknown, workers: number, run: StreamRun): Promise<Promise<RunResult>> {
    const checked = await this.ctx.check(scenario);
    const binary = checked.members >= this.ctx.limits.binaryFrameMembers;
    const frameOut = (index: number, frame: Frame) =>
      binary ? encodeFrame(index, frame) : text(frameMessage(index, frame));
    // The launch positions go out at once, before any worker has started (or while the run waits in
    // the queue): the same frame 0 the workers compute, from the same prepared members. Positions
    // before the first step do not depend on the random wind error, whose generators (one per
    // member) would only cost time here.
    const launch = new Simulation({ ...checked.prepared.simulation, windError: undefined }).frame();
    let reported = 0;
    const { info, result } = this.ctx.runs.submit({
      checked,
      clientId: this.clientId,
      workers,
      signal: run.controller.signal,
      hooks: {
        onProgress: (fraction) => {
          // A message per percent at most: progress comes per frame and per worker.
          if (fraction - reported < 0.01 && fraction < 1) return;
          reported = fraction;
          this.send(text({ type: 'progress', fraction }));
        },
        onFrame: (index, frame, events) => {
          // Frame 0 went out at once (below): its events follow it, naming it.
          if (events.length > 0)
            this.send(text({ type: 'event', frame: index, events: events.map(eventJson) }));
          if (index > 0) this.send(frameOut(index, frame));
        },
      },
    });
    run.id = info.id;
    const { sites, launchTimesSec, membersPerLaunch } = checked.prepared;
    this.send(
      text({
        type: 'accepted',
        runId: info.id,
        members: info.members,
        steps: info.steps,
        frames: info.frames,
        workers: info.workers,
        queued: info.status === 'queued',
        binaryFrames: binary,
        warnings: info.warnings.map(this.ctx.redact),
        layout: {
          sites: sites.map((s) => ({ id: s.id, ...(s.name === undefined ? {} : { name: s.name }) })),
          launchTimesSec,
          membersPerLaunch,
          ...(checked.prepared.forecastMembers
            ? {
                forecastMembers: checked.prepared.forecastMembers.map(({ label, perLaunch }) => ({
                  label,
                  perLaunch,
                })),
              }
            : {}),
        },
        // File names only, never paths (see sim-core's provenance.ts): nothing here to redact.
        provenance: checked.prepared.provenance,
      }),
    );
    this.send(frameOut(0, launch));
    return result;
  }

  private sendError(error: unknown): void {
    const { statusCode, body } =
      typeof error === 'string' ? { statusCode: 400, body: { error } } : errorReply(error, this.ctx.redact);
    if (statusCode >= 500) this.ctx.log(error);
    const issues = 'issues' in body ? { issues: body.issues } : {};
    this.send(text({ type: 'error', message: body.error, ...issues }));
  }

  /**
   * Sends now while the socket's own buffer is below socketHighWaterBytes; otherwise keeps the
   * message (in order) until the client reads, up to maxPendingBytes.
   */
  private send(data: string | Uint8Array): void {
    if (this.closed || this.socket.readyState !== WebSocket.OPEN) return;
    if (this.pending.length === 0 && this.socket.bufferedAmount < this.ctx.limits.socketHighWaterBytes) {
      this.socket.send(data);
      return;
    }
    this.pending.push(data);
    this.pendingBytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (this.pendingBytes > this.ctx.limits.maxPendingBytes)
      this.giveUp(
        `client reads too slowly: more than maxPendingBytes = ${this.ctx.limits.maxPendingBytes} bytes waiting; run cancelled`,
      );
    else if (!this.drainTimer) {
      this.lastDrainMs = Date.now();
      // ws has no 'drain' event of its own: look at the socket's buffer a few times a second.
      this.drainTimer = setInterval(() => this.flush(), 20);
    }
  }

  private flush(): void {
    const { socketHighWaterBytes, stallTimeoutMs } = this.ctx.limits;
    if (this.closed || this.socket.readyState !== WebSocket.OPEN) {
      this.dropPending();
      return;
    }
    let sent = false;
    while (this.pending.length > 0 && this.socket.bufferedAmount < socketHighWaterBytes) {
      const data = this.pending.shift()!;
      this.pendingBytes -= typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      this.socket.send(data);
      sent = true;
    }
    if (this.pending.length === 0) this.dropPending();
    else if (sent) this.lastDrainMs = Date.now();
    else if (Date.now() - this.lastDrainMs > stallTimeoutMs)
      this.giveUp(`client read nothing for stallTimeoutMs = ${stallTimeoutMs} ms; run cancelled`);
  }

  /** The client does not read: drop what waits and cancel its run with an error. */
  private giveUp(reason: string): void {
    this.dropPending();
    if (this.run) {
      this.run.failure = reason;
      this.run.controller.abort(new RunCancelled(reason));
    } else {
      this.sendNow(text({ type: 'error', message: reason }));
    }
  }

  private dropPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
    if (this.drainTimer) clearInterval(this.drainTimer);
    this.drainTimer = null;
  }

  /** Past the queue: for the one last message after giving up. */
  private sendNow(data: string): void {
    if (!this.closed && this.socket.readyState === WebSocket.OPEN) this.socket.send(data);
  }
}
