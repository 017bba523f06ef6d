import path from 'node:path';
import type { HistoryPage, Overview } from '@kspay/shared';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './harness/browser';
import { getJson, useDemoStack } from './harness/demo';
import { signIn } from './harness/fixture';

/**
 * The Transactions page as finance uses it, on the demo's data (`pnpm demo`'s own server):
 * the status filter and its count, a transaction's details with copyable ids, and date
 * errors that say the fix. Screenshots land in `SCREENSHOT_DIR` when it is set.
 */
const shots = process.env.SCREENSHOT_DIR;
const DAY_MS = 24 * 60 * 60 * 1000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe.skipIf(!hasChromium)('Transactions: status filter, details, date errors', () => {
  const { stack, demo } = useDemoStack({ transactions: 120, days: 30 });

  async function transactionsPage(): Promise<{ ctx: BrowserContext; page: Page; appId: string }> {
    const ctx = await stack.context();
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write']);
    const page = await ctx.newPage();
    expect(await signIn(page, demo.email, demo.password)).toBe(200);
    await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
    const appId = demo.apps[0]!.id;
    await page.goto(`/apps/${appId}/transactions`);
    await page.getByRole('region', { name: 'Transactions' }).getByRole('row').nth(1).waitFor();
    return { ctx, page, appId };
  }

  it('filters by status: only those rows, and the count of every match', async () => {
    const { ctx, page, appId } = await transactionsPage();
    const all: HistoryPage = await getJson(page, `/api/apps/${appId}/transactions?limit=1`);
    const count = page.getByRole('status').filter({ hasText: /^\d[\d,]* transactions?/ });
    await expect.poll(() => count.innerText()).toMatch(new RegExp(`^${all.total} transaction`));

    const failed: HistoryPage = await getJson(
      page,
      `/api/apps/${appId}/transactions?status=failed&limit=100`
    );
    expect(failed.total).toBeGreaterThan(0);
    expect(failed.total).toBeLessThan(all.total);
    await page.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Failed' });
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('failed');
    const word = failed.total === 1 ? 'transaction' : 'transactions';
    await expect.poll(() => count.innerText()).toMatch(new RegExp(`^${failed.total} ${word}`));
    const table = page.getByRole('region', { name: 'Transactions' });
    const rows = table.getByRole('row');
    await expect.poll(() => rows.count()).toBe(Math.min(failed.total, 50) + 1);
    const statuses = await table.locator('tbody tr td:last-child').allInnerTexts();
    expect(new Set(statuses)).toEqual(new Set(['Failed']));
    // The CSV link carries the same filter.
    const href = await page.getByRole('link', { name: 'Download' }).getAttribute('href');
    expect(href).toContain('status=failed');

    if (shots) await page.screenshot({ path: path.join(shots, 'transactions-1280.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('list', { name: 'Transactions' }).waitFor();
    if (shots) {
      await page.screenshot({ path: path.join(shots, 'transactions-390.png'), fullPage: true });
    }
    await ctx.close();
  });

  it('opens a row’s "Transaction details": its fields, its timeline, ids to copy', async () => {
    const { ctx, page, appId } = await transactionsPage();
    const first: HistoryPage = await getJson(page, `/api/apps/${appId}/transactions?limit=1`);
    const tx = first.transactions[0]!;
    const table = page.getByRole('region', { name: 'Transactions' });
    await table.getByRole('button', { name: tx.id }).click();

    const dialog = page.getByRole('dialog', { name: 'Transaction details' });
    await dialog.waitFor();
    for (const text of [tx.id, tx.referenceNumber, tx.providerOrderId, tx.paymentMode]) {
      await dialog.getByText(text, { exact: true }).waitFor();
    }
    await dialog.getByText('Initiated', { exact: true }).waitFor();
    if (tx.status !== 'initiated') await dialog.getByText(/^Processed: /).waitFor();

    await dialog.getByRole('button', { name: 'Copy transaction ID' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(tx.id);
    await dialog.getByRole('button', { name: 'Copy reference number' }).click();
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toBe(tx.referenceNumber);
    await dialog.getByRole('button', { name: 'Copy provider order ID' }).waitFor();
    if (shots) await page.screenshot({ path: path.join(shots, 'details-1280.png') });

    // Focus stays inside; Escape closes and gives focus back to the row's button.
    for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent?.trim()))
      .toBe(tx.id);

    await page.setViewportSize({ width: 390, height: 844 });
    const cards = page.getByRole('list', { name: 'Transactions' });
    await cards.getByRole('button', { name: tx.id }).click();
    await dialog.waitFor();
    if (shots) await page.screenshot({ path: path.join(shots, 'details-390.png') });
    await ctx.close();
  });

  it('says how to fix a date range, with no empty state under the error', async () => {
    const { ctx, page, appId } = await transactionsPage();
    const o: Overview = await getJson(page, `/api/apps/${appId}/overview`);
    const todayMs = Date.parse(`${o.today.day}T00:00:00Z`);
    const from = page.getByLabel('From');
    const to = page.getByLabel('To');

    await from.fill(utcDay(todayMs - 100 * DAY_MS));
    await to.fill(o.today.day);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Pick at most 90 days', { exact: true }).waitFor();
    expect(await to.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByText(/^No transaction/).count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Transactions' }).count()).toBe(0);
    if (shots) await page.screenshot({ path: path.join(shots, 'date-error-1280.png') });

    await from.fill(utcDay(todayMs - 2 * DAY_MS));
    await to.fill(utcDay(todayMs - 3 * DAY_MS));
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('The start date must be before the end date', { exact: true }).waitFor();
    expect(await page.getByText(/^No transaction/).count()).toBe(0);

    // The server says the same words when asked directly.
    const res = await page.request.get(
      `/api/apps/${appId}/transactions?from=${utcDay(todayMs - 100 * DAY_MS)}&to=${o.today.day}`
    );
    expect(res.status()).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'Pick at most 90 days'
    );
    await ctx.close();
  });
});
