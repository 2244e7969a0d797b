import type { WindFileRef, WindSourceInfo } from '@balloon-sim/sim-core';

/** A wind file as decoders take it: a name (a path, a URL), its bytes, and its SHA-256 where the caller computed it. */
export interface WindFile {
  name: string;
  bytes: Uint8Array;
  /** SHA-256 of `bytes` (64 hex digits): the Node side hashes what it reads; a page may leave it out. */
  sha256?: string;
}

/** The files of a wind as its source lists them: name, size and SHA-256 where known. */
export function fileRefs(files: readonly WindFile[]): WindFileRef[] {
  return files.map((f) => ({
    name: f.name,
    bytes: f.bytes.length,
    ...(f.sha256 === undefined ? {} : { sha256: f.sha256 }),
  }));
}

/**
 * A decoder's source with the format and the files set: the decoders that read one document (bytes
 * or parsed JSON) know neither its file's size nor its hash, which the caller of `decodeWind` gives.
 */
export function withFiles(
  format: string,
  files: readonly WindFile[],
  partial: Partial<WindSourceInfo> | undefined,
): WindSourceInfo {
  return {
    illustrative: false,
    referenceTimes: [],
    ...partial,
    format,
    files: fileRefs(files),
  };
}
