/**
 * Signals that stop a command; the temporary files to remove when they do are in ../temporaries.ts. Kept free of heavy
 * imports: cli.ts installs the handlers before it loads the rest of the command line.
 */
import { constants } from 'node:os';
import { removeTemporariesNow } from '../temporaries.js';

/** The signals a person or a supervisor sends to stop a command: Ctrl-C, kill, a closed terminal. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** Exit code of a program a closed pipe stopped: 128 + SIGPIPE (13), as a shell reports it. */
export const BROKEN_PIPE_EXIT_CODE = 128 + constants.signals.SIGPIPE;

/** The abort reason when a signal stops a command; its exit code is 128 + the signal's number. */
export class Interrupted extends Error {
  override name = 'Interrupted';
  readonly exitCode: number;
  constructor(readonly signalName: StopSignal) {
    super(`stopped by ${signalName}`);
    // 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP: what a shell shows for a program the signal killed.
    this.exitCode = 128 + constants.signals[signalName];
  }
}

/**
 * The first stop signal aborts `controller`: the command stops at its next check and removes its
 * temporary files. A second one (a second Ctrl-C while it cleans up, a kill after a Ctrl-C) removes
 * the temporary files and exits at once, with the code of that second signal.
 */
export function stopOnSignals(controller: AbortController, program = 'balloon-sim'): void {
  for (const name of STOP_SIGNALS) {
    process.on(name, () => {
      if (!controller.signal.aborted) {
        process.stderr.write(`${program}: ${name}: stopping (send it again to stop at once)\n`);
        controller.abort(new Interrupted(name));
        return;
      }
      removeTemporariesNow();
      process.stderr.write(`${program}: ${name} again: stopped at once; no partial output file was left\n`);
      process.exit(new Interrupted(name).exitCode);
    });
  }
}
