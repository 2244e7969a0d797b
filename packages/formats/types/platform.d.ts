/**
 * What the formats take from the platform beyond ECMAScript, declared here instead of loading Node's
 * types (or the DOM's) into the build: the package runs in Node and in browsers, and these are all
 * it may rely on. The repository's typecheck (tsconfig.json at the root) checks the same sources
 * against @types/node, which declares both fully.
 */
export {};

declare global {
  /** WHATWG Encoding's decoder (Node ≥ 11 and every browser), for the text formats. */
  class TextDecoder {
    constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
    decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
  }

  /** Node's process, read only to tell Node from a browser (jpeg2000.ts picks its OpenJPEG build). */
  var process: { versions?: { node?: string } } | undefined;
}
