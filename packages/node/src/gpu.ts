/**
 * A GPU for the GPU path (@balloon-sim/gpu) on Node, through Dawn's binding (the npm package
 * `webgpu`, an optional dependency). The binding is loaded only here, only when a run asks for the
 * GPU, so an install without it (or a machine without a GPU) runs as before; whatever stands in the
 * way comes back as a reason, for the message that the CPU runs instead.
 */
import type { runPreparedOnGpu } from '@balloon-sim/gpu';

/** The device the GPU path takes (a GPUDevice). */
export type NodeGpuDevice = Parameters<typeof runPreparedOnGpu>[0];

export interface NodeGpu {
  device: NodeGpuDevice;
  /** The adapter, as Dawn describes it (vendor, architecture, description). */
  adapter: string;
  /** The device's limits that size the run's buffers (bytes). */
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

export interface NodeGpuOptions {
  /** Where to import the binding from (default: WEBGPU_MODULE, else the package `webgpu`). */
  module?: string;
  /** Dawn's options, e.g. ['backend=vulkan'] (default: WEBGPU_OPTIONS split on commas, else none). */
  dawnOptions?: string[];
}

interface DawnModule {
  create(options: string[]): {
    requestAdapter(): Promise<DawnAdapter | null>;
  };
  globals: Record<string, unknown>;
}

interface DawnAdapter {
  info?: { vendor?: string; architecture?: string; description?: string };
  limits: { maxStorageBufferBindingSize: number; maxBufferSize: number };
  requestDevice(descriptor?: { requiredLimits?: Record<string, number> }): Promise<NodeGpuDevice>;
}

/** The GPU, or why there is none (no binding installed, no adapter, a device refused). */
export async function openNodeGpu(options: NodeGpuOptions = {}): Promise<NodeGpu | { unavailable: string }> {
  const specifier = options.module ?? process.env.WEBGPU_MODULE ?? 'webgpu';
  let dawn: DawnModule;
  try {
    dawn = (await import(specifier)) as DawnModule;
  } catch (error) {
    return { unavailable: `the WebGPU binding (${specifier}) could not be loaded: ${String(error)}` };
  }
  // The binding's GPUBufferUsage, GPUMapMode, … are globals in a browser; the GPU path reads them so.
  for (const [name, value] of Object.entries(dawn.globals))
    if (!(name in globalThis)) Object.assign(globalThis, { [name]: value });
  const dawnOptions =
    options.dawnOptions ?? (process.env.WEBGPU_OPTIONS ? process.env.WEBGPU_OPTIONS.split(',') : []);
  let adapter: DawnAdapter | null;
  try {
    adapter = await dawn.create(dawnOptions).requestAdapter();
  } catch (error) {
    return { unavailable: `WebGPU gave no adapter: ${String(error)}` };
  }
  if (!adapter) return { unavailable: 'WebGPU found no adapter (no GPU, or no Vulkan driver)' };
  // Ask for the adapter's own buffer limits: a device gets WebGPU's defaults (128 MiB a binding,
  // 256 MiB a buffer) unless it asks, and the run's slices are sized from the device's limits.
  const { maxStorageBufferBindingSize, maxBufferSize } = adapter.limits;
  let device: NodeGpuDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits: { maxStorageBufferBindingSize, maxBufferSize } });
  } catch (error) {
    return { unavailable: `the GPU refused a device: ${String(error)}` };
  }
  const info = adapter.info ?? {};
  return {
    device,
    adapter: [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown',
    maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
    maxBufferSize: device.limits.maxBufferSize,
  };
}
