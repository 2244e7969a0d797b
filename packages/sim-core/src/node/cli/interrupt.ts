/**
 * The temporary files of a command's outputs, to remove when it stops. Kept free of heavy imports,
 * for the process's last handlers.
 */
import { unlinkSync } from 'node:fs';
import { constants } from 'node:os';

/** Exit code of a program a closed pipe stopped: 128 + SIGPIPE (13), as a shell reports it. */
export const BROKEN_PIPE_EXIT_CODE = 128 + constants.signals.SIGPIPE;

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
