export { buildApp } from './app.js';
export { decodeBinaryFrame, FRAME_HEADER_BYTES, FRAME_MAGIC } from './frames.js';
export { type AppOptions, DEFAULT_LIMITS, type Limits } from './options.js';
