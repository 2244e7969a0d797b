import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasSharedData, sharedDataPath } from '../testing/shared-data.js';
import { decodeJpeg2000, Jpeg2000Error } from './jpeg2000.js';

interface Grib2Jpeg2000Message {
  ni: number;
  nj: number;
  lat1: number;
  lon1: number;
  di: number;
  dj: number;
  scanningMode: number;
  numberOfValues: number;
  template5: number;
  reference: number;
  binaryScale: number;
  decimalScale: number;
  bitsPerValue: number;
  bitmapIndicator: number;
  codestream: Uint8Array;
}

/** GRIB2 signed integers are sign-and-magnitude (WMO Manual on Codes, regulation 92.1.5). */
function signMagnitude(raw: number, bits: number): number {
  const sign = 2 ** (bits - 1);
  return raw >= sign ? -(raw - sign) : raw;
}

/** Minimal GRIB2 walker for one-message files: sections 3 (template 3.0), 5 (5.40), 6 and 7. */
function walkGrib2(file: Uint8Array): Grib2Jpeg2000Message {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  expect(String.fromCharCode(...file.subarray(0, 4))).toBe('GRIB');
  expect(file[7]).toBe(2);
  const total = Number(view.getBigUint64(8));
  expect(total).toBe(file.length);
  const m = {} as Grib2Jpeg2000Message;
  let p = 16;
  while (p + 4 <= total && String.fromCharCode(...file.subarray(p, p + 4)) !== '7777') {
    const length = view.getUint32(p);
    const section = file[p + 4];
    if (section === 3) {
      expect(view.getUint16(p + 12)).toBe(0);
      m.ni = view.getUint32(p + 30);
      m.nj = view.getUint32(p + 34);
      m.lat1 = signMagnitude(view.getUint32(p + 46), 32) / 1e6;
      m.lon1 = signMagnitude(view.getUint32(p + 50), 32) / 1e6;
      m.di = view.getUint32(p + 63) / 1e6;
      m.dj = view.getUint32(p + 67) / 1e6;
      m.scanningMode = file[p + 71];
    } else if (section === 5) {
      m.numberOfValues = view.getUint32(p + 5);
      m.template5 = view.getUint16(p + 9);
      m.reference = view.getFloat32(p + 11);
      m.binaryScale = signMagnitude(view.getUint16(p + 15), 16);
      m.decimalScale = signMagnitude(view.getUint16(p + 17), 16);
      m.bitsPerValue = file[p + 19];
    } else if (section === 6) {
      m.bitmapIndicator = file[p + 5];
    } else if (section === 7) {
      m.codestream = file.subarray(p + 5, p + length);
    }
    p += length;
  }
  return m;
}

function gridIndex(m: Grib2Jpeg2000Message, lat: number, lon: number): number {
  expect(m.scanningMode & 0x20).toBe(0); // rows along i
  const iFromFirst = (((m.scanningMode & 0x80 ? m.lon1 - lon : lon - m.lon1) % 360) + 360) % 360;
  const jFromFirst = m.scanningMode & 0x40 ? lat - m.lat1 : m.lat1 - lat;
  const i = Math.round(iFromFirst / m.di);
  const j = Math.round(jFromFirst / m.dj);
  expect(Math.abs(i * m.di - iFromFirst)).toBeLessThan(1e-6);
  expect(Math.abs(j * m.dj - jFromFirst)).toBeLessThan(1e-6);
  return j * m.ni + i;
}

const CMC_FILE = 'cmc-jpeg2000/CMC_glb_TMP_ISBL_1_latlon.24x.24_2021051800_P000.grib2';

describe.runIf(hasSharedData)('decodeJpeg2000 on CMC GDPS (GRIB2 5.40) against ecCodes', () => {
  it('decodes the field and matches every row of the ecCodes reference CSV', async () => {
    const m = walkGrib2(new Uint8Array(readFileSync(sharedDataPath(CMC_FILE))));
    expect(m.template5).toBe(40);
    expect(m.bitmapIndicator).toBe(255);
    expect(m.numberOfValues).toBe(m.ni * m.nj);
    // Global 0.24° grid, first point at 90 S, 180 E, rows going north (scanning mode 0x40).
    expect([m.ni, m.nj, m.lat1, m.lon1, m.di, m.dj, m.scanningMode]).toEqual([
      1500, 751, -90, 180, 0.24, 0.24, 64,
    ]);

    const started = performance.now();
    const packed = await decodeJpeg2000(m.codestream);
    console.log(
      `[jpeg2000.test] decoded ${packed.length} values in ${(performance.now() - started).toFixed(0)} ms`,
    );
    expect(packed).toBeInstanceOf(Int32Array);
    expect(packed.length).toBe(m.numberOfValues);
    const max = packed.reduce((a, b) => Math.max(a, b), 0);
    expect(Math.min(...packed.subarray(0, 1000))).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(2 ** m.bitsPerValue);

    const binary = 2 ** m.binaryScale;
    const decimal = 10 ** m.decimalScale;
    const step = binary / decimal;
    const csv = readFileSync(sharedDataPath('cmc-jpeg2000/reference-ecCodes-region.csv'), 'utf8');
    const rows = csv.trim().split('\n').slice(1);
    let maxError = 0;
    for (const row of rows) {
      const [msg, , , lat, lon, value] = row.split(',');
      expect(msg).toBe('1');
      const ours = (m.reference + packed[gridIndex(m, Number(lat), Number(lon))] * binary) / decimal;
      const reference = Number(value);
      const error = Math.abs(ours - reference);
      expect(error, row).toBeLessThanOrEqual(step / 2 + Math.abs(reference) * 2 ** -23);
      maxError = Math.max(maxError, error);
    }
    console.log(
      `[jpeg2000.test] ${rows.length} reference rows compared, max |error| ${maxError.toExponential(3)} ` +
        `(quantisation step ${step})`,
    );
    expect(rows.length).toBe(425);

    // A second decode reuses the cached module and gives the same samples.
    const again = await decodeJpeg2000(m.codestream);
    expect(again.length).toBe(packed.length);
    expect(again.every((x, i) => x === packed[i])).toBe(true);
  });

  it('throws Jpeg2000Error on a truncated codestream', async () => {
    const m = walkGrib2(new Uint8Array(readFileSync(sharedDataPath(CMC_FILE))));
    for (const length of [10, 100, m.codestream.length >> 1]) {
      await expect(decodeJpeg2000(m.codestream.subarray(0, length))).rejects.toThrow(Jpeg2000Error);
    }
  });
});

describe('decodeJpeg2000 on bad input', () => {
  it('throws Jpeg2000Error on garbage, empty input and a corrupt header', async () => {
    const garbage = Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 255);
    await expect(decodeJpeg2000(garbage)).rejects.toThrow(Jpeg2000Error);
    await expect(decodeJpeg2000(garbage)).rejects.toThrow(/not a JPEG 2000 codestream/);
    await expect(decodeJpeg2000(new Uint8Array(0))).rejects.toThrow(/got no data/);
    // Right markers, garbage after them: OpenJPEG itself has to refuse it.
    const fakeHeader = Uint8Array.from([0xff, 0x4f, 0xff, 0x51, ...garbage]);
    await expect(decodeJpeg2000(fakeHeader)).rejects.toThrow(Jpeg2000Error);
    await expect(decodeJpeg2000(fakeHeader)).rejects.toThrow(/OpenJPEG/);
  });
});
