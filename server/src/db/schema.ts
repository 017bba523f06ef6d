import type { Generated } from 'kysely';

/**
 * Table types. Times are stored as ISO-8601 strings in UTC on both dialects so that the same
 * queries compare them lexically and the same rows round-trip unchanged.
 */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  password_resets: PasswordResetsTable;
  rate_limits: RateLimitsTable;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  /** SHA-256 of the session token, hex. The token itself is never stored. */
  token_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  /** When the password was last entered in this session (re-authentication for key actions). */
  authenticated_at: string;
  idle_expires_at: string;
  absolute_expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface PasswordResetsTable {
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface RateLimitsTable {
  /** e.g. `signin:ip:127.0.0.1` or `signin:account:a@b.c` */
  key: string;
  window_start: string;
  count: Generated<number>;
}
