import type { Db } from '../db';
import type { Clock } from '../lib/clock';
import { hashToken, newLinkToken } from '../lib/tokens';

/** A "Verify your email" link works once, for a day. */
export const VERIFICATION_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The links that prove an account's address. Only a token's SHA-256 is stored; the token itself
 * exists in the email alone.
 */
export function emailVerificationStore(database: Db, clock: Clock) {
  const { db } = database;
  return {
    async create(userId: string): Promise<{ token: string; expiresAt: string }> {
      const { token, row } = newLinkToken(clock.now(), VERIFICATION_TTL_MS);
      await db
        .insertInto('email_verifications')
        .values({ ...row, user_id: userId })
        .execute();
      return { token, expiresAt: row.expires_at };
    },

    /**
     * Uses a live token up and answers its user, or null. One conditional UPDATE … RETURNING:
     * of two requests racing with one token exactly one gets the row back.
     */
    async consume(token: string): Promise<string | null> {
      const now = clock.now().toISOString();
      const row = await db
        .updateTable('email_verifications')
        .set({ used_at: now })
        .where('token_hash', '=', hashToken(token))
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('user_id')
        .executeTakeFirst();
      return row?.user_id ?? null;
    }
  };
}
