import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../testing/shared-data.js';

/** Runs the built command line as a user would (the test command builds it first). */
function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const bin = resolve(REPO_ROOT, 'packages/sim-core/dist/node/cli.js');
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A port nothing listens on (a listener on port 0, closed again). */
function closedPort(): Promise<number> {
  const server = createServer();
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    }),
  );
}

describe('balloon-sim wind fetch: failures and exit codes', () => {
  it('a network failure exits 1 (not bad input), naming the cause and the URL; nothing is written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fetch-cli-'));
    const port = await closedPort();
    const env = { ...process.env };
    for (const key of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy']) delete env[key];
    const r = cli(
      [
        'wind',
        'fetch',
        'gfs',
        '--bbox',
        '13,48,25,56',
        '--hours',
        '0',
        '--cycle',
        '2020080412',
        '--out',
        out,
        '--attempts',
        '1',
        '--base-url',
        `http://127.0.0.1:${port}`,
      ],
      env,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`http://127.0.0.1:${port}/cgi-bin/filter_gfs_0p25.pl`);
    expect(r.stderr).toMatch(/failed after 1 attempt: connection refused \(ECONNREFUSED/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('a malformed --cycle is bad usage: exit 2, a clean message, no stack trace, no request', () => {
    const r = cli([
      'wind',
      'fetch',
      'gfs',
      '--bbox',
      '13,48,25,56',
      '--hours',
      '0',
      '--cycle',
      '2020-08-04',
      '--out',
      mkdtempSync(join(tmpdir(), 'fetch-cli-')),
      '--base-url',
      'http://127.0.0.1:9',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cycle must be latest or YYYYMMDDHH');
    expect(r.stderr).toContain('got "2020-08-04"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
