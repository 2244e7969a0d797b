/**
 * `balloon-sim run --backend gpu` where there is no GPU: it says why and runs on the CPU, with the
 * CPU's result. (The GPU path's own correctness is shown in a browser: packages/gpu's
 * gpu.browser.test.ts; this machine's Dawn binding finds no adapter, see the README.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './testing/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'balloon-sim-cli-gpu-'));
const SCENARIO = 'fixtures/scenarios/default.json';
// A fixed time of run (SOURCE_DATE_EPOCH): the summaries' provenance then compares equal.
const FIXED = { ...process.env, SOURCE_DATE_EPOCH: '1761341400' };
const withModule = (module: string) => ({ env: { ...FIXED, WEBGPU_MODULE: module } });

describe('balloon-sim run --backend', () => {
  const cpu = cli(['run', SCENARIO, '--json'], { env: FIXED });

  it('falls back to the CPU, saying why, when the WebGPU binding is not installed', () => {
    const r = cli(['run', SCENARIO, '--json', '--backend', 'gpu'], withModule(join(tmp, 'absent.js')));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^no GPU: the WebGPU binding \(.*absent\.js\) could not be loaded: .*running on the CPU$/m,
    );
    expect(r.stdout).toBe(cpu.stdout);
  });

  it('falls back to the CPU, saying why, when the binding finds no adapter', () => {
    // A binding as Dawn's is shaped, on a machine without a GPU: requestAdapter resolves to null.
    const fake = join(tmp, 'no-adapter.mjs');
    writeFileSync(
      fake,
      'export const globals = {};\nexport function create() { return { requestAdapter: async () => null }; }\n',
    );
    const r = cli(['run', SCENARIO, '--json', '--backend', 'gpu'], withModule(fake));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'no GPU: WebGPU found no adapter (no GPU, or no Vulkan driver); running on the CPU',
    );
    expect(r.stdout).toBe(cpu.stdout);
  });

  it('refuses a backend it does not know, naming the value', () => {
    const r = cli(['run', SCENARIO, '--backend', 'tpu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--backend must be cpu or gpu, got "tpu"');
  });
});
