/**
 * balloon-sim-queue: the queue's command line (see cli/main.ts). SIGINT (Ctrl-C), SIGTERM and
 * SIGHUP stop the running command cleanly (a worker finishes the jobs it holds); a second one stops
 * it at once.
 */
import { stopOnSignals } from '@balloon-sim/node/cli';

const controller = new AbortController();
stopOnSignals(controller, 'balloon-sim-queue');
// Progress and notes are best effort: a closed standard error must not stop a worker.
process.stderr.on('error', () => {});

const { main } = await import('./cli/main.js');
const code = await main(process.argv.slice(2), controller.signal);
// Connections and threads that are still open must not keep a finished command alive.
process.exit(code);
