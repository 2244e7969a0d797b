/**
 * Temporary files of this process (outputs, downloads) that must not outlive it unless renamed to
 * their final names: a signal handler removes them synchronously (see cli/interrupt.ts). Kept free of
 * heavy imports: the command line loads it before anything else.
 */
import { unlinkSync } from 'node:fs';

const temporaries = new Set<string>();

/** A temporary file that must not outlive the process unless it is renamed to its final name. */
export function registerTemporary(path: string): void {
  temporaries.add(path);
}

/** The temporary is gone (renamed or removed): nothing to clean up for it. */
export function forgetTemporary(path: string): void {
  temporaries.delete(path);
}

/** Removes every registered temporary file now, synchronously (safe inside a signal handler). */
export function removeTemporariesNow(): void {
  for (const path of temporaries) {
    try {
      unlinkSync(path);
    } catch {
      // Already gone (its folder removed, or renamed by a finished run): nothing to do.
    }
  }
  temporaries.clear();
}
