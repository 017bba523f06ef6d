import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, newContext } from './browser';
import { startServer, type ServerOptions, type TestServer } from './server';
import { startSmtp, type Smtp } from './smtp';

/**
 * One real server (with a real SMTP receiver) and one Chromium for a test file. Password hashing
 * runs at a lower cost here so a file can sign up many merchants quickly; the production cost is
 * asserted by the server's own tests.
 */
export function useStack(opts: ServerOptions = {}) {
  const stack = {} as { server: TestServer; smtp: Smtp; browser: Browser };
  beforeAll(async () => {
    stack.smtp = await startSmtp();
    stack.server = await startServer({
      ...opts,
      env: { SMTP_URL: stack.smtp.url, PASSWORD_HASH_LN: '12', ...opts.env }
    });
    stack.browser = await launchBrowser();
  });
  afterAll(async () => {
    await stack.browser?.close();
    await stack.server?.stop();
    await stack.smtp?.close();
  });
  return {
    get server() {
      return stack.server;
    },
    get smtp() {
      return stack.smtp;
    },
    get browser() {
      return stack.browser;
    },
    context: (): Promise<BrowserContext> => newContext(stack.browser, stack.server.origin)
  };
}

let counter = 0;
/** A unique merchant for one test. */
export function merchant(prefix = 'merchant') {
  counter += 1;
  const id = `${prefix}-${Date.now().toString(36)}-${counter}`;
  return { name: `Asha ${id}`, email: `${id}@example.com`, password: `correct horse ${id}` };
}

export async function signUp(page: Page, m: ReturnType<typeof merchant>): Promise<void> {
  await page.goto('/sign-up');
  await page.getByLabel('Full Name').fill(m.name);
  await page.getByLabel('Enter Your Email').fill(m.email);
  await page.getByLabel('Enter Password', { exact: true }).fill(m.password);
  await page.getByRole('button', { name: 'Create Account' }).click();
  await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
}

/** Signs in through the form and returns the HTTP status the server answered. */
export async function signIn(page: Page, email: string, password: string): Promise<number> {
  // A page that is signing out is on its way to /sign-in: let it arrive (navigating away would
  // abort the sign-out). Anywhere else, go there.
  if (!page.url().endsWith('/sign-in')) {
    await page.waitForURL('**/sign-in', { timeout: 5_000 }).catch(() => page.goto('/sign-in'));
  }
  await page.getByRole('button', { name: 'Sign In', exact: true }).waitFor();
  await page.getByLabel('Enter Your Email').fill(email);
  await page.getByLabel('Enter Password', { exact: true }).fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/auth/sign-in')),
    page.getByRole('button', { name: 'Sign In', exact: true }).click()
  ]);
  return response.status();
}

/** Presses Sign Out in the header's account menu (the merchant's own way out, on any screen). */
export async function pressSignOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: /Account menu/ }).click();
  await page.getByRole('menuitem', { name: 'Sign Out' }).click();
}
