/**
 * The files a scenario's wind source names, wherever they sit in it: a file source's paths, and
 * those of every file source inside an ensemble. One walk serves both who lists them (a coordinator
 * hashing and shipping a run's inputs) and who rewrites them (a worker reading them at its own
 * paths), so that no file of a wind is read at the coordinator's path by a worker that has it
 * elsewhere. Forecast sources name a store folder, not files: they are not listed here.
 */
import type { MemberWindSource, WindSource } from '@balloon-sim/sim-core';

/** A file of a wind source: where the scenario names it (`wind.paths[0]`, `wind.members[1].paths[0]`) and its path as written. */
export interface WindSourceFile {
  ref: string;
  path: string;
}

/** Every file a wind source names, in the order of the source (paths as written, not resolved). */
export function windSourceFiles(source: WindSource, ref = 'wind'): WindSourceFile[] {
  const files: WindSourceFile[] = [];
  relocateWindSourceFiles(
    source,
    (fileRef, path) => {
      files.push({ ref: fileRef, path });
      return path;
    },
    ref,
  );
  return files;
}

/**
 * The wind source with each file it names replaced by `to(ref, path)` (refs as windSourceFiles
 * gives them); the source is not changed, a copy is returned where a path changed.
 */
export function relocateWindSourceFiles(
  source: WindSource,
  to: (ref: string, path: string) => string,
  ref = 'wind',
): WindSource {
  if (source.type === 'ensemble')
    return {
      ...source,
      members: source.members.map(
        (member, k) => relocateWindSourceFiles(member, to, `${ref}.members[${k}]`) as MemberWindSource,
      ),
    };
  if (source.type !== 'file') return source;
  return { ...source, paths: source.paths.map((p, k) => to(`${ref}.paths[${k}]`, p)) };
}
