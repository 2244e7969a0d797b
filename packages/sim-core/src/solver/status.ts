/** End state of a member. Codes are stored in a Uint8Array; names appear in results. */
export const MemberStatus = {
  /** Not launched yet (its launch time lies after the end of the run). */
  pending: 0,
  /** Still flying when the run ended. */
  active: 1,
  /** Reached the ground (forward run). */
  landed: 2,
  /** Left the wind field's lon/lat box. */
  leftDomain: 3,
  /** The wind data ended before the run did. */
  windEnded: 4,
  /** Backward run: reached the ground, i.e. the launch point was found. */
  launchPoint: 5,
  /**
   * Stopped because its position or altitude became NaN or infinite (a wind or a vertical speed
   * without a finite value): kept at its last finite state, never written as a NaN position.
   */
  nonFinite: 6,
} as const;

export type MemberStatusCode = (typeof MemberStatus)[keyof typeof MemberStatus];

export const STATUS_NAMES = [
  'pending',
  'active',
  'landed',
  'left-domain',
  'wind-ended',
  'launch-point',
  'non-finite',
] as const;
export type MemberStatusName = (typeof STATUS_NAMES)[number];

export const STATUS_REASONS: Record<MemberStatusName, string> = {
  pending: 'launch time after the end of the run',
  active: 'still flying at the end of the run',
  landed: 'reached the ground',
  'left-domain': 'left the wind field',
  'wind-ended': 'the wind data ended',
  'launch-point': 'traced back to the ground (launch point)',
  'non-finite':
    'its position or altitude became non-finite (NaN or infinite): stopped at its last finite state',
};

/** Things that happen to a member, located in time inside the step where they occur. */
export const EVENT_KINDS = [
  'launch',
  'float',
  'burst',
  'release',
  'descent',
  'landing',
  'left-domain',
  'wind-ended',
  'launch-point',
  'non-finite',
] as const;
export type SimEventKind = (typeof EVENT_KINDS)[number];

export interface SimEvent {
  member: number;
  kind: SimEventKind;
  tSec: number;
  lon: number;
  lat: number;
  altM: number;
}
