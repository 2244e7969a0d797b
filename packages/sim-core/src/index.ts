/**
 * @balloon-sim/sim-core, the engine: its public names, by folder (the order Biome keeps). Each is
 * here on purpose: what embedders, the README's examples, the server, the viewer and the workspace's
 * other packages (formats, node) use. Helpers that serve only the engine's own modules stay
 * unexported; add a name here when a user needs it, not by exporting a whole module.
 */

export {
  aggregateArrays,
  type RunAggregates,
  runAggregates,
  runsForward,
  type ZoneAggregate,
} from './analysis/aggregates.js';
export {
  type Agreement,
  type AltitudeFit,
  BACKTRACK_DEFAULTS,
  type BacktrackForecast,
  type BacktrackForecastMember,
  type BacktrackOptions,
  type BacktrackPriors,
  type BacktrackResult,
  backtrack,
  backtrackSummary,
  type Detection,
  FORWARD_TRACK_DEFAULTS,
  type ForwardSummary,
  type ForwardTrack,
  type ForwardTrackOptions,
  type ForwardTracks,
  type LaunchCell,
  type LaunchSamples,
} from './analysis/backtrack.js';
export {
  type AltitudeBand,
  DEFAULT_FLOAT_ALTITUDES,
  type LaunchRegion,
  type LaunchWindow,
  launchRegion,
  NIGHT_WINDOW_DEFAULTS,
  nightWindowBefore,
} from './analysis/backtrack-priors.js';
export {
  airportOfZone,
  BRIEFING_FORMAT,
  type Briefing,
  type BriefingAirport,
  type BriefingContext,
  type BriefingForecast,
  type BriefingForecastAirport,
  type BriefingForecastMembers,
  type BriefingHour,
  type BriefingHourZone,
  type BriefingMemberAirport,
  type BriefingZone,
  buildBriefing,
  type UncertaintySource,
  unionWindows,
} from './analysis/briefing.js';
export {
  type BorderSummary,
  type DensityGrid,
  densityGrid,
  wilsonInterval,
  type ZoneSummary,
} from './analysis/ensemble-stats.js';
export {
  ANALYSIS_EVENT_KINDS,
  type AnalysisEvent,
  type AnalysisEventKind,
  type AnalysisTargets,
  type ObservedRun,
  RunObserver,
  type ZoneTarget,
} from './analysis/observer.js';
export {
  type ForecastLaunchSpread,
  type ForecastLaunchZone,
  type ForecastMemberSummary,
  type ForecastSummary,
  type ForecastZoneSpread,
  type LandingSummary,
  type RiskRow,
  type RunSummary,
  type SiteSummary,
  type SummaryInput,
  summarizeRun,
} from './analysis/summary.js';
export {
  mergeSweeps,
  parseShard,
  type SweepTable,
  shardMembers,
  sweepCsv,
  sweepTable,
} from './analysis/sweep.js';
export { analysisTargets, type CountryArea, countryAreas } from './analysis/targets.js';
export { appendAll, maxOf, minOf } from './arrays.js';
export { isaAltitudeM, isaPressurePa, STANDARD_GRAVITY_M_S2 } from './atmosphere.js';
export { distanceM, EARTH_RADIUS_M } from './earth.js';
export { DecodeError, describeValue, InputError, invalid } from './errors.js';
export { Stage } from './flight/profile.js';
export { type CoordinateAxis, parseCoordinate } from './geo/coordinates.js';
export { ellipsoidDistanceM } from './geo/ellipsoid.js';
export { type OpenAirOptions, parseOpenAir } from './geo/openair.js';
export { polygonsFromGeoJson } from './geo/polygons.js';
export {
  destinationLonLat,
  distanceToEdgesM,
  distanceToPolylineM,
  initialBearingDeg,
} from './geo/sphere.js';
export {
  distanceToBoundaryM,
  distanceToZoneM,
  flightLevelToM,
  M_PER_FT,
  M_PER_NM,
  type PreparedZone,
  prepareZone,
  ZONE_KINDS,
  type Zone,
  type ZoneAirport,
  type ZoneKind,
  zonesFromGeoJson,
  zonesToGeoJson,
} from './geo/zones.js';
export {
  checkTimeZone,
  DEFAULT_TIME_ZONE,
  isTimeZone,
  type LocalTimes,
  localTimes,
} from './local-time.js';
export { briefingMarkdown, formatBriefing, percentBounds } from './output/briefing-text.js';
export {
  CSV_HEADER,
  CSV_HEADER_FORECAST,
  csvChunks,
  csvHead,
  csvProvenance,
  csvRows,
  formatOfPath,
  geoJson,
  kml,
  ndjsonProvenance,
  ndjsonRecord,
  OUTPUT_FORMATS,
  type OutputFormat,
  runTracks,
} from './output/formats.js';
export { formatSummary, type SummaryTextOptions } from './output/summary-text.js';
// The wire contract (also alone as @balloon-sim/sim-core/protocol).
export {
  type AcceptedMessage,
  type CancelledMessage,
  type CancelMessage,
  type ClientMessage,
  type DoneMessage,
  decodeFrame,
  type ErrorMessage,
  type EventMessage,
  type EventRecord,
  encodeFrame,
  eventJson,
  FRAME_BYTES_PER_MEMBER,
  FRAME_HEADER_BYTES,
  FRAME_MAGIC,
  type FrameHeader,
  type FrameMessage,
  firstMemberOf,
  frameMessage,
  isTrackEnd,
  type JsonPosition,
  jsonPositions,
  type LaunchTimes,
  launchGroup,
  launchTimeCount,
  launchTimesSec,
  type MemberLayout,
  type MemberOrigin,
  memberCount,
  memberForecastOf,
  memberIndex,
  memberLaunchOf,
  memberNumberOf,
  memberOrigin,
  memberSiteOf,
  type ProgressMessage,
  positionsJson,
  RUN_EVENT_KINDS,
  RUN_MESSAGE_FIELDS,
  type RunEventKind,
  type RunMessage,
  readFrameHeader,
  roundDeg,
  roundM,
  type ServerMessage,
  StreamedTracks,
  type SummaryMessage,
  TRACK_END_KINDS,
  TRACK_END_STATUS,
  type TrackEndKind,
  type TrackFrame,
  type TrackSet,
  type WireFrame,
  type WireIssue,
} from './protocol/index.js';
export { SCENARIO_DEFAULTS } from './scenario/defaults.js';
export { prepareRun, runScenario } from './scenario/entry.js';
export { ScenarioError, type ValidationIssue } from './scenario/issues.js';
export { withAreaSites } from './scenario/launch-area.js';
export {
  mergeFrames,
  mergeRunParts,
  mergeRunPartsUnsummarized,
  type RunPart,
  runPart,
} from './scenario/merge.js';
export {
  type PackableEvent,
  type PackedEvents,
  packEvents,
  packedBuffers,
  unpackEvents,
} from './scenario/packed-events.js';
export {
  type PreparedRun,
  prepareValidRun,
  RUN_LIMITS,
  type RunSize,
  scenarioSize,
  selectMembers,
} from './scenario/prepare.js';
export {
  ENGINE,
  type ForecastMemberProvenance,
  fileName,
  type InputFileRef,
  type Provenance,
  type ProvenanceContext,
  provenanceLines,
  requestProvenance,
  runProvenance,
  scenarioAsRun,
  type ToolInfo,
  type WindProvenance,
  windLines,
  windProvenance,
} from './scenario/provenance.js';
export {
  byTimeThenMember,
  type RunHooks,
  type RunResult,
  runPrepared,
  runSteps,
  runUnsummarized,
  type UnsummarizedRun,
} from './scenario/run.js';
export {
  type Ensemble,
  type EnsembleWindSource,
  type FileWindSource,
  type Flight,
  type ForecastWindSource,
  type Launch,
  type LaunchArea,
  type LaunchSite,
  type MemberWindSource,
  type OscillatingWindSource,
  type Output,
  type Perturbations,
  type RotationWindSource,
  Scenario,
  type ShearWindSource,
  type Solver,
  type SoundingWindSource,
  type UniformWindSource,
  WindSource,
} from './scenario/schema.js';
export { scenarioIssues, validateScenario } from './scenario/validate.js';
export { analyticWind } from './scenario/wind-source.js';
export { MemberSet } from './solver/members.js';
export { type CheckedOptions, checkOptions, runStartSec } from './solver/options.js';
export {
  type Frame,
  Simulation,
  type SimulationOptions,
  SOLVER_METHODS,
  type SolverMethod,
} from './solver/simulation.js';
export {
  EVENT_KINDS,
  MemberStatus,
  type MemberStatusCode,
  type MemberStatusName,
  type SimEvent,
  type SimEventKind,
  STATUS_NAMES,
  STATUS_REASONS,
} from './solver/status.js';
export { type Tableau, tableauOf } from './solver/tableaus.js';
export { WindError, type WindErrorOptions } from './solver/wind-error.js';
export {
  type IsoForm,
  isoTime,
  isoTimeOrNull,
  isoTimeText,
} from './time.js';
export {
  directionOfWind,
  LinearShearWind,
  OscillatingWind,
  SolidBodyRotationWind,
  type SoundingLevel,
  SoundingWind,
  UniformWind,
  windFromDirection,
} from './wind/analytic.js';
export {
  commonCoverage,
  ForecastEnsemble,
  type ForecastMember,
  forecastMemberCounts,
  forecastMemberOfNumber,
  forecastMembersOf,
  forecastWind,
} from './wind/forecast-members.js';
export {
  AltitudeGridWind,
  type GridAxis,
  type GridLevels,
  type GridNodes,
  type GridWindInit,
  type GridWindMeta,
  type GridWindParts,
  gridWind,
  type NormalisedGrid,
  PressureGridWind,
} from './wind/grid.js';
export { GRID_OFFSET_VERTICAL_M, gridOffsetMembers, OffsetWind } from './wind/grid-offset.js';
export {
  analyticSource,
  type CodeName,
  type WindFieldSource,
  type WindFileRef,
  type WindGridInfo,
  type WindLevelsInfo,
  type WindProducer,
  type WindSourceInfo,
  type WindStep,
} from './wind/source.js';
export { timeGapWarning } from './wind/time-gaps.js';
export {
  checkLonLatBox,
  coversLonLat,
  EVERYWHERE,
  type LonLatBox,
  nearestInBox,
  type WindCoverage,
  type WindField,
} from './wind/wind-field.js';
