import type { Kysely } from 'kysely';
import type { Db } from '../db';
import type { Database } from '../db/schema';
import type { Clock } from '../lib/clock';
import { hashToken, newToken } from '../lib/tokens';
import type { AppState } from './apps-access';

/** Access tokens are short-lived; the refresh token renews them (single use, rotated). */
export const ACCESS_TOKEN_TTL_MS = 15 * 60 * 1000;
export const REFRESH_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

export type TokenKind = 'access' | 'refresh';
const PREFIX: Record<TokenKind, string> = { access: 'ksat_', refresh: 'ksrt_' };
/** Checked before any lookup: a prefix and 32 random bytes in base64url. */
const TOKEN_FORMAT: Record<TokenKind, RegExp> = {
  access: /^ksat_[A-Za-z0-9_-]{43}$/,
  refresh: /^ksrt_[A-Za-z0-9_-]{43}$/
};

export function tokenWellFormed(token: string, kind: TokenKind): boolean {
  return TOKEN_FORMAT[kind].test(token);
}

/**
 * What decides whether a token may still be used: its expiry, its key pair's status and
 * expiry, and its app's status (null once the app is deleted).
 */
export interface BearerState {
  expiresAt: string;
  keyStatus: Database['api_keys']['status'];
  keyExpiresAt: string | null;
  appStatus: string | null;
}

/** A token with everything a request needs to decide whether it may still be used. */
export interface ResolvedToken extends BearerState {
  tokenHash: string;
  keyId: string;
  appId: string;
  /** SHA-256 of the pair's secret: the HMAC key of `x-signature`. */
  secretHash: string;
  /** The token's app as of this read; null once the app is deleted. */
  app: AppState | null;
}

const PRUNE_EVERY_MS = 10 * 60 * 1000;

interface TokenRow {
  token_key_id: string;
  token_app_id: string;
  token_expires_at: string;
  key_status: Database['api_keys']['status'];
  key_expires_at: string | null;
  key_secret_hash: string;
  app_row_id: string | null;
  app_business_id: string | null;
  app_status: string | null;
  app_created_at: string | null;
}

function resolved(tokenHash: string, row: TokenRow): ResolvedToken {
  return {
    tokenHash,
    keyId: row.token_key_id,
    appId: row.token_app_id,
    expiresAt: row.token_expires_at,
    keyStatus: row.key_status,
    keyExpiresAt: row.key_expires_at,
    appStatus: row.app_status,
    secretHash: row.key_secret_hash,
    app:
      row.app_row_id === null
        ? null
        : {
            id: row.app_row_id,
            businessId: row.app_business_id ?? '',
            status: row.app_status ?? '',
            createdAt: row.app_created_at ?? ''
          }
  };
}

/** A token joined to its key pair and (live) app, so all three are read as fresh. */
export const tokenJoins = (db: Kysely<Database>) =>
  db
    .selectFrom('access_tokens')
    .innerJoin('api_keys', 'api_keys.id', 'access_tokens.key_id')
    .leftJoin('apps', (j) =>
      j.onRef('apps.id', '=', 'access_tokens.app_id').on('apps.deleted_at', 'is', null)
    );

/**
 * Bearer tokens of the payments API; only their SHA-256 is stored. A token carries no
 * authority of its own: each use re-reads its key pair and app (one join), so disabling
 * a pair refuses its outstanding tokens at once, and the disable also deletes them.
 */
export function accessTokenStore(database: Db, clock: Clock) {
  const { db, reads } = database;
  let lastPrune = 0;

  /** A token with its key pair and app, read in one statement so all three are as fresh. */
  const tokenQuery = (tokenHash: string, kind: TokenKind) =>
    tokenJoins(db)
      .select([
        'access_tokens.key_id as token_key_id',
        'access_tokens.app_id as token_app_id',
        'access_tokens.expires_at as token_expires_at',
        'api_keys.status as key_status',
        'api_keys.expires_at as key_expires_at',
        'api_keys.secret_hash as key_secret_hash',
        'apps.id as app_row_id',
        'apps.business_id as app_business_id',
        'apps.status as app_status',
        'apps.created_at as app_created_at'
      ])
      .where('access_tokens.token_hash', '=', tokenHash)
      .where('access_tokens.kind', '=', kind);

  // The bearer check of every `/v1` call, compiled once (db/prepared.ts).
  const byHash = reads.first(tokenQuery);

  async function prune(now: Date) {
    if (now.getTime() - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now.getTime();
    await db.deleteFrom('access_tokens').where('expires_at', '<=', now.toISOString()).execute();
  }

  return {
    async issue(keyId: string, appId: string) {
      const now = clock.now();
      const accessToken = PREFIX.access + newToken();
      const refreshToken = PREFIX.refresh + newToken();
      const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
      const base = { key_id: keyId, app_id: appId, created_at: now.toISOString() };
      await db
        .insertInto('access_tokens')
        .values([
          {
            ...base,
            token_hash: hashToken(accessToken),
            kind: 'access',
            expires_at: at(ACCESS_TOKEN_TTL_MS)
          },
          {
            ...base,
            token_hash: hashToken(refreshToken),
            kind: 'refresh',
            expires_at: at(REFRESH_TOKEN_TTL_MS)
          }
        ])
        .execute();
      await db
        .updateTable('api_keys')
        .set({ last_used_at: now.toISOString() })
        .where('id', '=', keyId)
        .execute();
      await prune(now);
      return {
        accessToken,
        refreshToken,
        tokenType: 'Bearer' as const,
        expiresIn: ACCESS_TOKEN_TTL_MS / 1000,
        refreshExpiresIn: REFRESH_TOKEN_TTL_MS / 1000
      };
    },

    /**
     * Looks a token up by its hash (one index probe; no byte comparison in our code), with
     * its key pair and app read in the same statement, so they are as fresh as the token.
     */
    async resolve(token: string, kind: TokenKind): Promise<ResolvedToken | null> {
      if (!tokenWellFormed(token, kind)) return null;
      const tokenHash = hashToken(token);
      const row = await byHash(tokenHash, kind);
      return row ? resolved(tokenHash, row) : null;
    },

    /**
     * Refresh tokens are single use: of concurrent refreshes with one token, exactly one
     * deletes the row and may mint the next pair.
     */
    async consume(tokenHash: string): Promise<boolean> {
      const result = await db
        .deleteFrom('access_tokens')
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    }
  };
}

export type AccessTokenStore = ReturnType<typeof accessTokenStore>;
