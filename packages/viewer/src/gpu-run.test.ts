/**
 * The parts of gpu-run.ts that need no GPU: what the page can prepare itself (else the server runs
 * the scenario, and the page says why), and how the GPU choice is offered from what navigator.gpu
 * answers (plain objects standing for a browser's navigator). The runs themselves are in
 * gpu.browser.test.ts (Chromium, WebGPU on SwiftShader).
 */
import type { Scenario } from '@balloon-sim/sim-core';
import { describe, expect, it } from 'vitest';
import { pageUnsupported, probeGpu } from './gpu-run.js';

const base: Scenario = {
  wind: { type: 'file', paths: ['wind:illustrative-border-night'] },
  launch: { sites: [{ id: 'a', lon: 25, lat: 54 }], times: { start: '2025-10-24T17:00:00Z' } },
  flight: { floatAltitudeM: 3000 },
  solver: { durationSec: 3600 },
} as Scenario;

const withWind = (wind: unknown) => ({ ...base, wind }) as Scenario;

describe('what the page prepares for its GPU, and what it leaves to the server', () => {
  it('prepares a bundled wind (with its level type) and analytic winds', () => {
    expect(pageUnsupported(base)).toBeNull();
    expect(
      pageUnsupported(withWind({ type: 'file', paths: ['wind:gfs-0p25-20200804'], levelType: 'isobaric' })),
    ).toBeNull();
    expect(pageUnsupported(withWind({ type: 'uniform', uMps: 5, vMps: 0 }))).toBeNull();
  });

  it('leaves to the server, saying why: wind files by path, wind options, forecasts, zone and area files', () => {
    expect(
      pageUnsupported(withWind({ type: 'file', paths: ['../wind/illustrative-border-night.json'] })),
    ).toBe('its wind is a file the server reads, not one of the bundled winds (wind:<id>)');
    expect(pageUnsupported(withWind({ type: 'file', paths: ['wind:a', 'wind:b'] }))).toMatch(
      /not one of the bundled/,
    );
    expect(
      pageUnsupported(
        withWind({
          type: 'file',
          paths: ['wind:a'],
          bbox: { lonMin: 20, lonMax: 30, latMin: 50, latMax: 60 },
        }),
      ),
    ).toBe('its wind has options (bbox) the page does not apply');
    expect(pageUnsupported(withWind({ type: 'forecast', model: 'gfs' }))).toMatch(
      /forecast from the server’s store/,
    );
    expect(pageUnsupported({ ...base, zones: { files: ['../geo/zones.json'] } } as Scenario)).toBe(
      'it reads zone files, which only the server reads',
    );
    expect(
      pageUnsupported({
        ...base,
        launch: { ...base.launch, area: { file: 'strip.geojson', points: 10 } },
      } as Scenario),
    ).toBe('its launch area is a file, which only the server reads');
    // The bundled border strip the page samples itself, as the server does.
    expect(
      pageUnsupported({
        ...base,
        launch: { ...base.launch, area: { bundled: 'by-border-strip', points: 10 } },
      } as Scenario),
    ).toBeNull();
  });
});

describe('the GPU choice from what navigator.gpu answers', () => {
  const nav = (gpu: unknown) => ({ gpu }) as unknown as Navigator;

  it('names the adapter: its description, else vendor and architecture', async () => {
    const adapter = (info: Partial<GPUAdapterInfo>) => ({ requestAdapter: async () => ({ info }) });
    expect(await probeGpu(nav(adapter({ description: 'NVIDIA H200', vendor: 'nvidia' })))).toMatchObject({
      ok: true,
      name: 'NVIDIA H200',
    });
    expect(
      await probeGpu(
        nav(adapter({ description: '', vendor: 'google', architecture: 'swiftshader', device: '' })),
      ),
    ).toMatchObject({ ok: true, name: 'google swiftshader' });
    expect(await probeGpu(nav(adapter({})))).toMatchObject({ ok: true, name: 'unnamed adapter' });
  });

  it('says why not: no WebGPU, no adapter, or the request failing', async () => {
    expect(await probeGpu({} as Navigator)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^this browser offers no WebGPU \(navigator\.gpu is absent/),
    });
    expect(await probeGpu(nav({ requestAdapter: async () => null }))).toEqual({
      ok: false,
      reason: 'WebGPU is here but gives no adapter (no usable GPU, or the browser blocks it)',
    });
    const failing = {
      requestAdapter: async () => {
        throw new Error('adapter request refused');
      },
    };
    expect(await probeGpu(nav(failing))).toEqual({
      ok: false,
      reason: 'WebGPU could not be asked for an adapter: adapter request refused',
    });
  });
});
