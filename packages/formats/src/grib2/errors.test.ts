/**
 * Damaged real files: truncated anywhere, wrong magic, corrupted section lengths, an unsupported grid
 * template. Every failure is a DecodeError naming the section (and message) and an absolute byte
 * offset inside the file.
 */
import { readFileSync } from 'node:fs';
import type { DecodeError } from '@balloon-sim/sim-core';
import { hasSharedData, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { rejection } from '../testing/errors.js';
import { decodeGrib2 } from './decode.js';
import { splitFields } from './messages.js';

const NAME = 'gfs.t12z.pgrb2.1p00.f000.grib2';
const load = () => new Uint8Array(readFileSync(sharedDataPath('gfs-1p0', NAME)));

function expectLocated(error: DecodeError, length: number) {
  expect(error.source).toBe(NAME);
  expect(error.part).toMatch(/^section [0-8?] \(message \d+\)$/);
  expect(error.offset).toBeGreaterThanOrEqual(0);
  expect(error.offset).toBeLessThanOrEqual(length);
}

describe('GRIB2 refusals on an empty file', () => {
  it('says the file is empty', async () => {
    const error = await rejection(decodeGrib2(new Uint8Array(0), { source: 'empty.grib2' }));
    expect(error.part).toBe('section 0');
    expect(error.offset).toBe(0);
  });
});

describe.runIf(hasSharedData)('GRIB2 refusals on a damaged real file (gfs-1p0)', () => {
  const bytes = hasSharedData ? load() : new Uint8Array(); // describe bodies run even when skipped
  const fields = splitFields(bytes, NAME);
  const ends = fields.map((f) => f.s7.offset + f.s7.length + 4);

  it('truncated at every section boundary ± 1 and at 200 other offsets', async () => {
    const cuts = new Set<number>();
    for (const f of fields) {
      for (const s of [f.s1, f.s3, f.s4, f.s5, f.s6, f.s7]) {
        for (const d of [-1, 0, 1, 5, 20]) cuts.add(s.offset + d);
      }
      for (const d of [1, 8, 15, 16]) cuts.add(f.messageOffset + d);
    }
    for (let k = 1; k <= 200; k++) cuts.add(Math.floor((k * bytes.length) / 201));
    for (const cut of cuts) {
      const truncated = bytes.subarray(0, cut);
      if (ends.includes(cut)) {
        // Cut exactly after a message: the messages before it are a whole file.
        const file = await decodeGrib2(truncated, { source: NAME });
        expect(file.messageCount).toBe(ends.indexOf(cut) + 1);
        continue;
      }
      const error = await rejection(decodeGrib2(truncated, { source: NAME }));
      expectLocated(error, cut);
      expect(error.part).toMatch(/^section 0 /); // the indicator's length no longer fits
      expect(error.reason).toMatch(/truncated|empty/);
    }
  });

  it('wrong magic at the start and after the last message; GRIB edition 1', async () => {
    const wrong = bytes.slice();
    wrong[1] = 0x41; // "GAIB"
    let error = await rejection(decodeGrib2(wrong, { source: NAME }));
    expect(error.part).toBe('section 0 (message 1)');
    expect(error.offset).toBe(0);
    const trailing = new Uint8Array(bytes.length + 20);
    trailing.set(bytes);
    error = await rejection(decodeGrib2(trailing, { source: NAME }));
    expect(error.part).toBe('section 0 (message 4)');
    expect(error.offset).toBe(bytes.length);
    const edition1 = bytes.slice();
    edition1[fields[1].messageOffset + 7] = 1;
    error = await rejection(decodeGrib2(edition1, { source: NAME }));
    expect(error).toMatchObject({ part: 'section 0 (message 2)', offset: fields[1].messageOffset + 7 });
    expect(error.reason).toContain('edition 1');
  });

  it('a missing "7777" and corrupted section lengths', async () => {
    const noEnd = bytes.slice();
    noEnd[ends[0] - 2] = 0x36;
    let error = await rejection(decodeGrib2(noEnd, { source: NAME }));
    expect(error).toMatchObject({ part: 'section 8 (message 1)', offset: ends[0] - 4 });

    const s5 = fields[1].s5;
    for (const length of [0, 4, 10, 0x7fffffff, ends[1] - s5.offset - 3]) {
      const bad = bytes.slice();
      new DataView(bad.buffer).setUint32(s5.offset, length);
      error = await rejection(decodeGrib2(bad, { source: NAME }));
      expect(error).toMatchObject({ part: 'section 5 (message 2)', offset: s5.offset });
      expect(error.reason).toContain(`section length ${length}`);
    }
    // A length that is plausible but wrong shifts every later section: still a located DecodeError.
    for (const delta of [-3, -1, 1, 7]) {
      const bad = bytes.slice();
      new DataView(bad.buffer).setUint32(fields[0].s3.offset, fields[0].s3.length + delta);
      expectLocated(await rejection(decodeGrib2(bad, { source: NAME })), bad.length);
    }
    // The message length in section 0 too.
    const badTotal = bytes.slice();
    new DataView(badTotal.buffer).setUint32(
      fields[2].messageOffset + 12,
      ends[2] - fields[2].messageOffset + 8,
    );
    error = await rejection(decodeGrib2(badTotal, { source: NAME }));
    expect(error).toMatchObject({ part: 'section 0 (message 3)', offset: fields[2].messageOffset + 8 });
  });

  it('an unsupported grid template', async () => {
    const bad = bytes.slice();
    const s3 = fields[2].s3;
    bad[s3.offset + 13] = 30; // octets 13-14: template 3.30 (Lambert conformal)
    const error = await rejection(decodeGrib2(bad, { source: NAME }));
    expect(error).toMatchObject({ part: 'section 3 (message 3)', offset: s3.offset + 12 });
    expect(error.message).toContain(
      `${NAME}: section 3 (message 3): grid definition template 3.30 is not supported`,
    );
    // Messages 1 and 2 alone still decode.
    const file = await decodeGrib2(bad, { source: NAME, select: (f) => f.message < 3 });
    expect(file.fields.length).toBe(2);
  });

  it('corrupted complex-packing descriptors', async () => {
    const s5 = fields[0].s5;
    const cases: [octet: number, value: number, reason: RegExp][] = [
      [32, 0xff, /groups/], // NG far more than the values
      [47, 40, /more than 32 bits/],
      [48, 3, /order of spatial differencing 3/],
      [23, 7, /missing value management 7/],
    ];
    for (const [octet, value, reason] of cases) {
      const bad = bytes.slice();
      bad[s5.offset + octet - 1] = value;
      const error = await rejection(decodeGrib2(bad, { source: NAME }));
      expect(error.part).toMatch(/^section [57] \(message 1\)$/);
      expect(error.reason).toMatch(reason);
    }
  });
});
