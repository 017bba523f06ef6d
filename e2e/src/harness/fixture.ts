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
    inboxes.set(stack.server.origin, stack.smtp);
    stack.browser = await launchBrowser();
  });
  afterAll(async () => {
    if (stack.server) inboxes.delete(stack.server.origin);
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

/** Each running stack's mail, by the origin its pages are on (`signUp` reads its link there). */
const inboxes = new Map<string, Smtp>();

/** The newest mail to `to` with `subject`, waiting for it to arrive. */
export async function mailTo(smtp: Smtp, to: string, subject: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = smtp.inbox.filter((m) => m.to.includes(to) && m.subject === subject).at(-1);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no "${subject}" mail to ${to} in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The "Verify your email" link mailed to `email` by the stack serving `page`. */
export async function verificationLink(page: Page, email: string): Promise<string> {
  const smtp = inboxes.get(new URL(page.url()).origin);
  if (!smtp) throw new Error(`no stack serves ${page.url()}`);
  const mail = await mailTo(smtp, email, 'Verify your email');
  const link = /https?:\/\/\S+\/verify-email#token=[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
  if (!link) throw new Error(`no verification link in the mail to ${email}`);
  return link;
}

let counter = 0;
/** A unique merchant for one test. */
export function merchant(prefix = 'merchant') {
  counter += 1;
  const id = `${prefix}-${Date.now().toString(36)}-${counter}`;
  return { name: `Asha ${id}`, email: `${id}@example.com`, password: `correct horse ${id}` };
}

/** Fills and sends the sign-up form; it answers "Check your email" (nobody is signed in yet). */
export async function submitSignUp(page: Page, m: ReturnType<typeof merchant>): Promise<void> {
  await page.goto('/sign-up');
  await page.getByLabel('Full Name').fill(m.name);
  await page.getByLabel('Enter Your Email').fill(m.email);
  await page.getByLabel('Enter Password', { exact: true }).fill(m.password);
  await page.getByRole('button', { name: 'Create Account' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
}

/** A new merchant signed in on "Your Apps": the form, then the link from the stack's mail. */
export async function signUp(page: Page, m: ReturnType<typeof merchant>): Promise<void> {
  await submitSignUp(page, m);
  // As the merchant does: open the link from the mail, which verifies and signs in.
  await page.goto(await verificationLink(page, m.email));
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
