import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../testing/shared-data.js';

/** Runs the built command line as a user would (the test command builds it first). */
function cli(...args: string[]) {
  const bin = resolve(REPO_ROOT, 'packages/sim-core/dist/node/cli.js');
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'balloon-sim-cli-'));
const write = (name: string, content: string) => {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
};

describe('balloon-sim command line', () => {
  it('runs the default scenario and prints a summary table', () => {
    const r = cli('run', 'fixtures/scenarios/default.json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Border night (illustrative wind): 600 members');
    expect(r.stdout).toMatch(/^ashmyany\s+200\s+/m);
    expect(r.stdout).toContain('warning: the wind is illustrative, not real weather');
  });

  it('prints the summary as one JSON document with --json', () => {
    const r = cli('run', 'fixtures/scenarios/default.json', '--json');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.members).toBe(600);
    expect(summary.sites.map((s: { id: string }) => s.id)).toEqual(['ashmyany', 'voranava', 'hrodna']);
  });

  it('exits 2 naming the problem for bad JSON, an unknown field, a missing wind file', () => {
    const badJson = cli('run', write('bad.json', '{ "wind": { "type": "uniform", }'));
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/bad\.json: is not valid JSON: .* at line 1, column \d+/);

    const unknown = cli(
      'validate',
      write(
        'unknown.json',
        JSON.stringify({
          wind: { type: 'uniform', uMps: 1, vMps: 1 },
          launch: { sites: [{ id: 'a', lon: 25, lat: 54 }], times: { start: '2025-10-24T19:00:00Z' } },
          flight: { floatAltitudeM: 1000, colour: 'red' },
          solver: { durationSec: 600 },
        }),
      ),
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('flight.colour is not a known field');

    const missing = cli(
      'run',
      write(
        'missing.json',
        JSON.stringify({
          wind: { type: 'file', paths: ['nowhere.json'] },
          launch: { sites: [{ id: 'a', lon: 25, lat: 54 }], times: { start: '2025-10-24T19:00:00Z' } },
          flight: { floatAltitudeM: 1000 },
          solver: { durationSec: 600 },
        }),
      ),
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/wind file .*nowhere\.json does not exist/);
  });

  it('exits 2 with usage for an unknown command or a missing argument, 0 for --help', () => {
    expect(cli('fly').code).toBe(2);
    expect(cli('run').stderr).toContain('usage: balloon-sim run');
    const help = cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('commands:');
    expect(cli('run', '--help').stdout).toContain('--json');
  });

  it('validate says ok with the member count', () => {
    const r = cli('validate', 'fixtures/scenarios/default.json');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok: 600 members');
  });
});
