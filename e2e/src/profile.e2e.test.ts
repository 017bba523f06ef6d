import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './harness/browser';
import { merchant, signIn, signUp, useStack } from './harness/fixture';
import { shoot } from './harness/shots';

/**
 * The Profile page: name, change of address by the link mailed to the new inbox, change
 * password (signs out the other browser, keeps this one), active sessions and the company
 * profile. `E2E_SHOTS=<dir>` also saves the page at 1280×800 and 390×844.
 */
async function openProfile(page: Page) {
  await page.goto('/profile');
  await page.getByRole('heading', { name: 'Profile', level: 1 }).waitFor();
}

const section = (page: Page, name: string) => page.getByRole('region', { name, exact: true });

describe.skipIf(!hasChromium)('the Profile page', () => {
  const stack = useStack({ env: { RATE_LIMIT_SIGNIN_IP: '1000' } });

  /** The merchant signed up in browser A and signed in, as well, in browser B. */
  async function twoBrowsers(m: ReturnType<typeof merchant>) {
    const a = await stack.context();
    const pageA = await a.newPage();
    await signUp(pageA, m);
    const b = await stack.context();
    const pageB = await b.newPage();
    expect(await signIn(pageB, m.email, m.password)).toBe(200);
    await pageB.getByRole('heading', { name: 'Your Apps' }).waitFor();
    return { a, pageA, b, pageB };
  }

  it('changes the name, and keeps it after a reload', async () => {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    await signUp(page, merchant('name'));
    await openProfile(page);
    const name = section(page, 'Name').getByLabel('Full Name');
    await name.fill('Asha Rao Traders');
    await page.getByRole('button', { name: 'Update name' }).click();
    await page.getByText('Name saved').waitFor();
    await page.reload();
    await expect.poll(() => name.inputValue()).toBe('Asha Rao Traders');
    await ctx.close();
  });

  it('changes the email only when the link mailed to the new address is opened', async () => {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    const m = merchant('email');
    await signUp(page, m);
    await openProfile(page);
    const next = m.email.replace('@example.com', '@moved.example.org');
    await page.getByRole('button', { name: 'Change email' }).click();
    await page.getByLabel('New email').fill(next);
    await page.getByRole('button', { name: 'Send confirmation link' }).click();
    await page.getByText('Check the new inbox').waitFor();
    const notice = await stack.smtp.waitFor(m.email, next);
    expect(notice.text).toContain(next);
    const mail = await stack.smtp.waitFor(next, '/confirm-email#token=');
    const link = /(http\S+\/confirm-email#token=[A-Za-z0-9_-]{43})/.exec(mail.text)?.[1] ?? '';
    expect(link).not.toBe('');

    await page.goto(link);
    // The token leaves the address bar at once.
    await expect.poll(() => page.url()).not.toContain('token');
    await page.getByRole('button', { name: 'Confirm email address' }).click();
    await page.getByRole('heading', { name: 'Email address changed' }).waitFor();
    await page.getByRole('link', { name: 'Back to your Profile' }).click();
    await section(page, 'Email').getByText(next).waitFor();
    await ctx.close();
  });

  it('change password in browser A signs out browser B; A stays signed in', async () => {
    const m = merchant('password');
    const { a, pageA, b, pageB } = await twoBrowsers(m);

    await openProfile(pageA);
    await pageA.getByLabel('Current password', { exact: true }).fill(m.password);
    await pageA.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await pageA.getByRole('button', { name: 'Change password' }).click();
    await pageA.getByText('Password changed. Signed out 1 other session.').waitFor();

    // B's next request is refused: it lands on the sign-in page.
    await pageB.goto('/profile');
    await pageB.getByRole('button', { name: 'Sign In', exact: true }).waitFor();
    // A stays signed in.
    await pageA.reload();
    await pageA.getByRole('heading', { name: 'Profile', level: 1 }).waitFor();
    expect(await signIn(pageB, m.email, 'a brand new passphrase')).toBe(200);
    await a.close();
    await b.close();
  });

  it('lists two devices under Active sessions, and "Sign out" ends the other one', async () => {
    const m = merchant('sessions');
    const { a, pageA, b, pageB } = await twoBrowsers(m);

    await openProfile(pageA);
    const sessions = section(pageA, 'Active sessions').getByRole('listitem');
    await expect.poll(() => sessions.count()).toBe(2);
    expect(await sessions.filter({ hasText: 'This device' }).count()).toBe(1);
    await expect.poll(() => sessions.first().textContent()).toContain('Chrome on Linux');
    await shoot(pageA, 'profile');

    await sessions
      .filter({ hasNotText: 'This device' })
      .getByRole('button', { name: 'Sign out', exact: true })
      .click();
    await pageA.getByText('Signed out of that session').waitFor();
    await expect.poll(() => sessions.count()).toBe(1);
    await pageA.getByText('You are signed in on this device only.').waitFor();

    await pageB.reload();
    await pageB.getByRole('button', { name: 'Sign In', exact: true }).waitFor();
    await a.close();
    await b.close();
  });

  it('"Sign out of all other sessions" keeps this one', async () => {
    const m = merchant('others');
    const { a, pageA, b, pageB } = await twoBrowsers(m);
    await openProfile(pageA);
    await pageA.getByRole('button', { name: 'Sign out of all other sessions' }).click();
    await pageA.getByText('Signed out of all other sessions').waitFor();
    await pageB.goto('/profile');
    await pageB.getByRole('button', { name: 'Sign In', exact: true }).waitFor();
    await a.close();
    await b.close();
  });

  it('saves the company profile and shows it after a reload', async () => {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    await signUp(page, merchant('company'));
    await openProfile(page);
    const company = section(page, 'Company profile');
    await company.getByLabel('Business name').fill('Asha Traders');
    await company.getByLabel('Website').fill('http://asha.example.com');
    await company.getByLabel('Address').fill('12 MG Road');
    await company.getByRole('combobox', { name: 'Country' }).fill('India');
    await page.getByRole('option', { name: 'India', exact: true }).click();
    await company.getByRole('combobox', { name: 'State' }).fill('Karna');
    await page.getByRole('option', { name: 'Karnataka' }).click();
    await company.getByLabel('City').fill('Bengaluru');
    await company.getByLabel('Postcode').fill('560001');
    await page.getByRole('button', { name: 'Update company profile' }).click();
    // An http address is refused, next to the field.
    await company.getByText('Enter an https address, like https://example.com').waitFor();
    await company.getByLabel('Website').fill('asha.example.com');
    await page.getByRole('button', { name: 'Update company profile' }).click();
    await page.getByText('Company profile saved').waitFor();

    await page.reload();
    await expect.poll(() => company.getByLabel('Business name').inputValue()).toBe('Asha Traders');
    expect(await company.getByLabel('Website').inputValue()).toBe('https://asha.example.com/');
    expect(await company.getByLabel('Postcode').inputValue()).toBe('560001');
    expect(await company.getByRole('combobox', { name: 'State' }).inputValue()).toBe('Karnataka');
    await shoot(page, 'profile-company');
    await ctx.close();
  });
});
