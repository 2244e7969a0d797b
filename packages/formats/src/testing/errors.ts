/** Test helpers for decoders: the DecodeError a call throws (or a promise rejects with). */

import { DecodeError } from '@balloon-sim/sim-core';
import { expect } from 'vitest';

/** The error thrown by fn, checked to be a DecodeError (naming `part` when given). */
export function decodeError(fn: () => unknown, part?: string): DecodeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    if (part !== undefined) expect((e as DecodeError).part).toBe(part);
    return e as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

/** The error a promise rejects with, checked to be a DecodeError. */
export async function rejection(promise: Promise<unknown>): Promise<DecodeError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError);
    return error as DecodeError;
  }
  throw new Error('expected a DecodeError');
}
