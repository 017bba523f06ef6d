import type { Db } from '../db';
import { isUniqueViolation } from '../db/unique';
import type { Clock } from '../lib/clock';

/** How long a key is remembered, and how long a claim may stay unanswered. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A claim older than this is taken to be a crashed process's, and may be taken over. */
export const IDEMPOTENCY_LOCK_MS = 60 * 1000;

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'mismatch' }
  | { kind: 'running' }
  | { kind: 'answered'; status: number; sealed: string };

/**
 * `Idempotency-Key`s of POSTs under `/v1`, per app. The primary key (app, key) makes the first
 * insert the one claim; everyone else reads the row it left.
 */
export function idempotencyStore(database: Db, clock: Clock) {
  const { db } = database;

  async function tryInsert(appId: string, key: string, fingerprint: string, now: Date) {
    try {
      await db
        .insertInto('idempotency_keys')
        .values({
          app_id: appId,
          idempotency_key: key,
          fingerprint,
          locked_at: now.toISOString(),
          response_status: null,
          response_sealed: null,
          created_at: now.toISOString(),
          expires_at: new Date(now.getTime() + IDEMPOTENCY_TTL_MS).toISOString()
        })
        .execute();
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  return {
    /**
     * The first request with `key` claims it and runs; a later one with the same fingerprint
     * gets the stored answer (or `running` while the first has none yet), with another
     * fingerprint `mismatch`. An expired row, or a claim left by a crash, is replaced.
     */
    async claim(appId: string, key: string, fingerprint: string): Promise<Claim> {
      for (let attempt = 0; attempt < 3; attempt++) {
        const now = clock.now();
        if (await tryInsert(appId, key, fingerprint, now)) return { kind: 'claimed' };
        const row = await db
          .selectFrom('idempotency_keys')
          .selectAll()
          .where('app_id', '=', appId)
          .where('idempotency_key', '=', key)
          .executeTakeFirst();
        if (!row) continue;
        const iso = now.toISOString();
        if (row.expires_at <= iso) {
          await db
            .deleteFrom('idempotency_keys')
            .where('app_id', '=', appId)
            .where('idempotency_key', '=', key)
            .where('expires_at', '<=', iso)
            .execute();
          continue;
        }
        if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
        if (row.response_status !== null && row.response_sealed !== null) {
          return { kind: 'answered', status: row.response_status, sealed: row.response_sealed };
        }
        const stale = new Date(now.getTime() - IDEMPOTENCY_LOCK_MS).toISOString();
        if (row.locked_at !== null && row.locked_at < stale) {
          // Taken over by exactly one of the requests that find it stale.
          const r = await db
            .updateTable('idempotency_keys')
            .set({ locked_at: iso })
            .where('app_id', '=', appId)
            .where('idempotency_key', '=', key)
            .where('locked_at', '=', row.locked_at)
            .executeTakeFirst();
          if (Number(r.numUpdatedRows) === 1) return { kind: 'claimed' };
        }
        return { kind: 'running' };
      }
      return { kind: 'running' };
    },

    async answer(appId: string, key: string, status: number, sealed: string): Promise<void> {
      await db
        .updateTable('idempotency_keys')
        .set({ locked_at: null, response_status: status, response_sealed: sealed })
        .where('app_id', '=', appId)
        .where('idempotency_key', '=', key)
        .execute();
    },

    /** The request failed on our side: the key is free again for a retry. */
    async release(appId: string, key: string): Promise<void> {
      await db
        .deleteFrom('idempotency_keys')
        .where('app_id', '=', appId)
        .where('idempotency_key', '=', key)
        .where('response_status', 'is', null)
        .execute();
    },

    async pruneExpired(now: string): Promise<number> {
      const r = await db
        .deleteFrom('idempotency_keys')
        .where('expires_at', '<=', now)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    }
  };
}
