export * from './files.js';
export * from './load-wind.js';
