import { Stage } from '../flight/profile.js';
import { MemberStatus, type SimEvent, type SimEventKind } from './status.js';

/** Positions of every member at one time: lon, lat, alt interleaved; NaN where not flying. */
export interface Frame {
  tSec: number;
  positions: Float32Array;
}

/**
 * The live state of a run's members, one typed array per property (index = member), and what is
 * recorded of it: the events, in the order they happened, and frames, copies of the positions.
 */
export class MemberState {
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  readonly altM: Float64Array;
  readonly stage: Uint8Array;
  readonly status: Uint8Array;
  /** Time of the member's end (landing, leaving the domain…); NaN while flying. */
  readonly endTSec: Float64Array;
  /** Events not yet taken by `drainEvents`. */
  private events: SimEvent[] = [];

  constructor(readonly count: number) {
    this.lon = new Float64Array(count).fill(Number.NaN);
    this.lat = new Float64Array(count).fill(Number.NaN);
    this.altM = new Float64Array(count).fill(Number.NaN);
    this.stage = new Uint8Array(count);
    this.status = new Uint8Array(count);
    this.endTSec = new Float64Array(count).fill(Number.NaN);
  }

  /** Records an event of member i at its current position. */
  emit(i: number, kind: SimEventKind, tSec: number): void {
    this.events.push({ member: i, kind, tSec, lon: this.lon[i], lat: this.lat[i], altM: this.altM[i] });
  }

  /** Ends member i's flight at time t with a status, recording it as an event. */
  finish(i: number, status: number, kind: SimEventKind, t: number): void {
    this.status[i] = status;
    this.stage[i] = Stage.done;
    this.endTSec[i] = t;
    this.emit(i, kind, t);
  }

  /** Events since the last call, in the order they happened within each step. */
  drainEvents(): SimEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  /** The positions at time tSec (a copy): lon, lat, alt per member, NaN for members not flying. */
  frame(tSec: number): Frame {
    const n = this.count;
    const positions = new Float32Array(3 * n);
    for (let i = 0; i < n; i++) {
      const flying = this.status[i] === MemberStatus.active;
      positions[3 * i] = flying ? this.lon[i] : Number.NaN;
      positions[3 * i + 1] = flying ? this.lat[i] : Number.NaN;
      positions[3 * i + 2] = flying ? this.altM[i] : Number.NaN;
    }
    return { tSec, positions };
  }
}
