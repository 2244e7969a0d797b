#!/usr/bin/env node
// The `balloon-sim-queue` command. Committed, not compiled (as balloon-sim's bin): pnpm links a
// workspace package's bin before anything is built. It loads the compiled command line, or says
// how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (existsSync(fileURLToPath(cli))) {
  await import(cli.href);
} else {
  process.stderr.write(
    `balloon-sim-queue: ${fileURLToPath(cli)} is missing: run the build first ` +
      '(in the repository: npx -y pnpm@10 exec tsc -b packages/queue)\n',
  );
  process.exitCode = 1;
}
