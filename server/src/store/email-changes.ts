import type { Db } from '../db';
import type { Clock } from '../lib/clock';
import { hashToken, newToken } from '../lib/tokens';

/** A confirmation link to a new address works once, for one day. */
export const EMAIL_CHANGE_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Pending changes of address. Only the SHA-256 of a confirmation token is stored; the token
 * exists only in the mail to the new address, so the database alone cannot confirm a change.
 */
export function emailChangeStore(database: Db, clock: Clock) {
  const { db } = database;
  const nowIso = () => clock.now().toISOString();

  return {
    /** A new link for `newEmail`; every earlier pending link of the account stops working. */
    async create(userId: string, newEmail: string): Promise<{ token: string; expiresAt: string }> {
      await this.invalidateAllForUser(userId);
      const token = newToken();
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + EMAIL_CHANGE_TTL_MS).toISOString();
      await db
        .insertInto('email_changes')
        .values({
          token_hash: hashToken(token),
          user_id: userId,
          new_email: newEmail,
          created_at: now.toISOString(),
          expires_at: expiresAt,
          used_at: null
        })
        .execute();
      return { token, expiresAt };
    },

    /**
     * Uses the token up and answers what it confirms, or null. The conditional UPDATE is the
     * single-use guarantee: of two requests racing with one token exactly one updates a row.
     */
    async consume(token: string): Promise<{ userId: string; newEmail: string } | null> {
      const now = nowIso();
      const row = await db
        .updateTable('email_changes')
        .set({ used_at: now })
        .where('token_hash', '=', hashToken(token))
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning(['user_id', 'new_email'])
        .executeTakeFirst();
      return row ? { userId: row.user_id, newEmail: row.new_email } : null;
    },

    async invalidateAllForUser(userId: string): Promise<void> {
      await db
        .updateTable('email_changes')
        .set({ used_at: nowIso() })
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .execute();
    }
  };
}
