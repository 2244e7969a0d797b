/**
 * @balloon-sim/node: sim-core on Node. Its public names, each on purpose: what the server, the
 * tools and embedders on Node use. The command line (`balloon-sim`, src/cli) is its bin, not an
 * export (its building blocks are the `./cli` entry, for programs that extend it); the worker
 * threads' message protocol stays inside.
 */

export { FORECAST_MODELS, type ForecastModelId } from './fetch/models.js';
export {
  type CycleIndex,
  defaultStoreRoot,
  INDEX_FILE,
  listStore,
  STORE_ENV,
  type StoredCycle,
} from './fetch/store.js';
export { BUNDLED_GEOGRAPHY_DIR, loadScenarioTargets, loadZoneFile } from './geography.js';
export { type NodeGpu, type NodeGpuDevice, type NodeGpuOptions, openNodeGpu } from './gpu.js';
export {
  BUNDLED_REGIONS,
  type BundledRegion,
  DEFAULT_REGION,
  loadLaunchRegion,
  type RegionSource,
} from './launch-region.js';
export {
  loadScenarioWind,
  loadWindFiles,
  pinWindSource,
  type ResolvedForecast,
  readWindFiles,
  resolveForecastSource,
} from './load-wind.js';
export {
  backtrackProvenance,
  inputFiles,
  runContext,
  runTime,
  sha256Hex,
  toolInfo,
  toolVersion,
} from './provenance.js';
export { readScenarioFile, resolveLaunchArea, type ScenarioFile } from './scenario-file.js';
export {
  runSweep,
  type SweepOptions,
  type SweepShard,
  sweepFingerprint,
} from './sweep.js';
export {
  BUNDLED_TONIGHT_DIR,
  bestTonightModel,
  borderStripScenarioPath,
  chooseTonightModel,
  DEFAULT_LAUNCH_HOURS,
  type LaunchHours,
  localHourToUtcSec,
  parseLaunchHours,
  planTonight,
  REPOSITORY_FIXTURES_DIR,
  TONIGHT_BOX,
  TONIGHT_FETCH_MODEL,
  TONIGHT_MODEL_ORDER,
  TONIGHT_STALE_SEC,
  type TonightOptions,
  type TonightPlan,
  tonightBriefing,
  tonightLaunchTimes,
  tonightMembersPerLaunch,
  tonightOf,
} from './tonight.js';
export { relocateWindSourceFiles, type WindSourceFile, windSourceFiles } from './wind-files.js';
export {
  defaultWorkers,
  type ParallelRunOptions,
  type RunTiming,
  runInWorkers,
  splitMembers,
  WorkerPool,
} from './workers/pool.js';
export type { BacktrackRequest, BacktrackSummary } from './workers/protocol.js';
