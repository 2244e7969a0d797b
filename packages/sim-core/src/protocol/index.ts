/**
 * The wire contract: what the server, the viewer, the test clients and the benches exchange, defined
 * once. Browser-safe (no Node built-ins), and importable alone as `@balloon-sim/sim-core/protocol`,
 * so that a page bundles only this.
 */
export { type DensityGrid, densityGrid } from '../analysis/ensemble-stats.js';
export { EARTH_RADIUS_M } from '../earth.js';
export { type IsoForm, isoTime, isoTimeOrNull, isoTimeText } from '../time.js';
export * from './events.js';
export * from './frames.js';
export * from './members.js';
export * from './messages.js';
export * from './tracks.js';
