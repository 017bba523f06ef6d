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

  it('adds an endpoint, shows the secret once, logs the delivery of a payment and resends it', async () => {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    await signUp(page, merchant('hooks'));
    const appId = (await registerAppsViaSync(page, ['Masala Box'])).join();
    await page.reload();
    await page.getByRole('link', { name: 'Masala Box' }).first().click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'Webhooks' }).click();

    await page.getByLabel('Endpoint URL').fill(hookUrl);
    await page.getByLabel('transaction.created').check();
    await page.getByRole('button', { name: 'Add Endpoint' }).click();
    const secret = page.getByLabel('Signing secret', { exact: true });
    await secret.waitFor();
    expect(await secret.textContent()).toMatch(/^whsec_[A-Za-z0-9+/=]{44}$/);
    await shoot(page, 'webhooks-secret');
    await page.getByRole('button', { name: 'Done, I stored it' }).click();
    await secret.waitFor({ state: 'detached' });
    const card = page.getByRole('article', { name: `Endpoint ${hookUrl}` });
    await card.getByText('Active').waitFor();

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
});
