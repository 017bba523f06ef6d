import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from './harness/browser';
import { merchant, pressSignOut, signIn, signUp, useStack } from './harness/fixture';
import { browserProfile } from './harness/profile';
import { ROOT } from './harness/server';
import { browserStorage } from './harness/storage';
import { registerAppsViaSync } from './harness/sync-api';

/** Resolves once the service worker has precached the app and is active for the next page. */
async function installed(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
}

/**
 * Also waits until the worker controls this very page. Only for a page that was open while the
 * worker activated (it claims it then) or opened after: a page whose load overlapped the
 * activation may stay uncontrolled until its next navigation.
 */
async function controlled(page: Page): Promise<void> {
  await installed(page);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): string {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

interface ManifestImage {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
  form_factor?: string;
}

describe.skipIf(!hasChromium)('the installable app', () => {
  const stack = useStack();
  const profiles: ReturnType<typeof browserProfile>[] = [];
  afterAll(() => profiles.forEach((p) => p.remove()));
  function profile() {
    const p = browserProfile(stack.server.origin);
    profiles.push(p);
    return p;
  }

  it('is installable in Chromium, and every icon and screenshot of its manifest loads', async () => {
    const ctx = await profile().open();
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto('/sign-in');
    await controlled(page);

    const cdp = await ctx.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    const { errors } = await cdp.send('Page.getAppManifest');
    expect(errors).toEqual([]);

    const res = await ctx.request.get('/manifest.webmanifest');
    expect(res.headers()['content-type']).toBe('application/manifest+json');
    const manifest = (await res.json()) as Record<string, unknown> & {
      icons: ManifestImage[];
      screenshots: ManifestImage[];
    };
    expect(manifest).toMatchObject({
      name: 'KS Pay Merchant Console',
      short_name: 'KS Pay',
      display: 'standalone',
      start_url: '/',
      scope: '/',
      id: '/'
    });
    const icons = manifest.icons.map((i) => `${i.purpose} ${i.sizes}`);
    expect(icons).toEqual(
      expect.arrayContaining(['any 192x192', 'any 512x512', 'maskable 192x192', 'maskable 512x512'])
    );
    expect(manifest.screenshots.map((s) => `${s.form_factor} ${s.sizes}`).sort()).toEqual([
      'narrow 390x844',
      'wide 1280x800'
    ]);
    for (const image of [...manifest.icons, ...manifest.screenshots]) {
      const r = await ctx.request.get(image.src);
      expect(r.status(), image.src).toBe(200);
      expect(r.headers()['content-type'], image.src).toBe('image/png');
      expect(pngSize(await r.body()), image.src).toBe(image.sizes);
    }
    await ctx.close();
  });

  it('opens a deep link with no connection — new page, reload, cold start — with the local data', async () => {
    const browser = profile();
    let ctx: BrowserContext = await browser.open();
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const m = merchant('offline');
    await signUp(page, m);
    const name = `Offline Bakery ${Date.now().toString(36)}`;
    const id = (await registerAppsViaSync(page, [name])).join();
    // One online visit: the dashboard pulls the app into this browser's database.
    await page.reload();
    await page.getByRole('link', { name }).waitFor();
    await installed(page);

    await ctx.setOffline(true);
    const fresh = await ctx.newPage();
    await fresh.goto(`/apps/${id}`);
    await fresh.getByRole('heading', { name, level: 1 }).waitFor();
    await fresh.reload();
    await fresh.getByRole('heading', { name, level: 1 }).waitFor();
    // The server really is out of reach: this came from the device.
    await expect(fresh.evaluate(() => fetch('/api/auth/session'))).rejects.toThrow();
    await ctx.close();

    // A cold start: the browser opens again on the same profile with no network at all.
    ctx = await browser.open({ offline: true });
    const cold = ctx.pages()[0] ?? (await ctx.newPage());
    await cold.goto(`/apps/${id}`);
    await cold.getByRole('heading', { name, level: 1 }).waitFor();
    await cold.goto('/');
    await cold.getByRole('link', { name }).waitFor();
    await ctx.close();
  });

  it('still opens offline after signing out, and after signing in again', async () => {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    const m = merchant('signout-offline');
    await signUp(page, m);
    await controlled(page);

    await pressSignOut(page);
    await page.getByRole('button', { name: 'Sign In', exact: true }).waitFor();
    // Sign-out deleted the merchant's data, not the app shell.
    const names = await page.evaluate(() => caches.keys());
    expect(names.some((n) => n.includes('-precache-'))).toBe(true);
    await ctx.setOffline(true);
    await page.reload();
    await page.getByRole('button', { name: 'Sign In', exact: true }).waitFor();

    await ctx.setOffline(false);
    expect(await signIn(page, m.email, m.password)).toBe(200);
    await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
    await ctx.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
    const fresh = await ctx.newPage();
    await fresh.goto('/apps/new');
    await fresh.getByRole('heading', { name: 'Register an App' }).waitFor();
    await ctx.close();
  });

  it('keeps an unsaved form as a draft that opens offline', async () => {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    await signUp(page, merchant('draft'));
    await installed(page);
    await page.goto('/apps/new');
    await page.getByLabel('App Name').fill('Half-typed Tea Shop');
    // Drafts are written a moment after typing stops: wait until this one is in IndexedDB.
    const drafted = async () =>
      Object.entries(await browserStorage(page)).some(
        ([where, text]) => where.startsWith('idb:') && text.includes('Half-typed Tea Shop')
      );
    await expect.poll(drafted).toBe(true);

    await ctx.setOffline(true);
    const fresh = await ctx.newPage();
    await fresh.goto('/apps/new');
    await expect.poll(() => fresh.getByLabel('App Name').inputValue()).toBe('Half-typed Tea Shop');
    await ctx.close();
  });

  it('never puts a response from /api or /v1 into Cache Storage', async () => {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    await signUp(page, merchant('caches'));
    await installed(page);
    const name = `Cache Check ${Date.now().toString(36)}`;
    await registerAppsViaSync(page, [name]);
    // From here every request of the page passes the service worker: sync pulls the app…
    await page.goto('/');
    await controlled(page);
    await page.getByRole('link', { name }).waitFor();
    // …the session, the payments API and the OpenAPI document are asked for…
    await page.evaluate(async () => {
      await fetch('/api/auth/session');
      await fetch('/v1/currencies');
      await fetch('/openapi.json');
    });
    // …and the API reference opens as the server's page, not as the app's shell.
    await page.goto('/docs');
    expect(await page.locator('h1').textContent()).toMatch(/KS Pay/);
    expect(await page.locator('meta[name="theme-color"]').count()).toBe(0);
    // So does a file that is not precached (the manifest's screenshots).
    const shot = await page.goto('/previews/dashboard-wide.png');
    expect(shot?.headers()['content-type']).toBe('image/png');
    await page.goto('/apps/new');

    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const req of await cache.keys()) urls.push(new URL(req.url).pathname);
      }
      return urls;
    });
    // The precache is there (so the check below could have found something)…
    expect(cached).toContain('/index.html');
    // …and nothing the server answers with data.
    expect(cached.filter((p) => /^\/(api|v1)(\/|$)|^\/openapi\.json$|^\/docs/.test(p))).toEqual([]);
    await ctx.close();
  });

  it('asks once for persistent storage after sign-in', async () => {
    const ctx = await stack.context();
    await ctx.addInitScript(() => {
      const w = window as unknown as { persistCalls: number };
      w.persistCalls = 0;
      const persist = navigator.storage.persist.bind(navigator.storage);
      navigator.storage.persist = () => {
        w.persistCalls += 1;
        return persist();
      };
    });
    const page = await ctx.newPage();
    const calls = () =>
      page.evaluate(() => (window as unknown as { persistCalls: number }).persistCalls);
    await page.goto('/sign-in');
    await installed(page);
    expect(await calls()).toBe(0);
    await signUp(page, merchant('storage'));
    await expect.poll(calls).toBe(1);
    // A new page on this device does not ask again: the browser has either granted it (and
    // `persisted()` says so) or refused it recently.
    await page.goto('/apps/new');
    await page.getByRole('heading', { name: 'Register an App' }).waitFor();
    await page.waitForTimeout(300);
    expect(await calls()).toBe(0);
    expect(await page.getByText('Storage is nearly full').count()).toBe(0);
    await ctx.close();
  });

  it('warns when the browser says storage is nearly full', async () => {
    // Chromium reports its quota as usage + 10 GiB (so sites cannot read the free disk space),
    // so a nearly full origin cannot be produced here; the browser's answer is stood in for.
    const ctx = await stack.context();
    await ctx.addInitScript(() => {
      const MiB = 1024 * 1024;
      navigator.storage.estimate = () => Promise.resolve({ usage: 900 * MiB, quota: 1000 * MiB });
    });
    const page = await ctx.newPage();
    await signUp(page, merchant('full'));
    const warning = page.getByRole('status').filter({ hasText: 'Storage is nearly full' });
    await warning.waitFor();
    expect(await warning.textContent()).toContain('900 MB of the 1,000 MB');
    await page.getByRole('button', { name: 'Dismiss storage warning' }).click();
    expect(await page.getByText('Storage is nearly full').count()).toBe(0);
    await ctx.close();
  });
});

/** The build the update tests serve: a copy of web/build they can redeploy while pages are open. */
function deployableCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-deploy-'));
  fs.cpSync(path.join(ROOT, 'web/build'), dir, { recursive: true });
  return dir;
}

/**
 * Deploys "version n": index.html (a precached file) changes, and so does its revision in the
 * service worker's precache manifest — exactly what a rebuild with a changed page produces.
 */
function deploy(dir: string, n: number): void {
  const htmlFile = path.join(dir, 'index.html');
  const html = fs
    .readFileSync(htmlFile, 'utf8')
    .replace(
      /<meta name="kspay-build"[^>]*>|(?=<\/head>)/,
      `<meta name="kspay-build" content="${n}">`
    );
  fs.writeFileSync(htmlFile, html);
  const swFile = path.join(dir, 'service-worker.js');
  const revision = crypto.createHash('md5').update(html).digest('hex');
  const sw = fs.readFileSync(swFile, 'utf8');
  const next = sw.replace(/(url:"index\.html",revision:")[0-9a-f]+/, `$1${revision}`);
  expect(next).not.toBe(sw);
  fs.writeFileSync(swFile, next);
}

const build = (page: Page) =>
  page.evaluate(
    () => document.querySelector('meta[name="kspay-build"]')?.getAttribute('content') ?? '1'
  );
const checkForUpdate = (page: Page) =>
  page.evaluate(async () => {
    await (await navigator.serviceWorker.getRegistration())?.update();
  });
/** Survives only as long as the page is not reloaded. */
const mark = (page: Page) =>
  page.evaluate(() => ((window as unknown as { mark: string }).mark = 'not reloaded'));
const marked = (page: Page) =>
  page.evaluate(() => (window as unknown as { mark?: string }).mark === 'not reloaded');

describe.skipIf(!hasChromium)('a new version deployed while the app is open', () => {
  const webRoot = deployableCopy();
  const stack = useStack({ env: { WEB_ROOT: webRoot } });
  afterAll(() => fs.rmSync(webRoot, { recursive: true, force: true }));
  let ctx: BrowserContext;
  beforeAll(async () => {
    ctx = await stack.context();
  });
  afterAll(() => ctx.close());

  it('is offered with "Reload", and accepting loads the new version', async () => {
    const page = await ctx.newPage();
    await signUp(page, merchant('update'));
    await controlled(page);
    expect(await build(page)).toBe('1');
    await mark(page);

    deploy(webRoot, 2);
    await checkForUpdate(page);
    await page.getByText('A new version is available').waitFor();
    expect(await marked(page)).toBe(true);

    await Promise.all([
      page.waitForEvent('load'),
      page.getByRole('button', { name: 'Reload' }).click()
    ]);
    await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
    expect(await build(page)).toBe('2');
    expect(await marked(page)).toBe(false);
    expect(await page.getByText('A new version is available').count()).toBe(0);
    await page.close();
  });

  it('never reloads a page with unsaved input by itself, even when another tab updates', async () => {
    const form = await ctx.newPage();
    await form.goto('/apps/new');
    await controlled(form);
    const other = await ctx.newPage();
    await other.goto('/');
    await other.getByRole('heading', { name: 'Your Apps' }).waitFor();
    await form.getByLabel('App Name').fill('Typed but not saved');
    await mark(form);

    deploy(webRoot, 3);
    await checkForUpdate(form);
    await form.getByText('A new version is available').waitFor();
    await other.getByText('A new version is available').waitFor();
    // The other tab accepts: the new version takes over both tabs' service worker…
    await Promise.all([
      other.waitForEvent('load'),
      other.getByRole('button', { name: 'Reload' }).click()
    ]);
    await other.getByRole('heading', { name: 'Your Apps' }).waitFor();
    expect(await build(other)).toBe('3');
    // …but the tab with the form keeps running, input and all, until its merchant chooses.
    await form.waitForTimeout(2_000);
    expect(await marked(form)).toBe(true);
    expect(await form.getByLabel('App Name').inputValue()).toBe('Typed but not saved');
    expect(await form.getByText('A new version is available').isVisible()).toBe(true);

    await Promise.all([
      form.waitForEvent('load'),
      form.getByRole('button', { name: 'Reload' }).click()
    ]);
    expect(await build(form)).toBe('3');
    // What was typed comes back from the draft.
    await expect.poll(() => form.getByLabel('App Name').inputValue()).toBe('Typed but not saved');
  });
});
