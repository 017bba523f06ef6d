import { SYNC_SCHEMA_VERSION } from '@kspay/shared';
import { pullResponseSchema, type AppRecord } from '@kspay/shared/apps';
import type { FetchLike } from '../transport';
import {
  createApp,
  openDb,
  type Db,
  sessionStore,
  merchant,
  type TestMerchant,
  TEST_ORIGIN,
  testServer
} from '@kspay/server/testing';

/**
 * The REAL server in-process (Hono's `app.request`, no port) on a fresh SQLite file, and one
 * merchant signed in. `fetch` is what a browser tab of that merchant would send: same-origin
 * requests carrying the session cookie. `restart()` replaces the app with a new instance on
 * the same file, as a server process restart would (in-memory state gone, data kept).
 */
export async function realServer() {
  const t = await testServer('sqlite');
  const m: TestMerchant = await merchant(t);
  const file = t.database.file;
  if (!file) throw new Error('expected a SQLite test database');
  let app = t.app;
  let cookie = m.cookie;
  const extraDbs: Db[] = [];
  // The business sign-up made for the merchant: the replica's, in every sync request.
  const { business_id: businessId } = await t.services.db.db
    .selectFrom('memberships')
    .select('business_id')
    .where('user_id', '=', m.id)
    .executeTakeFirstOrThrow();

  const fetch: FetchLike = async (input, init) => {
    const headers = new Headers(init.headers);
    headers.set('origin', TEST_ORIGIN);
    if (cookie) headers.set('cookie', cookie);
    return app.request(input, { ...init, headers });
  };

  return {
    merchantId: m.id,
    businessId,
    fetch,
    /** Every live app of the merchant as the server has it (a pull from scratch), by id. */
    async rows(): Promise<AppRecord[]> {
      const rows = new Map<string, AppRecord>();
      for (let cursor = 0, more = true; more;) {
        const body = {
          clientId: 'cl_observer0observer0',
          businessId,
          schemaVersion: SYNC_SCHEMA_VERSION,
          cursor,
          rejectionsAfter: 0
        };
        const res = await fetch('/api/sync/pull', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body)
        });
        const page = pullResponseSchema.parse(await res.json());
        for (const r of page.apps) rows.set(r.id, r);
        cursor = page.cursor;
        more = page.hasMore;
      }
      return [...rows.values()].filter((r) => !r.deleted).sort((a, b) => (a.id < b.id ? -1 : 1));
    },
    async restart() {
      const db = await openDb({ sqliteFile: file });
      extraDbs.push(db);
      app = createApp({ ...t.services, db });
    },
    /**
     * The merchant's role in their business, as an Owner's "Change role" would leave it (another
     * Owner stays, so the business keeps one); null removes them from it.
     */
    async setRole(role: 'owner' | 'admin' | 'developer' | 'viewer' | null) {
      const { db } = t.services.db;
      const mine = db
        .updateTable('memberships')
        .where('business_id', '=', businessId)
        .where('user_id', '=', m.id);
      if (role === null) {
        await db
          .deleteFrom('memberships')
          .where('business_id', '=', businessId)
          .where('user_id', '=', m.id)
          .execute();
      } else {
        await mine.set({ role }).execute();
      }
    },
    /** Ends the session on the server: the next sync request answers 401. */
    async signOut() {
      const { db } = t.services.db;
      await db.deleteFrom('sessions').where('user_id', '=', m.id).execute();
    },
    /** As if restored from a backup taken before this client first synced. */
    async forgetClient(clientId: string) {
      const { db } = t.services.db;
      await db.deleteFrom('sync_rejections').where('client_id', '=', clientId).execute();
      await db.deleteFrom('sync_clients').where('id', '=', clientId).execute();
    },
    async signIn() {
      const { token } = await sessionStore(t.services.db, t.clock).create(m.id, {
        ip: null,
        userAgent: null
      });
      cookie = `kspay_session=${token}`;
    },
    async close() {
      for (const db of extraDbs) await db.close();
      await t.close();
    }
  };
}

export type RealServer = Awaited<ReturnType<typeof realServer>>;
