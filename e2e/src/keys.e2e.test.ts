import fs from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './harness/browser';
import { merchant, signUp, useStack } from './harness/fixture';
import { browserStorage } from './harness/storage';
import { registerAppsViaSync } from './harness/sync-api';

/** What the merchant copies off the screen: the pair shown once after generating. */
interface Shown {
  publicKey: string;
  secretKey: string;
}

/** The Settings flow in Chromium against the real server (DESIGN.md §5, issue 4). */
describe.skipIf(!hasChromium)('API keys in Settings', () => {
  const stack = useStack();

  /** A signed-up merchant with one registered app, on its Settings page via the sidebar. */
  async function settingsOfNewApp(name = 'Chai Point Online') {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    const m = merchant('keys');
    await signUp(page, m);
    const appId = (await registerAppsViaSync(page, [name])).join();
    // One online visit pulls the app into this browser's database.
    await page.reload();
    await page.getByRole('link', { name }).first().click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(page.url()).toBe(`${stack.server.origin}/apps/${appId}/settings`);
    return { ctx, page, m, appId };
  }

  const dialog = (page: Page) => page.getByRole('alertdialog');

  /** Reads the pair off the screen after "Generate Key"/"Regenerate Key", then lets it go. */
  async function takeShownPair(page: Page): Promise<Shown> {
    const publicKey = await page.getByLabel('Public API Key').inputValue();
    const secretKey = await page.getByLabel('Secret API Key').inputValue();
    expect(publicKey).toMatch(/^kspk_test_[A-Za-z0-9]+$/);
    expect(secretKey).toMatch(/^kssk_test_[A-Za-z0-9]+$/);
    const done = page.getByRole('button', { name: 'Done' });
    expect(await done.isDisabled()).toBe(true);
    await page.getByLabel('I have stored the secret key safely').check();
    await done.click();
    await page.getByLabel('Secret API Key').waitFor({ state: 'detached' });
    return { publicKey, secretKey };
  }

  async function generate(page: Page): Promise<Shown> {
    await page.getByRole('button', { name: 'Generate API Key' }).click();
    await dialog(page).getByRole('button', { name: 'Generate Key' }).click();
    await page.getByLabel('Secret API Key').waitFor();
    return takeShownPair(page);
  }

  /** The pair's card in the list, found by its public key. */
  const pairCard = (page: Page, publicKey: string): Locator =>
    page
      .getByRole('list', { name: 'Key pairs' })
      .getByRole('listitem')
      .filter({ hasText: publicKey });

  /** Token exchange from the merchant's backend: status and KS Pay code. */
  async function exchange(appId: string, pair: Shown) {
    const res = await fetch(`${stack.server.origin}/v1/auth/generate-token/${appId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessKey: pair.publicKey, secretKey: pair.secretKey })
    });
    const body = (await res.json()) as { code?: number; result: { accessToken?: string } | null };
    return { status: res.status, code: body.code ?? null, token: body.result?.accessToken ?? null };
  }

  /** The page's text, markup and every field's value (an input's value is not in the markup). */
  const pageText = (page: Page) =>
    page.evaluate(
      () =>
        document.documentElement.outerHTML +
        document.body.innerText +
        Array.from(document.querySelectorAll('input, textarea'), (e) =>
          e instanceof HTMLInputElement || e instanceof HTMLTextAreaElement ? e.value : ''
        ).join('\n')
    );

  it('generates a pair: both keys once, copy and download; after Done only the hint, and the secret is nowhere in the browser', async () => {
    const { ctx, page, appId } = await settingsOfNewApp();
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write']);
    const tabs = page.getByRole('tablist');
    expect(await tabs.getByRole('tab').allTextContents()).toEqual([
      'API Keys',
      'Domain',
      'Webhooks',
      'Activity'
    ]);

    await page.getByRole('button', { name: 'Generate API Key' }).click();
    await dialog(page).getByRole('button', { name: 'Generate Key' }).click();
    const secretField = page.getByLabel('Secret API Key');
    await secretField.waitFor();
    const publicKey = await page.getByLabel('Public API Key').inputValue();
    const secretKey = await secretField.inputValue();
    await page.getByText('it is shown only this once').waitFor();

    await page.getByRole('button', { name: 'Copy secret key' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secretKey);
    await page.getByRole('button', { name: 'Copy public key' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(publicKey);

    const [envDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download', exact: true }).click()
    ]);
    expect(envDownload.suggestedFilename()).toBe(`kspay-${appId}-test.env`);
    const env = fs.readFileSync(await envDownload.path(), 'utf8');
    expect(env).toContain(`KSPAY_APP_ID=${appId}\n`);
    expect(env).toContain(`KSPAY_PUBLIC_KEY=${publicKey}\n`);
    expect(env).toContain(`KSPAY_SECRET_KEY=${secretKey}\n`);
    const [jsonDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download JSON' }).click()
    ]);
    expect(JSON.parse(fs.readFileSync(await jsonDownload.path(), 'utf8'))).toEqual({
      appId,
      mode: 'test',
      publicKey,
      secretKey
    });

    // The key works for the merchant's backend.
    const first = await exchange(appId, { publicKey, secretKey });
    expect(first.status).toBe(201);
    expect(first.token).toBeTruthy();

    expect(await takeShownPair(page)).toEqual({ publicKey, secretKey });
    const card = pairCard(page, publicKey);
    await card.getByText('Active', { exact: true }).waitFor();
    await card.getByText(`kssk_test_…${secretKey.slice(-3)}`).waitFor();
    await card.getByText(/by keys-.*@example\.com/).waitFor();
    expect(await pageText(page)).not.toContain(secretKey);

    // Let the list snapshot land, then look everywhere the browser keeps data.
    await page.reload();
    await pairCard(page, publicKey).waitFor();
    const stored = await browserStorage(page);
    expect(Object.keys(stored).some((k) => k.endsWith('/snapshots'))).toBe(true);
    expect(Object.values(stored).join('\n')).toContain(publicKey);
    for (const [where, text] of Object.entries(stored)) {
      expect(text.includes(secretKey), `secret found in ${where}`).toBe(false);
    }
    expect(await pageText(page)).not.toContain(secretKey);
    await ctx.close();
  });

  it('regenerate "Immediately" refuses the old secret (11002); a grace keeps it working; disable and enable act at once', async () => {
    const { ctx, page, appId } = await settingsOfNewApp('Masala Dosa Cart');
    const first = await generate(page);

    await pairCard(page, first.publicKey).getByRole('button', { name: 'Regenerate Key' }).click();
    const grace = dialog(page).getByRole('radiogroup', {
      name: 'When should the old key stop working?'
    });
    expect((await grace.getByRole('radio').allTextContents()).map((t) => t.trim())).toEqual([
      'Immediately',
      'In 1 hour',
      'In 24 hours',
      'In 7 days'
    ]);
    expect(
      await grace.getByRole('radio', { name: 'Immediately' }).getAttribute('aria-checked')
    ).toBe('true');
    await dialog(page).getByRole('button', { name: 'Regenerate Key' }).click();
    await page.getByLabel('Secret API Key').waitFor();
    const second = await takeShownPair(page);
    expect(second.secretKey).not.toBe(first.secretKey);
    await pairCard(page, first.publicKey).getByText('Replaced', { exact: true }).waitFor();
    await pairCard(page, second.publicKey).getByText('Active', { exact: true }).waitFor();
    expect(await exchange(appId, first)).toMatchObject({ status: 400, code: 11002 });
    expect(await exchange(appId, second)).toMatchObject({ status: 201 });

    // With a grace period the old pair keeps working and says until when.
    await pairCard(page, second.publicKey).getByRole('button', { name: 'Regenerate Key' }).click();
    await dialog(page).getByRole('radio', { name: 'In 1 hour' }).click();
    await dialog(page).getByRole('button', { name: 'Regenerate Key' }).click();
    await page.getByLabel('Secret API Key').waitFor();
    const third = await takeShownPair(page);
    await pairCard(page, second.publicKey)
      .getByText(/^Expiring at .+/)
      .waitFor();
    expect(await exchange(appId, second)).toMatchObject({ status: 201 });

    // Disable stops the active pair at once; it was not replaced, so it can be enabled again.
    const card = pairCard(page, third.publicKey);
    await card.getByRole('button', { name: 'Disable', exact: true }).click();
    await dialog(page).getByRole('button', { name: 'Disable Key' }).click();
    await card.getByText('Disabled', { exact: true }).waitFor();
    expect(await exchange(appId, third)).toMatchObject({ status: 400, code: 11002 });
    await card.getByRole('button', { name: 'Enable' }).click();
    await card.getByText('Active', { exact: true }).waitFor();
    expect(await exchange(appId, third)).toMatchObject({ status: 201 });
    // A replaced pair offers nothing to do.
    expect(await pairCard(page, first.publicKey).getByRole('button').count()).toBe(1); // copy only
    await ctx.close();
  });

  async function offlineButtons(page: Page) {
    await page.getByText('You are offline. Key actions need a connection.').waitFor();
    const buttons = page.getByRole('list', { name: 'Key pairs' }).getByRole('button', {
      name: /^(Regenerate Key|Disable)$/
    });
    expect(await buttons.count()).toBe(2);
    for (const b of await buttons.all()) {
      expect(await b.isDisabled()).toBe(true);
      expect(await b.getAttribute('aria-describedby')).toBe('key-offline-reason');
    }
  }

  it('offline: key actions are disabled with the reason; the list stays readable, also after a reload', async () => {
    const { ctx, page } = await settingsOfNewApp('Filter Coffee Co');
    const pair = await generate(page);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await pairCard(page, pair.publicKey).waitFor();

    await ctx.setOffline(true);
    await offlineButtons(page);
    await page.reload();
    await pairCard(page, pair.publicKey).getByText('Active', { exact: true }).waitFor();
    await page.getByText(/^Saved on this device, as of .+\.$/).waitFor();
    await offlineButtons(page);

    await ctx.setOffline(false);
    await page
      .getByText('You are offline. Key actions need a connection.')
      .waitFor({ state: 'detached' });
    const regenerate = pairCard(page, pair.publicKey).getByRole('button', {
      name: 'Regenerate Key'
    });
    expect(await regenerate.isEnabled()).toBe(true);
    await ctx.close();
  });

  async function confirmPassword(page: Page, password: string) {
    const reauth = page.getByRole('dialog', { name: 'Confirm your password' });
    await reauth.waitFor();
    await reauth.getByLabel('Password', { exact: true }).fill('not my password at all');
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    await reauth.getByText('Incorrect password').waitFor();
    await reauth.getByLabel('Password', { exact: true }).fill(password);
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    await reauth.waitFor({ state: 'detached' });
  }

  it('asks for the password when the sign-in is older than 10 minutes, or when the server says so, then acts', async () => {
    const { ctx, page, m } = await settingsOfNewApp('Idli Express');
    // The server wants the password again (e.g. another clock): the first request is refused…
    let refused = 0;
    await page.route('**/api/apps/*/keys', async (route) => {
      if (route.request().method() !== 'POST' || refused > 0) return route.fallback();
      refused += 1;
      await route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'reauthentication_required', message: 'Enter your password again' }
        })
      });
    });
    await page.getByRole('button', { name: 'Generate API Key' }).click();
    await dialog(page).getByRole('button', { name: 'Generate Key' }).click();
    // …so the page asks, and retries once the password is confirmed.
    await confirmPassword(page, m.password);
    const pair = await takeShownPair(page);
    expect(refused).toBe(1);

    // The page's own clock says the sign-in is 11 minutes old: it asks before sending.
    await page.clock.install();
    await page.clock.fastForward('11:00');
    const card = pairCard(page, pair.publicKey);
    await card.getByRole('button', { name: 'Disable', exact: true }).click();
    await dialog(page).getByRole('button', { name: 'Disable Key' }).click();
    await confirmPassword(page, m.password);
    await card.getByText('Disabled', { exact: true }).waitFor();

    // Cancelling the password changes nothing.
    await page.clock.fastForward('11:00');
    await card.getByRole('button', { name: 'Enable' }).click();
    const reauth = page.getByRole('dialog', { name: 'Confirm your password' });
    await reauth.getByRole('button', { name: 'Cancel' }).click();
    await reauth.waitFor({ state: 'detached' });
    await card.getByText('Disabled', { exact: true }).waitFor();
    expect(await card.getByRole('button', { name: 'Enable' }).isEnabled()).toBe(true);
    await ctx.close();
  });

  it('Domain tab: adds a normalised origin, shows field errors, removes it', async () => {
    const { ctx, page } = await settingsOfNewApp('Vada Pav Hub');
    await page.getByRole('tab', { name: 'Domain' }).click();
    const field = page.getByLabel('Allowed origin');
    await field.fill('http://shop.example.com/checkout');
    await page.getByRole('button', { name: 'Add Domain' }).click();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await page
      .getByText('Use https://host[:port] (or http://localhost[:port] for development)')
      .waitFor();

    await field.fill('HTTPS://Shop.Example.com:443/');
    await page.getByRole('button', { name: 'Add Domain' }).click();
    const list = page.getByRole('list', { name: 'Domains' });
    await list.getByText('https://shop.example.com', { exact: true }).waitFor();
    expect(await field.inputValue()).toBe('');

    // The same origin again: the server's refusal is said at the field.
    await field.fill('https://shop.example.com');
    await page.getByRole('button', { name: 'Add Domain' }).click();
    await page.getByText('This origin is already allowed').waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');

    await list.getByRole('button', { name: 'Remove https://shop.example.com' }).click();
    await list.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('tab', { name: 'Domain' }).click();
    await page.getByText('No origin yet').waitFor();
    await ctx.close();
  });

  it('a disabled pair says "Disabled", even once replaced; Activity names it by the Key ID its card shows', async () => {
    const { ctx, page } = await settingsOfNewApp('Masala Dosa Corner');
    const first = await generate(page);
    const card = pairCard(page, first.publicKey);
    const keyId = (await card.getByText(/^ak_\w+$/).innerText()).trim();
    await card.getByRole('button', { name: 'Disable', exact: true }).click();
    await dialog(page).getByRole('button', { name: 'Disable Key' }).click();
    await card.getByText('Disabled', { exact: true }).waitFor();

    await card.getByRole('button', { name: 'Regenerate Key' }).click();
    await dialog(page).getByRole('button', { name: 'Regenerate Key' }).click();
    await page.getByLabel('Secret API Key').waitFor();
    await takeShownPair(page);
    await card.getByText('Disabled', { exact: true }).waitFor();
    expect(await card.getByText('Replaced', { exact: true }).count()).toBe(0);

    await page.getByRole('tab', { name: 'Activity' }).click();
    const disabled = page
      .getByRole('list', { name: 'Activity' })
      .getByRole('listitem')
      .filter({ hasText: 'Disabled a key pair' });
    await disabled.getByText(keyId, { exact: true }).waitFor();
    await ctx.close();
  });

  it('Domain tab: adding or removing a domain after 10 minutes asks for the password first', async () => {
    const { ctx, page, m } = await settingsOfNewApp('Dosa Corner');
    await page.getByRole('tab', { name: 'Domain' }).click();
    // The page's own clock says the sign-in is 11 minutes old: it asks before sending.
    await page.clock.install();
    await page.clock.fastForward('11:00');
    await page.getByLabel('Allowed origin').fill('https://late.example.com');
    await page.getByRole('button', { name: 'Add Domain' }).click();
    await confirmPassword(page, m.password);
    const list = page.getByRole('list', { name: 'Domains' });
    const origin = list.getByText('https://late.example.com', { exact: true });
    await origin.waitFor();

    // Removing asks again once the window has passed; cancelling keeps the domain.
    await page.clock.fastForward('11:00');
    await list.getByRole('button', { name: 'Remove https://late.example.com' }).click();
    const reauth = page.getByRole('dialog', { name: 'Confirm your password' });
    await reauth.getByRole('button', { name: 'Cancel' }).click();
    await reauth.waitFor({ state: 'detached' });
    expect(await origin.isVisible()).toBe(true);
    await page.reload();
    await page.getByRole('tab', { name: 'Domain' }).click();
    await page
      .getByRole('list', { name: 'Domains' })
      .getByText('https://late.example.com', { exact: true })
      .waitFor();
    await ctx.close();
  });

  it('Activity tab: who, when, IP and browser of every action, paged with "Load more"', async () => {
    const { ctx, page, appId, m } = await settingsOfNewApp('Pani Puri Point');
    await generate(page);
    // 26 more logged actions from this browser (the sign-in is fresh: no password is asked).
    await page.evaluate(async (appId) => {
      for (let i = 0; i < 13; i++) {
        const res = await fetch(`/api/apps/${appId}/domains`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ origin: `https://shop${i}.example.com` })
        });
        const { domain } = (await res.json()) as { domain: { id: string } };
        await fetch(`/api/apps/${appId}/domains/${domain.id}`, { method: 'DELETE' });
      }
    }, appId);

    await page.getByRole('tab', { name: 'Activity' }).click();
    const entries = page.getByRole('list', { name: 'Activity' }).getByRole('listitem');
    await entries.nth(24).waitFor();
    expect(await entries.count()).toBe(25);
    const newest = entries.first();
    await newest.getByText('Removed a domain').waitFor();
    await newest.getByText(m.email).waitFor();
    await newest.getByText('IP 127.0.0.1').waitFor();
    const browser = newest.getByText('Chrome on Linux');
    const ua = await page.evaluate(() => navigator.userAgent);
    expect(await browser.getAttribute('title')).toBe(ua);

    await page.getByRole('button', { name: 'Load more' }).click();
    // Registering the app is the oldest action (issue 16: app actions are audited too).
    await entries.nth(27).waitFor();
    expect(await entries.count()).toBe(28);
    await entries.nth(26).getByText('Generated a key pair').waitFor();
    await entries.last().getByText('Registered the app').waitFor();
    await page.getByRole('button', { name: 'Load more' }).waitFor({ state: 'detached' });
    await ctx.close();
  });
});
