#!/usr/bin/env node
/**
 * balloon-sim: the command line (see cli/main.ts). SIGINT (Ctrl-C), SIGTERM and SIGHUP stop the
 * running command cleanly; a second one stops it at once. Either way no temporary file is left.
 */
import { stopOnSignals } from './cli/interrupt.js';
import { removeTemporariesNow } from './temporaries.js';

// Before the rest of the command line loads: a signal from now on is handled.
const controller = new AbortController();
stopOnSignals(controller);
// A bug that escapes every handler still must not leave temporary files behind.
process.on('uncaughtException', (error) => {
  removeTemporariesNow();
  process.stderr.write(`balloon-sim: internal error: ${error?.stack ?? error}\n`);
  process.exit(1);
});
// Progress and notes are best effort: a closed standard error must not stop a run.
process.stderr.on('error', () => {});

const { main } = await import('./cli/main.js');
const code = await main(process.argv.slice(2), controller.signal);
// A stopped command may leave a wait behind (a pipe no program opened for reading): end now.
if (controller.signal.aborted) process.exit(code);
process.exitCode = code;
