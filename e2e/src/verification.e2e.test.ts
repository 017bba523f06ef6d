import { describe, expect, it } from 'vitest';
import { hasChromium } from './harness/browser';
import {
  mailTo,
  merchant,
  signIn,
  submitSignUp,
  useStack,
  verificationLink
} from './harness/fixture';
import { shoot } from './harness/shots';
import { registerAppsViaSync } from './harness/sync-api';

/** Issue 14, part 1: a new account proves its email before it can generate API keys. */
describe.skipIf(!hasChromium)('email verification', () => {
  const stack = useStack();

  it('signs up, says "Check your email", and the link from the mail lands on "Your Apps"', async () => {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    const m = merchant('verify');
    await submitSignUp(page, m);
    await page
      .getByRole('status')
      .filter({ hasText: `We sent a link to ${m.email}` })
      .waitFor();
    await shoot(page, 'sign-up-check-email');
    // Nobody is signed in by the form itself.
    const session = await page.evaluate(() => fetch('/api/auth/session').then((r) => r.status));
    expect(session).toBe(401);

    const link = await verificationLink(page, m.email);
    expect(new URL(link).pathname).toBe('/verify-email');
    await page.goto(link);
    await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
    // The token left the address bar at once.
    expect(page.url()).not.toContain('token');
    expect(await page.getByRole('region', { name: 'Email not verified' }).count()).toBe(0);

    // A used link says so in a second browser.
    const other = await (await stack.context()).newPage();
    await other.goto(link);
    await other.getByRole('heading', { name: 'This link no longer works' }).waitFor();
    await ctx.close();
    await other.context().close();
  });

  it('an unverified sign-in sees the banner, "Resend email" works, and keys wait for the link', async () => {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    const m = merchant('unverified');
    await submitSignUp(page, m);
    // Signing in with the password (as on another device) works before verifying.
    expect(await signIn(page, m.email, m.password)).toBe(200);
    await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
    const banner = page.getByRole('region', { name: 'Email not verified' });
    await banner.getByText('Verify your email to generate API keys').waitFor();
    await shoot(page, 'dashboard-unverified');

    const before = stack.smtp.inbox.filter((x) => x.to.includes(m.email)).length;
    await banner.getByRole('button', { name: 'Resend email' }).click();
    await banner.getByRole('status').getByText(`We sent a new link to ${m.email}`).waitFor();
    await expect
      .poll(() => stack.smtp.inbox.filter((x) => x.to.includes(m.email)).length)
      .toBe(before + 1);
    await shoot(page, 'dashboard-resent');

    // An app registers fine; its key generation is refused by the server.
    const name = 'Unverified Tea House';
    const appId = (await registerAppsViaSync(page, [name])).join();
    await page.goto(`/apps/${appId}/settings`);
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Email not verified' }).waitFor();
    await page.getByRole('button', { name: 'Generate API Key' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Generate Key' }).click();
    await page.getByText('Verify your email to generate API keys').last().waitFor();
    await shoot(page, 'settings-unverified');
    expect(await page.getByLabel('Secret API Key').count()).toBe(0);

    // The newest link (the resent one) verifies; then "Generate API Key" works.
    const mail = await mailTo(stack.smtp, m.email, 'Verify your email');
    const link = /https?:\/\/\S+\/verify-email#token=[A-Za-z0-9_-]+/.exec(mail.text)![0];
    await page.goto(link);
    await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
    expect(await page.getByRole('region', { name: 'Email not verified' }).count()).toBe(0);
    await page.goto(`/apps/${appId}/settings`);
    await page.getByRole('button', { name: 'Generate API Key' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Generate Key' }).click();
    await page.getByLabel('Secret API Key').waitFor();
    await ctx.close();
  });
});
