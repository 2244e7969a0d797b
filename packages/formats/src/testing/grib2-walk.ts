/**
 * A minimal GRIB2 reader for codec tests: it walks sections 3–7 of each message on its own, so the
 * CCSDS and JPEG 2000 decoders are checked against real files without going through our GRIB2
 * decoder. Only grid template 3.0 is read.
 */
import { expect } from 'vitest';

export interface Grib2Sections {
  /** Template 3.0 grid: points along a row and column, first point (degrees), increments, scan mode. */
  ni: number;
  nj: number;
  lat1: number;
  lon1: number;
  di: number;
  dj: number;
  scanningMode: number;
  /** Template 4.x: first fixed surface value in its unit (Pa for isobaric levels). */
  level: number;
  numberOfValues: number;
  template5: number;
  /** Y = (R + X·2^E) / 10^D (regulation 92.9.4). */
  reference: number;
  binaryScale: number;
  decimalScale: number;
  bitsPerValue: number;
  /** The whole of section 5, for template-specific octets (e.g. 5.42's CCSDS options). */
  section5: Uint8Array;
  bitmapIndicator: number;
  /** Section 7 after its 5-octet header: the packed values. */
  data: Uint8Array;
}

/** GRIB2 signed integers are sign-and-magnitude (WMO Manual on Codes, regulation 92.1.5). */
function signMagnitude(raw: number, bits: number): number {
  const sign = 2 ** (bits - 1);
  return raw >= sign ? -(raw - sign) : raw;
}

/** Every message of a GRIB2 file, sections 3, 4, 5, 6 and 7 each. */
export function walkGrib2(file: Uint8Array): Grib2Sections[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const messages: Grib2Sections[] = [];
  let start = 0;
  while (start + 16 <= file.length) {
    expect(String.fromCharCode(...file.subarray(start, start + 4))).toBe('GRIB');
    expect(file[start + 7]).toBe(2);
    const total = Number(view.getBigUint64(start + 8));
    const m = {} as Grib2Sections;
    let p = start + 16;
    while (p + 4 <= start + total && String.fromCharCode(...file.subarray(p, p + 4)) !== '7777') {
      const length = view.getUint32(p);
      const section = file[p + 4];
      if (section === 3) {
        expect(view.getUint16(p + 12)).toBe(0); // template 3.0
        m.ni = view.getUint32(p + 30);
        m.nj = view.getUint32(p + 34);
        m.lat1 = signMagnitude(view.getUint32(p + 46), 32) / 1e6;
        m.lon1 = signMagnitude(view.getUint32(p + 50), 32) / 1e6;
        m.di = view.getUint32(p + 63) / 1e6;
        m.dj = view.getUint32(p + 67) / 1e6;
        m.scanningMode = file[p + 71];
      } else if (section === 4) {
        const scale = signMagnitude(file[p + 23], 8);
        m.level = view.getUint32(p + 24) / 10 ** scale;
      } else if (section === 5) {
        m.numberOfValues = view.getUint32(p + 5);
        m.template5 = view.getUint16(p + 9);
        m.reference = view.getFloat32(p + 11);
        m.binaryScale = signMagnitude(view.getUint16(p + 15), 16);
        m.decimalScale = signMagnitude(view.getUint16(p + 17), 16);
        m.bitsPerValue = file[p + 19];
        m.section5 = file.subarray(p, p + length);
      } else if (section === 6) {
        m.bitmapIndicator = file[p + 5];
      } else if (section === 7) {
        m.data = file.subarray(p + 5, p + length);
      }
      p += length;
    }
    messages.push(m);
    start += total;
  }
  return messages;
}

/** Index into a message's values of the grid point at (lat, lon), asserted to be a node. */
export function gridIndex(m: Grib2Sections, lat: number, lon: number): number {
  expect(m.scanningMode & 0x20).toBe(0); // rows along i
  const iFromFirst = (((m.scanningMode & 0x80 ? m.lon1 - lon : lon - m.lon1) % 360) + 360) % 360;
  const jFromFirst = m.scanningMode & 0x40 ? lat - m.lat1 : m.lat1 - lat;
  const i = Math.round(iFromFirst / m.di);
  const j = Math.round(jFromFirst / m.dj);
  expect(Math.abs(i * m.di - iFromFirst)).toBeLessThan(1e-6);
  expect(Math.abs(j * m.dj - jFromFirst)).toBeLessThan(1e-6);
  return j * m.ni + i;
}
