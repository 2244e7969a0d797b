/**
 * Synthetic ensembles for the track renderer's bench and browser checks, from a seeded generator so
 * every run draws the same work: every member flies in every frame (the worst case) from the
 * Belarusian border area towards the north-north-west at ~10 m/s with its own wiggles, ascending
 * at 3 m/s to ~3.5 km.
 */

/** mulberry32: a tiny seeded generator (uniform in [0, 1)). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Synthetic frames: lon, lat, alt per member (the stream's layout), 10 min apart. */
export function syntheticFrames(members: number, frames: number, seed = 2025): Float32Array[] {
  const rand = random(seed);
  const out: Float32Array[] = [];
  const lon = new Float64Array(members);
  const lat = new Float64Array(members);
  const headingRad = new Float64Array(members);
  const floatAltM = new Float64Array(members);
  for (let m = 0; m < members; m++) {
    lon[m] = 23.6 + 2.8 * rand();
    lat[m] = 53.7 + 0.8 * rand();
    headingRad[m] = (-30 + 20 * (rand() - 0.5)) * (Math.PI / 180); // from north, clockwise
    floatAltM[m] = 3500 + 400 * (rand() - 0.5);
  }
  const stepSec = 600;
  const mPerDeg = 111_195; // on the sphere of radius 6 371 008.8 m
  for (let f = 0; f < frames; f++) {
    const positions = new Float32Array(3 * members);
    for (let m = 0; m < members; m++) {
      if (f > 0) {
        headingRad[m] += 0.15 * (rand() - 0.5);
        const distM = (8 + 4 * rand()) * stepSec;
        lat[m] += (distM * Math.cos(headingRad[m])) / mPerDeg;
        lon[m] += (distM * Math.sin(headingRad[m])) / (mPerDeg * Math.cos((lat[m] * Math.PI) / 180));
      }
      positions[3 * m] = lon[m];
      positions[3 * m + 1] = lat[m];
      positions[3 * m + 2] = Math.min(floatAltM[m], 150 + 3 * stepSec * f);
    }
    out.push(positions);
  }
  return out;
}
