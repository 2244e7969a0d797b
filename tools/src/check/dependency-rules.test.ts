/**
 * The dependency rules (ARCHITECTURE.md) as `pnpm check` enforces them: Biome with biome.jsonc. A
 * copy of the workspace's sources passes; the same copy with violations planted fails, each named
 * by its rule and file, and nothing else fails. Violations are planted in a temporary copy, never
 * in the tree.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { REPO_ROOT } from '@balloon-sim/sim-core/testing';
import { afterAll, describe, expect, it } from 'vitest';

const BIOME = resolve(REPO_ROOT, 'node_modules/@biomejs/biome/bin/biome');
const RULES = [
  'lint/correctness/noNodejsModules',
  'lint/style/noRestrictedImports',
  'lint/style/noRestrictedGlobals',
  'lint/suspicious/noImportCycles',
  'lint/performance/noReExportAll',
];

/** Which workspace packages each may import: sources, then (where wider) tests. As ARCHITECTURE.md. */
const ALLOWED: Record<string, { sources: string[]; tests?: string[] }> = {
  'sim-core': { sources: [] },
  formats: { sources: ['sim-core'] },
  gpu: { sources: ['sim-core'], tests: ['sim-core', 'formats'] },
  node: { sources: ['sim-core', 'formats', 'gpu'] },
  queue: { sources: ['sim-core', 'formats', 'node'] },
  server: { sources: ['sim-core', 'formats', 'node', 'gpu', 'queue'] },
  viewer: {
    sources: ['sim-core', 'formats', 'gpu'],
    tests: ['sim-core', 'formats', 'gpu', 'node', 'server'],
  },
  tools: { sources: ['sim-core', 'formats', 'node', 'gpu'] },
};
const folderOf = (name: string) => (name === 'tools' ? 'tools' : `packages/${name}`);

const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** The workspace's sources, package manifests and Biome configuration, copied (git's view of them). */
function copyOfSources(): string {
  const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  expect(listed.status, listed.stderr).toBe(0);
  const dir = mkdtempSync(join(tmpdir(), 'balloon-sim-rules-'));
  copies.push(dir);
  const wanted = (path: string) =>
    path === 'biome.jsonc' || /^(packages\/[^/]+|tools)\/(src\/.*\.ts|package\.json)$/.test(path);
  for (const path of listed.stdout.split('\n').filter(wanted)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    cpSync(resolve(REPO_ROOT, path), join(dir, path));
  }
  return dir;
}

interface Diagnostic {
  severity: string;
  category: string;
  location: { path: string };
}

/** The errors of the dependency rules in a copy, as `file rule` lines (paths as in the tree). */
function ruleErrors(dir: string): string[] {
  const r = spawnSync(
    process.execPath,
    [BIOME, 'lint', '--reporter=json', '--max-diagnostics=none', '--vcs-enabled=false', '.'],
    { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const report = JSON.parse(r.stdout) as { diagnostics: Diagnostic[] };
  const lines = report.diagnostics
    .filter((d) => d.severity === 'error' && RULES.includes(d.category))
    .map((d) => `${d.location.path} ${d.category.replace(/^lint\/[a-z]+\//, '')}`);
  return [...new Set(lines)].sort();
}

const plant = (dir: string, path: string, text: string) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
};

describe('the dependency rules (biome.jsonc)', () => {
  it('pass on the workspace as it is', () => {
    expect(ruleErrors(copyOfSources())).toEqual([]);
  });

  it('refuse each planted violation, naming its file and rule, and nothing else', () => {
    const dir = copyOfSources();
    // Node built-ins in browser-safe sources, with and without the prefix; a test may use them.
    plant(
      dir,
      'packages/sim-core/src/planted-fs.ts',
      "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n",
    );
    plant(
      dir,
      'packages/formats/src/planted-fs.ts',
      "import { readFileSync } from 'fs';\nexport const b = readFileSync;\n",
    );
    plant(
      dir,
      'packages/viewer/src/planted-path.ts',
      "import { join } from 'node:path';\nexport const c = join;\n",
    );
    plant(
      dir,
      'packages/sim-core/src/planted.test.ts',
      "import { readFileSync } from 'node:fs';\nexport const d = readFileSync;\n",
    );
    // Node's globals in the engine's sources.
    plant(dir, 'packages/sim-core/src/planted-env.ts', 'export const e = process.env.HOME;\n');
    // Imports against the one-way package order, by name and by relative path.
    plant(
      dir,
      'packages/sim-core/src/planted-node.ts',
      "import { WorkerPool } from '@balloon-sim/node';\nexport const f = WorkerPool;\n",
    );
    plant(
      dir,
      'packages/formats/src/planted-server.ts',
      "import { buildApp } from '@balloon-sim/server';\nexport const g = buildApp;\n",
    );
    plant(
      dir,
      'packages/viewer/src/planted-server.ts',
      "import { buildApp } from '@balloon-sim/server';\nexport const h = buildApp;\n",
    );
    plant(
      dir,
      'packages/sim-core/src/geo/planted-relative.ts',
      "import { decodeWind } from '../../../formats/src/wind-file.js';\nexport const i = decodeWind;\n",
    );
    // Redis stays out of node (the queue imports node, never the reverse), and out of tools.
    plant(
      dir,
      'packages/node/src/planted-queue.ts',
      "import { QueueWorker } from '@balloon-sim/queue';\nexport const r = QueueWorker;\n",
    );
    plant(
      dir,
      'packages/queue/src/planted-server.ts',
      "import { buildApp } from '@balloon-sim/server';\nexport const s = buildApp;\n",
    );
    plant(
      dir,
      'packages/queue/src/planted-relative.ts',
      "import { runSweep } from '../../node/src/sweep.js';\nexport const t = runSweep;\n",
    );
    plant(
      dir,
      'tools/src/planted-queue.ts',
      "import { QueueClient } from '@balloon-sim/queue';\nexport const u = QueueClient;\n",
    );
    // ...and imports the order allows: the queue on node, a server on formats, a viewer test starting a server.
    plant(
      dir,
      'packages/queue/src/planted-node.ts',
      "import { runSweep } from '@balloon-sim/node';\nexport const v = runSweep;\n",
    );
    plant(
      dir,
      'packages/server/src/planted-formats.ts',
      "import { decodeWind } from '@balloon-sim/formats';\nexport const j = decodeWind;\n",
    );
    plant(
      dir,
      'packages/viewer/src/planted.test.ts',
      "import { buildApp } from '@balloon-sim/server';\nexport const k = buildApp;\n",
    );
    // Cycles: two files; through a package's index; of types only.
    plant(
      dir,
      'packages/sim-core/src/wind/planted-a.ts',
      "import { m } from './planted-b.js';\nexport const l = () => m;\n",
    );
    plant(
      dir,
      'packages/sim-core/src/wind/planted-b.ts',
      "import { l } from './planted-a.js';\nexport const m = () => l;\n",
    );
    plant(
      dir,
      'packages/formats/src/planted-index.ts',
      "import { decodeWind } from './index.js';\nexport const n = decodeWind;\n",
    );
    appendFileSync(join(dir, 'packages/formats/src/index.ts'), "export { n } from './planted-index.js';\n");
    plant(
      dir,
      'packages/node/src/planted-type-a.ts',
      "import type { P } from './planted-type-b.js';\nexport type O = { p?: P };\n",
    );
    plant(
      dir,
      'packages/node/src/planted-type-b.ts',
      "import type { O } from './planted-type-a.js';\nexport type P = { o?: O };\n",
    );
    // A whole module re-exported from an entry.
    plant(dir, 'packages/sim-core/src/planted-star.ts', 'export const q = 1;\n');
    appendFileSync(join(dir, 'packages/sim-core/src/index.ts'), "export * from './planted-star.js';\n");

    expect(ruleErrors(dir)).toEqual([
      'packages/formats/src/index.ts noImportCycles',
      'packages/formats/src/planted-fs.ts noNodejsModules',
      'packages/formats/src/planted-index.ts noImportCycles',
      'packages/formats/src/planted-server.ts noRestrictedImports',
      'packages/node/src/planted-queue.ts noRestrictedImports',
      'packages/node/src/planted-type-a.ts noImportCycles',
      'packages/node/src/planted-type-b.ts noImportCycles',
      'packages/queue/src/planted-relative.ts noRestrictedImports',
      'packages/queue/src/planted-server.ts noRestrictedImports',
      'packages/sim-core/src/geo/planted-relative.ts noRestrictedImports',
      'packages/sim-core/src/index.ts noReExportAll',
      'packages/sim-core/src/planted-env.ts noRestrictedGlobals',
      'packages/sim-core/src/planted-fs.ts noNodejsModules',
      'packages/sim-core/src/planted-node.ts noRestrictedImports',
      'packages/sim-core/src/wind/planted-a.ts noImportCycles',
      'packages/sim-core/src/wind/planted-b.ts noImportCycles',
      'packages/viewer/src/planted-path.ts noNodejsModules',
      'packages/viewer/src/planted-server.ts noRestrictedImports',
      'tools/src/planted-queue.ts noRestrictedImports',
    ]);
  });

  it('are what the packages declare: each depends only on packages it may import', () => {
    for (const [name, allowed] of Object.entries(ALLOWED)) {
      const manifest = JSON.parse(readFileSync(resolve(REPO_ROOT, folderOf(name), 'package.json'), 'utf8'));
      const workspace = (deps: Record<string, string> = {}) =>
        Object.keys(deps)
          .filter((d) => d.startsWith('@balloon-sim/'))
          .map((d) => d.slice('@balloon-sim/'.length));
      for (const dependency of workspace(manifest.dependencies))
        expect(allowed.sources, `${name} depends on ${dependency}`).toContain(dependency);
      for (const dependency of workspace(manifest.devDependencies))
        expect(allowed.tests ?? allowed.sources, `${name} (tests) depends on ${dependency}`).toContain(
          dependency,
        );
    }
  });

  it('allow no cycle between packages: the allowed imports form a strict order', () => {
    // Depth-first over the widest edges (tests included): a package met again on its own path is a cycle.
    const visit = (name: string, path: string[]): void => {
      expect(path, `cycle ${[...path, name].join(' → ')}`).not.toContain(name);
      const { sources, tests } = ALLOWED[name];
      for (const next of new Set([...sources, ...(tests ?? [])])) visit(next, [...path, name]);
    };
    for (const name of Object.keys(ALLOWED)) visit(name, []);
  });
});
