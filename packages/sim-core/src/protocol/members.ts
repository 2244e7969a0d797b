/**
 * Which member is which: the one definition of how a run numbers its members, used by
 * `prepareValidRun` to build them, by the writers to name each track's origin, and by every client
 * that receives positions as arrays indexed by member. Members are ordered by launch site, then
 * launch time, then ensemble number:
 *
 *   member = group · membersPerLaunch + number,  group = site · launches + launch
 *
 * so the members of one launch group (a site at a launch time) are consecutive.
 * A launch area counts its sampled points as sites, after the named ones.
 */

import { isoTime } from '../time.js';

/** The launch times of a scenario (`launch.times`): start, then every `everySec` up to `end`. */
export interface LaunchTimes {
  /** ISO 8601. */
  start: string;
  /** ISO 8601; none, or equal to start: a single launch. */
  end?: string;
  everySec?: number;
}

/**
 * How many launch times `times` gives: both ends included, `end` counted when it falls on the grid
 * within 1e-9 of a step (so 17:00 to 20:00 every 3600 s is four launches, not three, whatever the
 * rounding of the division). One when there is no end, no step, or an end not after the start
 * (prepareValidRun reports those).
 */
export function launchTimeCount(times: LaunchTimes): number {
  const t0 = Date.parse(times.start) / 1000;
  const t1 = times.end === undefined ? t0 : Date.parse(times.end) / 1000;
  if (!(t1 > t0) || !times.everySec) return 1;
  return Math.floor((t1 - t0) / times.everySec + 1e-9) + 1;
}

/** The launch times of `times` (s since the Unix epoch), before any perturbation. */
export function launchTimesSec(times: LaunchTimes): number[] {
  const t0 = Date.parse(times.start) / 1000;
  const everySec = times.everySec ?? 0;
  return Array.from({ length: launchTimeCount(times) }, (_, k) => t0 + k * everySec);
}

/** What numbers a run's members: its sites, its nominal launch times and the ensemble size. */
export interface MemberLayout {
  /** Named sites first, then a launch area's sampled points. */
  sites: readonly { id: string; name?: string }[];
  /** Nominal launch times (s since the Unix epoch), in order. */
  launchTimesSec: readonly number[];
  membersPerLaunch: number;
  /**
   * A wind of several forecast members: each one's label and how many of each launch's members fly
   * it, in consecutive blocks of member numbers (members 0 … perLaunch₀ − 1 the first, and so on);
   * absent for one wind.
   */
  forecastMembers?: readonly { label: string; perLaunch: number }[];
}

/** The forecast member (index into layout.forecastMembers) a member flies; −1 for a wind of one. */
export function memberForecastOf(layout: MemberLayout, member: number): number {
  const list = layout.forecastMembers;
  if (!list) return -1;
  const number = member % layout.membersPerLaunch;
  let end = 0;
  for (let k = 0; k < list.length; k++) {
    end += list[k].perLaunch;
    if (number < end) return k;
  }
  return list.length - 1;
}

/** Members of the run: sites × launch times × members per launch. */
export function memberCount(layout: MemberLayout): number {
  return layout.sites.length * layout.launchTimesSec.length * layout.membersPerLaunch;
}

/** The launch group of a site at a launch time (indices into sites and launchTimesSec). */
export function launchGroup(layout: MemberLayout, site: number, launch: number): number {
  return site * layout.launchTimesSec.length + launch;
}

/** The first member of launch group `group`; its members are this one and the membersPerLaunch − 1 after it. */
export function firstMemberOf(group: number, membersPerLaunch: number): number {
  return group * membersPerLaunch;
}

/** The member launched from site `site` at launch time `launch`, `number` in its ensemble. */
export function memberIndex(layout: MemberLayout, site: number, launch: number, number: number): number {
  return firstMemberOf(launchGroup(layout, site, launch), layout.membersPerLaunch) + number;
}

/** Index into `layout.sites` of a member's launch site. */
export function memberSiteOf(layout: MemberLayout, member: number): number {
  return Math.floor(member / (layout.launchTimesSec.length * layout.membersPerLaunch));
}

/** Index into `layout.launchTimesSec` of a member's nominal launch time. */
export function memberLaunchOf(layout: MemberLayout, member: number): number {
  return Math.floor(member / layout.membersPerLaunch) % layout.launchTimesSec.length;
}

/** A member's number in its ensemble (0 … membersPerLaunch − 1). */
export function memberNumberOf(layout: MemberLayout, member: number): number {
  return member % layout.membersPerLaunch;
}

/** Where a member comes from, as the outputs name it. */
export interface MemberOrigin {
  /** Its launch site's id. */
  site: string;
  /** Its nominal launch time (ISO 8601; the actual one is its launch event's). */
  launch: string;
  /** Its number in its ensemble. */
  number: number;
  /** The forecast member it flies (its label), for a wind of several. */
  forecastMember?: string;
}

export function memberOrigin(layout: MemberLayout, member: number): MemberOrigin {
  return {
    site: layout.sites[memberSiteOf(layout, member)].id,
    launch: isoTime(layout.launchTimesSec[memberLaunchOf(layout, member)]),
    number: memberNumberOf(layout, member),
    ...(layout.forecastMembers
      ? { forecastMember: layout.forecastMembers[memberForecastOf(layout, member)].label }
      : {}),
  };
}
