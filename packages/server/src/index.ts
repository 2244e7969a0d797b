export { buildApp } from './app.js';
export { type AppOptions, DEFAULT_LIMITS, type Limits } from './options.js';
