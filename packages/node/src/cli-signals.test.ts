/**
 * SIGTERM, SIGHUP and a second Ctrl-C at three moments of `balloon-sim run --out`: before the
 * outputs are open, while frames stream into them, and while the run finishes. Each time nothing
 * is left behind and the exit code is 128 + the signal's number. The moments are reached by
 * waiting on the process (a pipe it reads or writes, a file it grows), never by sleeping.
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { constants } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RunningCli, signalPending, startCli } from './testing/cli.js';
import { mkfifo, testFolders } from './testing/folders.js';

const { root: tmp, folder } = testFolders('balloon-sim-signals-');

/** A run long enough (100 000 members, 48 h) that it is still streaming when signalled. */
const LONG = join(tmp, 'long.json');
writeFileSync(
  LONG,
  JSON.stringify({
    wind: { type: 'uniform', uMps: 8, vMps: 3 },
    launch: { sites: [{ id: 'a', lon: 25, lat: 54 }], times: { start: '2025-10-24T18:00:00Z' } },
    flight: { floatAltitudeM: 2000 },
    solver: { durationSec: 48 * 3600 },
    ensemble: { members: 100_000, seed: 1, perturb: { positionM: 1000, windSigmaMps: 1 } },
  }),
);

type Stop = 'SIGTERM' | 'SIGHUP' | 'double SIGINT';
const STOPS: { stop: Stop; code: number }[] = [
  { stop: 'SIGTERM', code: 143 },
  { stop: 'SIGHUP', code: 129 },
  { stop: 'double SIGINT', code: 130 },
];

const nextTick = () => new Promise((r) => setTimeout(r, 10));

/** Until Linux has handed the signal to the process (it may be blocked in a write to a pipe). */
async function delivered(pid: number, signal: NodeJS.Signals) {
  while (signalPending(pid, constants.signals[signal])) await nextTick();
}

/**
 * Sends the stop. A double SIGINT sends the second once the first has been delivered, so that it is
 * a second signal and not one merged with the first; with `acknowledged`, once the command said it
 * is stopping.
 */
async function stop(running: RunningCli, how: Stop, acknowledged: boolean) {
  const pid = running.child.pid!;
  if (how !== 'double SIGINT') {
    running.child.kill(how);
    await delivered(pid, how);
    return;
  }
  running.child.kill('SIGINT');
  await delivered(pid, 'SIGINT');
  if (acknowledged) await running.stderrMatching(/SIGINT: stopping/);
  running.child.kill('SIGINT');
  await delivered(pid, 'SIGINT');
}

describe.each(STOPS)('balloon-sim run stopped by $stop', ({ stop: how, code }) => {
  it(`before the outputs are open: exit ${code}, nothing left`, async () => {
    const dir = folder('before');
    // The scenario is a pipe: while this test holds it open without writing, the command is reading.
    const scenario = mkfifo(join(dir, 'scenario.json'));
    const running = startCli(['run', scenario, '--out', join(dir, 'tracks.csv')]);
    const writer = await open(scenario, 'w');
    await stop(running, how, true);
    if (how !== 'double SIGINT') await running.stderrMatching(/stopping/);
    await writer.close();
    const { code: exitCode } = await running.exited;
    expect(running.stderr()).toMatch(/interrupted|stopped at once/);
    expect(exitCode).toBe(code);
    expect(readdirSync(dir)).toEqual(['scenario.json']);
  });

  it(`while frames stream into the outputs: exit ${code}, nothing left`, async () => {
    const dir = folder('streaming');
    // Two workers for SIGTERM: the pool's way of stopping is checked too.
    const workers = how === 'SIGTERM' ? '2' : '1';
    const running = startCli([
      'run',
      LONG,
      '--workers',
      workers,
      '--out',
      join(dir, 'tracks.csv'),
      '--out',
      join(dir, 'tracks.ndjson'),
    ]);
    // Frames are streaming once the temporary CSV holds more than its header line.
    const streaming = () =>
      readdirSync(dir).some((f) => f.startsWith('.tracks.csv.part-') && statSync(join(dir, f)).size > 100);
    while (!streaming()) await nextTick();
    await stop(running, how, true);
    const { code: exitCode } = await running.exited;
    expect(running.stderr()).toMatch(/interrupted|stopped at once/);
    expect(exitCode).toBe(code);
    expect(readdirSync(dir)).toEqual([]);
  });

  it(`while the run finishes its outputs: exit ${code}, nothing left`, async () => {
    const dir = folder('finishing');
    // The GeoJSON, written only when the run finishes, goes to a pipe this test reads: its first
    // bytes mean the run is finishing; not reading further holds the command in a write until
    // the signals are sent. The CSV's temporary file exists meanwhile.
    const fifo = mkfifo(join(dir, 'tracks.geojson'));
    const running = startCli([
      'run',
      'fixtures/scenarios/default.json',
      '--out',
      join(dir, 'tracks.csv'),
      '--out',
      fifo,
    ]);
    const reader = await open(fifo, 'r');
    const buffer = Buffer.alloc(1 << 16);
    let first = await reader.read(buffer, 0, buffer.length);
    expect(first.bytesRead).toBeGreaterThan(0);
    expect(readdirSync(dir).filter((f) => f.startsWith('.tracks.csv.part-'))).toHaveLength(1);
    // Blocked in a write, the command cannot say it is stopping: the signals wait in its queue.
    await stop(running, how, false);
    while (first.bytesRead > 0) first = await reader.read(buffer, 0, buffer.length);
    await reader.close();
    const { code: exitCode } = await running.exited;
    // Two SIGINTs both waiting for the write to end: the second stops the command at once.
    expect(running.stderr()).toMatch(
      how === 'double SIGINT' ? /SIGINT again: stopped at once/ : /interrupted/,
    );
    expect(exitCode).toBe(code);
    expect(readdirSync(dir)).toEqual(['tracks.geojson']);
  });
});
