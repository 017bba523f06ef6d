import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './harness/browser';
import { merchant, signUp, useStack } from './harness/fixture';
import { registerAppsViaSync } from './harness/sync-api';

type Watched = Window & { cspViolations?: string[] };

/** Every CSP violation the page reports, from before its first script runs. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const w = window as Watched;
      w.cspViolations = [...(w.cspViolations ?? []), `${e.violatedDirective} ${e.blockedURI}`];
    });
  });
  return () => page.evaluate(() => (window as Watched).cspViolations ?? []);
}

/**
 * The built app under the server's Content-Security-Policy: scripts only from the origin and the
 * inline bootstrap by hash. If a script the app needs were blocked, nothing would render.
 */
describe.skipIf(!hasChromium)('Content-Security-Policy in Chromium', () => {
  const stack = useStack();

  it("runs the app with no 'unsafe-inline' script and reports no violation", async () => {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    const refused: string[] = [];
    page.on('console', (msg) => {
      if (/content security policy/i.test(msg.text())) refused.push(msg.text());
    });
    const violations = await watchViolations(page);

    const doc = await page.goto('/sign-up');
    const headers = doc?.headers() ?? {};
    const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(headers['content-security-policy'] ?? '');
    expect(scriptSrc?.[1]).toMatch(/^'self'( 'sha256-[A-Za-z0-9+/]+=*')+$/);
    // The header allows exactly the hashes SvelteKit wrote into the page's own policy.
    const meta = await page
      .locator('meta[http-equiv="content-security-policy"]')
      .getAttribute('content');
    expect(/script-src ([^;]*)/.exec(meta ?? '')?.[1]).toBe(scriptSrc?.[1]);
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['strict-transport-security']).toBeUndefined();

    // Sign-up, the dashboard, an app's settings with its tabs, a dialog and a toast: the
    // bootstrap, lazy chunks, bits-ui's positioned content and Svelte's transitions.
    const m = merchant('csp');
    await signUp(page, m);
    const [appId] = await registerAppsViaSync(page, ['Masala Csp Cafe']);
    await page.goto(`/apps/${appId}/settings`);
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Generate API Key' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Generate Key' }).click();
    await page.getByLabel('Secret API Key').waitFor();
    await page.getByRole('tab', { name: 'Domain' }).click();
    await page.getByLabel('Allowed origin').fill('https://csp.example.com');
    await page.getByRole('button', { name: 'Add Domain' }).click();
    await page.getByText('https://csp.example.com can now use the public key').waitFor();

    expect(await violations()).toEqual([]);
    expect(refused).toEqual([]);
    await ctx.close();
  });
});
