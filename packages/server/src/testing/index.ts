/**
 * Test helpers of the server (`@balloon-sim/server/testing`, resolved from the sources only: for
 * this repository's tests, never built or published): a started server and stream clients.
 */
export {
  browserLikeSocket,
  eventually,
  hasProcThreads,
  type Received,
  StreamClient,
  startServer,
  threadCount,
} from './client.js';
