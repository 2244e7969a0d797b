/**
 * The system's Chromium (the Debian package, /usr/bin/chromium) driven by playwright-core, for the
 * browser tests and the frame-time bench. No tool downloads a browser: when it is missing, callers
 * skip or fail with a line saying how to install it.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const hasChromium = () => existsSync(CHROMIUM_PATH);

export const NO_CHROMIUM = `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`;

/**
 * Whether the browser tests of `what` can run here. Without Chromium they are skipped with a line
 * saying why, or, where REQUIRE_CHROMIUM=1 (CI), the file fails: there a missing browser must not
 * pass quietly.
 */
export function chromiumForTests(what: string): boolean {
  if (hasChromium()) return true;
  if (process.env.REQUIRE_CHROMIUM === '1') throw new Error(NO_CHROMIUM);
  console.log(`${what} skipped: ${NO_CHROMIUM}`);
  return false;
}

/**
 * CHROMIUM_GPU=1 lets Chromium rasterise on a GPU (for bench:viewer on a machine that has one);
 * by default it draws on the CPU, the same on every machine.
 */
const GPU_ARGS =
  process.env.CHROMIUM_GPU === '1'
    ? [
        '--enable-gpu-rasterization',
        '--ignore-gpu-blocklist',
        '--use-angle=vulkan',
        '--enable-features=Vulkan',
      ]
    : ['--disable-gpu'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      ...GPU_ARGS,
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
