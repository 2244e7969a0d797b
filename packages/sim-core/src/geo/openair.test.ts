import { describe, expect, it } from 'vitest';
import { distanceM } from '../earth.js';
import { DecodeError } from '../errors.js';
import { parseOpenAir, parseOpenAirAltitude, parseOpenAirCoordinates } from './openair.js';
import { initialBearingDeg, ringSignedArea2 } from './sphere.js';
import { prepareZone, type Zone } from './zones.js';

/* A hand-written sample using every construct parseOpenAir reads. Line numbers matter below. */
const SAMPLE = `* OpenAir sample for the tests: not real airspace
*VERSION: 2.0

AC CTR
AN TEST CTR circle
AI TEST-CTR
AL SFC
AH 2500ft AMSL
AF 118.100
V X=54:38:13 N 025:17:16 E
DC 5

AC D
AN TEST arcs
AL 2000ft AGL
AH UNL
V X=54:57.8333N 024:05.0833E
V D=-
DB 54:57:50 N 024:22:30 E, 55:07:50 N 024:05:05 E
DA 8, 0, 270
DP 54:57:50 N 024:05:05 E

AC C
AY TMA
AN TEST TMA pie
AL 1500 ft
AH FL95
SP 0,1,0,0,255
V X=54:57:50 N 024:05:05 E
DP 54:57:50 N 024:05:05 E
DA 10,0,90  * clockwise: D was reset to + by AC
DP 54:57:50 N 024:05:05 E

AC R
AN TEST R polygon
AL GND
AH 3600m
AT 54:20:00 N 025:15:00 E
DP 54:30:00 N 025:00:00 E
DP 54:30:00.5 N 025:30:00 E * decimal seconds
DP 54:15.500N 025:30.000E
DP 54:15:00N 025:00:00E
`;

const X_VILNIUS = { lon: 25 + 17 / 60 + 16 / 3600, lat: 54 + 38 / 60 + 13 / 3600 };
const X_KAUNAS = { lon: 24 + 5 / 60 + 5 / 3600, lat: 54 + 57 / 60 + 50 / 3600 };

function parsed(): Zone[] {
  return parseOpenAir(SAMPLE, 'sample.openair', { groundElevationM: 79 });
}

function lineOf(text: string, options = {}): string | undefined {
  try {
    parseOpenAir(text, 't.openair', options);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return (e as DecodeError).part;
  }
  throw new Error('expected a DecodeError');
}

describe('parseOpenAir', () => {
  it('reads names, ids, kinds and limits (FL as pressure altitude, AGL on the given ground)', () => {
    const zones = parsed();
    expect(zones.map((z) => [z.id, z.name, z.kind, z.lowerM, z.upperM])).toEqual([
      ['TEST-CTR', 'TEST CTR circle', 'ctr', 0, 762],
      ['TEST arcs', 'TEST arcs', 'other', 2000 * 0.3048 + 79, Infinity],
      ['TEST TMA pie', 'TEST TMA pie', 'approach', expect.closeTo(457.2, 9), expect.closeTo(2895.6, 9)],
      ['TEST R polygon', 'TEST R polygon', 'restricted', 0, 3600],
    ]);
    for (const z of zones) {
      expect(z).toMatchObject({ approximate: false, source: 'sample.openair' });
      const ring = z.polygon[0];
      expect(z.polygon).toHaveLength(1);
      expect(ring[ring.length - 1]).toEqual(ring[0]);
      expect(ringSignedArea2(ring)).toBeGreaterThan(0); // counterclockwise, RFC 7946
    }
    // Without the option, AGL is above 0 m.
    expect(parseOpenAir(SAMPLE, 's')[1].lowerM).toBeCloseTo(609.6, 9);
  });

  it('draws DC 5 as 180 vertices 9260 m from the centre', () => {
    const ring = parsed()[0].polygon[0];
    expect(ring).toHaveLength(181);
    for (const [lon, lat] of ring)
      expect(Math.abs(distanceM(X_VILNIUS.lon, X_VILNIUS.lat, lon, lat) - 9260)).toBeLessThan(1);
    const bearings = ring.map(([lon, lat]) => initialBearingDeg(X_VILNIUS.lon, X_VILNIUS.lat, lon, lat));
    for (let i = 1; i < bearings.length; i++) {
      const step = Math.abs(((bearings[i] - bearings[i - 1] + 540) % 360) - 180);
      expect(step).toBeLessThanOrEqual(2 + 1e-9);
    }
    const z = prepareZone(parsed()[0]);
    expect([
      z.contains(X_VILNIUS.lon, X_VILNIUS.lat, 300),
      z.contains(X_VILNIUS.lon, X_VILNIUS.lat, 800),
    ]).toEqual([true, false]);
  });

  it('reads DP in D:M:S, decimal seconds and D:M.mmm', () => {
    const ring = parsed()[3].polygon[0];
    const expected = [
      [25, 54.5],
      [25.5, 54.5 + 0.5 / 3600],
      [25.5, 54 + 15.5 / 60],
      [25, 54.25],
    ];
    expect(ring).toHaveLength(5);
    for (const [lon, lat] of expected) {
      expect(
        ring.some(([x, y]) => Math.abs(x - lon) < 1e-12 && Math.abs(y - lat) < 1e-12),
        `${lon} ${lat}`,
      ).toBe(true);
    }
  });

  it('draws DA clockwise by default, every ≤ 2°, at the radius; AC resets V D', () => {
    const ring = parsed()[2].polygon[0];
    const arc = ring.filter(([lon, lat]) => distanceM(X_KAUNAS.lon, X_KAUNAS.lat, lon, lat) > 1);
    expect(arc).toHaveLength(46); // 0°, 2°, … 90°
    for (const [lon, lat] of arc)
      expect(Math.abs(distanceM(X_KAUNAS.lon, X_KAUNAS.lat, lon, lat) - 18_520)).toBeLessThan(1e-3);
    const bearings = arc
      .map(([lon, lat]) => initialBearingDeg(X_KAUNAS.lon, X_KAUNAS.lat, lon, lat))
      .sort((a, b) => a - b);
    expect(bearings[0]).toBeCloseTo(0, 6);
    expect(bearings[45]).toBeCloseTo(90, 6);
    for (let i = 1; i < bearings.length; i++) expect(bearings[i] - bearings[i - 1]).toBeCloseTo(2, 6);
  });

  it('draws DB and DA counterclockwise after V D=-, DB keeping its end points and blending its radii', () => {
    const ring = parsed()[1].polygon[0];
    const east = [24 + 22 / 60 + 30 / 3600, X_KAUNAS.lat];
    const north = [X_KAUNAS.lon, 55 + 7 / 60 + 50 / 3600];
    const rEast = distanceM(X_KAUNAS.lon, X_KAUNAS.lat, east[0], east[1]);
    const rNorth = distanceM(X_KAUNAS.lon, X_KAUNAS.lat, north[0], north[1]);
    expect(rEast).not.toBeCloseTo(rNorth, 0); // an overdefined arc, as in real files
    const at = (p: number[]) => ring.findIndex(([lon, lat]) => lon === p[0] && lat === p[1]);
    expect(at(east)).toBeGreaterThanOrEqual(0);
    expect(at(north)).toBeGreaterThanOrEqual(0);
    // The V X= centre was given in D:M.mmm: 54:57.8333 N is 54:57:50 to 0.02″.
    const polar = ring.slice(0, -1).map(([lon, lat]) => ({
      r: distanceM(X_KAUNAS.lon, X_KAUNAS.lat, lon, lat),
      b: initialBearingDeg(X_KAUNAS.lon, X_KAUNAS.lat, lon, lat),
    }));
    // DB: the vertices between north and east (through north-east), radii between the two ends.
    const db = polar.filter((p, i) => p.r > 15_000 && i !== at(east) && i !== at(north));
    expect(db.length).toBe(44); // 89.9° (east lies at a bearing of 89.88°) in 45 steps, ends excluded
    for (const p of db) expect(p.b > 0 && p.b < 89.9).toBe(true);
    for (const p of db) {
      expect(p.r).toBeGreaterThan(Math.min(rEast, rNorth) - 1);
      expect(p.r).toBeLessThan(Math.max(rEast, rNorth) + 1);
    }
    // DA 8, 0, 270 counterclockwise: through north-west only, at 8 NM.
    const da = polar.filter((p) => Math.abs(p.r - 8 * 1852) < 0.5);
    expect(da).toHaveLength(46);
    for (const p of da) expect(p.b < 0.5 || p.b > 269.5).toBe(true);
    // Nothing of the shape lies south of the centre (the arcs went the short way round).
    expect(polar.every((p) => p.r < 1 || p.b < 90.5 || p.b > 269.5)).toBe(true);
  });

  it('reports problems with their line number', () => {
    expect(lineOf('AC R\nAN x\nAL GND\nAH 1000ft\nDP 54:30:00 N 025:00:00\n')).toBe('line 5');
    expect(lineOf('DP 54:30:00 N 025:00:00 E\n')).toBe('line 1');
    expect(lineOf('AC R\nAL GND\nAH 1000ft\nDC 5\n')).toBe('line 4'); // no V X=
    expect(lineOf('AC R\nAL GND\nAH 1000ft\nV X=54:30:00 N 025:00:00 E\nDC\n')).toBe('line 5');
    expect(lineOf('AC R\nAL GND\nAH lots\n')).toBe('line 3');
    expect(lineOf('AC R\nAL UNL\nAH UNL\nV X=54:30:00 N 025:00:00 E\nDC 1\n')).toBe('line 2');
    expect(lineOf('AC R\nAL 3000ft\nAH 1000ft\nV X=54:30:00 N 025:00:00 E\nDC 1\n')).toBe('line 3');
    expect(lineOf('AC R\nAL GND\nAL GND\n')).toBe('line 3');
    expect(lineOf('* x\nAC R\nAN no ceiling\nAL GND\nV X=54:30:00 N 025:00:00 E\nDC 1\n')).toBe('line 2');
    expect(lineOf('AC R\nAL GND\nAH 1000ft\nDP 54:30:00 N 025:00:00 E\nDP 54:31:00 N 025:00:00 E\n')).toBe(
      'line 1',
    );
    expect(
      lineOf('AC R\nAL GND\nAH 1000ft\nV X=54:30:00 N 025:00:00 E\nDC 1\nDP 54:31:00 N 025:00:00 E\n'),
    ).toBe('line 6');
    expect(lineOf('AC R\nAL GND\nAH 1000ft\nV X=54:30:00 N 025:00:00 E\nDA 1, 0\n')).toBe('line 5');
    expect(lineOf('AC R\nAL GND\nAH 1000ft\nV D=x\n')).toBe('line 4');
    expect(lineOf('AC R\nAL GND\nAH 1000ft\nDY 54:30:00 N 025:00:00 E\n')).toBe('line 4');
    expect(lineOf('AC R\nAL GND\nAH 1000ft\nZZ what\n')).toBe('line 4');
    expect(lineOf('AC R\nAL GND\nAH 1000ft\nDP 54:61:00 N 025:00:00 E\n')).toBe('line 4');
    const error = (() => {
      try {
        parseOpenAir('AC R\nAL GND\nAH lots\n', 'x.openair');
      } catch (e) {
        return e as DecodeError;
      }
    })();
    expect(error?.message).toBe('x.openair: line 3: cannot read the altitude "lots"');
  });

  it('makes repeated names unique with their AC line', () => {
    const text =
      'AC R\nAN twin\nAL GND\nAH 1000ft\nV X=54:30:00 N 025:00:00 E\nDC 1\nAC R\nAN twin\nAL GND\nAH 1000ft\nV X=54:40:00 N 025:00:00 E\nDC 1\n';
    expect(parseOpenAir(text, 't').map((z) => z.id)).toEqual(['twin (line 1)', 'twin (line 7)']);
  });
});

describe('parseOpenAirAltitude', () => {
  it.each([
    ['SFC', 'surface', 0],
    ['GND', 'surface', 0],
    ['0', 'surface', 0],
    ['0 ft AGL', 'surface', 0],
    ['UNL', 'unlimited', Infinity],
    ['FL95', 'pressure', 2895.6],
    ['FL 65', 'pressure', 1981.2],
    ['6500ft STD', 'pressure', 1981.2],
    ['1500ft AMSL', 'amsl', 457.2],
    ['1500 ft', 'amsl', 457.2],
    ['1500 FT MSL', 'amsl', 457.2],
    ['1500', 'amsl', 457.2],
    ['1000m', 'amsl', 1000],
    ['1000 m AMSL', 'amsl', 1000],
    ['2000ft AGL', 'agl', 609.6],
    ['2000 ft GND', 'agl', 609.6],
    ['300m SFC', 'agl', 300],
  ])('%s → %s %d m', (text, reference, m) => {
    const alt = parseOpenAirAltitude(text);
    expect(alt.reference).toBe(reference);
    expect(alt.m).toBeCloseTo(m, 9);
  });

  it('refuses what it cannot read', () => {
    for (const text of ['', 'high', 'FL', '1500 ft AMSL/FL65', '-100ft'])
      expect(() => parseOpenAirAltitude(text), text).toThrow();
  });
});

describe('parseOpenAirCoordinates', () => {
  it('reads D:M:S, decimal seconds, D:M.mmm, with or without spaces and commas', () => {
    const v = 54 + 38 / 60 + 13 / 3600;
    expect(parseOpenAirCoordinates('54:38:13 N 025:17:16 E')).toEqual([
      { lon: 25 + 17 / 60 + 16 / 3600, lat: v },
    ]);
    expect(parseOpenAirCoordinates('54:38:13.5N 025:17:16.25E')[0].lat).toBeCloseTo(v + 0.5 / 3600, 12);
    expect(parseOpenAirCoordinates('54:38.5N 025:17.25E')).toEqual([
      { lon: 25 + 17.25 / 60, lat: 54 + 38.5 / 60 },
    ]);
    expect(parseOpenAirCoordinates('10:00:00 S 100:00:00 W')).toEqual([{ lon: -100, lat: -10 }]);
    // DB pairs; a stray comma between latitude and longitude as in some published files.
    expect(parseOpenAirCoordinates('54:00:00N 025:00:00E, 54:30:00N, 025:30:00E')).toEqual([
      { lon: 25, lat: 54 },
      { lon: 25.5, lat: 54.5 },
    ]);
    for (const bad of [
      '54:38:13 N',
      '54:38:13 E 025:17:16 N',
      '91:00:00 N 025:00:00 E',
      '54.5:30 N 025:00 E',
    ])
      expect(() => parseOpenAirCoordinates(bad), bad).toThrow();
  });
});
