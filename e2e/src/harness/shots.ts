import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/**
 * With `E2E_SHOTS=<dir>`, saves the page at 1280×800 and 390×844 (`<name>-1280.png`,
 * `<name>-390.png`) and returns to 1280×800; without it, does nothing.
 */
export async function shoot(page: Page, name: string, fullPage = true): Promise<void> {
  const shots = process.env.E2E_SHOTS;
  if (!shots) return;
  fs.mkdirSync(shots, { recursive: true });
  for (const [w, h] of [
    [1280, 800],
    [390, 844]
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(shots, `${name}-${w}.png`), fullPage });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}
