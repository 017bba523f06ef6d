import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags this machine needs: no sandbox as root, and no calls home on a closed network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
];

/**
 * Whether end-to-end suites can run. Under CI=true a missing browser is a failure, never a
 * skip; elsewhere the suite is skipped and says so loudly.
 */
export const hasChromium = (() => {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') {
    throw new Error(`Chromium is required under CI=true but ${CHROMIUM} does not exist`);
  }
  console.warn(
    `\n!!! ${CHROMIUM} not found: end-to-end tests are SKIPPED (apt-get install chromium)\n`
  );
  return false;
})();

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * How long an action or wait may take unless a test says otherwise: Playwright's 30 s is tight
 * when two stacks share two cores. Waits end as soon as their condition holds.
 */
export const ACTION_TIMEOUT_MS = 60_000;

/** A context on one origin, as a person's browser window: its own cookies and storage. */
export async function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  return context;
}

export { chromium };
