import { sql } from 'kysely';
import type { Db } from '../db';
import type { Clock } from '../lib/clock';
import { hashToken } from '../lib/tokens';

/** How many failures a pair gets free, and the longest it is ever made to wait (from config). */
export interface Backoff {
  free: number;
  maxDelayMs: number;
}

/** A pair that has not failed for a day starts again from zero. */
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 10 * 60 * 1000;

/**
 * Failed password attempts per (account, source), with a growing delay: after `free` failures
 * the next attempt must wait 2^(n - free) seconds after the n-th failure, at most `maxDelayMs`.
 * Counting per pair, never per account alone, means failures from one address (or against one
 * session) cost nobody else anything: the owner signing in from elsewhere starts at zero.
 *
 * The wait is read before the password is checked and a failure is written after, so a burst
 * of concurrent guesses could pass one open moment together; the per-address cap across
 * accounts (`signInIp`) bounds that burst.
 */
export function authFailureStore(database: Db, clock: Clock) {
  const { db } = database;
  let lastPrune = 0;
  const key = (account: string, source: string) => ({
    account: hashToken(account),
    source: hashToken(source)
  });

  async function prune(now: number) {
    if (now - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now;
    const before = new Date(now - FORGET_AFTER_MS).toISOString();
    await db.deleteFrom('auth_failures').where('last_failure_at', '<', before).execute();
  }

  return {
    /** Seconds this pair must still wait before its next attempt (0: it may try now). */
    async waitSeconds(account: string, source: string, backoff: Backoff): Promise<number> {
      const k = key(account, source);
      const row = await db
        .selectFrom('auth_failures')
        .select(['failures', 'last_failure_at'])
        .where('account', '=', k.account)
        .where('source', '=', k.source)
        .executeTakeFirst();
      const now = clock.now().getTime();
      const last = row ? Date.parse(row.last_failure_at) : 0;
      if (!row || now - last >= FORGET_AFTER_MS) return 0;
      const over = Number(row.failures) - backoff.free;
      if (over < 0) return 0;
      const delay = Math.min(2 ** over * 1000, backoff.maxDelayMs);
      return Math.max(0, Math.ceil((last + delay - now) / 1000));
    },

    /** Counts one failure (a pair quiet for a day restarts at 1). */
    async fail(account: string, source: string): Promise<void> {
      const k = key(account, source);
      const now = clock.now();
      const nowIso = now.toISOString();
      const cutoff = new Date(now.getTime() - FORGET_AFTER_MS).toISOString();
      const stale = sql<boolean>`${sql.ref('auth_failures.last_failure_at')} < ${cutoff}`;
      await db
        .insertInto('auth_failures')
        .values({ ...k, failures: 1, last_failure_at: nowIso })
        .onConflict((oc) =>
          oc.columns(['account', 'source']).doUpdateSet({
            failures: sql<number>`case when ${stale} then 1 else ${sql.ref('auth_failures.failures')} + 1 end`,
            last_failure_at: nowIso
          })
        )
        .execute();
      await prune(now.getTime());
    },

    /** A success forgets this pair's failures; `source` omitted forgets every source's. */
    async clear(account: string, source?: string): Promise<void> {
      const k = key(account, source ?? '');
      let q = db.deleteFrom('auth_failures').where('account', '=', k.account);
      if (source !== undefined) q = q.where('source', '=', k.source);
      await q.execute();
    }
  };
}

export type AuthFailureStore = ReturnType<typeof authFailureStore>;
