/**
 * Test helpers of the Node package (`@balloon-sim/node/testing`, resolved from the sources only:
 * for this repository's tests, never built or published).
 */
export { CLI_BIN, type CliResult, cli, type RunningCli, startCli } from './cli.js';
