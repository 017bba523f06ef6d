import { sql } from 'kysely';
import type { RateLimit } from '../config';
import type { Db } from '../db';
import type { Clock } from '../lib/clock';
import { hashToken } from '../lib/tokens';

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the window ends (for `Retry-After`); 0 when allowed. */
  retryAfterSeconds: number;
}

/** Rows whose window ended this long ago are deleted, at most once per `PRUNE_EVERY_MS`. */
const PRUNE_AFTER_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 10 * 60 * 1000;

/**
 * Fixed-window counters in the `rate_limits` table, shared by every server process.
 *
 * `hit` is one INSERT … ON CONFLICT DO UPDATE … RETURNING: the increment and the read of the
 * new count are one atomic statement on both SQLite and PostgreSQL, so N concurrent requests
 * see N distinct counts and at most `max` of them are allowed, however they interleave.
 * Keys are `<bucket>:<sha256 of subject>`: bounded length, and no email addresses in the table.
 */
export function rateLimitStore(database: Db, clock: Clock) {
  const { db } = database;
  let lastPrune = 0;
  const keyOf = (bucket: string, subject: string) => `${bucket}:${hashToken(subject)}`;

  async function prune(now: Date) {
    if (now.getTime() - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now.getTime();
    const before = new Date(now.getTime() - PRUNE_AFTER_MS).toISOString();
    await db.deleteFrom('rate_limits').where('window_start', '<', before).execute();
  }

  return {
    /** Counts one request against `limit` and says whether it may proceed. */
    async hit(bucket: string, subject: string, limit: RateLimit): Promise<RateLimitResult> {
      const now = clock.now();
      const nowIso = now.toISOString();
      // A window that started at or before `cutoff` is over: the counter restarts at 1.
      const cutoff = new Date(now.getTime() - limit.windowMs).toISOString();
      const expired = sql<boolean>`${sql.ref('rate_limits.window_start')} <= ${cutoff}`;
      const row = await db
        .insertInto('rate_limits')
        .values({ key: keyOf(bucket, subject), window_start: nowIso, count: 1 })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            count: sql<number>`case when ${expired} then 1 else ${sql.ref('rate_limits.count')} + 1 end`,
            window_start: sql<string>`case when ${expired} then cast(${nowIso} as text) else ${sql.ref('rate_limits.window_start')} end`
          })
        )
        .returning(['count', 'window_start'])
        .executeTakeFirstOrThrow();
      await prune(now);
      if (Number(row.count) <= limit.max) return { allowed: true, retryAfterSeconds: 0 };
      const endsAt = Date.parse(row.window_start) + limit.windowMs;
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((endsAt - now.getTime()) / 1000))
      };
    },

    /** Forgets a subject's count (a successful sign-in clears its failures). */
    async reset(bucket: string, subject: string): Promise<void> {
      await db.deleteFrom('rate_limits').where('key', '=', keyOf(bucket, subject)).execute();
    }
  };
}

export type RateLimitStore = ReturnType<typeof rateLimitStore>;
