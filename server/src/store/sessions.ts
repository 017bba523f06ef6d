import type { Db } from '../db';
import type { Clock } from '../lib/clock';
import { newId } from '@kspay/shared/ids';
import { hashToken, newToken } from '../lib/tokens';

/** Merchants work offline for days: a week of idleness, a month at most, then sign in again. */
export const SESSION_IDLE_MS = 7 * 24 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 30 * 24 * 60 * 60 * 1000;
/** `last_seen_at` is written at most this often, so reads do not turn into writes. */
const TOUCH_EVERY_MS = 60 * 1000;

export interface SessionRow {
  tokenHash: string;
  userId: string;
  email: string;
  name: string;
  userCreatedAt: string;
  emailVerifiedAt: string | null;
  authenticatedAt: string;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
}

export function sessionStore(database: Db, clock: Clock) {
  const { db } = database;
  return {
    /** Creates a session and returns its token; only the token's hash is stored. */
    async create(userId: string, meta: { ip: string | null; userAgent: string | null }) {
      const token = newToken();
      const now = clock.now();
      const iso = now.toISOString();
      const idle = new Date(now.getTime() + SESSION_IDLE_MS).toISOString();
      const absolute = new Date(now.getTime() + SESSION_ABSOLUTE_MS).toISOString();
      await db
        .insertInto('sessions')
        .values({
          token_hash: hashToken(token),
          id: newId('se'),
          user_id: userId,
          created_at: iso,
          last_seen_at: iso,
          authenticated_at: iso,
          idle_expires_at: idle,
          absolute_expires_at: absolute,
          ip: meta.ip?.slice(0, 64) ?? null,
          user_agent: meta.userAgent?.slice(0, 512) ?? null
        })
        .execute();
      return { token, authenticatedAt: iso, expiresAt: idle < absolute ? idle : absolute };
    },

    /**
     * Looks a token up by its hash (the lookup is by an index on the digest, so no byte-by-byte
     * comparison of secrets happens in our code). Expired sessions are deleted and answer null;
     * a live one slides its idle expiry forward, never past the absolute one.
     */
    async validate(token: string): Promise<SessionRow | null> {
      const tokenHash = hashToken(token);
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select([
          'sessions.token_hash',
          'sessions.user_id',
          'sessions.authenticated_at',
          'sessions.idle_expires_at',
          'sessions.absolute_expires_at',
          'sessions.last_seen_at',
          'users.email',
          'users.name',
          'users.created_at',
          'users.email_verified_at'
        ])
        .where('sessions.token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (!row) return null;
      const now = clock.now();
      const iso = now.toISOString();
      if (row.idle_expires_at <= iso || row.absolute_expires_at <= iso) {
        await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
        return null;
      }
      let idleExpiresAt = row.idle_expires_at;
      if (now.getTime() - Date.parse(row.last_seen_at) >= TOUCH_EVERY_MS) {
        idleExpiresAt = new Date(now.getTime() + SESSION_IDLE_MS).toISOString();
        await db
          .updateTable('sessions')
          .set({ last_seen_at: iso, idle_expires_at: idleExpiresAt })
          .where('token_hash', '=', tokenHash)
          .execute();
      }
      return {
        tokenHash,
        userId: row.user_id,
        email: row.email,
        name: row.name,
        userCreatedAt: row.created_at,
        emailVerifiedAt: row.email_verified_at,
        authenticatedAt: row.authenticated_at,
        idleExpiresAt,
        absoluteExpiresAt: row.absolute_expires_at
      };
    },

    /** The password was entered again: key actions are allowed for the next few minutes. */
    async markAuthenticated(tokenHash: string): Promise<string> {
      const iso = clock.now().toISOString();
      await db
        .updateTable('sessions')
        .set({ authenticated_at: iso })
        .where('token_hash', '=', tokenHash)
        .execute();
      return iso;
    },

    async revoke(tokenHash: string) {
      await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
    },

    /**
     * The account's live sessions for "Active sessions", most recently used first. The token
     * hash is compared here and never returned: `current` marks the caller's own.
     */
    async listForUser(userId: string, currentTokenHash: string) {
      const now = clock.now().toISOString();
      const rows = await db
        .selectFrom('sessions')
        .select(['id', 'token_hash', 'ip', 'user_agent', 'created_at', 'last_seen_at'])
        .where('user_id', '=', userId)
        .where('idle_expires_at', '>', now)
        .where('absolute_expires_at', '>', now)
        .orderBy('last_seen_at', 'desc')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        ip: r.ip,
        userAgent: r.user_agent,
        createdAt: r.created_at,
        lastSeenAt: r.last_seen_at,
        current: r.token_hash === currentTokenHash
      }));
    },

    /** Ends one of the account's sessions by its public id; false when it has none by that id. */
    async revokeById(userId: string, id: string): Promise<boolean> {
      const res = await db
        .deleteFrom('sessions')
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    /** Ends every session of the account except `keepTokenHash`; answers how many ended. */
    async revokeOthers(userId: string, keepTokenHash: string): Promise<number> {
      const res = await db
        .deleteFrom('sessions')
        .where('user_id', '=', userId)
        .where('token_hash', '!=', keepTokenHash)
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },

    /** Password reset signs the merchant out everywhere. */
    async revokeAllForUser(userId: string) {
      await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
    }
  };
}

export type SessionStore = ReturnType<typeof sessionStore>;
