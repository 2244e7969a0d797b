export * from './files.js';
export * from './geography.js';
export * from './load-wind.js';
export * from './scenario-file.js';
export * from './workers/pool.js';
export * from './workers/protocol.js';
