import { SYNC_SCHEMA_VERSION } from '@kspay/shared';
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './harness/browser';
import { fillApp, openForm } from './harness/app-form';
import { merchant, signUp, useStack } from './harness/fixture';
import { businessIdOf } from './harness/sync-api';

type Fault =
  'pass' | 'drop' | 'drop-answer' | 'delay' | 'duplicate' | 'duplicate-parallel' | 'unavailable';

/**
 * The faults, in a fixed order so a failure replays: the request never reaches the server;
 * it does but the answer is lost; it arrives late; it arrives twice (one after the other, or
 * both at once) and the browser sees the second answer; a 503 from a proxy in between.
 */
const SCHEDULE: Fault[] = [
  'drop',
  'duplicate',
  'pass',
  'drop-answer',
  'delay',
  'unavailable',
  'duplicate-parallel',
  'drop-answer',
  'pass',
  'duplicate',
  'delay',
  'drop'
];

/**
 * A fault injector between the page and `/api`: every sync request takes the next fault of
 * the schedule. Sign-in and session requests pass: a fault there is an accounts problem, and
 * this test is about the sync protocol keeping writes exactly once.
 */
function injector() {
  const applied = new Map<Fault, number>();
  let n = 0;
  const handle = async (route: Route) => {
    if (!route.request().url().includes('/api/sync/')) return route.continue();
    const fault = SCHEDULE[n++ % SCHEDULE.length] ?? 'pass';
    applied.set(fault, (applied.get(fault) ?? 0) + 1);
    switch (fault) {
      case 'pass':
        return route.continue();
      case 'drop':
        return route.abort('connectionreset');
      case 'drop-answer':
        await route.fetch();
        return route.abort('connectionreset');
      case 'delay':
        await new Promise((r) => setTimeout(r, 800));
        return route.continue();
      case 'duplicate':
        await route.fetch();
        return route.fulfill({ response: await route.fetch() });
      case 'duplicate-parallel': {
        const [, second] = await Promise.all([route.fetch(), route.fetch()]);
        return route.fulfill({ response: second });
      }
      case 'unavailable':
        return route.fulfill({
          status: 503,
          contentType: 'text/html',
          body: '<h1>503 Service Unavailable</h1>'
        });
    }
  };
  return { handle, applied, count: () => n };
}

interface Row {
  id: string;
  name: string;
  city: string | null;
  status: string;
  version: number;
}

/** The merchant's apps in this browser's database, with their sync state. */
function localApps(page: Page) {
  return page.evaluate(async () => {
    const name = (await indexedDB.databases())
      .map((d) => d.name)
      .find((n) => n?.startsWith('kspay-'));
    if (!name) return { apps: [], outbox: -1 };
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(new Error(String(req.error)));
    });
    const all = (store: string) =>
      new Promise<Record<string, unknown>[]>((resolve, reject) => {
        const req = db.transaction(store, 'readonly').objectStore(store).getAll();
        req.onsuccess = () => resolve(req.result as Record<string, unknown>[]);
        req.onerror = () => reject(new Error(String(req.error)));
      });
    try {
      const apps = (await all('apps')).map((a) => ({
        id: String(a.id),
        name: String(a.name),
        city: (a.city as string | null) ?? null,
        status: String(a.status),
        version: Number(a.version),
        pending: Boolean(a.pending),
        troubled: a.syncError !== null || a.conflict !== null
      }));
      return { apps, outbox: (await all('outbox')).length };
    } finally {
      db.close();
    }
  });
}

describe.skipIf(!hasChromium)('network faults between the browser and the server', () => {
  const stack = useStack();

  async function serverApps(page: Page): Promise<Row[]> {
    const res = await page.request.post('/api/sync/pull', {
      headers: { Origin: stack.server.origin },
      data: {
        businessId: await businessIdOf(page),
        clientId: 'cl_e2eFaultReader00000',
        schemaVersion: SYNC_SCHEMA_VERSION,
        cursor: 0,
        rejectionsAfter: 0
      }
    });
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { apps: (Row & { deleted: boolean })[] };
    return body.apps
      .filter((a) => !a.deleted)
      .map(({ id, name, city, status, version }) => ({ id, name, city, status, version }));
  }

  it('registers and edits apps through drops, delays, duplicates and 503s; nothing lost or doubled', async () => {
    const ctx = await stack.context();
    const page = await ctx.newPage();
    await signUp(page, merchant('faults'));
    const faults = injector();
    // A faulted request can be abandoned by the page (a reload, a newer sync) while the injector
    // still holds it; Playwright then refuses to continue it, which is the fault working, not a bug.
    await page.route('**/api/**', (route) => faults.handle(route).catch(() => undefined));

    const names = ['Flaky Chai', 'Lossy Lassi', 'Doubled Dosa', 'Slow Samosa'];
    for (const name of names) {
      await openForm(page);
      await fillApp(page, { name, state: '', phone: '' });
      await page.getByRole('button', { name: 'Add App' }).click();
      // Online, a new app opens on its overview; the list is one link away.
      await page.waitForURL(/\/apps\/ap_/);
      await page.getByRole('link', { name: 'Your Apps' }).click();
      await page.getByRole('row').filter({ hasText: name }).waitFor();
    }
    // Edits and a status change, one of them after a reload with writes still queued.
    for (const [name, city] of [
      ['Flaky Chai', 'Mysuru'],
      ['Doubled Dosa', 'Hubballi']
    ]) {
      await page.getByRole('row').filter({ hasText: name }).getByRole('link', { name }).click();
      await page.getByRole('link', { name: 'Edit App' }).click();
      await page.getByLabel('City').fill(city ?? '');
      await page.getByRole('button', { name: 'Save Changes' }).click();
      await page
        .getByText(city ?? '')
        .first()
        .waitFor();
      await page.getByRole('link', { name: 'Your Apps' }).click();
      const dashboard = page.getByRole('heading', { name: 'Your Apps' });
      await dashboard.waitFor();
      await page.reload();
      await dashboard.waitFor();
    }
    await page
      .getByRole('row')
      .filter({ hasText: 'Lossy Lassi' })
      .getByRole('link', { name: 'Lossy Lassi' })
      .click();
    await page.getByRole('button', { name: 'Disable App' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Disable App' }).click();
    // The header's toggle and the disabled-app banner both offer it.
    await page.getByRole('button', { name: 'Enable App' }).first().waitFor();
    await page.getByRole('link', { name: 'Your Apps' }).click();
    // Let the engine meet a few more faults before they stop.
    await expect
      .poll(() => faults.count(), { timeout: 60_000 })
      .toBeGreaterThanOrEqual(SCHEDULE.length);

    // Faults off; the connection "comes back", which makes the app sync at once.
    await page.unroute('**/api/**');
    await ctx.setOffline(true);
    await ctx.setOffline(false);
    await expect.poll(async () => (await localApps(page)).outbox, { timeout: 60_000 }).toBe(0);
    await expect
      .poll(() => page.getByRole('status', { name: 'Sync status' }).innerText())
      .toContain('Synced');

    // Every fault happened, and the browser and the server agree on every app, exactly once.
    for (const fault of SCHEDULE) expect(faults.applied.get(fault), fault).toBeGreaterThan(0);
    const server = await serverApps(page);
    const expected = [
      { name: 'Doubled Dosa', city: 'Hubballi', status: 'active' },
      { name: 'Flaky Chai', city: 'Mysuru', status: 'active' },
      { name: 'Lossy Lassi', city: 'Bengaluru', status: 'disabled' },
      { name: 'Slow Samosa', city: 'Bengaluru', status: 'active' }
    ];
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(server.sort(byName).map(({ name, city, status }) => ({ name, city, status }))).toEqual(
      expected
    );
    const local = await localApps(page);
    expect(
      local.apps
        .sort(byName)
        .map(({ id, name, city, status, version }) => ({ id, name, city, status, version }))
    ).toEqual(server);
    expect(local.apps.every((a) => !a.pending && !a.troubled)).toBe(true);

    // And the page shows each app once, with the server's id.
    await page.reload();
    for (const app of server) {
      const rows = page.getByRole('row').filter({ hasText: app.name });
      await rows.first().waitFor();
      expect(await rows.count()).toBe(1);
      expect(await rows.innerText()).toContain(app.id);
    }
    expect(await page.getByText('Waiting to sync').count()).toBe(0);
    await ctx.close();
  });
});
