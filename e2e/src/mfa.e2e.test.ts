import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './harness/browser';
import { merchant, pressSignOut, signIn, signUp, useStack } from './harness/fixture';
import { shoot } from './harness/shots';

/** The code an authenticator app would show, `offsetSteps` 30-second steps from now. */
function codeFor(secret: string, offsetSteps = 0): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

/** Chromium's virtual authenticator: a platform passkey that verifies its user. */
async function virtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true
    }
  });
}

/**
 * Issue 14: two-factor sign-in with an authenticator app (codes computed from the secret the
 * page shows) and passkeys (Chromium's virtual authenticator), each ending in a real sign-in.
 */
describe.skipIf(!hasChromium)('two-factor sign-in and passkeys', () => {
  const stack = useStack();

  it('sets up an authenticator app, signs out, and signs in with a code', async () => {
    const context = await stack.context();
    const page = await context.newPage();
    const m = merchant('totp');
    await signUp(page, m);
    await page.goto('/profile');
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const secret =
      (await page.getByLabel('Setup key', { exact: true }).textContent())?.trim() ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await shoot(page, 'mfa-setup');

    await page.getByLabel('Enter the 6-digit code').fill(codeFor(secret));
    await page.getByRole('button', { name: 'Confirm' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download' }).click()
    ]);
    expect(download.suggestedFilename()).toBe('kspay-recovery-codes.txt');
    await shoot(page, 'mfa-recovery-codes');
    await page.getByRole('button', { name: 'I saved my recovery codes' }).click();
    await page.getByRole('button', { name: 'Turn off two-factor sign-in' }).waitFor();

    // Nothing of the secret stays in the browser's storage.
    const stored = await page.evaluate(() =>
      JSON.stringify({ ...localStorage, ...sessionStorage })
    );
    expect(stored).not.toContain(secret);

    await pressSignOut(page);
    expect(await signIn(page, m.email, m.password)).toBe(202);
    await page.getByLabel('Enter the 6-digit code').waitFor();
    expect((await context.cookies()).map((c) => c.name)).not.toContain('kspay_session');
    await shoot(page, 'mfa-sign-in-code');
    // The code that confirmed set-up was used: the next step's is accepted (±1 step).
    await page.getByLabel('Enter the 6-digit code').fill(codeFor(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
    await context.close();
  });

  it('adds a passkey on Profile and signs in with it alone', async () => {
    const context = await stack.context();
    const page = await context.newPage();
    await virtualAuthenticator(page);
    const m = merchant('passkey');
    await signUp(page, m);
    await page.goto('/profile');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByLabel('Passkey name').fill('Work laptop');
    await page.getByRole('button', { name: 'Create passkey' }).click();
    await page.getByRole('button', { name: 'Remove passkey Work laptop' }).waitFor();
    await shoot(page, 'mfa-passkeys');

    await pressSignOut(page);
    await page.waitForURL('**/sign-in');
    await shoot(page, 'mfa-sign-in');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
    await context.close();
  });
});
