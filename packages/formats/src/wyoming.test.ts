import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { windFromDirection } from '@balloon-sim/sim-core';
import { REPO_ROOT } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { decodeError } from './testing/errors.js';
import { readWyomingSounding, wyomingWind } from './wyoming.js';

/** Synthetic sounding in the Wyoming TEXT:LIST layout (see fixtures/decode/README.md). */
const SAMPLE = readFileSync(resolve(REPO_ROOT, 'fixtures/decode/wyoming-26629-sample.txt'), 'utf8');
const KNOT_MPS = 1852 / 3600;

/** The sample with line `n` (1-based) replaced, or removed when `text` is null. */
function edit(n: number, text: string | null): string {
  const lines = SAMPLE.split('\n');
  if (text === null) lines.splice(n - 1, 1);
  else lines[n - 1] = text;
  return lines.join('\n');
}

describe('readWyomingSounding', () => {
  it('reads the sample: station, time, levels, skipped rows, station position', () => {
    const s = readWyomingSounding(SAMPLE, { source: 'sample.txt' });
    expect(s.station).toBe('26629 Kaunas');
    expect(s.timeSec).toBe(Date.parse('2020-08-05T00:00:00Z') / 1000);
    expect(s.levels.length).toBe(17);
    expect(s.skippedRows).toBe(2); // 914 hPa has no wind, 70 hPa no height and no wind
    expect(s.levels[0]).toEqual({ altM: 77, directionDeg: 200, speedMps: 4 * KNOT_MPS });
    expect(s.levels[6]).toEqual({ altM: 1483, directionDeg: 250, speedMps: 22 * KNOT_MPS });
    expect(s.levels[16]).toEqual({ altM: 16340, directionDeg: 270, speedMps: 28 * KNOT_MPS });
    expect(s.levels[6].speedMps).toBeCloseTo(22 * 0.514444, 4); // 0.514444 is 1852/3600 rounded
    expect(s.latDeg).toBe(54.88);
    expect(s.lonDeg).toBe(23.88);
    expect(s.elevationM).toBe(77);
    expect(s.description).toContain('26629 Kaunas 2020-08-05T00:00Z');
    expect(s.description).toContain(
      '17 wind levels 77..16340 m, 2 row(s) without height, direction or speed skipped',
    );
  });

  it('gives a steady, horizontally uniform wind field', () => {
    const wind = wyomingWind(SAMPLE, { source: 'sample.txt' });
    expect(wind.coverage.altMinM).toBe(77);
    expect(wind.coverage.altMaxM).toBe(16340);
    const out = new Float64Array(2);
    wind.sample(10, -40, 1483, 0, out);
    const [u, v] = windFromDirection(250, 22 * KNOT_MPS);
    expect(out[0]).toBeCloseTo(u, 12);
    expect(out[1]).toBeCloseTo(v, 12);
    expect(wind.description).toContain('University of Wyoming sounding');
  });

  it('reads the page as served (HTML around the text) and CRLF line ends', () => {
    const lines = SAMPLE.split('\n');
    const info = lines.findIndex((line) => line.startsWith('Station information'));
    const html = [
      '<HTML>',
      '<TITLE>University of Wyoming - Radiosonde Data</TITLE>',
      '<BODY BGCOLOR="white">',
      `<H2>${lines[0]}</H2>`,
      '<PRE>',
      ...lines.slice(2, info),
      `</PRE><H3>${lines[info]}</H3>`,
      '<PRE>',
      ...lines.slice(info + 1),
      '</PRE>',
      '</BODY></HTML>',
    ].join('\n');
    const expected = readWyomingSounding(SAMPLE, { source: 'x' });
    expect(readWyomingSounding(html, { source: 'x' }).levels).toEqual(expected.levels);
    const crlf = readWyomingSounding(SAMPLE.replace(/\n/g, '\r\n'), { source: 'x' });
    expect(crlf.levels).toEqual(expected.levels);
    expect(crlf.latDeg).toBe(54.88);
  });

  it('a table without station information still reads', () => {
    const lines = SAMPLE.split('\n');
    const info = lines.findIndex((line) => line.startsWith('Station information'));
    const s = readWyomingSounding(lines.slice(0, info).join('\n'), { source: 'x' });
    expect(s.levels.length).toBe(17);
    expect(s.latDeg).toBeUndefined();
  });
});

describe('readWyomingSounding refuses what it cannot read, naming the line', () => {
  it('no header, or a header it cannot parse', () => {
    decodeError(() => readWyomingSounding('hello\nworld', { source: 'x' }), 'line 1');
    decodeError(
      () => readWyomingSounding(edit(1, '26629 Kaunas Observations at 0Z 5 August 2020'), { source: 'x' }),
      'line 1',
    );
    decodeError(
      () => readWyomingSounding(edit(1, '26629 Kaunas Observations at 00Z 05 Foo 2020'), { source: 'x' }),
      'line 1',
    );
    decodeError(
      () => readWyomingSounding(edit(1, '26629 Kaunas Observations at 25Z 05 Aug 2020'), { source: 'x' }),
      'line 1',
    );
  });

  it('a table head that is not the TEXT:LIST layout', () => {
    decodeError(() => readWyomingSounding(edit(3, null), { source: 'x' }), 'line 3');
    decodeError(() => readWyomingSounding(edit(4, '   PRES   TEMP'), { source: 'x' }), 'line 4');
    const noSknt = edit(4, '   PRES   HGHT   TEMP   DWPT   RELH   MIXR   DRCT   SPED   THTA   THTE   THTV');
    expect(decodeError(() => readWyomingSounding(noSknt, { source: 'x' }), 'line 4').message).toMatch(
      /no SKNT column/,
    );
    const ms = edit(5, '    hPa     m      C      C      %    g/kg    deg    m/s     K      K      K ');
    expect(decodeError(() => readWyomingSounding(ms, { source: 'x' }), 'line 5').message).toMatch(
      /"m\/s" for SKNT; expected knot/,
    );
    decodeError(() => readWyomingSounding(edit(6, ''), { source: 'x' }), 'line 6');
  });

  it('no data rows, or no row with height, direction and speed', () => {
    const lines = SAMPLE.split('\n');
    const info = lines.findIndex((line) => line.startsWith('Station information'));
    const empty = [...lines.slice(0, 6), ...lines.slice(info)].join('\n');
    expect(decodeError(() => readWyomingSounding(empty, { source: 'x' })).message).toMatch(/no data rows/);
    const windless = [
      ...lines.slice(0, 6),
      '  914.0    884   12.2    9.4     83   8.13',
      ...lines.slice(info),
    ].join('\n');
    expect(decodeError(() => readWyomingSounding(windless, { source: 'x' })).message).toMatch(
      /none of the 1 data rows/,
    );
    decodeError(() => readWyomingSounding(lines.slice(0, 6).join('\n'), { source: 'x' }));
  });

  it('values that are not numbers, out of range, or heights that do not rise', () => {
    const row = (s: string) => edit(8, s); // the 1000 hPa row
    expect(
      decodeError(
        () =>
          readWyomingSounding(row(' 1000.0    119   17.0   13.6     80   9.83    2x5      6'), {
            source: 'x',
          }),
        'line 8',
      ).message,
    ).toMatch(/DRCT holds "2x5"/);
    decodeError(
      () =>
        readWyomingSounding(row(' 1000.0    119   17.0   13.6     80   9.83    405      6'), { source: 'x' }),
      'line 8',
    );
    decodeError(
      () =>
        readWyomingSounding(row(' 1000.0    119   17.0   13.6     80   9.83    205     -6'), { source: 'x' }),
      'line 8',
    );
    const e = decodeError(
      () =>
        readWyomingSounding(row(' 1000.0     70   17.0   13.6     80   9.83    205      6'), { source: 'x' }),
      'line 8',
    );
    expect(e.message).toMatch(/HGHT 70 m does not rise above 77 m \(line 7\)/);
  });

  it('a second sounding in the same text', () => {
    const lines = SAMPLE.split('\n');
    const two = `${SAMPLE}\n${SAMPLE}`;
    expect(
      decodeError(() => readWyomingSounding(two, { source: 'x' }), `line ${lines.length + 1}`).message,
    ).toMatch(/second sounding/);
  });
});
