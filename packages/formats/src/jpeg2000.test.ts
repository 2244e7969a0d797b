import { readFileSync } from 'node:fs';
import { hasSharedData, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { decodeJpeg2000, Jpeg2000Error } from './jpeg2000.js';
import { type Grib2Sections, gridIndex, walkGrib2 } from './testing/grib2-walk.js';

/** The one message of a CMC file, read by the test's own GRIB2 walker. */
function onlyMessage(file: Uint8Array): Grib2Sections {
  const messages = walkGrib2(file);
  expect(messages.length).toBe(1);
  return messages[0];
}

const CMC_FILE = 'cmc-jpeg2000/CMC_glb_TMP_ISBL_1_latlon.24x.24_2021051800_P000.grib2';

describe.runIf(hasSharedData)('decodeJpeg2000 on CMC GDPS (GRIB2 5.40) against ecCodes', () => {
  it('decodes the field and matches every row of the ecCodes reference CSV', async () => {
    const m = onlyMessage(new Uint8Array(readFileSync(sharedDataPath(CMC_FILE))));
    expect(m.template5).toBe(40);
    expect(m.bitmapIndicator).toBe(255);
    expect(m.numberOfValues).toBe(m.ni * m.nj);
    // Global 0.24° grid, first point at 90 S, 180 E, rows going north (scanning mode 0x40).
    expect([m.ni, m.nj, m.lat1, m.lon1, m.di, m.dj, m.scanningMode]).toEqual([
      1500, 751, -90, 180, 0.24, 0.24, 64,
    ]);

    const started = performance.now();
    const packed = await decodeJpeg2000(m.data);
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
    const again = await decodeJpeg2000(m.data);
    expect(again.length).toBe(packed.length);
    expect(again.every((x, i) => x === packed[i])).toBe(true);
  });

  it('throws Jpeg2000Error on a truncated codestream', async () => {
    const m = onlyMessage(new Uint8Array(readFileSync(sharedDataPath(CMC_FILE))));
    for (const length of [10, 100, m.data.length >> 1]) {
      await expect(decodeJpeg2000(m.data.subarray(0, length))).rejects.toThrow(Jpeg2000Error);
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
