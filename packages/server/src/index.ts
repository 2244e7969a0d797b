export { buildApp } from './app.js';
export {
  decodeBinaryFrame,
  encodeBinaryFrame,
  FRAME_HEADER_BYTES,
  FRAME_MAGIC,
  jsonFrame,
} from './frames.js';
export { type AppOptions, DEFAULT_LIMITS, type Limits } from './options.js';
