/**
 * Renders the install assets under web/static/: the icons from the logo (the same mark as
 * favicon.svg) and the manifest's screenshots from the real app, through Debian's Chromium.
 *
 *   pnpm --filter @kspay/web build && pnpm --filter @kspay/e2e exec tsx src/tools/pwa-assets.ts
 *
 * Icons need no server; screenshots sign up a merchant on a fresh server and register a few
 * apps, so they show the dashboard as a merchant sees it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../harness/browser';
import { merchant, signIn, signUp } from '../harness/fixture';
import { ROOT, startServer } from '../harness/server';
import { registerAppsViaSync } from '../harness/sync-api';

const STATIC = path.join(ROOT, 'web/static');
const BRAND = '#1d4ed8';
/** The "K" of favicon.svg, on a 64×64 grid; its box is x 20–51, y 16–48. */
const GLYPH = 'M20 16h8v13l12-13h10L36 31l15 17H40L28 34v14h-8z';

/** "any": the rounded tile, transparent corners, as the favicon. */
const tile = `<rect width="64" height="64" rx="14" fill="${BRAND}"/><path d="${GLYPH}" fill="#fff"/>`;
/**
 * "maskable" (and Apple's icon, which iOS rounds itself): the colour bleeds to every edge and
 * the glyph, centred, stays inside the safe zone — a circle of 40% of the size (radius 25.6 of
 * 64); at 0.9 the glyph's half-diagonal is about 20.
 */
const fullBleed =
  `<rect width="64" height="64" fill="${BRAND}"/>` +
  `<g transform="translate(32 32) scale(0.9) translate(-35.5 -32)"><path d="${GLYPH}" fill="#fff"/></g>`;

const icons = [
  { file: 'icons/icon-192.png', size: 192, body: tile },
  { file: 'icons/icon-512.png', size: 512, body: tile },
  { file: 'icons/maskable-192.png', size: 192, body: fullBleed },
  { file: 'icons/maskable-512.png', size: 512, body: fullBleed },
  { file: 'icons/apple-touch-icon.png', size: 180, body: fullBleed }
];

async function renderIcons(browser: Browser): Promise<void> {
  for (const { file, size, body } of icons) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(
      `<html><body style="margin:0"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="${size}" height="${size}" style="display:block">${body}</svg></body></html>`
    );
    await save(file, await page.screenshot({ omitBackground: true }));
    await page.close();
  }
}

const FIRST_APP = 'Sunrise Bakery';
const APP_NAMES = [FIRST_APP, 'Chai Point Koramangala', 'Metro Books Online'];

async function showDashboard(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
  // The dashboard lists apps from the local database once the first sync has pulled them.
  await page
    .getByText(FIRST_APP)
    .first()
    .waitFor({ timeout: 10_000 })
    .catch(() => console.warn('the dashboard does not list apps yet: screenshot of what it shows'));
  await page.waitForLoadState('networkidle');
}

async function renderScreenshots(browser: Browser): Promise<void> {
  const server = await startServer({ env: { PASSWORD_HASH_LN: '12' } });
  try {
    const m = merchant('screens');
    const wide = await browser.newContext({
      baseURL: server.origin,
      viewport: { width: 1280, height: 800 }
    });
    const page = await wide.newPage();
    await signUp(page, { ...m, name: 'Asha Rao' });
    await registerAppsViaSync(page, APP_NAMES);
    await showDashboard(page);
    await save('previews/dashboard-wide.png', await page.screenshot());
    await wide.close();

    const narrow = await browser.newContext({
      baseURL: server.origin,
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true
    });
    const phone = await narrow.newPage();
    await signIn(phone, m.email, m.password);
    await showDashboard(phone);
    await save('previews/dashboard-narrow.png', await phone.screenshot());
    await narrow.close();
  } finally {
    await server.stop();
  }
}

async function save(file: string, png: Buffer): Promise<void> {
  const out = path.join(STATIC, file);
  await fs.promises.mkdir(path.dirname(out), { recursive: true });
  await fs.promises.writeFile(out, png);
  console.log(`${path.relative(ROOT, out)}: ${(png.length / 1024).toFixed(1)} KB`);
}

const browser = await launchBrowser();
try {
  await renderIcons(browser);
  if (!process.argv.includes('--icons-only')) await renderScreenshots(browser);
} finally {
  await browser.close();
}
