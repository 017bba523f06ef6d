import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from './harness/browser';
import { merchant, signUp, useStack } from './harness/fixture';
import { shoot } from './harness/shots';
import { registerAppsViaSync } from './harness/sync-api';

const INR = 'c_WkmEe23LeI';
const INR_UPI = 'pm_Up1IndQ7x';

/** Issue 17 in Chromium: an endpoint on a local receiver gets the payment's event, and resend. */
describe.skipIf(!hasChromium)('webhooks in Settings', () => {
  // Loopback receivers are allowed only with this switch (development and tests).
  const stack = useStack({ env: { WEBHOOKS_ALLOW_PRIVATE_NETWORKS: '1' } });
  const received: { id: string; type: string }[] = [];
  let receiver: http.Server;
  let hookUrl = '';
  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { type: string };
        received.push({ id: String(req.headers['webhook-id']), type: body.type });
        res.end('received, thanks');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/kspay`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  /** A key pair made through the console API from the signed-in page, then a /v1 payment. */
  async function pay(page: Page, appId: string) {
    const pair = await page.evaluate(async (id) => {
      const res = await fetch(`/api/apps/${id}/keys`, { method: 'POST' });
      return (await res.json()) as { key: { publicKey: string }; secretKey: string };
    }, appId);
    const base = stack.server.origin;
    const ex = await fetch(`${base}/v1/auth/generate-token/${appId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessKey: pair.key.publicKey, secretKey: pair.secretKey })
    });
    const token = ((await ex.json()) as { result: { accessToken: string } }).result.accessToken;
    const res = await fetch(`${base}/v1/transaction/initiate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        currencyId: INR,
        paymentMethodId: INR_UPI,
        amount: 499,
        referenceNumber: 'order-1001'
      })
    });
    expect(res.status).toBe(201);
  }

  /** A new merchant's new app, on its Settings → Webhooks tab. */
  async function webhooksTab(email: string, appName: string) {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    await signUp(page, merchant(email));
    const appId = (await registerAppsViaSync(page, [appName])).join();
    await page.reload();
    await page.getByRole('link', { name: appName }).first().click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'Webhooks' }).click();
    return { ctx, page, appId };
  }

  /** Adds an endpoint at the local receiver; answers its card once the secret is dismissed. */
  async function addEndpoint(page: Page, shot?: string) {
    await page.getByLabel('Endpoint URL').fill(hookUrl);
    await page.getByLabel('transaction.created').check();
    await page.getByRole('button', { name: 'Add Endpoint' }).click();
    const secret = page.getByLabel('Signing secret', { exact: true });
    await secret.waitFor();
    expect(await secret.textContent()).toMatch(/^whsec_[A-Za-z0-9+/=]{44}$/);
    if (shot) await shoot(page, shot);
    await page.getByRole('button', { name: 'Done, I stored it' }).click();
    await secret.waitFor({ state: 'detached' });
    const card = page.getByRole('article', { name: `Endpoint ${hookUrl}` });
    await card.getByText('Active').waitFor();
    return card;
  }

  it('adds an endpoint, shows the secret once, logs the delivery of a payment and resends it', async () => {
    const { ctx, page, appId } = await webhooksTab('hooks', 'Masala Box');
    const card = await addEndpoint(page, 'webhooks-secret');

    await pay(page, appId);
    const log = card.getByRole('table', { name: 'Delivery log' });
    const delivered = log.getByRole('row').filter({ hasText: 'transaction.created' });
    await delivered.getByText('Delivered · 200').waitFor({ timeout: 15_000 });
    await expect.poll(() => delivered.textContent()).toContain('received, thanks');
    expect(received.map((r) => r.type)).toEqual(['transaction.created']);
    await shoot(page, 'webhooks-log');

    await delivered.getByRole('button', { name: /^Resend transaction\.created/ }).click();
    await expect
      .poll(async () => (await log.getByText('Delivered · 200').count()) >= 2, { timeout: 15_000 })
      .toBe(true);
    // The same event again: the receiver can tell it by its webhook-id.
    expect(received).toHaveLength(2);
    expect(received[1]?.id).toBe(received[0]?.id);

    // The secret was on screen once and is nowhere now.
    const html = await page.content();
    expect(html).not.toContain('whsec_');
    await ctx.close();
  });

  it('"Send test event" posts a signed test event and the merchant sees its delivery in the log', async () => {
    const { ctx, page } = await webhooksTab('hooks-test', 'Chai Point');
    const card = await addEndpoint(page);
    const before = received.length;

    await card.getByRole('button', { name: 'Send test event' }).click();
    const log = card.getByRole('table', { name: 'Delivery log' });
    const delivered = log.getByRole('row').filter({ hasText: 'webhook.test' });
    await delivered.getByText('Delivered · 200').waitFor({ timeout: 15_000 });
    await expect.poll(() => delivered.textContent()).toContain('received, thanks');
    expect(received.slice(before).map((r) => r.type)).toEqual(['webhook.test']);
    await shoot(page, 'webhooks-test-event');
    await ctx.close();
  });

  /** Offline: every action is disabled and points at the reason, which is on screen. */
  async function offlineActions(page: Page) {
    const reason = page.getByText(
      'You are offline. Webhook changes, test events and resends need a connection.'
    );
    await reason.waitFor();
    expect(await reason.getAttribute('id')).toBe('webhook-offline-reason');
    const card = page.getByRole('article', { name: `Endpoint ${hookUrl}` });
    const resend = card.getByRole('button', { name: /^Resend webhook\.test/ });
    const actions = [
      resend,
      card.getByRole('button', { name: 'Send test event' }),
      card.getByRole('button', { name: 'Rotate secret' }),
      page.getByRole('button', { name: 'Add Endpoint' })
    ];
    for (const b of actions) {
      expect(await b.isDisabled()).toBe(true);
      expect(await b.getAttribute('aria-describedby')).toBe('webhook-offline-reason');
    }
    return card;
  }

  it('offline: the endpoints and the delivery log stay readable as of their time, also after a reload, and Resend is disabled with its reason', async () => {
    const { ctx, page } = await webhooksTab('hooks-offline', 'Dosa Corner');
    const card = await addEndpoint(page);
    await card.getByRole('button', { name: 'Send test event' }).click();
    const row = card
      .getByRole('table', { name: 'Delivery log' })
      .getByRole('row')
      .filter({ hasText: 'webhook.test' });
    await row.getByText('Delivered · 200').waitFor({ timeout: 15_000 });
    // The service worker serves the app shell after an offline reload.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.getByRole('tab', { name: 'Webhooks' }).click();
    await row.getByText('Delivered · 200').waitFor();

    await ctx.setOffline(true);
    await offlineActions(page);
    await row.getByText('Delivered · 200').waitFor();
    await page.reload();
    await page.getByRole('tab', { name: 'Webhooks' }).click();
    const after = await offlineActions(page);
    await after.getByText('Active').waitFor();
    await after
      .getByRole('table', { name: 'Delivery log' })
      .getByRole('row')
      .filter({ hasText: 'webhook.test' })
      .getByText('Delivered · 200')
      .waitFor();
    // The endpoint list and the log each say they are this device's copy, and of when.
    await expect
      .poll(() => page.getByText(/^Saved on this device, as of .+\.$/).count())
      .toBeGreaterThanOrEqual(2);
    await shoot(page, 'webhooks-offline');

    await ctx.setOffline(false);
    await page
      .getByText('You are offline. Webhook changes, test events and resends need a connection.')
      .waitFor({ state: 'detached' });
    expect(await after.getByRole('button', { name: /^Resend webhook\.test/ }).isDisabled()).toBe(
      false
    );
    await ctx.close();
  });
});
