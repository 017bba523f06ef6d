import type { Account, HistoryPage, Overview } from '@kspay/shared';
import { localDay } from '@kspay/shared/time-zone';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './harness/browser';
import { getJson, useDemoStack } from './harness/demo';
import { merchant, signIn, signUp } from './harness/fixture';
import { shoot } from './harness/shots';

/**
 * The merchant's own time zone, in a browser that runs in Asia/Kolkata (+05:30) against the
 * demo's data: sign-up takes the browser's zone, Profile changes it, and the history's date
 * filter cuts at Kolkata's midnights. Also the honest overview: "Today so far" and the banner
 * of a disabled app. `E2E_SHOTS=<dir>` also saves screenshots at 1280×800 and 390×844.
 */
const ZONE = 'Asia/Kolkata';
const KOLKATA = ['Asia/Kolkata', 'Asia/Calcutta'];
const SEEDED = 150;

/** "2 Dec, 10:41" in `timeZone`: how the console writes a time of this year. */
const short = (at: string, timeZone: string) =>
  new Date(at).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone
  });

/** Each `<time>`'s instant and the text it shows. */
const timesIn = (times: Locator) =>
  times.evaluateAll((els) =>
    els.map((e) => ({ at: e.getAttribute('datetime') ?? '', text: e.textContent.trim() }))
  );

describe.skipIf(!hasChromium)('the merchant time zone (browser in Asia/Kolkata)', () => {
  const { stack, demo } = useDemoStack({ transactions: SEEDED, days: 60 });

  const kolkata = (): Promise<BrowserContext> =>
    stack.browser.newContext({
      baseURL: stack.server.origin,
      viewport: { width: 1280, height: 800 },
      timezoneId: ZONE
    });

  /** Picks a zone in Profile's searchable picker and saves it. */
  async function saveZone(page: Page, search: string, option: RegExp) {
    await page.goto('/profile');
    await page.getByRole('heading', { name: 'Profile', level: 1 }).waitFor();
    const picker = page.getByRole('combobox', { name: 'Time zone' });
    await picker.fill(search);
    await page.getByRole('option', { name: option }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Time zone saved').waitFor();
  }

  it("signs up in the browser's zone and changes it on the Profile page", async () => {
    const ctx = await kolkata();
    const page = await ctx.newPage();
    await signUp(page, merchant('tz'));
    expect(KOLKATA).toContain((await getJson<Account>(page, '/api/account')).timeZone);

    await page.goto('/profile');
    const picker = page.getByRole('combobox', { name: 'Time zone' });
    await expect
      .poll(() => picker.inputValue())
      .toMatch(/^Asia\/(Kolkata|Calcutta) \(UTC\+05:30\)$/);
    await shoot(page, 'profile');
    await saveZone(page, 'kathmandu', /Kathmandu|Katmandu/);
    expect((await getJson<Account>(page, '/api/account')).timeZone).toMatch(/^Asia\/Kat(h)?mandu$/);
    await page.reload();
    await expect.poll(() => picker.inputValue()).toContain('+05:45');
    await ctx.close();
  });

  it('filters the demo history on Kolkata days: every row falls on the chosen local days', async () => {
    const ctx = await kolkata();
    const page = await ctx.newPage();
    expect(await signIn(page, demo.email, demo.password)).toBe(200);
    await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
    await saveZone(page, 'kolkata', /Kolkata|Calcutta/);
    const zone = (await getJson<Account>(page, '/api/account')).timeZone;

    const app = demo.apps[0]!;
    const o: Overview = await getJson(page, `/api/apps/${app.id}/overview`);
    expect(o.today.day).toBe(localDay(o.asOf, ZONE));
    const busy = [...o.series].filter((d) => d.count > 0).slice(-3);
    const from = busy[0]!.day;
    const to = busy.at(-1)!.day;
    const expected = o.series
      .filter((d) => d.day >= from && d.day <= to)
      .reduce((s, d) => s + d.count, 0);

    await page.goto(`/apps/${app.id}/transactions`);
    const table = page.getByRole('region', { name: 'Transactions' });
    await table.getByRole('row').nth(1).waitFor();
    await page.getByLabel('From').fill(from);
    await page.getByLabel('To').fill(to);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('to')).toBe(to);
    await table.getByRole('row').nth(1).waitFor();

    // What the page shows: every row's creation time is on a chosen Kolkata day.
    const shown = await table
      .locator('time[datetime]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('datetime') ?? ''));
    expect(shown.length).toBeGreaterThan(0);
    for (const at of shown)
      expect([from <= localDay(at, ZONE), localDay(at, ZONE) <= to]).toEqual([true, true]);

    // Everything the filter matches, paged through the API, is the chart's count for those days.
    const q = new URLSearchParams({ from, to, limit: '100' });
    const page1: HistoryPage = await getJson(page, `/api/apps/${app.id}/transactions?${q}`);
    const days = page1.transactions.map((t) => localDay(t.createdAt, zone));
    expect(days.every((d) => d >= from && d <= to)).toBe(true);
    expect(page1.transactions.length).toBe(Math.min(expected, 100));

    // The CSV: local times with Kolkata's offset.
    const csv = await page.request.get(
      `/api/apps/${app.id}/transactions.csv?from=${from}&to=${to}`
    );
    const lines = (await csv.text())
      .split('\r\n')
      .filter((l) => l !== '')
      .slice(1);
    expect(lines).toHaveLength(expected);
    for (const line of lines)
      expect(line.split(',')[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30$/);
    await ctx.close();
  });

  it('compares "Today so far" with yesterday by the same time, and says so', async () => {
    const ctx = await kolkata();
    const page = await ctx.newPage();
    expect(await signIn(page, demo.email, demo.password)).toBe(200);
    const app = demo.apps[0]!;
    await page.goto(`/apps/${app.id}`);
    const term = page.locator('dt:text-is("Today so far")');
    await term.waitFor();
    const card = term.locator('..');
    await expect
      .poll(() => card.innerText())
      .toMatch(/since midnight \(Asia\/(Kolkata|Calcutta)\)/);
    expect(await card.innerText()).toMatch(/yesterday by \d{1,2}:\d{2}/);
    const total = page.locator('dt:text-is("Total transactions")').locator('..');
    expect(await total.innerText()).toContain('All time');
    expect(await total.innerText()).toMatch(/Last 30 days: [\d,]+/);
    await page.locator('.daily-chart canvas').first().waitFor();
    await shoot(page, 'overview');
    await ctx.close();
  });

  it('shows a disabled app a banner whose "Enable App" enables it again', async () => {
    const ctx = await kolkata();
    const page = await ctx.newPage();
    expect(await signIn(page, demo.email, demo.password)).toBe(200);
    const app = demo.apps[1]!;
    await page.goto(`/apps/${app.id}`);
    await page.locator('dt:text-is("Total transactions")').waitFor();
    await page.getByRole('button', { name: 'Disable App' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Disable App' }).click();
    const banner = page.getByRole('region', { name: 'App disabled' });
    await banner.getByText('This app is disabled: its keys and payments are refused').waitFor();
    await shoot(page, 'overview-disabled');
    await banner.getByRole('button', { name: 'Enable App' }).click();
    await banner.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Disable App' }).waitFor();
    await ctx.close();
  });

  it("shows every time in the account's zone, not the browser's, also offline after a reload", async () => {
    // The browser in New York, the account in Kathmandu: 10 h 45 min apart.
    const ctx = await stack.browser.newContext({
      baseURL: stack.server.origin,
      viewport: { width: 1280, height: 800 },
      timezoneId: 'America/New_York'
    });
    const page = await ctx.newPage();
    expect(await signIn(page, demo.email, demo.password)).toBe(200);
    await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
    await saveZone(page, 'kathmandu', /Kathmandu|Katmandu/);
    const zone = (await getJson<Account>(page, '/api/account')).timeZone;

    // Active sessions, on the same page: 24-hour times in Kathmandu, not New York's "9:41 PM".
    const sessions = page.getByRole('region', { name: 'Active sessions', exact: true });
    await expect
      .poll(async () => {
        const listed = await timesIn(sessions.locator('time[datetime]'));
        return listed.length > 0 && listed.every((t) => t.text === short(t.at, zone));
      })
      .toBe(true);

    // Choosing the zone already chosen keeps it: nothing to save.
    const picker = page.getByRole('combobox', { name: 'Time zone' });
    await picker.locator('..').getByRole('button', { name: 'Show the list' }).click();
    await page.getByRole('option', { name: /Kathmandu|Katmandu/ }).click();
    await expect.poll(() => picker.inputValue()).toContain('+05:45');
    expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);

    await shoot(page, 'profile-kathmandu');
    const app = demo.apps[0]!;
    await page.goto(`/apps/${app.id}`);
    // App details name their times as the merchant's books do: "8 Oct 2026, 01:23".
    const created = page.locator('dt:text-is("Created")').locator('..').locator('dd');
    await expect.poll(() => created.innerText()).toMatch(/^\d{1,2} \w{3} \d{4}, \d\d:\d\d$/);
    await page.locator('.daily-chart canvas').first().waitFor();
    await shoot(page, 'overview-kathmandu');

    await page.goto(`/apps/${app.id}/transactions`);
    const table = page.getByRole('region', { name: 'Transactions' });
    await table.getByRole('row').nth(1).waitFor();
    const times = () => timesIn(table.locator('tbody time[datetime]'));
    await page.getByText(/^Times in Asia\/Kat(h)?mandu$/).waitFor();
    const online = await times();
    expect(online.length).toBeGreaterThan(0);
    for (const t of online) {
      expect(t.text).toBe(short(t.at, zone));
      expect(t.text).not.toBe(short(t.at, 'America/New_York'));
    }
    await shoot(page, 'transactions-kathmandu');

    // The detail panel: the full time with Kathmandu's offset, each timeline step its own.
    await table.locator('tbody tr').first().getByRole('button').click();
    const dialog = page.getByRole('dialog', { name: 'Transaction details' });
    await dialog.getByText('Status timeline').waitFor();
    const stamps = await dialog.locator('time').allInnerTexts();
    expect(stamps.length).toBeGreaterThan(0);
    for (const stamp of stamps) expect(stamp).toContain('GMT+5:45');
    await shoot(page, 'transaction-details-kathmandu', false);
    await page.keyboard.press('Escape');

    // Offline, reloaded: the account's zone comes from this device, not from memory.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await ctx.setOffline(true);
    await page.reload();
    await table.getByRole('row').nth(1).waitFor();
    await page.getByText(/Showing data as of/).waitFor();
    expect(await times()).toEqual(online);
    await ctx.setOffline(false);
    await ctx.close();
  });
});
