import { SYNC_SCHEMA_VERSION } from '@kspay/shared';
import type { AppFields } from '@kspay/shared/apps';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** A valid app registration in Bengaluru; the email is derived from the name. */
export function appFields(name: string): AppFields {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return {
    name,
    email: `payments@${slug || 'app'}.example`,
    address: '12 MG Road, Indiranagar',
    phone: '+919876543210',
    country: 'IN',
    state: 'IN-KA',
    city: 'Bengaluru',
    postalCode: '560038'
  };
}

/**
 * The page's signed-in person's business: `name` picks one by name, else the one they own
 * (sign-up made it). Read from `GET /api/businesses` with the page's session.
 */
export async function businessIdOf(page: Page, name?: string): Promise<string> {
  const list = await page.evaluate(async () => {
    const r = await fetch('/api/businesses');
    return ((await r.json()) as { businesses: { id: string; name: string; role: string }[] })
      .businesses;
  });
  const found = list.find((b) => (name === undefined ? b.role === 'owner' : b.name === name));
  if (!found) throw new Error(`no business ${name ?? 'owned'} in ${JSON.stringify(list)}`);
  return found.id;
}

const base62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const random = (n: number) =>
  Array.from({ length: n }, () => base62[Math.floor(Math.random() * 62)]).join('');

/**
 * Registers apps for the page's signed-in merchant through the sync API, from inside the page
 * (its cookie and Origin), as a second client of that merchant would. For tests that need data
 * on the server without going through the apps form. Returns the new app ids.
 */
export async function registerAppsViaSync(
  page: Page,
  names: string[],
  businessId?: string
): Promise<string[]> {
  const ids = names.map(() => `ap_${random(9)}`);
  const body = {
    clientId: `cl_${random(22)}`,
    businessId: businessId ?? (await businessIdOf(page)),
    schemaVersion: SYNC_SCHEMA_VERSION,
    mutations: names.map((name, i) => ({
      id: i + 1,
      name: 'app.create',
      args: { id: ids[i], fields: appFields(name), logo: null }
    }))
  };
  const res = await page.evaluate(async (json) => {
    const r = await fetch('/api/sync/push', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: json
    });
    return { status: r.status, text: await r.text() };
  }, JSON.stringify(body));
  if (res.status !== 200) throw new Error(`sync push answered ${res.status}: ${res.text}`);
  const parsed = JSON.parse(res.text) as { rejections: unknown[] };
  if (parsed.rejections.length > 0) throw new Error(`sync push refused: ${res.text}`);
  return ids;
}

export interface ServerApp {
  id: string;
  name: string;
  city: string | null;
  status: string;
  deleted: boolean;
}

/**
 * The merchant's live apps as the server has them: a pull from cursor 0 with the page's
 * session cookie, as a reader-only client that never pushes.
 */
export async function serverApps(
  page: Page,
  origin: string,
  businessId?: string
): Promise<ServerApp[]> {
  const res = await page.request.post('/api/sync/pull', {
    headers: { Origin: origin },
    data: {
      clientId: 'cl_e2eReaderOnly000000',
      businessId: businessId ?? (await businessIdOf(page)),
      schemaVersion: SYNC_SCHEMA_VERSION,
      cursor: 0,
      rejectionsAfter: 0
    }
  });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { apps: ServerApp[] }).apps.filter((a) => !a.deleted);
}
