/**
 * @balloon-sim/gpu, the WebGPU backend: runs a prepared scenario's members on a GPU that the caller
 * hands in (a page's navigator.gpu, Dawn's `webgpu` package in Node), and returns the engine's own
 * RunResult. The CPU path (sim-core) stays the default and the reference; see README.md for what the
 * GPU path does, its precision and its limits.
 */
export { type GpuWindKind, type KernelConfig, kernelSource, WORKGROUP_SIZE } from './kernel.js';
export { type GpuRunHooks, gpuUnsupported, runPreparedOnGpu } from './runner.js';
export {
  GpuSimulation,
  type GpuSimulationConfig,
  type GpuStepOutput,
  Record,
  type RecordMode,
} from './simulation.js';
export { GpuUnsupportedError, windUnsupported } from './wind-data.js';
