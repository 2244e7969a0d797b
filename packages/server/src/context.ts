import { BUNDLED_GEOGRAPHY_DIR } from '@balloon-sim/node';
import { encodeFrame, frameMessage, Simulation } from '@balloon-sim/sim-core';
import { Catalog } from './catalog.js';
import { type CheckedRun, checkRun } from './checked-run.js';
import { type Redact, redactor } from './errors.js';
import type { Limits, ResolvedOptions } from './options.js';
import { queueExecutor } from './queue.js';
import { RunManager } from './runs.js';

/** What every route plugin is given: options, bundled data, the runs, and the open streams. */
export interface ServerContext {
  options: ResolvedOptions;
  limits: Limits;
  catalog: Catalog;
  runs: RunManager;
  redact: Redact;
  /** Open WebSocket streams, told when the server shuts down. */
  streams: Set<{ shutdown(): void }>;
  /** Logs an unexpected error (a 5xx): the client is told nothing of it. */
  log(error: unknown): void;
  /** A client's scenario checked and prepared for a run (see checkRun). */
  check(doc: unknown): Promise<CheckedRun>;
  /**
   * Starts the worker threads, decodes the bundled winds, builds the zone masks and prepares a
   * bundled scenario once, so the first clients of a fresh server wait for none of it (main.ts calls
   * it before listening).
   */
  warmUp(): Promise<void>;
}

export function createContext(options: ResolvedOptions): ServerContext {
  const catalog = new Catalog(options);
  const limits = options.limits;
  const check = (doc: unknown) => checkRun(doc, catalog, limits);
  const executor = options.queue ? queueExecutor(options.queue) : null;
  const runs = new RunManager(limits, executor);
  return {
    options,
    limits,
    catalog,
    runs,
    redact: redactor([
      { path: catalog.scenariosDir, label: 'fixtures/scenarios' },
      { path: options.fixturesDir, label: 'fixtures' },
      { path: options.sharedDataDir, label: 'shared-data' },
      // sim-core's copy of fixtures/geo, the zones and outlines every run is analysed against.
      { path: BUNDLED_GEOGRAPHY_DIR, label: 'fixtures/geo' },
      // The forecast store: its cycles are named store-relative (gfs/2025102400), never by a path.
      { path: options.forecastStore, label: 'forecast-store' },
    ]),
    streams: new Set(),
    log: () => {},
    check,
    async warmUp() {
      runs.startPool();
      // A queue that cannot be reached stops the server at its start, not at its first run.
      await executor?.ready;
      await catalog.decodeWinds();
      const bundled = (await catalog.scenarios()).find((s) => s.available);
      if (!bundled) return;
      const checked = await check(bundled.doc);
      const launch = new Simulation({ ...checked.prepared.simulation, windError: undefined }).frame();
      encodeFrame(0, launch);
      JSON.stringify(frameMessage(0, launch));
    },
  };
}
