/**
 * A run's tracks in the minimal shape the track writers (output/formats.ts: GeoJSON, CSV, KML) need:
 * the member layout and the output frames, each with the events found since the frame before. A
 * finished run gives it (`runTracks`), and so does a stream of messages (`StreamedTracks`): the same
 * run written from either is the same text.
 */
import type { Provenance } from '../scenario/provenance.js';
import type { EventRecord } from './events.js';
import type { MemberLayout } from './members.js';
import type { AcceptedMessage, EventMessage } from './messages.js';

/** An output frame with the events since the previous frame (simulation and analysis, in time order). */
export interface TrackFrame {
  tSec: number;
  /** lon, lat (degrees), alt (m AMSL) per member; NaN where a member is not flying. */
  positions: ArrayLike<number>;
  events: readonly EventRecord[];
}

export interface TrackSet {
  layout: MemberLayout;
  /** Frames in time order, from the launch frame on (a cancelled run's end where it stopped). */
  frames: readonly TrackFrame[];
  /** What produced the run: every writer puts it in its file (see output/formats.ts). */
  provenance?: Provenance;
}

/**
 * A run's tracks as a stream's messages bring them: `accepted` gives the layout; each `event`
 * message's events belong to the frame it names. Frames come in index order, each once.
 */
export class StreamedTracks implements TrackSet {
  readonly frames: TrackFrame[] = [];
  /** Events per frame index, for frames still to come and those received. */
  private readonly eventsOf: EventRecord[][] = [];
  private known: MemberLayout | null = null;
  /** The run's provenance, as the `accepted` message gave it. */
  provenance?: Provenance;

  get layout(): MemberLayout {
    if (!this.known) throw new Error('no member layout yet: the run has not been accepted');
    return this.known;
  }

  accepted(message: Pick<AcceptedMessage, 'layout'> & Partial<Pick<AcceptedMessage, 'provenance'>>): void {
    this.known = message.layout;
    if (message.provenance) this.provenance = message.provenance;
  }

  events(message: Pick<EventMessage, 'frame' | 'events'>): void {
    const list = this.eventsOf[message.frame] ?? [];
    this.eventsOf[message.frame] = list;
    // A loop, not push(...events): one frame of a large run can hold more events than a call takes arguments.
    for (const e of message.events) list.push(e);
  }

  frame(index: number, tSec: number, positions: ArrayLike<number>): void {
    if (index !== this.frames.length)
      throw new Error(
        `frame ${index} arrived after ${this.frames.length} frames: frames come in order, once each`,
      );
    const events = this.eventsOf[index] ?? [];
    this.eventsOf[index] = events;
    this.frames.push({ tSec, positions, events });
  }
}
