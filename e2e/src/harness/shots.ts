import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/**
 * With `E2E_SHOTS=<dir>`, saves the page at 1280×800 and 390×844 (full page) as
 * `<name>-<width>.png`, for a person to look at; without it, does nothing.
 */
export async function shoot(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SHOTS;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  for (const [width, height] of [
    [1280, 800],
    [390, 844]
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(dir, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}
