/**
 * The wire contract: what the server, the viewer, the test clients and the benches exchange, defined
 * once. Browser-safe (no Node built-ins), and importable alone as `@balloon-sim/sim-core/protocol`,
 * so that a page bundles only this.
 */
export { type DensityGrid, densityGrid } from '../analysis/ensemble-stats.js';
export { EARTH_RADIUS_M } from '../earth.js';
export { type IsoForm, isoTime, isoTimeOrNull, isoTimeText } from '../time.js';
export {
  type EventRecord,
  eventJson,
  isTrackEnd,
  RUN_EVENT_KINDS,
  type RunEventKind,
  roundDeg,
  roundM,
  TRACK_END_KINDS,
  TRACK_END_STATUS,
  type TrackEndKind,
} from './events.js';
export {
  decodeFrame,
  encodeFrame,
  FRAME_BYTES_PER_MEMBER,
  FRAME_HEADER_BYTES,
  FRAME_MAGIC,
  type FrameHeader,
  readFrameHeader,
  type WireFrame,
} from './frames.js';
export {
  firstMemberOf,
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
} from './members.js';
export {
  type AcceptedMessage,
  type CancelledMessage,
  type CancelMessage,
  type ClientMessage,
  type DoneMessage,
  type ErrorMessage,
  type EventMessage,
  type FrameMessage,
  frameMessage,
  type JsonPosition,
  jsonPositions,
  type ProgressMessage,
  positionsJson,
  RUN_MESSAGE_FIELDS,
  type RunMessage,
  type ServerMessage,
  type SummaryMessage,
  type WireIssue,
} from './messages.js';
export {
  StreamedTracks,
  type TrackFrame,
  type TrackSet,
} from './tracks.js';
