/**
 * JPEG 2000 decoding for GRIB2 data representation template 5.40 (section 7 holds a JPEG 2000 Part 1
 * codestream, ISO/IEC 15444-1, whose single component is the packed integer X of each grid point).
 *
 * Uses OpenJPEG compiled by Emscripten (`@cornerstonejs/codec-openjpeg`), loaded lazily the first time a
 * JPEG 2000 message is met, then cached:
 * - In Node the WebAssembly build (`decodewasmjs`): its CommonJS loader reads `openjpegwasm_decode.wasm`
 *   from its own package folder (`__dirname` + `fs`), so nothing is fetched or downloaded.
 * - Elsewhere (browsers, workers; Vite builds) the same decoder compiled to plain JavaScript (`decode`,
 *   wasm2js). It needs no separate .wasm file, so it works from any bundle without configuring an asset
 *   URL; it is about 6× slower (≈0.5 s for a 1500×751 field instead of ≈0.1 s). Both are dynamic
 *   `import()`s with literal specifiers, so bundlers split them into chunks fetched only when needed.
 *
 * No Node imports here: the file is shared by the browser build.
 */

/** A codestream that cannot be decoded, or a decoded image that is not a single integer component. */
export class Jpeg2000Error extends Error {
  override name = 'Jpeg2000Error';
}

/** The parts of the codec's Emscripten module used here. */
interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}
interface J2KDecoder {
  /** A view of `length` bytes in WebAssembly memory to copy the codestream into. */
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  /** The samples, 1 byte each up to 8 bits, else 2 bytes (little-endian, Int16 when signed). */
  getDecodedBuffer(): Uint8Array;
  /** Frees the C++ object (Embind objects are not garbage collected). */
  delete(): void;
}
interface OpenJpegModule {
  J2KDecoder: new () => J2KDecoder;
}
type OpenJpegFactory = (moduleArg: {
  print: (line: string) => void;
  printErr: (line: string) => void;
}) => Promise<OpenJpegModule>;

let openJpeg: Promise<OpenJpegModule> | undefined;
/** OpenJPEG's log lines ("[ERROR] …") for the decode in progress: they explain failures. */
const logLines: string[] = [];
const log = (line: string) => {
  if (logLines.length < 100) logLines.push(line);
};

function loadOpenJpeg(): Promise<OpenJpegModule> {
  openJpeg ??= (async () => {
    const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
    // The package ships no type declarations (TS7016); OpenJpegFactory describes what is used.
    let imported: { default?: unknown };
    if (isNode) {
      // @ts-expect-error TS7016 untyped module
      imported = await import('@cornerstonejs/codec-openjpeg/decodewasmjs');
    } else {
      // @ts-expect-error TS7016 untyped module
      imported = await import('@cornerstonejs/codec-openjpeg/decode');
    }
    // CommonJS module: the factory is module.exports, seen as the default export from ESM.
    const factory = (imported.default ?? imported) as OpenJpegFactory;
    return await factory({ print: log, printErr: log });
  })().catch((error: unknown) => {
    openJpeg = undefined; // let a later call try again
    throw new Jpeg2000Error(`cannot load the OpenJPEG decoder: ${describe(error)}`);
  });
  return openJpeg;
}

/**
 * Decodes a JPEG 2000 codestream (or JP2 file) holding one integer component, returning its samples row
 * by row. Throws Jpeg2000Error when the data cannot be decoded or is not one component of 1–16 bits.
 */
export async function decodeJpeg2000(codestream: Uint8Array): Promise<Int32Array> {
  checkSignature(codestream);
  const openjpeg = await loadOpenJpeg();
  logLines.length = 0;
  let decoder: J2KDecoder | undefined;
  try {
    decoder = new openjpeg.J2KDecoder();
    decoder.getEncodedBuffer(codestream.length).set(codestream);
    decoder.decode();
    const info = decoder.getFrameInfo();
    // OpenJPEG reports most failures only in its log and leaves an empty frame.
    if (!(info.width > 0 && info.height > 0)) {
      throw new Jpeg2000Error(`OpenJPEG could not decode the codestream: ${openJpegErrors()}`);
    }
    return toInt32(decoder.getDecodedBuffer(), info);
  } catch (error) {
    if (error instanceof Jpeg2000Error) throw error;
    // A C++ exception or a WebAssembly trap: the module may be left in a bad state, so reload it next time.
    openJpeg = undefined;
    throw new Jpeg2000Error(`OpenJPEG failed: ${describe(error)}; ${openJpegErrors()}`);
  } finally {
    try {
      decoder?.delete();
    } catch {
      // Already broken by the error being reported.
    }
  }
}

/** A raw codestream starts with SOC then SIZ (ISO/IEC 15444-1 A.4.1, A.5.1); a JP2 file with its box. */
function checkSignature(data: Uint8Array): void {
  const isCodestream =
    data.length >= 4 && data[0] === 0xff && data[1] === 0x4f && data[2] === 0xff && data[3] === 0x51;
  const jp2Box = [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a];
  const isJp2 = data.length >= jp2Box.length && jp2Box.every((byte, i) => data[i] === byte);
  if (!isCodestream && !isJp2) {
    const head = Array.from(data.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new Jpeg2000Error(
      `not a JPEG 2000 codestream: expected the markers SOC, SIZ (ff 4f ff 51) at byte 0, ` +
        `got ${data.length === 0 ? 'no data' : head}`,
    );
  }
}

/** Checks the frame and widens the codec's 8- or 16-bit samples to Int32. */
function toInt32(pixels: Uint8Array, info: FrameInfo): Int32Array {
  const { width, height, bitsPerSample, componentCount, isSigned } = info;
  const shape = `${width}×${height}, ${componentCount} component(s) of ${bitsPerSample} bits`;
  if (componentCount !== 1) throw new Jpeg2000Error(`expected 1 component, got ${shape}`);
  // The codec clamps samples to 16 bits (and 8-bit ones to 0…255): wider or signed 8-bit data would
  // come back altered, so refuse it rather than return wrong values.
  if (bitsPerSample < 1 || bitsPerSample > 16 || (isSigned && bitsPerSample <= 8)) {
    throw new Jpeg2000Error(`unsupported sample format: ${shape}${isSigned ? ', signed' : ''}`);
  }
  const count = width * height;
  const bytesPerSample = bitsPerSample <= 8 ? 1 : 2;
  if (pixels.length !== count * bytesPerSample) {
    throw new Jpeg2000Error(
      `decoded ${pixels.length} bytes for ${shape}, expected ${count * bytesPerSample}`,
    );
  }
  if (bytesPerSample === 1) return Int32Array.from(pixels);
  // WebAssembly memory is little-endian like every platform typed arrays run on in practice; copy
  // first if the view is not 2-byte aligned.
  const aligned = pixels.byteOffset % 2 === 0 ? pixels : pixels.slice();
  const samples = isSigned
    ? new Int16Array(aligned.buffer, aligned.byteOffset, count)
    : new Uint16Array(aligned.buffer, aligned.byteOffset, count);
  return Int32Array.from(samples);
}

function openJpegErrors(): string {
  const errors = logLines.filter((line) => /error|warn/i.test(line)).map((line) => line.trim());
  return errors.length > 0 ? errors.join('; ') : 'no message from OpenJPEG';
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  // Emscripten throws C++ exceptions as a bare pointer number.
  if (typeof error === 'number') return `C++ exception (pointer ${error})`;
  return String(error);
}
