/**
 * Reads a NetCDF4/HDF5 wind file on a worker thread, so a corrupt file that sends the HDF5 library
 * into an endless loop can be stopped (see readHdf5WindGuarded): the thread is terminated.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readNetcdfWind } from '@balloon-sim/formats';
import type { LonLatBox } from '@balloon-sim/sim-core';

const { bytes, source, bbox } = workerData as { bytes: Uint8Array; source: string; bbox?: LonLatBox };
readNetcdfWind(bytes, { source, bbox }).then(
  (init) => parentPort!.postMessage({ init }),
  (error: unknown) =>
    parentPort!.postMessage({ error: { name: (error as Error).name, message: (error as Error).message } }),
);
