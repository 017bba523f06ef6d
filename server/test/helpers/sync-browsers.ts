import { SYNC_SCHEMA_VERSION, type Mutation } from '@kspay/shared';
import type { AppPushResponse, AppRecord, PullResponse } from '@kspay/shared/apps';
import { newAppId, randomBase62 } from '@kspay/shared/ids';

/**
 * Many browsers syncing at once over HTTP with the real protocol (DESIGN.md §4), no Chromium:
 * each has its own clientId and session, registers `mutations` apps one push at a time (as a
 * merchant online registering apps one after another: the engine pushes each right away), then
 * pulls its business from cursor 0. Shared by the scale-out test (20 × 5, two processes) and
 * `pnpm bench`'s scale-out section (200 × 20, behind HAProxy). No vitest here: the bench
 * imports it through `@kspay/server/testing`.
 */
export interface SyncBrowser {
  /** `name=value` of the merchant's session cookie. */
  cookie: string;
  businessId: string;
  clientId: string;
}

export interface BrowserRun {
  /** Latency of each push, in milliseconds. */
  pushMs: number[];
  /** Pushes not answered 200 with `lastMutationId` = the mutation's id and no refusal. */
  bad: string[];
  /** The business's apps as this browser's pull saw them right after its pushes. */
  pulled: AppRecord[];
  lastMutationId: number;
}

export interface BrowsersOptions {
  browsers: SyncBrowser[];
  mutations: number;
  /** Base URL of the `n`-th request of browser `b`: one load balancer, or processes in turn. */
  base: (b: number, n: number) => string;
  /** The Origin a browser of this deployment sends (its PUBLIC_ORIGIN). */
  origin: string;
}

export const newClientId = () => `cl_${randomBase62(22)}`;

function appCreate(id: number, name: string): Mutation {
  return {
    id,
    name: 'app.create',
    args: {
      id: newAppId(),
      fields: {
        name,
        email: 'owner@shop.example',
        address: '12 MG Road',
        phone: '+91 98765 43210',
        country: 'IN',
        state: 'IN-MH',
        city: 'Mumbai',
        postalCode: '400001'
      },
      logo: null
    }
  };
}

async function post<T>(
  base: string,
  path: string,
  b: SyncBrowser,
  origin: string,
  body: object
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { cookie: b.cookie, origin, 'content-type': 'application/json' },
    body: JSON.stringify({
      businessId: b.businessId,
      clientId: b.clientId,
      schemaVersion: SYNC_SCHEMA_VERSION,
      ...body
    })
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}

/** Every app of the browser's business, pulled from cursor 0 page by page. */
export async function pullAll(
  base: () => string,
  b: SyncBrowser,
  origin: string
): Promise<{ apps: AppRecord[]; lastMutationId: number }> {
  const apps = new Map<string, AppRecord>();
  let cursor = 0;
  for (;;) {
    const page = await post<PullResponse>(base(), '/api/sync/pull', b, origin, {
      cursor,
      rejectionsAfter: 0
    });
    if (page.status !== 200) throw new Error(`pull answered ${page.status}`);
    for (const app of page.body.apps) apps.set(app.id, app);
    cursor = page.body.cursor;
    if (!page.body.hasMore)
      return { apps: [...apps.values()], lastMutationId: page.body.lastMutationId };
  }
}

async function runOne(opts: BrowsersOptions, i: number): Promise<BrowserRun> {
  const b = opts.browsers[i] as SyncBrowser;
  let n = 0;
  const run: BrowserRun = { pushMs: [], bad: [], pulled: [], lastMutationId: 0 };
  for (let id = 1; id <= opts.mutations; id++) {
    const t0 = performance.now();
    const res = await post<AppPushResponse>(opts.base(i, n++), '/api/sync/push', b, opts.origin, {
      mutations: [appCreate(id, `App ${b.clientId.slice(3, 11)} ${id}`)]
    });
    run.pushMs.push(performance.now() - t0);
    const ok =
      res.status === 200 && res.body.lastMutationId === id && res.body.rejections.length === 0;
    if (!ok) run.bad.push(`${b.clientId} #${id}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const pulled = await pullAll(() => opts.base(i, n++), b, opts.origin);
  return { ...run, pulled: pulled.apps, lastMutationId: pulled.lastMutationId };
}

/** All browsers at once; resolves when every one has pushed and pulled. */
export function runBrowsers(opts: BrowsersOptions): Promise<BrowserRun[]> {
  return Promise.all(opts.browsers.map((_, i) => runOne(opts, i)));
}
