/**
 * Test helpers shared by the workspace's packages (`@balloon-sim/sim-core/testing`, resolved from
 * the sources only: it is for this repository's tests, never built or published).
 */
export {
  type EccodesPoint,
  eccodes,
  eccodesKeys,
  eccodesValues,
  type GribRecipe,
  hasEccodes,
  makeGrib,
} from './eccodes.js';
export { type BoxCountry, boxCountries, lonBandZone, membersAt, seededRandom } from './helpers.js';
export { PerColumnPressureWind } from './per-column-pressure.js';
export { hasSharedData, REPO_ROOT, SHARED_DATA_DIR, sharedDataPath } from './shared-data.js';
