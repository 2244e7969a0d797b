/**
 * What a newcomer does first, as the README tells it: install, run the command line from the
 * repository, pack the installable bin. These run pnpm and node as a user would (no mocks), so they
 * take a few seconds each.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { TEST_STORE_CYCLE, writeTestStore } from '@balloon-sim/node/testing';
import { hasSharedData, REPO_ROOT } from '@balloon-sim/sim-core/testing';
import { afterAll, describe, expect, it } from 'vitest';

const NODE = resolve(REPO_ROOT, 'packages/node');
/** The published packages the command line needs, each packed into a tarball of its own. */
const PUBLISHED = ['sim-core', 'gpu', 'formats', 'node'];
// The pnpm running these tests when there is one (`pnpm check`), else the one the README names.
const PNPM = process.env.npm_execpath?.includes('pnpm')
  ? [process.execPath, process.env.npm_execpath]
  : ['npx', '-y', 'pnpm@10'];

const temporary: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

function run(command: string[], cwd: string) {
  const r = spawnSync(command[0], command.slice(1), { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error };
}

interface PackageJson {
  name: string;
  bin?: Record<string, string>;
  files?: string[];
  dependencies?: Record<string, string>;
}
const readPackage = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;

describe('installing and running balloon-sim', () => {
  it('every bin of every workspace package is a committed file, so a fresh install can link it', () => {
    // pnpm links workspace bins at install time, before any build; a bin in dist/ (ignored by git)
    // made each fresh install warn "Failed to create bin" for every package depending on its package.
    const tracked = run(['git', 'ls-files', 'packages'], REPO_ROOT);
    expect(tracked.code, tracked.stderr).toBe(0);
    const files = new Set(tracked.stdout.split('\n'));
    const bins: string[] = [];
    for (const name of readdirSync(resolve(REPO_ROOT, 'packages'))) {
      const dir = resolve(REPO_ROOT, 'packages', name);
      const pkg = readPackage(dir);
      for (const target of Object.values(pkg.bin ?? {})) {
        const path = `packages/${name}/${target.replace(/^\.\//, '')}`;
        bins.push(path);
        expect(files.has(path), `${pkg.name}'s bin ${target} is not a committed file`).toBe(true);
        expect(readFileSync(resolve(REPO_ROOT, path), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
        // ...and is in the tarball: its top folder (or itself) is among package.json's files.
        expect(pkg.files).toContain(path.split('/')[2]);
      }
    }
    expect(bins).toEqual(['packages/node/bin/balloon-sim.js', 'packages/queue/bin/balloon-sim-queue.js']);
  });

  it('the bin runs the built command line, and says to build first when dist/ is missing', () => {
    const bin = resolve(NODE, 'bin/balloon-sim.js');
    const help = run([process.execPath, bin, '--help'], REPO_ROOT);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('commands:');

    const bare = tempDir('balloon-sim-unbuilt-');
    mkdirSync(join(bare, 'bin'));
    cpSync(bin, join(bare, 'bin/balloon-sim.js'));
    const r = run([process.execPath, join(bare, 'bin/balloon-sim.js'), 'run', 'x.json'], bare);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${join(bare, 'dist/cli.js')} is missing: run the build first`);
  });

  it('the command line as the README documents it prints clean JSON on stdout with --json', () => {
    const readme = readFileSync(resolve(REPO_ROOT, 'README.md'), 'utf8');
    const prefix = /Run from the repository root as `([^`]+) <command>`/.exec(readme)?.[1];
    expect(prefix, 'the README says how to run the command line').toBeDefined();
    // The documented way with the default scenario, then every example that redirects --json output
    // to a file, run without the redirection.
    const commands = new Set([`${prefix} run fixtures/scenarios/default.json --json`]);
    const examples = [...readme.matchAll(/`(npx -y pnpm@10 [^`]*--json) > [^`\s]+`/g)].map((m) => m[1]);
    for (const command of examples) commands.add(command);
    for (const command of commands) {
      const r = run(command.split(' '), REPO_ROOT);
      expect(r.code, `${command}: ${r.stderr}`).toBe(0);
      expect(() => JSON.parse(r.stdout), `${command} printed:\n${r.stdout.slice(0, 300)}`).not.toThrow();
      expect(JSON.parse(r.stdout).members).toBe(600);
    }
    expect(examples.length).toBeGreaterThan(0);
  });

  it("the packed tarballs hold the bin, the builds, the geography and tonight's scenario, and their balloon-sim runs", async () => {
    // Packed from copies of the packages, not in place: prepack copies fixtures/geo into the node
    // package's geo/, which the command line prefers while it exists, and other tests run it now.
    const work = tempDir('balloon-sim-pack-');
    for (const file of ['tsconfig.base.json', 'pnpm-workspace.yaml'])
      cpSync(resolve(REPO_ROOT, file), join(work, file));
    cpSync(resolve(REPO_ROOT, 'fixtures/geo'), join(work, 'fixtures/geo'), { recursive: true });
    // ...and the scenario tonight runs, which prepack copies into the package's scenarios/.
    cpSync(
      resolve(REPO_ROOT, 'fixtures/scenarios/border-strip.json'),
      join(work, 'fixtures/scenarios/border-strip.json'),
    );
    symlinkSync(resolve(REPO_ROOT, 'node_modules'), join(work, 'node_modules')); // tsc for prepack
    const tarballs: string[] = [];
    for (const name of PUBLISHED) {
      const source = resolve(REPO_ROOT, 'packages', name);
      const copy = join(work, 'packages', name);
      cpSync(source, copy, {
        recursive: true,
        preserveTimestamps: true,
        filter: (path) =>
          ![resolve(source, 'node_modules'), resolve(source, 'geo'), resolve(source, 'scenarios')].includes(
            path,
          ),
      });
      symlinkSync(resolve(source, 'node_modules'), join(copy, 'node_modules'));
      const packed = run([...PNPM, 'pack', '--pack-destination', work], copy);
      expect(packed.code, packed.stdout + packed.stderr).toBe(0);
      tarballs.push(`balloon-sim-${name}-0.1.0.tgz`);
    }
    expect(
      readdirSync(work)
        .filter((f) => f.endsWith('.tgz'))
        .sort(),
    ).toEqual([...tarballs].sort());

    // Unpacked as npm lays packages out, where nothing of the repository is within reach, with the
    // workspace's copies of their third-party dependencies standing in for the ones npm would fetch.
    const installed = tempDir('balloon-sim-installed-');
    const modules = join(installed, 'node_modules');
    for (const [k, name] of PUBLISHED.entries()) {
      const target = join(modules, '@balloon-sim', name);
      mkdirSync(target, { recursive: true });
      const untar = run(
        ['tar', 'xzf', join(work, tarballs[k]), '-C', target, '--strip-components=1'],
        installed,
      );
      expect(untar.code, untar.stderr).toBe(0);
      for (const [dependency, version] of Object.entries(readPackage(target).dependencies ?? {})) {
        // The workspace protocol is replaced by the version when packed, so npm can resolve it.
        if (dependency.startsWith('@balloon-sim/')) expect(version).toBe('0.1.0');
        else if (!existsSync(join(modules, dependency))) {
          mkdirSync(dirname(join(modules, dependency)), { recursive: true });
          symlinkSync(
            realpathSync(resolve(REPO_ROOT, 'packages', name, 'node_modules', dependency)),
            join(modules, dependency),
          );
        }
      }
    }
    const pkg = join(modules, '@balloon-sim/node');
    expect(readdirSync(join(pkg, 'geo')).sort()).toEqual([
      'countries.json',
      'launch-strip.json',
      'lt-by-border.json',
      'zones.json',
    ]);
    const bin = join(pkg, readPackage(pkg).bin!['balloon-sim']);
    const help = run([process.execPath, bin, '--help'], installed);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('commands:');
    // A run analysed against the bundled zones and border, which only the tarball's geo/ holds here.
    const scenario = join(installed, 'uniform.json');
    writeFileSync(
      scenario,
      JSON.stringify({
        wind: { type: 'uniform', uMps: -10, vMps: 5 },
        launch: {
          sites: [{ id: 'ashmyany', lon: 25.95, lat: 54.42 }],
          times: { start: '2025-10-24T19:00:00Z' },
        },
        flight: { floatAltitudeM: 3000 },
        solver: { durationSec: 3 * 3600 },
      }),
    );
    const r = run([process.execPath, bin, 'run', scenario, '--json'], installed);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.zones.map((z: { id: string }) => z.id)).toEqual(
      expect.arrayContaining(['EYVI-CTR', 'EYVI-APPROACH', 'EYKA-CTR', 'EYKA-APPROACH', 'LT-BY-RESTRICTED']),
    );
    expect(summary.border.probability).toBe(1);
    // The same run on worker threads: their scripts are found inside the installed package.
    const pooled = run([process.execPath, bin, 'run', scenario, '--json', '--workers', '2'], installed);
    expect(pooled.code, pooled.stderr).toBe(0);
    // The same summary but for the time of each run, in its provenance; the installed version in it.
    const untimed = (s: { provenance: { runTime: string | null } }) => ({
      ...s,
      provenance: { ...s.provenance, runTime: null },
    });
    expect(untimed(JSON.parse(pooled.stdout))).toEqual(untimed(summary));
    expect(summary.provenance.tool).toEqual({ name: 'balloon-sim', version: '0.1.0' });

    // Tonight runs the border-strip scenario, which only the tarball's scenarios/ holds here (it
    // exited 2 naming the repository's fixtures/scenarios/border-strip.json, missing).
    expect(readdirSync(join(pkg, 'scenarios'))).toEqual(['border-strip.json']);
    const tonightHelp = run([process.execPath, bin, 'tonight', '--help'], installed);
    expect(tonightHelp.code, tonightHelp.stderr).toBe(0);
    expect(tonightHelp.stdout).toContain('usage: balloon-sim tonight');
    if (hasSharedData) {
      const store = await writeTestStore(tempDir('balloon-sim-store-'));
      const out = join(installed, 'briefing.json');
      const tonight = run(
        [
          process.execPath,
          bin,
          'tonight',
          '--from',
          store,
          '--night',
          '2020-08-04',
          '--launch-hours',
          '18-19',
          '--members',
          '2',
          '--out-json',
          out,
        ],
        installed,
      );
      expect(tonight.code, tonight.stderr).toBe(0);
      const briefing = JSON.parse(readFileSync(out, 'utf8'));
      expect(briefing.forecast).toMatchObject({ model: 'gfs', cycle: TEST_STORE_CYCLE });
      // 18–19 EEST on 4 August are 15 and 16 UTC; the members asked for, at each point and hour.
      expect(briefing.launches).toHaveLength(2);
      expect(briefing.membersPerLaunch).toBe(2);
    }
  });
});
