#!/usr/bin/env node
/** balloon-sim: the command line (see cli/main.ts). Ctrl-C aborts the running command cleanly. */
import { main } from './cli/main.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));
main(process.argv.slice(2), controller.signal).then((code) => {
  process.exitCode = code;
});
