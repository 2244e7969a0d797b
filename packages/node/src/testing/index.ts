/**
 * Test helpers of the Node package (`@balloon-sim/node/testing`, resolved from the sources only:
 * for this repository's tests, never built or published).
 */
export { CLI_BIN, type CliResult, cli, type RunningCli, startCli } from './cli.js';
export { coversNode, expectSameFiles, valueOnLevel } from './fetch.js';
export { mkfifo, testFolders } from './folders.js';
export {
  TEST_ENSEMBLE_MODEL,
  TEST_STORE_BOX,
  TEST_STORE_CYCLE,
  TEST_STORE_MODEL,
  writeTestEnsembleStore,
  writeTestStore,
} from './store.js';
