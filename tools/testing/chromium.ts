// Headless Chromium for the browser tests (docs site, lab 08's client, the dashboard): one place
// that knows where to find it and how to start it on a machine without a network.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** Without the background-networking flags Chromium keeps dialing Google's hosts; offline that is noise and delay. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export const CHROMIUM_MISSING =
  'Chromium was not found: `apt-get install -y chromium` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chrome/Chromium binary.';

/** CHROMIUM_PATH if set, else the first installed candidate. */
export function findChromium(env: Record<string, string | undefined> = process.env): string | undefined {
  return [env.CHROMIUM_PATH, ...CHROMIUM_CANDIDATES].find((p): p is string => !!p && existsSync(p));
}

/** Starts headless Chromium through playwright-core (which never downloads a browser of its own). */
export async function launchChromium(executablePath = findChromium()): Promise<Browser> {
  if (!executablePath) throw new Error(CHROMIUM_MISSING);
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}
