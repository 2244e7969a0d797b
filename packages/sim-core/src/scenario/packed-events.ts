/**
 * Events as typed arrays (one array per field), for sending between threads. A list of 10⁵–10⁶ event
 * objects costs seconds to clone through postMessage (serialised on one side, rebuilt object by
 * object on the other, on the main thread); the same events as seven typed arrays are transferred
 * for nothing and rebuilt in a fraction of that.
 */

/** The fields every event has (SimEvent, AnalysisEvent), and an analysis event's zone. */
export interface PackableEvent {
  member: number;
  kind: string;
  tSec: number;
  lon: number;
  lat: number;
  altM: number;
  zone?: string;
}

/** Events packed by packEvents: event e is member[e], kinds[kind[e]], … in the order given. */
export interface PackedEvents {
  count: number;
  member: Uint32Array;
  /** Index into `kinds`. */
  kind: Uint8Array;
  /** Index into `zones`; −1: the event has no zone. */
  zone: Int32Array;
  /**
   * Where the event's `zone` key stood among its keys: 0 none, 1 last, 2 right after `kind` (the
   * observer writes a landing's zone exits that way). JSON outputs print keys in that order, so it
   * is kept: unpacked events print byte for byte as the originals.
   */
  shape: Uint8Array;
  tSec: Float64Array;
  lon: Float64Array;
  lat: Float64Array;
  altM: Float64Array;
  kinds: string[];
  zones: string[];
}

const NO_ZONE = 0;
const ZONE_LAST = 1;
const ZONE_AFTER_KIND = 2;

/** The events as typed arrays (see PackedEvents). */
export function packEvents(events: readonly PackableEvent[]): PackedEvents {
  const n = events.length;
  const out: PackedEvents = {
    count: n,
    member: new Uint32Array(n),
    kind: new Uint8Array(n),
    zone: new Int32Array(n),
    shape: new Uint8Array(n),
    tSec: new Float64Array(n),
    lon: new Float64Array(n),
    lat: new Float64Array(n),
    altM: new Float64Array(n),
    kinds: [],
    zones: [],
  };
  const kindIndex = new Map<string, number>();
  const zoneIndex = new Map<string, number>();
  for (let e = 0; e < n; e++) {
    const x = events[e];
    let k = kindIndex.get(x.kind);
    if (k === undefined) {
      k = out.kinds.length;
      if (k > 255) throw new Error(`packEvents: more than 256 event kinds (at "${x.kind}")`);
      kindIndex.set(x.kind, k);
      out.kinds.push(x.kind);
    }
    out.member[e] = x.member;
    out.kind[e] = k;
    out.tSec[e] = x.tSec;
    out.lon[e] = x.lon;
    out.lat[e] = x.lat;
    out.altM[e] = x.altM;
    if (x.zone === undefined) {
      out.zone[e] = -1;
      out.shape[e] = NO_ZONE;
      continue;
    }
    let z = zoneIndex.get(x.zone);
    if (z === undefined) {
      z = out.zones.length;
      zoneIndex.set(x.zone, z);
      out.zones.push(x.zone);
    }
    out.zone[e] = z;
    // Object.keys order: the key after `kind` tells which way the event was written.
    out.shape[e] = Object.keys(x)[2] === 'zone' ? ZONE_AFTER_KIND : ZONE_LAST;
  }
  return out;
}

/** The events packed by packEvents, as objects again (keys in their original order). */
export function unpackEvents<E extends PackableEvent>(packed: PackedEvents): E[] {
  const out = new Array<E>(packed.count);
  const { member, kind, zone, shape, tSec, lon, lat, altM, kinds, zones } = packed;
  for (let e = 0; e < packed.count; e++) {
    const s = shape[e];
    let x: PackableEvent;
    if (s === NO_ZONE)
      x = { member: member[e], kind: kinds[kind[e]], tSec: tSec[e], lon: lon[e], lat: lat[e], altM: altM[e] };
    else if (s === ZONE_LAST)
      x = {
        member: member[e],
        kind: kinds[kind[e]],
        tSec: tSec[e],
        lon: lon[e],
        lat: lat[e],
        altM: altM[e],
        zone: zones[zone[e]],
      };
    else
      x = {
        member: member[e],
        kind: kinds[kind[e]],
        zone: zones[zone[e]],
        tSec: tSec[e],
        lon: lon[e],
        lat: lat[e],
        altM: altM[e],
      };
    out[e] = x as E;
  }
  return out;
}

/** The buffers of packed events, for a postMessage transfer list. */
export function packedBuffers(packed: PackedEvents): ArrayBuffer[] {
  const { member, kind, zone, shape, tSec, lon, lat, altM } = packed;
  return [member, kind, zone, shape, tSec, lon, lat, altM].map((a) => a.buffer as ArrayBuffer);
}
