import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/** The two sizes every page is looked at: a laptop and a phone. */
export const SHOT_VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 }
] as const;

/**
 * With `E2E_SHOTS=<dir>`, saves full-page screenshots of `page` at each size as
 * `<name>-<width>.png`, then puts the laptop size back. Without it, does nothing.
 */
export async function screenshots(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SHOTS;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  for (const size of SHOT_VIEWPORTS) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(dir, `${name}-${size.width}.png`), fullPage: true });
  }
  await page.setViewportSize(SHOT_VIEWPORTS[0]);
}
