import type { RequestLogPage } from '@kspay/shared';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './harness/browser';
import { getJson } from './harness/demo';
import { merchant, signUp, useStack } from './harness/fixture';
import { shoot } from './harness/shots';
import { registerAppsViaSync } from './harness/sync-api';

const INR = 'c_WkmEe23LeI';
const INR_UPI = 'pm_Up1IndQ7x';

/** Issue 17's request logs in Chromium against the real server: /v1 calls, then "Logs". */
describe.skipIf(!hasChromium)('Logs: the requests of an app', () => {
  const stack = useStack();

  /** A merchant's app with a key pair generated on its Settings page. */
  async function appWithKeys(page: Page) {
    await signUp(page, merchant('logs'));
    const name = 'Masala Logs Cafe';
    const appId = (await registerAppsViaSync(page, [name])).join();
    await page.reload();
    await page.getByRole('link', { name }).first().click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Generate API Key' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Generate Key' }).click();
    const publicKey = await page.getByLabel('Public API Key').inputValue();
    const secretKey = await page.getByLabel('Secret API Key').inputValue();
    await page.getByLabel('I have stored the secret key safely').check();
    await page.getByRole('button', { name: 'Done' }).click();
    return { appId, publicKey, secretKey };
  }

  /** What a merchant's backend does: a token, a payment, a mistake and a lookup. */
  async function backendCalls(appId: string, publicKey: string, secretKey: string) {
    const v1 = async (path: string, body?: unknown, headers: Record<string, string> = {}) =>
      fetch(`${stack.server.origin}/v1${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body)
      });
    const tokenRes = await v1(`/auth/generate-token/${appId}`, { accessKey: publicKey, secretKey });
    const { accessToken } = ((await tokenRes.json()) as { result: { accessToken: string } }).result;
    const auth = { authorization: `Bearer ${accessToken}` };
    const pay = {
      currencyId: INR,
      paymentMethodId: INR_UPI,
      amount: 249.5,
      referenceNumber: 'order-77'
    };
    expect(
      (await v1('/transaction/initiate', pay, { ...auth, 'idempotency-key': 'o-77' })).status
    ).toBe(201);
    expect(
      (await v1('/transaction/initiate', pay, { ...auth, 'idempotency-key': 'o-77' })).status
    ).toBe(201);
    const wrong = { ...pay, currencyId: 'c_nothing000', referenceNumber: 'order-78' };
    expect((await v1('/transaction/initiate', wrong, auth)).status).toBe(400);
    expect((await v1('/transaction/txnId/tx_000000000', undefined, auth)).status).toBe(404);
    return accessToken;
  }

  it('lists /v1 calls with filters and details, reads them offline, and the key says it was used', async () => {
    const ctx = await stack.context();
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write']);
    const page = await ctx.newPage();
    const { appId, publicKey, secretKey } = await appWithKeys(page);
    const token = await backendCalls(appId, publicKey, secretKey);
    // Written in batches a moment after the answers.
    await expect
      .poll(
        async () => (await getJson<RequestLogPage>(page, `/api/apps/${appId}/logs`)).logs.length,
        {
          timeout: 10_000
        }
      )
      .toBe(5);

    await page.getByRole('link', { name: 'Logs' }).click();
    await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
    const list = page.getByRole('list', { name: 'Requests' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(5);
    await list.getByText('replay').waitFor();
    await shoot(page, 'logs');

    await page.getByRole('combobox', { name: 'Status' }).selectOption('4xx');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => list.getByRole('listitem').count()).toBe(2);
    expect(
      await list.getByRole('button', { name: '/v1/transaction/txnId/tx_000000000' }).count()
    ).toBe(1);
    await page.getByLabel('Path').fill('initiate');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => list.getByRole('listitem').count()).toBe(5);

    // The first payment's details: every field, the bodies, no secret anywhere.
    await list.getByRole('button', { name: '/v1/transaction/initiate' }).last().click();
    const dialog = page.getByRole('dialog', { name: 'Request details' });
    await dialog.waitFor();
    await dialog.getByText('order-77', { exact: false }).first().waitFor();
    await dialog.getByText('"signature": "[redacted]"', { exact: false }).waitFor();
    const requestId = await dialog.locator('code').first().innerText();
    await dialog.getByRole('button', { name: 'Copy request ID' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(requestId);
    const html = await page.content();
    for (const secret of [secretKey, token]) expect(html.includes(secret)).toBe(false);
    await shoot(page, 'logs-detail');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // Offline, after a reload: the rows this device kept, with their time.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await expect.poll(() => list.getByRole('listitem').count()).toBe(5);
    await ctx.setOffline(true);
    await page.reload();
    await page.getByText(/^Showing data as of .+ — you are offline$/).waitFor();
    await expect.poll(() => list.getByRole('listitem').count()).toBe(5);
    await page.getByRole('combobox', { name: 'Status' }).selectOption('2xx');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => list.getByRole('listitem').count()).toBe(3);
    await shoot(page, 'logs-offline');
    await ctx.setOffline(false);

    await page.getByRole('link', { name: 'Settings' }).click();
    const card = page
      .getByRole('list', { name: 'Key pairs' })
      .getByRole('listitem')
      .filter({ hasText: publicKey });
    await card.getByText(/^Last used (just now|\d+ minutes? ago)$/).waitFor();
    await ctx.close();
  });
});
