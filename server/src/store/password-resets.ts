import type { Db } from '../db';
import type { Clock } from '../lib/clock';
import { hashToken, newLinkToken } from '../lib/tokens';

/** A reset link works once, for one hour. */
export const RESET_TTL_MS = 60 * 60 * 1000;

/** Only the SHA-256 of a reset token is stored; the token itself exists only in the email. */
export function passwordResetStore(database: Db, clock: Clock) {
  const { db } = database;
  const nowIso = () => clock.now().toISOString();

  return {
    async create(userId: string): Promise<{ token: string; expiresAt: string }> {
      const { token, row } = newLinkToken(clock.now(), RESET_TTL_MS);
      await db
        .insertInto('password_resets')
        .values({ ...row, user_id: userId })
        .execute();
      return { token, expiresAt: row.expires_at };
    },

    /** The user a live (unused, unexpired) token belongs to, without using it up. */
    async peek(token: string): Promise<string | null> {
      const row = await db
        .selectFrom('password_resets')
        .select('user_id')
        .where('token_hash', '=', hashToken(token))
        .where('used_at', 'is', null)
        .where('expires_at', '>', nowIso())
        .executeTakeFirst();
      return row?.user_id ?? null;
    },

    /**
     * Uses the token up. The conditional UPDATE is the single-use guarantee: of two requests
     * racing with the same token exactly one sees a row updated; the other gets null.
     */
    async consume(token: string): Promise<string | null> {
      const tokenHash = hashToken(token);
      const now = nowIso();
      const res = await db
        .updateTable('password_resets')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return null;
      const row = await db
        .selectFrom('password_resets')
        .select('user_id')
        .where('token_hash', '=', tokenHash)
        .executeTakeFirstOrThrow();
      return row.user_id;
    },

    /** After a reset every other outstanding link of that user stops working too. */
    async invalidateAllForUser(userId: string): Promise<void> {
      await db
        .updateTable('password_resets')
        .set({ used_at: nowIso() })
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .execute();
    }
  };
}
