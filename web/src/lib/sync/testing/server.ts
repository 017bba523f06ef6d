import { createApp } from '@kspay/server';
import { openDb, type Db } from '../../../../../server/src/db';
import { sessionStore } from '../../../../../server/src/store/sessions';
import { merchant, type TestMerchant } from '../../../../../server/test/helpers/apps';
import { TEST_ORIGIN, testServer } from '../../../../../server/test/helpers/services';
import type { FetchLike } from '../transport';

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

  const fetch: FetchLike = async (input, init) => {
    const headers = new Headers(init.headers);
    headers.set('origin', TEST_ORIGIN);
    if (cookie) headers.set('cookie', cookie);
    return app.request(input, { ...init, headers });
  };

  return {
    merchantId: m.id,
    fetch,
    /** The app as it is now (tests that need to call it around the transport). */
    request: (input: string, init: RequestInit) => fetch(input, init),
    async restart() {
      const db = await openDb({ sqliteFile: file });
      extraDbs.push(db);
      app = createApp({ ...t.services, db });
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
      const { token } = await sessionStore(t.services.db.db, t.clock).create(m.id, {
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
