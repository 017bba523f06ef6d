import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './harness/browser';
import { merchant, pressSignOut, signUp, useStack } from './harness/fixture';
import { shoot } from './harness/shots';
import { registerAppsViaSync } from './harness/sync-api';

/**
 * Teams in Chromium against the real server (issue 16): an Owner invites by the mailed link,
 * the invited person signs up and joins, the UI hides what their role cannot do and the
 * server refuses it anyway; a demotion refuses a change queued offline with its reason;
 * switching businesses shows each one's own replica; sign-out wipes every replica.
 */
describe.skipIf(!hasChromium)('teams', () => {
  const stack = useStack();
  type Person = ReturnType<typeof merchant>;

  /** A signed-up Owner with one app registered (pulled into their replica). */
  async function ownerWithApp(appName: string) {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    const owner = merchant('owner');
    await signUp(page, owner);
    const [appId] = await registerAppsViaSync(page, [appName]);
    await page.reload();
    await page.getByRole('link', { name: appName }).first().waitFor();
    return { ctx, page, owner, appId: appId! };
  }

  /** The Owner invites `email` as `role` from the Team page; returns the link from the mail. */
  async function invite(page: Page, email: string, role: string, shots?: string) {
    await page.getByRole('link', { name: 'Team' }).first().click();
    await page.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Invite member' }).click();
    const form = page.getByRole('dialog', { name: 'Invite member' });
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Role').selectOption({ label: role });
    if (shots) await shoot(page, `${shots}-invite-form`);
    await form.getByRole('button', { name: 'Send Invite' }).click();
    await form.waitFor({ state: 'detached' });
    await page
      .getByRole('region', { name: 'Pending invitations' })
      .getByRole('listitem')
      .filter({ hasText: email })
      .waitFor();
    const mail = await stack.smtp.waitFor(email, 'invite');
    const link = /https?:\/\/\S+\/invite#token=[A-Za-z0-9_-]{43}/.exec(mail.text)?.[0];
    if (!link) throw new Error(`no invitation link in ${mail.text}`);
    expect(link).not.toContain('?');
    return link;
  }

  /** The invited person, without an account, opens the link in their own browser and joins. */
  async function joinAsNewAccount(link: string, person: Person, shots?: string) {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    await page.goto(link);
    await page.getByRole('heading', { name: /^Join / }).waitFor();
    // The token is read from the fragment and leaves the address bar at once.
    expect(page.url()).not.toContain('token');
    await page.getByLabel('Full Name').fill(person.name);
    await page.getByLabel('Enter Password', { exact: true }).fill(person.password);
    if (shots) await shoot(page, `${shots}-invite-page`);
    await page.getByRole('button', { name: 'Create Account and Join' }).click();
    await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
    return { ctx, page };
  }

  const kspayDatabases = (page: Page) =>
    page.evaluate(async () =>
      (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith('kspay-'))
    );

  async function openSettings(page: Page, appName: string) {
    await page.getByRole('link', { name: appName }).first().click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  }

  it('the Owner invites a Developer who signs up by the mailed link: public keys, no key actions, and the server refuses a forced one', async () => {
    const { ctx, page, appId } = await ownerWithApp('Masala Online');
    await openSettings(page, 'Masala Online');
    await page.getByRole('button', { name: 'Generate API Key' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Generate Key' }).click();
    const publicKey = await page.getByLabel('Public API Key').inputValue();
    await page.getByLabel('I have stored the secret key safely').check();
    await page.getByRole('button', { name: 'Done' }).click();

    const dev = merchant('developer');
    const link = await invite(page, dev.email, 'Developer', 'teams');
    await shoot(page, 'teams-team-page');

    const joined = await joinAsNewAccount(link, dev, 'teams');
    const devPage = joined.page;
    await devPage.getByRole('link', { name: 'Masala Online' }).first().waitFor();
    await openSettings(devPage, 'Masala Online');
    await devPage.getByText(publicKey).waitFor();
    await devPage.getByText('Your role (Developer) can see public keys').waitFor();
    for (const name of ['Generate API Key', 'Regenerate Key', 'Disable']) {
      expect(await devPage.getByRole('button', { name, exact: true }).count()).toBe(0);
    }
    await shoot(devPage, 'teams-developer-keys');

    // What the page hides, the server refuses: a request made by hand from the page.
    const forced = await devPage.evaluate(async (id) => {
      const res = await fetch(`/api/apps/${id}/keys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mode: 'test' })
      });
      return { status: res.status, body: await res.text() };
    }, appId);
    expect(forced.status).toBe(403);
    expect(forced.body).toContain('forbidden_role');

    // The Owner's Team page, opened again, lists the new member with their role.
    await page.getByRole('link', { name: 'Team' }).first().click();
    await page.reload();
    const row = page.getByRole('row').filter({ hasText: dev.email });
    await row.getByText('Developer', { exact: true }).waitFor();
    await Promise.all([ctx.close(), joined.ctx.close()]);
  }, 180_000);

  it("switching businesses shows each one's own apps; sign-out wipes the replica of every business", async () => {
    const { ctx, page, owner } = await ownerWithApp('Kulfi Corner');
    const member = merchant('member');
    const link = await invite(page, member.email, 'Viewer');
    const joined = await joinAsNewAccount(link, member);
    const mp = joined.page;
    await mp.getByRole('link', { name: 'Kulfi Corner' }).first().waitFor();
    // A Viewer reads the apps but is offered no way to add one.
    await mp.getByText('Your role (Viewer) can read').waitFor();
    expect(await mp.getByRole('link', { name: 'Add App' }).count()).toBe(0);

    await mp.getByRole('button', { name: /Account menu/ }).click();
    const items = mp.getByRole('menuitemradio');
    await expect.poll(() => items.count()).toBe(2);
    await shoot(mp, 'teams-switcher', false);
    const ownBusiness = items.filter({ hasNotText: owner.name });
    await ownBusiness.click();
    await mp.getByText('You have not registered any Application yet').waitFor();
    expect(await mp.getByRole('link', { name: 'Kulfi Corner' }).count()).toBe(0);
    const [mine] = await registerAppsViaSync(mp, ['Member Own Shop']);
    expect(mine).toBeDefined();
    await mp.reload();
    await mp.getByRole('link', { name: 'Member Own Shop' }).first().waitFor();

    await mp.getByRole('button', { name: /Account menu/ }).click();
    await mp.getByRole('menuitemradio').filter({ hasText: owner.name }).click();
    await mp.getByRole('link', { name: 'Kulfi Corner' }).first().waitFor();
    expect(await mp.getByRole('link', { name: 'Member Own Shop' }).count()).toBe(0);
    expect(await kspayDatabases(mp)).toHaveLength(2);

    await pressSignOut(mp);
    await mp.getByRole('button', { name: 'Sign In', exact: true }).waitFor();
    expect(await kspayDatabases(mp)).toEqual([]);
    await Promise.all([ctx.close(), joined.ctx.close()]);
  }, 180_000);

  it('a change queued offline is refused with its reason after the Owner demotes its author to Viewer, and stays listed', async () => {
    const { ctx, page } = await ownerWithApp('Dosa Express');
    const member = merchant('demoted');
    const link = await invite(page, member.email, 'Developer');
    const joined = await joinAsNewAccount(link, member);
    const mp = joined.page;
    const memberCtx: BrowserContext = joined.ctx;

    await mp.getByRole('link', { name: 'Dosa Express' }).first().click();
    // Installed first, as the app is on a device that works offline: the pages are precached.
    await mp.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await mp.reload();
    await mp.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await mp.getByRole('link', { name: 'Edit App' }).waitFor();
    await memberCtx.setOffline(true);
    await mp.getByRole('link', { name: 'Edit App' }).click();
    await mp.getByLabel('City').fill('Chennai');
    await mp.getByRole('button', { name: 'Save Changes' }).click();
    await mp.getByText('Waiting to sync.').waitFor();

    // Meanwhile, online, the Owner makes them a Viewer (the Team page opened again lists them).
    await page.getByRole('link', { name: 'Team' }).first().click();
    await page.reload();
    await page.getByRole('button', { name: `Change role of ${member.name}` }).click();
    const ask = page.getByRole('alertdialog');
    await ask.getByLabel('Role').selectOption({ label: 'Viewer' });
    await ask.getByRole('button', { name: 'Change Role' }).click();
    await page
      .getByRole('row')
      .filter({ hasText: member.email })
      .getByText('Viewer', { exact: true })
      .waitFor();

    await memberCtx.setOffline(false);
    await mp.getByRole('status', { name: 'Sync status' }).getByRole('button').click();
    const details = mp.getByRole('dialog', { name: 'Sync details' });
    const refused = details
      .getByRole('listitem')
      .filter({ hasText: 'Your role no longer allows this' });
    await refused.waitFor({ timeout: 20_000 });
    await shoot(mp, 'teams-role-refusal');
    // Kept, never dropped: after a reload it is still listed with its reason.
    await mp.reload();
    await mp.getByRole('status', { name: 'Sync status' }).getByRole('button').click();
    await mp
      .getByRole('dialog', { name: 'Sync details' })
      .getByText('Your role no longer allows this')
      .waitFor();
    await Promise.all([ctx.close(), memberCtx.close()]);
  }, 180_000);

  /** Focus or visibility coming back, as when the merchant returns to the tab. */
  const returnTo = (page: Page, event: 'focus' | 'visibilitychange') =>
    page.evaluate((e) => {
      if (e === 'focus') window.dispatchEvent(new Event('focus'));
      else document.dispatchEvent(new Event('visibilitychange'));
    }, event);

  it('the Team page follows a join and a role change made elsewhere without a reload, lists who did what, and keeps both offline as of their time', async () => {
    const { ctx, page, owner } = await ownerWithApp('Idli House');
    const member = merchant('followed');
    const link = await invite(page, member.email, 'Viewer');
    const joined = await joinAsNewAccount(link, member);
    const mp = joined.page;

    // The Owner's page, left open, shows the new member once the tab is looked at again.
    await returnTo(page, 'focus');
    const ownerRow = page.getByRole('row').filter({ hasText: member.email });
    await ownerRow.getByText('Viewer', { exact: true }).waitFor();
    expect(await page.getByRole('region', { name: 'Pending invitations' }).count()).toBe(0);
    const ownerLog = page.getByRole('list', { name: 'Team activity' });
    await ownerLog
      .getByRole('listitem')
      .filter({ hasText: `${member.name} joined the team` })
      .waitFor();
    await ownerLog
      .getByRole('listitem')
      .filter({ hasText: `${owner.name} invited ${member.email}` })
      .getByText('Viewer')
      .waitFor();

    // The new Viewer reads the team and its activity, and may change nothing.
    await mp.getByRole('link', { name: 'Team' }).first().click();
    await mp.getByText('Your role (Viewer) can see the team but not change it.').waitFor();
    expect(await mp.getByRole('button', { name: 'Invite member' }).count()).toBe(0);
    expect(await mp.getByRole('button', { name: /^Change role of/ }).count()).toBe(0);

    // The Owner makes them a Developer; their open page follows when it is shown again.
    await page.getByRole('button', { name: `Change role of ${member.name}` }).click();
    const ask = page.getByRole('alertdialog');
    await ask.getByLabel('Role').selectOption({ label: 'Developer' });
    await ask.getByRole('button', { name: 'Change Role' }).click();
    await page.getByRole('row').filter({ hasText: member.email }).getByText('Developer').waitFor();
    await shoot(page, 'teams-owner');
    await returnTo(mp, 'visibilitychange');
    const ownRow = mp.getByRole('row').filter({ hasText: member.email });
    await ownRow.getByText('Developer', { exact: true }).waitFor();
    const change = mp
      .getByRole('list', { name: 'Team activity' })
      .getByRole('listitem')
      .filter({ hasText: `${owner.name} changed the role of ${member.email}` });
    await change.getByText('Viewer → Developer').waitFor();
    // The time is the account's, 24-hour, like every other page.
    expect(await change.locator('time').innerText()).toMatch(/\d{2}:\d{2}$/);
    // Their own role follows too: the account menu names the new one.
    await mp.getByRole('button', { name: /Account menu/ }).click();
    await mp
      .getByRole('menu')
      .getByText(/· Developer$/)
      .waitFor();
    await mp.keyboard.press('Escape');
    await shoot(mp, 'teams-activity');

    // Offline, the page keeps what it showed, saying from when.
    await joined.ctx.setOffline(true);
    await returnTo(mp, 'focus');
    await mp
      .getByRole('status')
      .filter({ hasText: /Showing data as of .* you are offline/ })
      .waitFor();
    await ownRow.getByText('Developer', { exact: true }).waitFor();
    await change.waitFor();
    await shoot(mp, 'teams-offline');
    await Promise.all([ctx.close(), joined.ctx.close()]);
  }, 180_000);

  it('a Viewer who opens a page by its address sees why, not a form; the company name is the business name', async () => {
    const { ctx, page, owner, appId } = await ownerWithApp('Vada Stall');
    const member = merchant('by-url');
    const link = await invite(page, member.email, 'Viewer');
    const joined = await joinAsNewAccount(link, member);
    const mp = joined.page;
    await mp.getByRole('link', { name: 'Vada Stall' }).first().waitFor();

    await mp.goto('/apps/new');
    await mp.getByRole('heading', { name: 'Register an App', level: 1 }).waitFor();
    await mp
      .getByRole('note')
      .filter({ hasText: "Viewers can't register apps. Ask an Owner or Admin." })
      .waitFor();
    expect(await mp.getByLabel('App Name').count()).toBe(0);
    expect(await mp.getByRole('button', { name: 'Add App' }).count()).toBe(0);
    expect(await mp.getByText('Your role no longer allows this').count()).toBe(0);
    await shoot(mp, 'teams-viewer-apps-new');

    await mp.goto(`/apps/${appId}/edit`);
    await mp.getByRole('heading', { name: 'Edit App', level: 1 }).waitFor();
    await mp
      .getByRole('note')
      .filter({ hasText: "Viewers can't edit apps. Ask an Owner or Admin." })
      .waitFor();
    expect(await mp.getByRole('button', { name: 'Save Changes' }).count()).toBe(0);

    await mp.goto(`/apps/${appId}/settings`);
    await mp.getByRole('tab', { name: 'Webhooks' }).click();
    await mp
      .getByText('Your role (Viewer) can see the webhook endpoints but not change them.')
      .waitFor();
    expect(await mp.getByLabel('Endpoint URL').count()).toBe(0);
    expect(await mp.getByRole('button', { name: 'Add Endpoint' }).count()).toBe(0);

    // The Owner names the company: the switcher shows that one name.
    await page.goto('/profile');
    const company = page.getByRole('region', { name: 'Company profile', exact: true });
    await expect.poll(() => company.getByLabel('Business name').inputValue()).not.toBe('');
    await company.getByLabel('Business name').fill('Vada Stall Foods Pvt Ltd');
    await page.getByRole('button', { name: 'Update company profile' }).click();
    await page.getByText('Company profile saved').waitFor();
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('menu').getByText('Vada Stall Foods Pvt Ltd · Owner').waitFor();
    await page.keyboard.press('Escape');
    // The member's switcher, asked again, lists it by the same name.
    await mp.reload();
    await mp.getByRole('button', { name: /Account menu/ }).click();
    await mp.getByRole('menuitemradio').filter({ hasText: 'Vada Stall Foods Pvt Ltd' }).waitFor();
    expect(await mp.getByRole('menuitemradio').filter({ hasText: owner.name }).count()).toBe(0);
    await Promise.all([ctx.close(), joined.ctx.close()]);
  }, 180_000);
});
