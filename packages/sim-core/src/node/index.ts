export * from './files.js';
export * from './geography.js';
export * from './load-wind.js';
