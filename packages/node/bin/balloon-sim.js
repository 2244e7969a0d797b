#!/usr/bin/env node
// The `balloon-sim` command. This file is committed, not compiled: pnpm links a workspace package's
// bin when it installs, before anything is built, and a bin pointing into dist/ made every fresh
// install warn "Failed to create bin". It loads the compiled command line, or says how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (existsSync(fileURLToPath(cli))) {
  await import(cli.href);
} else {
  process.stderr.write(
    `balloon-sim: ${fileURLToPath(cli)} is missing: run the build first ` +
      '(in the repository: npx -y pnpm@10 exec tsc -b packages/node)\n',
  );
  process.exitCode = 1;
}
