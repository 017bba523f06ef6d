import type { Role } from '@kspay/shared/roles';
import type { ColumnType, Generated } from 'kysely';

/**
 * Table types. Times are stored as ISO-8601 strings in UTC on both dialects so that the same
 * queries compare them lexically and the same rows round-trip unchanged.
 */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  password_resets: PasswordResetsTable;
  email_verifications: EmailVerificationsTable;
  auth_failures: AuthFailuresTable;
  rate_limits: RateLimitsTable;
  apps: AppsTable;
  app_logos: AppLogosTable;
  merchant_versions: MerchantVersionsTable;
  sync_clients: SyncClientsTable;
  sync_rejections: SyncRejectionsTable;
  api_keys: ApiKeysTable;
  access_tokens: AccessTokensTable;
  transactions: TransactionsTable;
  audit_log: AuditLogTable;
  app_domains: AppDomainsTable;
  transaction_daily: TransactionDailyTable;
  transaction_quarter: TransactionQuarterTable;
  transaction_zone: TransactionZoneTable;
  transaction_local_day: TransactionLocalDayTable;
  email_changes: EmailChangesTable;
  company_profiles: CompanyProfilesTable;
  totp_factors: TotpFactorsTable;
  recovery_codes: RecoveryCodesTable;
  passkeys: PasskeysTable;
  auth_challenges: AuthChallengesTable;
  businesses: BusinessesTable;
  memberships: MembershipsTable;
  invites: InvitesTable;
}

/** 012_teams: the organisation that owns apps, keys, domains, transactions and the audit log. */
export interface BusinessesTable {
  id: string;
  name: string;
  created_at: string;
}

/** 012_teams: a person's role in a business; one row per (business, person). */
export interface MembershipsTable {
  business_id: string;
  user_id: string;
  role: 'owner' | 'admin' | 'developer' | 'viewer';
  created_at: string;
  /** Last request by this member to this business, written at most once a minute. */
  last_active_at: string | null;
}

/** 013_invites: an invitation to join a business; only its token's SHA-256 is stored. */
export interface InvitesTable {
  id: string;
  business_id: string;
  email: string;
  role: Role;
  token_hash: string;
  /** The member who sent it. */
  invited_by: string;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
}

/** 010_mfa: the account's authenticator app; the secret sealed under SECRETS_KEY. */
export interface TotpFactorsTable {
  user_id: string;
  secret_enc: string;
  confirmed_at: string | null;
  /** The last accepted RFC 6238 time step: a code is accepted once. */
  last_step: ColumnType<number | string | null, number | null, number | null>;
  created_at: string;
}

/** 010_mfa: SHA-256 of each recovery code; single use. */
export interface RecoveryCodesTable {
  code_hash: string;
  user_id: string;
  used_at: string | null;
  created_at: string;
}

/** 010_mfa: WebAuthn credentials. */
export interface PasskeysTable {
  id: string;
  user_id: string;
  /** base64url */
  credential_id: string;
  /** COSE public key, base64url. */
  public_key: string;
  counter: ColumnType<number | string, number, number>;
  device_type: string;
  backed_up: ColumnType<number, number, number>;
  /** JSON array of transports, or null. */
  transports: string | null;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

/** 010_mfa: single-use, short-lived secrets by SHA-256 (pending sign-ins, WebAuthn challenges). */
export interface AuthChallengesTable {
  key_hash: string;
  purpose: string;
  user_id: string | null;
  expires_at: string;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  /** 005_time_zone: the account's IANA zone; every day boundary the console shows is in it. */
  time_zone: Generated<string>;
  /** 009_email_verification: when the address was proven by its link; null until then. */
  email_verified_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  /** SHA-256 of the session token, hex. The token itself is never stored. */
  token_hash: string;
  /** 011_profile: the session's public name (`se_…`), the only one "Active sessions" shows. */
  id: string;
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

/** 011_profile: a pending change of address, confirmed by a link mailed to `new_email`. */
export interface EmailChangesTable {
  /** SHA-256 of the confirmation token, hex. */
  token_hash: string;
  user_id: string;
  new_email: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** 011_profile: the business's details; every field optional. 012: keyed by business. */
export interface CompanyProfilesTable {
  business_id: string;
  business_name: string | null;
  website: string | null;
  address: string | null;
  country: string | null;
  state: string | null;
  city: string | null;
  postal_code: string | null;
  updated_at: string;
}

/** 009: one row per "Verify your email" link; only the token's SHA-256 is stored. */
export interface EmailVerificationsTable {
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** 009: failed password attempts per (account, source); see store/auth-failures.ts. */
export interface AuthFailuresTable {
  account: string;
  source: string;
  failures: number;
  last_failure_at: string;
}

export interface RateLimitsTable {
  /** e.g. `signin:ip:127.0.0.1` or `signin:account:a@b.c` */
  key: string;
  window_start: string;
  count: Generated<number>;
}

/** 003_keys: one row per key pair; the secret only as SHA-256 hex plus a display hint. */
export interface ApiKeysTable {
  id: string;
  app_id: string;
  mode: 'test' | 'live';
  public_key: string;
  secret_hash: string;
  secret_hint: string;
  status: 'active' | 'expiring' | 'disabled' | 'replaced';
  created_at: string;
  created_by: string | null;
  updated_at: string;
  expires_at: string | null;
  disabled_at: string | null;
  replaced_by: string | null;
  last_used_at: string | null;
}

export interface AccessTokensTable {
  token_hash: string;
  kind: 'access' | 'refresh';
  key_id: string;
  app_id: string;
  created_at: string;
  expires_at: string;
}

export interface TransactionsTable {
  id: string;
  app_id: string;
  key_id: string | null;
  reference_number: string;
  provider_order_id: string;
  currency_id: string;
  currency_code: string;
  payment_method_id: string;
  payment_mode: string;
  gateway: string;
  amount_minor: number;
  status: 'initiated' | 'success' | 'failed' | 'pending';
  redirect_url: string | null;
  created_at: string;
  updated_at: string;
  /** 007: SHA-256 of the transaction's x-signature (payments/signature.ts); null if none. */
  signature_digest: string | null;
}

/**
 * 004_metrics: per app, UTC creation day, currency and status, the number of transactions and
 * their amount in minor units; kept equal to a recount of `transactions` by the store.
 */
export interface TransactionDailyTable {
  app_id: string;
  day: string;
  currency: string;
  status: 'initiated' | 'success' | 'failed' | 'pending';
  count: Int8;
  volume_minor: Int8;
}

/**
 * 005_time_zone: per app, 15-minute bucket (UTC start, epoch seconds), currency and status;
 * kept equal to a recount of `transactions` by the store. A local day in any zone is an exact
 * union of buckets.
 */
export interface TransactionQuarterTable {
  app_id: string;
  bucket: Int8;
  currency: string;
  status: 'initiated' | 'success' | 'failed' | 'pending';
  count: Int8;
  volume_minor: Int8;
}

/** 008_local_days: the zones whose local days from `from_day` on are kept per app. */
export interface TransactionZoneTable {
  app_id: string;
  time_zone: string;
  from_day: string;
}

/**
 * 008_local_days: per app, zone, local day, currency and status; kept equal to a recount of
 * `transactions` for every day from its zone's `from_day` on.
 */
export interface TransactionLocalDayTable {
  app_id: string;
  time_zone: string;
  day: string;
  currency: string;
  status: 'initiated' | 'success' | 'failed' | 'pending';
  count: Int8;
  volume_minor: Int8;
}

export interface AuditLogTable {
  id: string;
  /** 012_teams: the business the action belongs to. */
  business_id: string;
  /** Null for actions on the business itself (team actions). */
  app_id: string | null;
  action: string;
  key_id: string | null;
  detail: string | null;
  actor_id: string | null;
  ip: string | null;
  user_agent: string | null;
  at: string;
}

export interface AppDomainsTable {
  id: string;
  app_id: string;
  origin: string;
  created_at: string;
  created_by: string | null;
}

/** BIGINT: the pg driver reads it as a string, SQLite as a number; stores convert with Number(). */
type Int8 = ColumnType<number | string, number, number>;

/** 002_apps: registered apps; 012: owned by a business. */
export interface AppsTable {
  id: string;
  business_id: string;
  name: string;
  name_key: string;
  email: string;
  address: string;
  phone: string | null;
  country: string;
  state: string | null;
  city: string | null;
  postal_code: string;
  status: 'active' | 'disabled';
  logo_hash: string | null;
  /** Per-business version of the last change (the pull cursor). */
  version: Int8;
  last_client_id: string | null;
  created_at: string;
  updated_at: string;
  /** Tombstone. */
  deleted_at: string | null;
}

export interface AppLogosTable {
  app_id: string;
  content_type: string;
  hash: string;
  size: number;
  bytes: Uint8Array;
  created_at: string;
}

/** The per-business version counter (store/versions.ts); 012: keyed by business. */
export interface MerchantVersionsTable {
  business_id: string;
  version: Int8;
}

/** One replica of one business in one person's browser (012: `business_id`). */
export interface SyncClientsTable {
  id: string;
  user_id: string;
  business_id: string;
  last_mutation_id: Int8;
  created_at: string;
  updated_at: string;
}

export interface SyncRejectionsTable {
  client_id: string;
  mutation_id: Int8;
  name: string;
  record_id: string | null;
  code: string;
  message: string;
  /** JSON object field → message, or null. */
  fields: string | null;
  created_at: string;
}
