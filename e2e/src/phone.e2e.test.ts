import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './harness/browser';
import { merchant, signUp, useStack } from './harness/fixture';
import { badge, png } from './harness/png';

const PHONE = { width: 390, height: 844 };

/**
 * Text that is cut off (an ellipsis, a hidden overflow) or runs past the screen fails here:
 * the element's content fits its box, and the box lies inside the viewport.
 */
async function expectFits(locator: Locator): Promise<void> {
  await locator.waitFor();
  const box = await locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return {
      scroll: el.scrollWidth,
      client: el.clientWidth,
      left: r.left,
      right: r.right,
      width: window.innerWidth
    };
  });
  expect(box.scroll, 'content wider than its box').toBeLessThanOrEqual(box.client);
  expect(box.left).toBeGreaterThanOrEqual(0);
  expect(box.right).toBeLessThanOrEqual(box.width);
}

/** Nothing on the page scrolls sideways. */
async function expectNoSideways(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({
    doc: document.documentElement.scrollWidth,
    view: window.innerWidth
  }));
  expect(widths.doc).toBeLessThanOrEqual(widths.view);
}

async function pickCountry(page: Page, name: string) {
  await page.getByRole('combobox', { name: 'Country', exact: true }).fill(name.slice(0, 4));
  await page.getByRole('option', { name, exact: true }).click();
}

/** Issue 15: a merchant's day on a phone that fits (390×844). */
describe.skipIf(!hasChromium)('the console on a phone', () => {
  const stack = useStack();

  async function phoneMerchant() {
    const ctx = await stack.browser.newContext({
      baseURL: stack.server.origin,
      viewport: PHONE,
      isMobile: true,
      hasTouch: true
    });
    const page = await ctx.newPage();
    const m = { ...merchant('phone'), name: 'Lakshmi Venkataraman Subramaniam Iyer' };
    await signUp(page, m);
    return { ctx, page, m };
  }

  it('registers an app offline with a named logo, a phone code from Country and a readable state; nothing is clipped', async () => {
    const { ctx, page } = await phoneMerchant();
    await page.getByRole('link', { name: 'Add App' }).click();
    await page.getByRole('heading', { name: 'Register an App' }).waitFor();

    const fileName = 'chai-point-koramangala-storefront-logo-final-version.png';
    await page.getByLabel('Upload your app logo').setInputFiles({
      name: fileName,
      mimeType: 'image/png',
      buffer: png(64, 64, badge(64))
    });
    await page.getByAltText('Logo preview').waitFor();
    await expectFits(page.getByText(fileName, { exact: true }));
    await page.getByText('Change File').waitFor();

    await page.getByLabel('App Name').fill('Chai Point Koramangala Fourth Block Outlet');
    await page.getByLabel('Email').fill('pay@chaipoint.example');
    await page.getByLabel('Address').fill('12 80 Feet Road');
    await pickCountry(page, 'India');
    // The phone's code follows the chosen Country, and is searchable like it.
    const code = page.getByRole('combobox', { name: 'Country code' });
    await expect.poll(() => code.inputValue()).toBe('IN +91');
    await expectFits(code);
    await code.fill('44');
    await page.getByRole('option', { name: 'United Kingdom (+44)' }).waitFor();
    await page.keyboard.press('Escape');
    expect(await code.inputValue()).toBe('IN +91');

    await page.getByRole('combobox', { name: 'State', exact: true }).fill('Karn');
    await page.getByRole('option', { name: 'Karnataka', exact: true }).click();
    // Choosing the Country already chosen keeps it (and the State that belongs to it).
    const country = page.getByRole('combobox', { name: 'Country', exact: true });
    await country.locator('..').getByRole('button', { name: 'Show the list' }).click();
    await page.getByRole('option', { name: 'India', exact: true }).click();
    await page.getByRole('option', { name: 'India', exact: true }).waitFor({ state: 'detached' });
    expect(await country.inputValue()).toBe('India');
    expect(await page.getByRole('combobox', { name: 'State', exact: true }).inputValue()).toBe(
      'Karnataka'
    );
    await page.getByLabel('Phone Number').fill('98765 43210');
    await page.getByLabel('City').fill('Bengaluru');
    await page.getByLabel('Zip Code/Postal Code').fill('560034');
    await expectNoSideways(page);

    await ctx.setOffline(true);
    await page.getByRole('button', { name: 'Add App' }).click();
    await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
    const row = page
      .getByRole('row')
      .filter({ hasText: 'Chai Point Koramangala Fourth Block Outlet' });
    await expectFits(row.getByText('Waiting to sync'));
    await expectFits(row.getByRole('link', { name: /Chai Point Koramangala/ }));
    await expectFits(page.getByRole('status', { name: 'Sync status' }));
    await expectNoSideways(page);

    await ctx.setOffline(false);
    await expect.poll(() => row.getByText('Waiting to sync').count()).toBe(0);
    await row.getByRole('link', { name: /Chai Point Koramangala/ }).click();
    await page.getByText('Karnataka', { exact: true }).waitFor();
    await expectNoSideways(page);
    await ctx.close();
  });

  it('online, "Add App" opens the new app with a toast below the header', async () => {
    const { ctx, page } = await phoneMerchant();
    await page.getByRole('link', { name: 'Add App' }).click();
    await page.getByLabel('App Name').fill('Filter Kaapi House');
    await page.getByLabel('Email').fill('pay@kaapi.example');
    await page.getByLabel('Address').fill('3 Church Street');
    await pickCountry(page, 'India');
    await page.getByRole('combobox', { name: 'State', exact: true }).fill('Karn');
    await page.getByRole('option', { name: 'Karnataka', exact: true }).click();
    await page.getByLabel('Zip Code/Postal Code').fill('560001');
    await page.getByRole('button', { name: 'Add App' }).click();

    await page.getByRole('heading', { name: 'Filter Kaapi House', level: 1 }).waitFor();
    expect(page.url()).toMatch(/\/apps\/ap_\w+$/);
    const toast = page.getByText('App registered');
    await toast.waitFor();
    const header = await page.locator('header').boundingBox();
    const status = await page.getByRole('status', { name: 'Sync status' }).boundingBox();
    const shown = await toast.boundingBox();
    expect(header && status && shown).toBeTruthy();
    // The toast starts below the header: the sync status stays readable.
    expect(shown!.y).toBeGreaterThanOrEqual(header!.y + header!.height);
    expect(shown!.y).toBeGreaterThanOrEqual(status!.y + status!.height);
    await ctx.close();
  });

  it("the header's account menu shows the whole name, links to Profile and signs out", async () => {
    const { ctx, page, m } = await phoneMerchant();
    const account = page.getByRole('button', { name: /Account menu/ });
    await expectFits(account);
    await expectFits(page.getByRole('status', { name: 'Sync status' }));
    await account.click();
    const menu = page.getByRole('menu');
    await expectFits(menu.getByText(m.name, { exact: true }));
    await expectFits(menu.getByText(m.email, { exact: true }));
    const profile = menu.getByRole('menuitem', { name: 'Profile' });
    expect(await profile.getAttribute('href')).toBe('/profile');
    await expectFits(menu);
    await menu.getByRole('menuitem', { name: 'Sign Out' }).click();
    await page.getByRole('button', { name: 'Sign In', exact: true }).waitFor();
    await page.goto('/');
    await page.waitForURL(/\/sign-in/);
    await ctx.close();
  });
});
