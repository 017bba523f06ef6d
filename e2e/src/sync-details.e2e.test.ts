import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { hasChromium } from './harness/browser';
import { merchant, signIn, signUp, useStack } from './harness/fixture';
import { browserProfile } from './harness/profile';
import { openForm, submitApp } from './harness/app-form';
import { businessIdOf, registerAppsViaSync, serverApps } from './harness/sync-api';

/** Where to leave the dialog's screenshots for a person to look at (unset: none taken). */
const SHOTS = process.env.SCREENSHOT_DIR;

async function shoot(page: Page, name: string) {
  if (!SHOTS) return;
  for (const [w, h] of [
    [1280, 800],
    [390, 844]
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${w}x${h}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Opens "Sync details" as a merchant does: by clicking the sync status in the header. */
async function openDetails(page: Page) {
  await page.getByRole('status', { name: 'Sync status' }).getByRole('button').click();
  const dialog = page.getByRole('dialog', { name: 'Sync details' });
  await dialog.waitFor();
  return dialog;
}

describe.skipIf(!hasChromium)('sync details in Chromium', () => {
  const stack = useStack();

  const serverAppNames = async (page: Page) =>
    (await serverApps(page, stack.server.origin)).map((a) => a.name).sort();

  it('lists a refused change with its reason, and resubmits it after a fix', async () => {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    const m = merchant('details');
    await signUp(page, m);

    await openForm(page);
    await ctx.setOffline(true);
    await submitApp(page, 'Twin Shop');
    let dialog = await openDetails(page);
    const waiting = dialog.getByRole('listitem').filter({ hasText: 'Register app Twin Shop' });
    await waiting.getByText('just now').waitFor();
    await dialog.getByText('Last successful sync').waitFor();
    expect(await dialog.getByRole('button', { name: 'Sync now' }).isDisabled()).toBe(true);
    await shoot(page, 'sync-details-waiting');

    // Meanwhile another device of the merchant registers the same name.
    const other = await stack.context();
    const otherPage = await other.newPage();
    expect(await signIn(otherPage, m.email, m.password)).toBe(200);
    await registerAppsViaSync(otherPage, ['Twin Shop']);

    await ctx.setOffline(false);
    await dialog.getByRole('button', { name: 'Sync now' }).click();
    const refused = dialog.getByRole('listitem').filter({ hasText: 'Register app Twin Shop' });
    await refused.getByText('You already have an app with this name').waitFor({ timeout: 20_000 });
    await dialog.getByText('Nothing is waiting').waitFor();
    await shoot(page, 'sync-details-refused');

    await refused.getByRole('link', { name: 'Edit and resubmit' }).click();
    await page.getByRole('heading', { name: 'Edit App' }).waitFor();
    await expect.poll(() => page.getByLabel('App Name').inputValue()).toBe('Twin Shop');
    await page.getByLabel('App Name').fill('Twin Shop Two');
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await expect
      .poll(() => serverAppNames(page), { timeout: 20_000 })
      .toEqual(['Twin Shop', 'Twin Shop Two']);

    dialog = await openDetails(page);
    await dialog.getByText('Nothing is waiting').waitFor();
    // The server holds the new name before this device has read the push's answer.
    await expect.poll(() => dialog.getByText('Not accepted by KS Pay').count()).toBe(0);
    await Promise.all([ctx.close(), other.close()]);
  });

  it('discards a refused change, and "Sync now" sends waiting changes at once', async () => {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    const m = merchant('syncnow');
    await signUp(page, m);
    // This device never pulls "Taken Name" (its pulls fail), so its form cannot refuse the name
    // itself: the refusal must come from the server, as it does for a name taken elsewhere.
    await page.route('**/api/sync/pull', (route) => route.fulfill({ status: 503, body: '' }));
    // The server is unreachable for this device's pushes once the name is taken: the engine
    // backs off further after each failure.
    let failures = 0;
    let pushesFail = false;
    await page.route('**/api/sync/push', (route) => {
      if (!pushesFail) return route.continue();
      failures += 1;
      return route.fulfill({ status: 503, body: '' });
    });
    await registerAppsViaSync(page, ['Taken Name']);
    pushesFail = true;
    await openForm(page);
    await submitApp(page, 'Taken Name');
    await page.goto('/');
    await openForm(page);
    await submitApp(page, 'Fresh Name');
    await expect.poll(() => failures, { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
    // The next automatic retry is at least 4 s away (backoff 8 s × 0.5–1).
    const dialog = await openDetails(page);
    await dialog.getByText('Register app Fresh Name').waitFor();
    await page.unroute('**/api/sync/push');
    await page.unroute('**/api/sync/pull');
    const clicked = Date.now();
    await dialog.getByRole('button', { name: 'Sync now' }).click();
    await dialog.getByText('Nothing is waiting').waitFor({ timeout: 3_000 });
    expect(Date.now() - clicked).toBeLessThan(3_000);

    const refused = dialog.getByRole('listitem').filter({ hasText: 'Register app Taken Name' });
    await refused.getByText('You already have an app with this name').waitFor();
    await refused.getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => dialog.getByText('Not accepted by KS Pay').count()).toBe(0);
    await page.keyboard.press('Escape');
    expect(await page.getByRole('row').filter({ hasText: 'Not saved' }).count()).toBe(0);
    expect(await serverAppNames(page)).toEqual(['Fresh Name', 'Taken Name']);
    await ctx.close();
  });
});

/**
 * Background Sync: Chromium fires the worker's `sync` event when the connection returns. Headless
 * it never sees the network change (offline is emulated per page), so the test fires the event
 * through the DevTools protocol (`ServiceWorker.dispatchSyncEvent`), with no tab of the console
 * open — exactly the moment the real browser would.
 */
describe.skipIf(!hasChromium)('background sync in Chromium', () => {
  const stack = useStack();
  const profiles: ReturnType<typeof browserProfile>[] = [];
  afterAll(() => profiles.forEach((p) => p.remove()));

  async function registrationOf(ctx: BrowserContext, blank: Page) {
    const cdp = await ctx.newCDPSession(blank);
    const registrations = new Map<string, string>();
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations: list }) => {
      for (const r of list) if (!r.isDeleted) registrations.set(r.scopeURL, r.registrationId);
    });
    await cdp.send('ServiceWorker.enable');
    const scope = `${stack.server.origin}/`;
    await expect.poll(() => registrations.get(scope) ?? null).not.toBeNull();
    return { cdp, registrationId: registrations.get(scope)! };
  }

  it('the service worker sends changes queued offline after every tab was closed', async () => {
    const profile = browserProfile(stack.server.origin);
    profiles.push(profile);
    const ctx = await profile.open();
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const m = merchant('bgsync');
    await signUp(page, m);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

    // The tag names the replica (user and business) whose database holds the outbox. Headless Chromium may already
    // have fired it (it does not see the emulated offline state), finding the tab's lock taken.
    const userId = await page.evaluate(async () => {
      const res = await fetch('/api/auth/session');
      return ((await res.json()) as { user: { id: string } }).user.id;
    });
    const tag = `kspay-outbox:${userId}:${await businessIdOf(page)}`;

    await openForm(page);
    await ctx.setOffline(true);
    await submitApp(page, 'Night Market');
    const dialog = await openDetails(page);
    await dialog.getByText('Register app Night Market').waitFor();
    // Every tab of the console closes while still offline; then the connection returns.
    const blank = await ctx.newPage();
    await page.close();
    await ctx.setOffline(false);
    const reader = await stack.context();
    const readerPage = await reader.newPage();
    expect(await signIn(readerPage, m.email, m.password)).toBe(200);
    const names = async () =>
      (await serverApps(readerPage, stack.server.origin)).map((a) => a.name);
    // No tab of the console is open and the one that queued the change closed while offline, so
    // only the service worker can send it: Chromium may fire the sync itself as the connection
    // returns, or the dispatch below does.

    const { cdp, registrationId } = await registrationOf(ctx, blank);
    await cdp.send('ServiceWorker.dispatchSyncEvent', {
      origin: stack.server.origin,
      registrationId,
      tag,
      lastChance: false
    });
    await expect.poll(names, { timeout: 20_000 }).toEqual(['Night Market']);

    // The next visit finds nothing waiting: the worker emptied the outbox it synced.
    const again = await ctx.newPage();
    await again.goto('/');
    const after = await openDetails(again);
    await after.getByText('Nothing is waiting').waitFor();
    await Promise.all([ctx.close(), reader.close()]);
  });
});
