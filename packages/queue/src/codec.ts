import { deserialize, serialize } from 'node:v8';

/**
 * Values between machines as V8's structured-clone bytes: typed arrays, NaN, −0 and every double
 * keep their bits (JSON would turn NaN into null and a Float64Array into an object), which a merge
 * that must equal one machine's result bit for bit needs. Both ends run the same Node major version
 * (the format is versioned; an older Node may not read a newer one's bytes).
 */
export function encodeValue(value: unknown): Buffer {
  return serialize(value);
}

export function decodeValue<T>(bytes: Buffer | Uint8Array, what: string): T {
  try {
    return deserialize(bytes) as T;
  } catch (error) {
    throw new Error(
      `${what} cannot be read (${(error as Error).message}): was it written by a different Node version?`,
    );
  }
}
