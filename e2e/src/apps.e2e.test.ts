import { SYNC_SCHEMA_VERSION } from '@kspay/shared';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './harness/browser';
import { merchant, pressSignOut, signIn, signUp, useStack } from './harness/fixture';
import { badge, noise, png } from './harness/png';
import { fillApp, pickCountry } from './harness/app-form';
import { businessIdOf, serverApps as pulled } from './harness/sync-api';

const logoFile = () => ({
  name: 'logo.png',
  mimeType: 'image/png',
  buffer: png(64, 64, badge(64))
});

/** Online, "Add App" opens the new app's overview with "App registered"; back to the list. */
async function backToApps(page: Page) {
  await page.waitForURL(/\/apps\/ap_\w+$/);
  await page.getByText('App registered').first().waitFor();
  await page.getByRole('link', { name: 'Your Apps' }).click();
  await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
}

/** Reads one store of the merchant's browser database, as JSON-safe summaries. */
function local(page: Page, store: 'apps' | 'drafts' | 'outbox') {
  return page.evaluate(async (store) => {
    const dbs = await indexedDB.databases();
    const name = dbs.map((d) => d.name).find((n) => n?.startsWith('kspay-'));
    if (!name) return [];
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(new Error(String(req.error)));
    });
    try {
      const rows = await new Promise<Record<string, unknown>[]>((resolve, reject) => {
        const req = db.transaction(store, 'readonly').objectStore(store).getAll();
        req.onsuccess = () => resolve(req.result as Record<string, unknown>[]);
        req.onerror = () => reject(new Error(String(req.error)));
      });
      return rows.map((r) => ({
        id: String(r.id),
        name: typeof r.name === 'string' ? r.name : undefined,
        values: r.values as Record<string, string> | undefined,
        logoBytes: (r.logo as { blob?: Blob } | null | undefined)?.blob?.size ?? null,
        pending: r.pending as boolean | undefined
      }));
    } finally {
      db.close();
    }
  }, store);
}

const kspayDatabases = (page: Page) =>
  page.evaluate(async () =>
    (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith('kspay-'))
  );

describe.skipIf(!hasChromium)('apps in Chromium', () => {
  const stack = useStack();

  /** The merchant's apps as the server has them (a pull from cursor 0, same session cookie). */
  const serverApps = (page: Page) => pulled(page, stack.server.origin);

  async function newMerchant(prefix: string) {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    const m = merchant(prefix);
    await signUp(page, m);
    return { ctx, page, m };
  }

  it('brings a half-filled form back after a reload, logo included, and lists it as a draft', async () => {
    const { ctx, page } = await newMerchant('draft');
    await page.getByRole('link', { name: 'Add App' }).click();
    await page.getByRole('heading', { name: 'Register an App' }).waitFor();
    await page.getByLabel('Upload your app logo').setInputFiles(logoFile());
    await page.getByAltText('Logo preview').waitFor();
    await page.getByLabel('App Name').fill('Half Done Shop');
    await page.getByLabel('Email').fill('half@shop.example');
    await pickCountry(page, 'India');
    await expect
      .poll(async () => (await local(page, 'drafts'))[0])
      .toMatchObject({ values: { name: 'Half Done Shop', country: 'IN' } });
    expect((await local(page, 'drafts'))[0]?.logoBytes).toBeGreaterThan(0);

    await page.reload();
    await page.getByRole('heading', { name: 'Register an App' }).waitFor();
    await expect.poll(() => page.getByLabel('App Name').inputValue()).toBe('Half Done Shop');
    expect(await page.getByLabel('Email').inputValue()).toBe('half@shop.example');
    expect(await page.getByRole('combobox', { name: 'Country', exact: true }).inputValue()).toBe(
      'India'
    );
    await page.getByAltText('Logo preview').waitFor();

    // Cancel keeps the draft; the dashboard offers it, and Continue reopens it.
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Unfinished drafts' }).waitFor();
    const item = page.getByRole('listitem').filter({ hasText: 'Half Done Shop' });
    await item.getByRole('link', { name: 'Continue' }).click();
    await expect.poll(() => page.getByLabel('App Name').inputValue()).toBe('Half Done Shop');
    await page.getByRole('link', { name: 'Your Apps' }).click();
    await page
      .getByRole('listitem')
      .filter({ hasText: 'Half Done Shop' })
      .getByRole('button', { name: 'Discard' })
      .click();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Unfinished drafts' }).count())
      .toBe(0);
    expect(await local(page, 'drafts')).toEqual([]);
    await ctx.close();
  });

  it('registers an app offline, shows it waiting, syncs it once, and another browser sees it', async () => {
    const { ctx, page, m } = await newMerchant('offline');
    await page.getByRole('link', { name: 'Add App' }).click();
    await page.getByLabel('Upload your app logo').setInputFiles(logoFile());
    await fillApp(page, { name: 'Offline Chai' });
    await ctx.setOffline(true);
    await page.getByRole('button', { name: 'Add App' }).click();

    await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
    await page.getByText('App registered').first().waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Offline Chai' });
    await row.getByText('Waiting to sync').waitFor();
    expect(await row.innerText()).toMatch(/ap_[A-Za-z0-9]{9}/);
    const status = page.getByRole('status', { name: 'Sync status' });
    await expect.poll(() => status.innerText()).toContain('Offline');
    expect(await status.innerText()).toContain('1 change waiting');

    await ctx.setOffline(false);
    await expect.poll(() => row.getByText('Waiting to sync').count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => status.innerText()).toContain('Synced');
    const onServer = (await serverApps(page)).filter((a) => a.name === 'Offline Chai');
    expect(onServer).toHaveLength(1);
    expect(await row.innerText()).toContain(onServer[0]!.id);

    // Another browser signed into the same account gets it with its first sync, logo included.
    const other = await stack.context();
    const otherPage = await other.newPage();
    expect(await signIn(otherPage, m.email, m.password)).toBe(200);
    const otherRow = otherPage.getByRole('row').filter({ hasText: 'Offline Chai' });
    await otherRow.waitFor();
    expect(await otherRow.innerText()).toContain(onServer[0]!.id);
    await otherRow.getByRole('link', { name: 'Offline Chai' }).click();
    await otherPage.getByRole('heading', { level: 1, name: 'Offline Chai' }).waitFor();
    const logo = otherPage.getByRole('img', { name: 'Offline Chai logo' });
    expect(await logo.getAttribute('src')).toMatch(/^\/api\/apps\/ap_\w+\/logo\?v=/);
    await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);
    await Promise.all([ctx.close(), other.close()]);
  });

  it('edits and disables an app offline; both changes sync', async () => {
    const { ctx, page } = await newMerchant('edit');
    await page.getByRole('link', { name: 'Add App' }).click();
    await fillApp(page, { name: 'Editable Shop' });
    await page.getByRole('button', { name: 'Add App' }).click();
    await backToApps(page);
    const row = page.getByRole('row').filter({ hasText: 'Editable Shop' });
    await row.getByText('Active').waitFor();
    await expect.poll(() => row.getByText('Waiting to sync').count()).toBe(0);

    await ctx.setOffline(true);
    await row.getByRole('link', { name: 'Editable Shop' }).click();
    await page.getByRole('link', { name: 'Edit App' }).click();
    await page.getByLabel('City').fill('Mysuru');
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.getByText('Mysuru').waitFor();
    await page.getByRole('button', { name: 'Disable App' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Disable App' }).click();
    // The header's toggle and the disabled-app banner both offer it.
    await page.getByRole('button', { name: 'Enable App' }).first().waitFor();
    await page.getByText('Waiting to sync.').waitFor();

    await ctx.setOffline(false);
    await expect
      .poll(() => page.getByText('Waiting to sync.').count(), { timeout: 20_000 })
      .toBe(0);
    const [app] = await serverApps(page);
    expect(app).toMatchObject({ name: 'Editable Shop', city: 'Mysuru', status: 'disabled' });
    await ctx.close();
  });

  it('shows a conflict when another browser changed the app meanwhile, and resolves it', async () => {
    const { ctx, page, m } = await newMerchant('conflict');
    await page.getByRole('link', { name: 'Add App' }).click();
    await fillApp(page, { name: 'Contested Shop' });
    await page.getByRole('button', { name: 'Add App' }).click();
    await backToApps(page);
    const row = page.getByRole('row').filter({ hasText: 'Contested Shop' });
    await row.getByText('Active').waitFor();
    await expect.poll(() => row.getByText('Waiting to sync').count()).toBe(0);

    const other = await stack.context();
    const otherPage = await other.newPage();
    expect(await signIn(otherPage, m.email, m.password)).toBe(200);
    await otherPage.getByRole('link', { name: 'Contested Shop' }).click();

    // This browser edits offline while the other one edits online.
    await ctx.setOffline(true);
    await row.getByRole('link', { name: 'Contested Shop' }).click();
    await page.getByRole('link', { name: 'Edit App' }).click();
    await page.getByLabel('City').fill('Mysuru');
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.getByText('Waiting to sync.').waitFor();
    await otherPage.getByRole('link', { name: 'Edit App' }).click();
    await otherPage.getByLabel('City').fill('Hubballi');
    await otherPage.getByRole('button', { name: 'Save Changes' }).click();
    await expect.poll(async () => (await serverApps(otherPage))[0]?.city).toBe('Hubballi');

    await ctx.setOffline(false);
    const notice = page.getByRole('alert').filter({ hasText: 'Conflict.' });
    await notice.waitFor({ timeout: 20_000 });
    await page.getByText('Hubballi').waitFor();
    await notice.getByRole('button', { name: 'Resolve conflict' }).click();
    const dialog = page.getByRole('dialog');
    const cityRow = dialog.getByRole('row').filter({ hasText: 'City' });
    expect(await cityRow.innerText()).toMatch(/City\s+Mysuru\s+Hubballi/);
    await dialog.getByRole('button', { name: 'Apply my change again' }).click();
    await expect
      .poll(async () => (await serverApps(page))[0]?.city, { timeout: 20_000 })
      .toBe('Mysuru');
    await expect.poll(() => notice.count()).toBe(0);
    await page.getByRole('link', { name: 'Your Apps' }).click();
    expect(await row.getByText('Conflict').count()).toBe(0);
    await Promise.all([ctx.close(), other.close()]);
  });

  it('shows why KS Pay refused an app, and lets the merchant fix and resend it', async () => {
    const { ctx, page, m } = await newMerchant('refused');
    const other = await stack.context();
    const otherPage = await other.newPage();
    expect(await signIn(otherPage, m.email, m.password)).toBe(200);

    await ctx.setOffline(true);
    await page.getByRole('link', { name: 'Add App' }).click();
    await fillApp(page, { name: 'Twin Shop' });
    await page.getByRole('button', { name: 'Add App' }).click();
    await page
      .getByRole('row')
      .filter({ hasText: 'Twin Shop' })
      .getByText('Waiting to sync')
      .waitFor();
    // Meanwhile the same name is registered from another browser.
    await otherPage.getByRole('link', { name: 'Add App' }).click();
    await fillApp(otherPage, { name: 'Twin Shop' });
    await otherPage.getByRole('button', { name: 'Add App' }).click();
    await expect.poll(async () => (await serverApps(otherPage)).length).toBe(1);

    await ctx.setOffline(false);
    const refused = page.getByRole('row').filter({ hasText: 'Not saved' });
    await refused.waitFor({ timeout: 20_000 });
    await refused.getByText('You already have an app with this name').waitFor();
    await refused.getByRole('link', { name: 'Fix and resend' }).click();
    await page.getByRole('heading', { name: 'Edit App' }).waitFor();
    await page.getByText('You already have an app with this name').waitFor();
    await page.getByLabel('App Name').fill('Twin Shop Two');
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await expect
      .poll(async () => (await serverApps(page)).map((a) => a.name).sort(), { timeout: 20_000 })
      .toEqual(['Twin Shop', 'Twin Shop Two']);
    await page.getByRole('link', { name: 'Your Apps' }).click();
    await expect.poll(() => page.getByText('Not saved').count()).toBe(0);
    await Promise.all([ctx.close(), other.close()]);
  });

  it('keeps two tabs of one browser in step', async () => {
    const { ctx, page } = await newMerchant('tabs');
    const second = await ctx.newPage();
    await second.goto('/');
    await second.getByText('You have not registered any Application yet').waitFor();

    await page.getByRole('link', { name: 'Add App' }).click();
    await fillApp(page, { name: 'Two Tab Store' });
    await page.getByRole('button', { name: 'Add App' }).click();
    await backToApps(page);
    // The other tab shows the new app without a reload (liveQuery over the shared database).
    const row = second.getByRole('row').filter({ hasText: 'Two Tab Store' });
    await row.waitFor();

    await row.getByRole('link', { name: 'Two Tab Store' }).click();
    await second.getByRole('button', { name: 'Disable App' }).click();
    await second.getByRole('alertdialog').getByRole('button', { name: 'Disable App' }).click();
    await page
      .getByRole('row')
      .filter({ hasText: 'Two Tab Store' })
      .getByText('Disabled')
      .waitFor();
    await expect.poll(async () => (await serverApps(page))[0]?.status).toBe('disabled');

    // Signing out in one tab signs the other out too: its database is gone with the first.
    await pressSignOut(page);
    await page.getByRole('button', { name: 'Sign In', exact: true }).waitFor();
    await second.getByRole('button', { name: 'Sign In', exact: true }).waitFor();
    expect(await kspayDatabases(second)).toEqual([]);
    await ctx.close();
  });

  it('warns before signing out with unsynced changes, then wipes the local database', async () => {
    const { ctx, page, m } = await newMerchant('signout');
    const [db] = await kspayDatabases(page);
    expect(db).toMatch(/^kspay-us_[A-Za-z0-9]+(-bu_[A-Za-z0-9]+)?$/);
    // The server cannot be reached for syncing: the change stays in the outbox.
    await page.route('**/api/sync/**', (route) => route.abort());
    await page.getByRole('link', { name: 'Add App' }).click();
    await fillApp(page, { name: 'Never Synced' });
    await page.getByRole('button', { name: 'Add App' }).click();
    await backToApps(page);
    await page
      .getByRole('row')
      .filter({ hasText: 'Never Synced' })
      .getByText('Waiting to sync')
      .waitFor();

    await pressSignOut(page);
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText('You have 1 change that has not synced. Sign out anyway?').waitFor();
    await dialog.getByRole('button', { name: 'Stay Signed In' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await kspayDatabases(page)).toEqual([db]);

    await pressSignOut(page);
    await dialog.getByRole('button', { name: 'Sign Out Anyway' }).click();
    await page.getByRole('button', { name: 'Sign In', exact: true }).waitFor();
    expect(await kspayDatabases(page)).toEqual([]);

    // The warning was real: the change never reached KS Pay.
    await page.unroute('**/api/sync/**');
    expect(await signIn(page, m.email, m.password)).toBe(200);
    await page.getByText('You have not registered any Application yet').waitFor();
    await ctx.close();
  });

  it('pauses sync when the session expires, keeps local work, and resumes after signing in', async () => {
    const { ctx, page, m } = await newMerchant('expired');
    await ctx.clearCookies();
    await page.getByRole('link', { name: 'Add App' }).click();
    await fillApp(page, { name: 'Written While Expired' });
    await page.getByRole('button', { name: 'Add App' }).click();
    await backToApps(page);
    const status = page.getByRole('status', { name: 'Sync status' });
    await expect.poll(() => status.innerText()).toContain('Session expired');
    await page
      .getByRole('row')
      .filter({ hasText: 'Written While Expired' })
      .getByText('Waiting to sync')
      .waitFor();

    await status.getByRole('button', { name: 'Sign in again' }).click();
    expect(await signIn(page, m.email, m.password)).toBe(200);
    const row = page.getByRole('row').filter({ hasText: 'Written While Expired' });
    await row.waitFor();
    await expect.poll(() => row.getByText('Waiting to sync').count(), { timeout: 20_000 }).toBe(0);
    expect((await serverApps(page)).map((a) => a.name)).toEqual(['Written While Expired']);
    await ctx.close();
  });

  it('offers the new version when the server says this one is outdated, keeping local work', async () => {
    const { ctx, page } = await newMerchant('outdated');
    // What the server answers a build whose sync schema it no longer accepts.
    await page.route('**/api/sync/**', (route) =>
      route.fulfill({
        status: 409,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'client_outdated', message: 'A newer version of KS Pay is available' }
        })
      })
    );
    await page.getByRole('link', { name: 'Add App' }).click();
    await fillApp(page, { name: 'Kept Locally' });
    await page.getByRole('button', { name: 'Add App' }).click();
    await backToApps(page);
    const status = page.getByRole('status', { name: 'Sync status' });
    await expect.poll(() => status.innerText()).toContain('A new version is available');
    await status.getByRole('button', { name: 'Reload' }).waitFor();
    await page
      .getByRole('row')
      .filter({ hasText: 'Kept Locally' })
      .getByText('Waiting to sync')
      .waitFor();
    await ctx.close();
  });

  it('refuses a 101 KB PNG (offering to shrink it) and a text file renamed .png', async () => {
    const { ctx, page } = await newMerchant('logo');
    await page.goto('/apps/new');
    const picker = page.getByLabel('Upload your app logo');
    await picker.setInputFiles({
      name: 'logo.png',
      mimeType: 'image/png',
      buffer: Buffer.from('just some text, not an image')
    });
    await page.getByText('This file is not a JPG or PNG image').waitFor();
    expect(await picker.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByAltText('Logo preview').count()).toBe(0);

    const big = png(180, 180, noise, 101 * 1024);
    expect(big.length).toBe(101 * 1024);
    await picker.setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: big });
    await page.getByText('This image is 101 KB. A logo can be at most 100 KB.').waitFor();
    expect(await page.getByAltText('Logo preview').count()).toBe(0);
    // Nothing refused reaches the draft.
    await fillApp(page, { name: 'Logo Shop' });
    await page.getByRole('button', { name: 'Add App' }).click();
    expect(page.url()).toContain('/apps/new');
    expect(await local(page, 'apps')).toEqual([]);

    await page.getByRole('button', { name: 'Shrink to fit' }).click();
    await page.getByAltText('Logo preview').waitFor();
    expect(await page.getByText('A logo can be at most').count()).toBe(0);
    await expect
      .poll(async () => (await local(page, 'drafts'))[0]?.logoBytes ?? 0)
      .toBeGreaterThan(0);
    const [draft] = await local(page, 'drafts');
    expect(draft!.logoBytes).toBeLessThanOrEqual(100 * 1024);
    await ctx.close();
  });

  it('shows field errors for a bad phone, a postcode of another country and a taken name; stores nothing', async () => {
    const { ctx, page } = await newMerchant('fields');
    await page.goto('/apps/new');
    await fillApp(page, { name: 'Field Shop', phone: '+91 12345', postalCode: 'SW1A 1AA' });
    await page.getByRole('button', { name: 'Add App' }).click();
    await page.getByText('Enter a valid phone number').waitFor();
    await page.getByText('This is not a valid postal code for India').waitFor();
    expect(await page.getByLabel('Phone Number').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Zip Code/Postal Code').getAttribute('aria-invalid')).toBe('true');
    // The first invalid field has the focus.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('phone');
    expect(await local(page, 'apps')).toEqual([]);
    expect(await local(page, 'outbox')).toEqual([]);

    // Errors appear when leaving a field, and go once it is right.
    await page.getByLabel('Email').fill('not an email');
    await page.getByLabel('Address').focus();
    await page.getByText('Enter a valid email address').waitFor();
    await page.getByLabel('Email').fill('ok@shop.example');
    await expect.poll(() => page.getByText('Enter a valid email address').count()).toBe(0);

    // Changing the country empties the state: only the new country's states can be chosen.
    await pickCountry(page, 'United Kingdom');
    expect(await page.getByRole('combobox', { name: 'State', exact: true }).inputValue()).toBe('');
    await page.getByRole('combobox', { name: 'State', exact: true }).fill('Karn');
    await page.getByText('No state matches').waitFor();
    await page.keyboard.press('Escape');

    // Fixed, it registers; the same name again is refused.
    await page.getByLabel('Phone Number').fill('+44 20 7946 0958');
    await page.getByLabel('Zip Code/Postal Code').fill('SW1A 1AA');
    await page.getByRole('button', { name: 'Add App' }).click();
    await backToApps(page);
    await page.getByRole('heading', { name: 'Your Apps' }).waitFor();
    await page.getByRole('link', { name: 'Add App' }).click();
    await fillApp(page, { name: 'field shop' });
    await page.getByRole('button', { name: 'Add App' }).click();
    await page.getByText('You already have an app with this name').waitFor();
    await expect.poll(async () => (await serverApps(page)).length).toBe(1);
    await ctx.close();
  });

  it('the server refuses what the form cannot produce: a state of another country, a fake logo', async () => {
    const { ctx, page } = await newMerchant('crafted');
    const fields = {
      name: 'Crafted Shop',
      email: 'crafted@shop.example',
      address: '1 Main St',
      phone: null,
      country: 'IN',
      state: 'US-CA',
      city: null,
      postalCode: '560038'
    };
    const fake = Buffer.from('not an image at all').toString('base64');
    const res = await page.request.post('/api/sync/push', {
      headers: { Origin: stack.server.origin },
      data: {
        businessId: await businessIdOf(page),
        clientId: 'cl_e2eCraftedClient0001',
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations: [
          { id: 1, name: 'app.create', args: { id: 'ap_Crafted01', fields, logo: null } },
          {
            id: 2,
            name: 'app.create',
            args: {
              id: 'ap_Crafted02',
              fields: { ...fields, state: 'IN-KA' },
              logo: { type: 'image/png', data: fake }
            }
          }
        ]
      }
    });
    expect(res.status()).toBe(200);
    const body = (await res.json()) as {
      rejections: { mutationId: number; code: string; fields?: Record<string, string> }[];
    };
    expect(body.rejections).toMatchObject([
      { mutationId: 1, code: 'validation_failed', fields: { state: 'Choose a state of India' } },
      { mutationId: 2, code: 'validation_failed' }
    ]);
    expect(body.rejections[1]?.fields?.logo).toMatch(/JPG or PNG/);
    expect(await serverApps(page)).toEqual([]);
    await ctx.close();
  });

  it('renders names with HTML or script as text', async () => {
    const { ctx, page } = await newMerchant('xss');
    const name = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
    await page.getByRole('link', { name: 'Add App' }).click();
    await fillApp(page, { name });
    await page.getByRole('button', { name: 'Add App' }).click();
    await backToApps(page);
    const link = page.getByRole('link', { name, exact: true });
    await link.waitFor();
    expect(await link.innerText()).toBe(name);
    await link.click();
    const heading = page.getByRole('heading', { level: 1, name, exact: true });
    await heading.waitFor();
    expect(await heading.innerText()).toBe(name);
    expect(await page.locator('main img[src="x"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    await ctx.close();
  });
});
