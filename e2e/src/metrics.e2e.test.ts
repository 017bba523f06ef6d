import fs from 'node:fs';
import type { HistoryPage, Overview } from '@kspay/shared';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './harness/browser';
import { getJson, useDemoStack } from './harness/demo';
import { signIn } from './harness/fixture';
import { registerAppsViaSync } from './harness/sync-api';

/**
 * The App Overview and the Transactions page on the demo's data: the server is `pnpm demo`
 * itself (src/demo/main.ts), which signs a merchant up and makes its payments through the real
 * payments API over the past 60 days before it listens. A small run keeps the file quick.
 */
const SEEDED = 150;

const DAY_MS = 24 * 60 * 60 * 1000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const digits = (text: string) => Number(text.replace(/[^\d]/g, ''));

/** The value of one overview card (`<dt>label</dt><dd>value</dd>`). */
const figure = (page: Page, label: string) => page.locator(`dt:text-is("${label}") + dd`).first();

/** Every transaction id the history API lists for a filter, following its keyset cursor. */
async function allIds(page: Page, appId: string, filter: Record<string, string>) {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ ...filter, limit: '100', ...(cursor ? { cursor } : {}) });
    const p: HistoryPage = await getJson(page, `/api/apps/${appId}/transactions?${q}`);
    ids.push(...p.transactions.map((t) => t.id));
    cursor = p.nextCursor;
  } while (cursor);
  return ids;
}

/** The page's service worker has precached the app (a reload offline then still opens it). */
async function installed(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
}

describe.skipIf(!hasChromium)('App Overview and Transactions on the demo data', () => {
  const { stack, demo } = useDemoStack({ transactions: SEEDED, days: 60 });

  async function signedIn(): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    expect(await signIn(page, demo.email, demo.password)).toBe(200);
    await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
    return { ctx, page };
  }

  it('shows each app its totals, statuses and a daily chart; together they are every seeded payment', async () => {
    const { ctx, page } = await signedIn();
    let total = 0;
    for (const app of demo.apps) {
      await page.goto(`/apps/${app.id}`);
      await figure(page, 'Total transactions').waitFor();
      const o: Overview = await getJson(page, `/api/apps/${app.id}/overview`);
      expect(digits(await figure(page, 'Total transactions').innerText())).toBe(o.allTime.count);
      expect(digits(await figure(page, 'Today so far').innerText())).toBe(o.today.count);
      const rate =
        o.period.successRate === null ? '–' : `${(o.period.successRate * 100).toFixed(1)}%`;
      await expect.poll(() => figure(page, 'Success rate').innerText()).toBe(rate);
      const statuses = page.getByRole('region', { name: /Payment statuses/ });
      const success = statuses.locator('dt:text-is("Success") + dd > span').first();
      expect(digits(await success.innerText())).toBe(o.period.byStatus.success);
      total += digits(await figure(page, 'Total transactions').innerText());

      // A real picture, drawn by the chart library, with the same figures in words.
      const chart = page.getByRole('img', { name: /transactions from/ });
      await expect
        .poll(() => chart.getAttribute('aria-label'))
        .toContain(`${o.period.count.toLocaleString('en-US')} transactions from`);
      const canvas = page.locator('.daily-chart canvas').first();
      await canvas.waitFor({ state: 'visible' });
      const box = await canvas.boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      expect(box?.height).toBeGreaterThan(150);
    }
    expect(total).toBe(SEEDED);
    await ctx.close();
  });

  it('pages through the history and finds a transaction by its ID', async () => {
    const { ctx, page } = await signedIn();
    const app = demo.apps[0]!;
    const listed: HistoryPage = await getJson(page, `/api/apps/${app.id}/transactions?limit=60`);
    const wanted = listed.transactions[37]!;

    await page.goto(`/apps/${app.id}/transactions`);
    await page.getByRole('heading', { name: 'Transactions', level: 1 }).waitFor();
    const table = page.getByRole('region', { name: 'Transactions' });
    await expect.poll(() => table.getByRole('row').count()).toBe(51);
    // Keyset pages: the next one starts right after the last row, and "Previous" comes back.
    const firstId = () => table.getByRole('row').nth(1).getByRole('cell').first().innerText();
    expect(await firstId()).toBe(listed.transactions[0]!.id);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(firstId).toBe(listed.transactions[50]!.id);
    await page.getByText('Page 2', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(firstId).toBe(listed.transactions[0]!.id);

    await page.getByLabel('Search by Transaction ID').fill(wanted.id);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    const row = table.getByRole('row').nth(1);
    await expect.poll(() => row.getByRole('cell').first().innerText()).toBe(wanted.id);
    const status = wanted.status.charAt(0).toUpperCase() + wanted.status.slice(1);
    expect(await row.getByRole('cell').last().innerText()).toBe(status);
    expect(new URL(page.url()).searchParams.get('q')).toBe(wanted.id);
    await ctx.close();
  });

  it('refuses a range the API would refuse, then downloads exactly the rows of the filter as CSV', async () => {
    const { ctx, page } = await signedIn();
    const app = demo.apps[1]!;
    const o: Overview = await getJson(page, `/api/apps/${app.id}/overview`);
    const today = o.today.day;
    const todayMs = Date.parse(`${today}T00:00:00Z`);
    await page.goto(`/apps/${app.id}/transactions`);
    const table = page.getByRole('region', { name: 'Transactions' });
    await table.getByRole('row').nth(1).waitFor();

    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/transactions?')) asked.push(r.url());
    });
    const from = page.getByLabel('From');
    const to = page.getByLabel('To');
    await from.fill(utcDay(todayMs - 100 * DAY_MS));
    await to.fill(today);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Pick at most 90 days').waitFor();
    expect(await to.getAttribute('aria-invalid')).toBe('true');
    await from.fill(utcDay(todayMs - 70 * DAY_MS));
    await to.fill(utcDay(todayMs - 65 * DAY_MS));
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Pick a start date on or after the day this app was created').waitFor();
    expect(await from.getAttribute('aria-invalid')).toBe('true');
    expect(asked).toEqual([]);

    // The last 7 days (UTC), as the overview's series counts them.
    const week = { from: utcDay(todayMs - 6 * DAY_MS), to: today };
    const expected = o.series.filter((d) => d.day >= week.from).reduce((s, d) => s + d.count, 0);
    expect(expected).toBeGreaterThan(0);
    await from.fill(week.from);
    await to.fill(week.to);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).toBe(week.from);
    await expect.poll(() => page.locator('#range-from-error').count()).toBe(0);
    await table.getByRole('row').nth(1).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download' }).click()
    ]);
    expect(download.suggestedFilename()).toBe(
      `transactions-${app.id}-${week.from}-to-${week.to}.csv`
    );
    const csv = fs.readFileSync(await download.path(), 'utf8');
    const [header, ...lines] = csv.split('\r\n').filter((l) => l !== '');
    expect(header).toBe(
      'Transaction ID,Creation Date,Last Update,Payment Mode,Payment Gateway,Currency,Amount,Status'
    );
    const ids = lines.map((l) => l.split(',')[0]);
    expect(ids).toHaveLength(expected);
    expect(ids).toEqual(await allIds(page, app.id, week));
    for (const line of lines) {
      const created = line.split(',')[1] ?? '';
      expect(created >= `${week.from}T` && created < `${utcDay(todayMs + DAY_MS)}T`).toBe(true);
    }
    await ctx.close();
  });

  it('still shows the overview and the history offline, as of their last synced time', async () => {
    const { ctx, page } = await signedIn();
    const app = demo.apps[0]!;
    await installed(page);
    await page.goto(`/apps/${app.id}`);
    const totalText = await figure(page, 'Total transactions').innerText();
    await page.locator('.daily-chart canvas').first().waitFor();
    await page.getByRole('link', { name: 'Transactions', exact: true }).click();
    const table = page.getByRole('region', { name: 'Transactions' });
    await expect.poll(() => table.getByRole('row').count()).toBe(51);
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await figure(page, 'Total transactions').waitFor();

    await ctx.setOffline(true);
    await page.reload();
    const notice = page.getByRole('status').filter({ hasText: 'Showing data as of' });
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(
      /as of \d{1,2} \w{3}(?: \d{4})?, \d{2}:\d{2} — you are offline/
    );
    expect(await figure(page, 'Total transactions').innerText()).toBe(totalText);
    await page.locator('.daily-chart canvas').first().waitFor({ state: 'visible' });
    // The server really is out of reach: these figures came from the device.
    await expect(page.evaluate(() => fetch('/api/auth/session'))).rejects.toThrow();

    await page.getByRole('link', { name: 'Transactions', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Showing data as of' }).waitFor();
    // The rows arrive from the device's snapshot just after the notice.
    await expect.poll(() => table.getByRole('row').count()).toBe(51);
    await ctx.close();
  });

  it('says "No transaction yet" for an app the server has but no payment reached', async () => {
    const { ctx, page } = await signedIn();
    const [id] = await registerAppsViaSync(page, ['Quiet Corner Shop']);
    const asked = page.waitForResponse((r) => r.url().endsWith(`/api/apps/${id}/overview?days=30`));
    await page.goto(`/apps/${id}`);
    expect((await asked).status()).toBe(200);
    await page.getByText('No transaction yet', { exact: true }).waitFor();
    expect(await page.locator('dt:text-is("Total transactions")').count()).toBe(0);
    expect(await page.locator('.daily-chart').count()).toBe(0);
    await ctx.close();
  });
});
