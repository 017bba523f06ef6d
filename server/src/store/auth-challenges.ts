import type { Db } from '../db';
import type { Clock } from '../lib/clock';
import { hashToken } from '../lib/tokens';

export type ChallengePurpose = 'sign-in' | 'passkey-register' | 'passkey-assert';

/**
 * Short-lived, single-use secrets kept only as SHA-256: the pending step of a sign-in that still
 * needs its second factor, and WebAuthn challenges. `take` deletes the row and answers its owner
 * in one statement, so of two concurrent uses exactly one wins.
 */
export function authChallengeStore(database: Db, clock: Clock) {
  const { db } = database;
  return {
    async put(secret: string, purpose: ChallengePurpose, userId: string | null, ttlMs: number) {
      const now = clock.now();
      // Expired rows of any purpose go with each new one: the table stays as small as its traffic.
      await db.deleteFrom('auth_challenges').where('expires_at', '<=', now.toISOString()).execute();
      await db
        .insertInto('auth_challenges')
        .values({
          key_hash: hashToken(secret),
          purpose,
          user_id: userId,
          expires_at: new Date(now.getTime() + ttlMs).toISOString()
        })
        .execute();
    },

    /** The live row's owner (`null` for an unbound one) without using it up; undefined if none. */
    async peek(secret: string, purpose: ChallengePurpose): Promise<string | null | undefined> {
      const row = await db
        .selectFrom('auth_challenges')
        .select('user_id')
        .where('key_hash', '=', hashToken(secret))
        .where('purpose', '=', purpose)
        .where('expires_at', '>', clock.now().toISOString())
        .executeTakeFirst();
      return row ? row.user_id : undefined;
    },

    /** Uses the secret up: its owner (`null` when unbound), or undefined if unknown or expired. */
    async take(secret: string, purpose: ChallengePurpose): Promise<string | null | undefined> {
      const row = await db
        .deleteFrom('auth_challenges')
        .where('key_hash', '=', hashToken(secret))
        .where('purpose', '=', purpose)
        .where('expires_at', '>', clock.now().toISOString())
        .returning('user_id')
        .executeTakeFirst();
      return row ? row.user_id : undefined;
    }
  };
}
