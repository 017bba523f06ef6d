import { SYNC_SCHEMA_VERSION, type ErrorCode, type Permission } from '@kspay/shared';
import { hashToken } from '../../src/lib/tokens';
import type { Database } from '../../src/db/schema';
import { create, fields, newAppId, newClientId } from './apps';
import { call, createTestApp, INR, INR_UPI } from './payments';
import { SHOP_ORIGIN, type World } from './route-world';
import { emailChangeStore } from '../../src/store/email-changes';
import { sessionStore } from '../../src/store/sessions';
import { idPattern } from '@kspay/shared/ids';
import { addPasskey, assertion, codeFor, enableTotp, passwordStep } from './mfa';
import { SoftPasskey } from './webauthn';
import { invite, inviteToken, joined, teamPath } from './team';

/**
 * Every route the server has, with how it is reached and what it may change. The security and
 * hostile-input suites run over this list, and `security.routes.test.ts` fails when the app
 * has a route that is missing here: a new route cannot ship without its security cases.
 *
 * How a route authenticates:
 * - `open`: nothing (health, sign-up, docs, the SPA);
 * - `session`: the `/api` session cookie;
 * - `bearer`: a `/v1` access token; `catalog`: a bearer token, or the public key from an
 *   allowed origin; `refresh`: a `/v1` refresh token; `key-pair`: both keys in the body;
 * - `preflight`: CORS preflights (carry no credentials by definition);
 * - `fallback`: the catch-alls that answer "no such endpoint".
 */
export type Access =
  'open' | 'session' | 'bearer' | 'catalog' | 'refresh' | 'key-pair' | 'preflight' | 'fallback';

export type Table = keyof Database;

export interface Req {
  /** Path with query string. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Another merchant's credentials aimed at the owner's record, and what they must see. */
export interface ForeignCase {
  req: Req;
  status: number;
  /** `/api` error code, or KS Pay's numeric code under `/v1`. */
  code?: ErrorCode | number;
}

export interface RegisteredRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'OPTIONS' | 'ALL';
  /** Exactly as `inspectRoutes(app)` lists it. */
  pattern: string;
  access: Access;
  /** A request of the owner's that the route accepts; `send()` adds the credentials. */
  valid(w: World): Req | Promise<Req>;
  /** The route reads a JSON body (malformed JSON answers 400; hostile bodies reach it). */
  json?: boolean;
  /** The status `valid` answers when it is not 2xx (the catch-alls answer 404). */
  validStatus?: number;
  foreign?(w: World): ForeignCase[];
  /** Tables an accepted request may change. */
  writes?: readonly Table[];
  /** Tables a REFUSED request may change: attempt counters (`rate_limits`). */
  counts?: readonly Table[];
  /**
   * Needs the password entered in the last 10 minutes (`requireRecentAuth`): key actions and
   * changes to the allowed domains. Must match the routes whose document lists
   * `reauthentication_required` (openapi.coverage.test.ts).
   */
  recentAuth?: true;
  /**
   * What a member's role must allow (shared/src/roles.ts) for a `session` route that acts on a
   * business's data; unset for routes of the caller's own account. security.roles.test.ts
   * fails for a business route without one.
   */
  permission?: Permission;
  /**
   * How a role without the permission is refused: 403 `forbidden_role` (the default), or, for
   * sync push, a stored refusal with that code in a 200 answer (the queued change stays
   * visible to the member; it is never dropped).
   */
  refusedAs?: 'rejection';
}

/** Routes that act on one business's data: they need a role rule (`permission`). */
export const actsOnBusiness = (pattern: string) =>
  pattern.startsWith('/api/apps/') ||
  pattern.startsWith('/api/businesses/:businessId') ||
  pattern.startsWith('/api/sync/');

const SYNC = [
  'apps',
  'app_logos',
  'merchant_versions',
  'sync_clients',
  'sync_rejections',
  // Disabling an app records `app.disabled`.
  'events',
  'webhook_deliveries'
] as const;
/** An event (and its queued webhook attempts) commits with its cause (014_webhooks). */
const EVENTS = ['events', 'webhook_deliveries'] as const;
const KEYS = ['api_keys', 'access_tokens', 'audit_log', ...EVENTS] as const;
const PAY = [
  'transactions',
  'transaction_daily',
  'transaction_quarter',
  // Only in the zones an overview keeps (008_local_days).
  'transaction_local_day',
  'access_tokens',
  ...EVENTS
] as const;
const ACCOUNTS = [
  'users',
  'sessions',
  'password_resets',
  'rate_limits',
  'email_verifications',
  'auth_failures'
] as const;
/** What a refused password attempt may change: the per-address cap and the failure counters. */
const ATTEMPTS = ['rate_limits', 'auth_failures'] as const;
/** The owner's passkey each world's DELETE case made (the foreign case aims at it). */
const ownerPasskeys = new WeakMap<World, string>();
/** The owner's invitation or team member each world's team case made (foreign cases aim at it). */
const ownerTeamIds = new WeakMap<World, string>();
/** What a team write changes: the membership or invitation, and its activity line. */
const TEAM = ['memberships', 'invites', 'audit_log'] as const;

const app = (w: World) => `/api/apps/${w.owner.appId}`;
const business = (w: World) => `/api/businesses/${w.owner.merchant.businessId}`;
const notFound = (path: string, body?: unknown): ForeignCase => ({
  req: { path, body },
  status: 404,
  code: 'not_found'
});
/** A business the caller is not in answers the same whether it exists or not. */
const notAMember = (path: string, body?: unknown): ForeignCase => ({
  req: { path, body },
  status: 403,
  code: 'not_a_member'
});

/** A request log row of the owner's app (its token exchange, written by a flush). */
async function ownerLogId(w: World): Promise<string> {
  await w.t.services.usage.flush();
  const row = await w.t.services.db.db
    .selectFrom('request_logs')
    .select('id')
    .where('app_id', '=', w.owner.appId)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A fresh app of the owner's without keys (generating a pair needs one). */
async function keylessApp(w: World) {
  return createTestApp(w.t, w.owner.merchant);
}

export const ROUTES: RegisteredRoute[] = [
  { method: 'GET', pattern: '/api/health', access: 'open', valid: () => ({ path: '/api/health' }) },
  {
    method: 'POST',
    pattern: '/api/auth/sign-up',
    json: true,
    access: 'open',
    valid: () => ({
      path: '/api/auth/sign-up',
      body: {
        name: 'New Merchant',
        email: `new-${Date.now()}@example.com`,
        password: 'a long new passphrase'
      }
    }),
    // A new account is the Owner of its own business (012_teams).
    writes: [...ACCOUNTS, 'businesses', 'memberships'],
    counts: ['rate_limits']
  },
  {
    method: 'POST',
    pattern: '/api/auth/sign-in',
    json: true,
    access: 'open',
    valid: (w) => ({
      path: '/api/auth/sign-in',
      body: { email: w.owner.merchant.email, password: w.owner.merchant.password }
    }),
    writes: ACCOUNTS,
    counts: ATTEMPTS
  },
  {
    method: 'POST',
    pattern: '/api/auth/sign-out',
    access: 'open',
    valid: () => ({ path: '/api/auth/sign-out' }),
    writes: ['sessions']
  },
  {
    method: 'GET',
    pattern: '/api/auth/session',
    access: 'session',
    valid: () => ({ path: '/api/auth/session' })
  },
  {
    method: 'GET',
    pattern: '/api/account',
    access: 'session',
    valid: () => ({ path: '/api/account' })
  },
  {
    method: 'PATCH',
    pattern: '/api/account',
    json: true,
    access: 'session',
    valid: () => ({ path: '/api/account', body: { timeZone: 'Asia/Kolkata' } }),
    writes: ['users']
  },
  {
    method: 'POST',
    pattern: '/api/auth/reauthenticate',
    json: true,
    access: 'session',
    valid: (w) => ({
      path: '/api/auth/reauthenticate',
      body: { password: w.owner.merchant.password }
    }),
    writes: ACCOUNTS,
    counts: ATTEMPTS
  },
  // Profile: name, change of address, password, active sessions, company profile.
  {
    method: 'PATCH',
    pattern: '/api/profile/name',
    json: true,
    access: 'session',
    valid: () => ({ path: '/api/profile/name', body: { name: 'Renamed Merchant' } }),
    writes: ['users']
  },
  {
    method: 'POST',
    pattern: '/api/profile/email',
    json: true,
    access: 'session',
    valid: () => ({
      path: '/api/profile/email',
      body: { email: `changed-${Date.now()}@example.com` }
    }),
    writes: ['email_changes', 'rate_limits'],
    counts: ['rate_limits'],
    recentAuth: true
  },
  {
    method: 'POST',
    pattern: '/api/profile/email/confirm',
    json: true,
    access: 'open',
    valid: async (w) => {
      const changes = emailChangeStore(w.t.services.db, w.t.clock);
      const email = `confirmed-${Date.now()}@example.com`;
      const { token } = await changes.create(w.owner.merchant.id, email);
      return { path: '/api/profile/email/confirm', body: { token } };
    },
    writes: ['users', 'email_changes']
  },
  {
    method: 'POST',
    pattern: '/api/profile/password',
    json: true,
    access: 'session',
    valid: (w) => ({
      path: '/api/profile/password',
      body: { currentPassword: w.owner.merchant.password, newPassword: 'a brand new passphrase' }
    }),
    writes: ACCOUNTS,
    counts: ['rate_limits']
  },
  {
    method: 'GET',
    pattern: '/api/sessions',
    access: 'session',
    valid: () => ({ path: '/api/sessions' }),
    // The other merchant's list never names the owner's session.
    foreign: () => [{ req: { path: '/api/sessions' }, status: 200 }]
  },
  {
    method: 'DELETE',
    pattern: '/api/sessions/:sessionId{se_[A-Za-z0-9]{9}}',
    access: 'session',
    valid: async (w) => {
      const { db } = w.t.services.db;
      const { token } = await sessionStore(w.t.services.db, w.t.clock).create(w.owner.merchant.id, {
        ip: '203.0.113.9',
        userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Firefox/133.0'
      });
      const other = await db
        .selectFrom('sessions')
        .select('id')
        .where('token_hash', '=', hashToken(token))
        .executeTakeFirstOrThrow();
      return { path: `/api/sessions/${other.id}` };
    },
    foreign: (w) => [notFound(`/api/sessions/${w.owner.sessionId}`)],
    writes: ['sessions']
  },
  {
    method: 'POST',
    pattern: '/api/sessions/sign-out-others',
    access: 'session',
    valid: () => ({ path: '/api/sessions/sign-out-others' }),
    writes: ['sessions']
  },
  {
    method: 'GET',
    pattern: '/api/businesses',
    access: 'session',
    valid: () => ({ path: '/api/businesses' })
  },
  {
    method: 'GET',
    pattern: '/api/businesses/:businessId/company',
    access: 'session',
    valid: (w) => ({ path: `${business(w)}/company` }),
    foreign: (w) => [notAMember(`${business(w)}/company`)],
    permission: 'read'
  },
  {
    method: 'PATCH',
    pattern: '/api/businesses/:businessId/company',
    json: true,
    access: 'session',
    valid: (w) => ({
      path: `${business(w)}/company`,
      body: { businessName: 'Asha Traders', website: 'asha.example.com', country: 'IN' }
    }),
    foreign: (w) => [notAMember(`${business(w)}/company`, { businessName: 'Mallory Ltd' })],
    // The company name is the business's name (the switcher shows it).
    writes: ['company_profiles', 'businesses'],
    permission: 'business.write'
  },
  {
    method: 'POST',
    pattern: '/api/auth/forgot-password',
    json: true,
    access: 'open',
    valid: (w) => ({ path: '/api/auth/forgot-password', body: { email: w.owner.merchant.email } }),
    writes: ['password_resets', 'rate_limits'],
    counts: ['rate_limits']
  },
  {
    method: 'POST',
    pattern: '/api/auth/reset-password',
    json: true,
    access: 'open',
    async valid(w) {
      const email = w.owner.merchant.email;
      await call(w.t, 'POST', '/api/auth/forgot-password', { body: { email } });
      const mail = w.t.mailer.sent.filter((m) => m.to === email).at(-1);
      const token = /#token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1] ?? 'missing';
      return {
        path: '/api/auth/reset-password',
        body: { token, password: 'a brand new passphrase' }
      };
    },
    writes: ACCOUNTS
  },
  // Email verification (issue 14): verify-email signs in with a mailed link; resend mails one.
  {
    method: 'POST',
    pattern: '/api/auth/verify-email',
    json: true,
    access: 'open',
    async valid(w) {
      const email = `verify-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
      const body = { name: 'Verifying', email, password: 'a long new passphrase' };
      await call(w.t, 'POST', '/api/auth/sign-up', { body });
      const mail = w.t.mailer.sent.filter((m) => m.to === email).at(-1);
      const token = /#token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1] ?? 'missing';
      return { path: '/api/auth/verify-email', body: { token } };
    },
    writes: ACCOUNTS
  },
  {
    method: 'POST',
    pattern: '/api/auth/verify-email/resend',
    access: 'session',
    valid: () => ({ path: '/api/auth/verify-email/resend' }),
    // The world's merchants are verified: a resend to them is refused as already done
    // (verification.happy.test.ts sends to an unverified one).
    validStatus: 409,
    writes: ['email_verifications', 'rate_limits']
  },
  {
    method: 'POST',
    pattern: '/api/sync/push',
    json: true,
    access: 'session',
    valid: (w) => ({
      path: '/api/sync/push',
      body: {
        businessId: w.owner.merchant.businessId,
        clientId: newClientId(),
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations: [create(1, newAppId(), fields())]
      }
    }),
    foreign: (w) => [
      // The owner's replica named from the caller's own business, then the owner's business.
      notFound('/api/sync/push', {
        businessId: w.other.merchant.businessId,
        clientId: w.owner.clientId,
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations: [create(2)]
      }),
      notAMember('/api/sync/push', {
        businessId: w.owner.merchant.businessId,
        clientId: newClientId(),
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations: [create(1)]
      })
    ],
    writes: [...SYNC, 'audit_log'],
    permission: 'apps.write',
    refusedAs: 'rejection'
  },
  {
    method: 'POST',
    pattern: '/api/sync/pull',
    json: true,
    access: 'session',
    valid: (w) => ({
      path: '/api/sync/pull',
      body: {
        businessId: w.owner.merchant.businessId,
        // A replica of the caller's own (any member may pull; a client id is one person's).
        clientId: newClientId(),
        schemaVersion: SYNC_SCHEMA_VERSION,
        cursor: 0,
        rejectionsAfter: 0
      }
    }),
    foreign: (w) => [
      notFound('/api/sync/pull', {
        businessId: w.other.merchant.businessId,
        clientId: w.owner.clientId,
        schemaVersion: SYNC_SCHEMA_VERSION,
        cursor: 0,
        rejectionsAfter: 0
      }),
      notAMember('/api/sync/pull', {
        businessId: w.owner.merchant.businessId,
        clientId: newClientId(),
        schemaVersion: SYNC_SCHEMA_VERSION,
        cursor: 0,
        rejectionsAfter: 0
      })
    ],
    permission: 'read'
  },
  {
    method: 'GET',
    pattern: '/api/apps/:id/logo',
    access: 'session',
    valid: (w) => ({ path: `${app(w)}/logo` }),
    foreign: (w) => [notFound(`${app(w)}/logo`)],
    permission: 'read'
  },
  {
    method: 'GET',
    pattern: '/api/apps/:appId/keys',
    access: 'session',
    valid: (w) => ({ path: `${app(w)}/keys` }),
    foreign: (w) => [notFound(`${app(w)}/keys`)],
    permission: 'keys.read'
  },
  {
    method: 'POST',
    pattern: '/api/apps/:appId/keys',
    access: 'session',
    valid: async (w) => ({ path: `/api/apps/${await keylessApp(w)}/keys` }),
    foreign: (w) => [notFound(`${app(w)}/keys`)],
    writes: KEYS,
    recentAuth: true,
    permission: 'keys.manage'
  },
  ...(['regenerate', 'disable', 'enable'] as const).map((action): RegisteredRoute => ({
    method: 'POST',
    pattern: `/api/apps/:appId/keys/:keyId{ak_[A-Za-z0-9]{9}}/${action}`,
    json: action === 'regenerate',
    access: 'session',
    async valid(w) {
      const path = `${app(w)}/keys/${w.owner.pair.keyId}`;
      if (action === 'enable') {
        await call(w.t, 'POST', `${path}/disable`, { cookie: w.owner.merchant.cookie });
      }
      return {
        path: `${path}/${action}`,
        body: action === 'regenerate' ? { grace: 'now' } : undefined
      };
    },
    foreign: (w) => {
      const body = action === 'regenerate' ? { grace: 'now' } : undefined;
      const key = `keys/${w.owner.pair.keyId}/${action}`;
      // The owner's app and key, and the other merchant's own app with the owner's key.
      return [
        notFound(`${app(w)}/${key}`, body),
        notFound(`/api/apps/${w.other.appId}/${key}`, body)
      ];
    },
    writes: KEYS,
    recentAuth: true,
    permission: 'keys.manage'
  })),
  {
    method: 'GET',
    pattern: '/api/apps/:appId/audit',
    access: 'session',
    valid: (w) => ({ path: `${app(w)}/audit?limit=10` }),
    foreign: (w) => [notFound(`${app(w)}/audit`)],
    permission: 'read'
  },
  {
    method: 'GET',
    pattern: '/api/apps/:appId/domains',
    access: 'session',
    valid: (w) => ({ path: `${app(w)}/domains` }),
    foreign: (w) => [notFound(`${app(w)}/domains`)],
    permission: 'read'
  },
  {
    method: 'POST',
    pattern: '/api/apps/:appId/domains',
    json: true,
    access: 'session',
    valid: (w) => ({ path: `${app(w)}/domains`, body: { origin: 'https://pay.shop.example.com' } }),
    foreign: (w) => [notFound(`${app(w)}/domains`, { origin: 'https://evil.example.com' })],
    writes: ['app_domains', 'audit_log'],
    recentAuth: true,
    permission: 'integrations.write'
  },
  {
    method: 'DELETE',
    pattern: '/api/apps/:appId/domains/:domainId{dm_[A-Za-z0-9]{9}}',
    access: 'session',
    valid: (w) => ({ path: `${app(w)}/domains/${w.domainId}` }),
    foreign: (w) => [
      notFound(`${app(w)}/domains/${w.domainId}`),
      notFound(`/api/apps/${w.other.appId}/domains/${w.domainId}`)
    ],
    writes: ['app_domains', 'audit_log'],
    recentAuth: true,
    permission: 'integrations.write'
  },
  // Webhooks (issue 17).
  {
    method: 'GET',
    pattern: '/api/apps/:appId/webhooks',
    access: 'session',
    valid: (w) => ({ path: `${app(w)}/webhooks` }),
    foreign: (w) => [notFound(`${app(w)}/webhooks`)],
    permission: 'read'
  },
  {
    method: 'POST',
    pattern: '/api/apps/:appId/webhooks',
    json: true,
    access: 'session',
    valid: (w) => ({
      path: `${app(w)}/webhooks`,
      body: { url: 'https://hooks.shop.example.com/new', events: ['transaction.succeeded'] }
    }),
    foreign: (w) => [
      notFound(`${app(w)}/webhooks`, { url: 'https://evil.example.com/', events: ['key.disabled'] })
    ],
    writes: ['webhook_endpoints'],
    recentAuth: true,
    permission: 'integrations.write'
  },
  ...(['PATCH', 'DELETE'] as const).map((method): RegisteredRoute => ({
    method,
    pattern: `/api/apps/:appId/webhooks/:endpointId{we_[A-Za-z0-9]{9}}`,
    json: method === 'PATCH',
    access: 'session',
    valid: (w) => ({
      path: `${app(w)}/webhooks/${w.endpointId}`,
      body: method === 'PATCH' ? { events: ['transaction.failed'] } : undefined
    }),
    foreign: (w) => {
      const body = method === 'PATCH' ? { events: ['transaction.failed'] } : undefined;
      return [
        notFound(`${app(w)}/webhooks/${w.endpointId}`, body),
        notFound(`/api/apps/${w.other.appId}/webhooks/${w.endpointId}`, body)
      ];
    },
    writes: ['webhook_endpoints', 'webhook_deliveries'],
    recentAuth: true,
    permission: 'integrations.write'
  })),
  ...(['rotate', 'test', 'resend'] as const).map((action): RegisteredRoute => ({
    method: 'POST',
    pattern: `/api/apps/:appId/webhooks/:endpointId{we_[A-Za-z0-9]{9}}/${action}`,
    json: action === 'resend',
    access: 'session',
    valid: (w) => ({
      path: `${app(w)}/webhooks/${w.endpointId}/${action}`,
      body: action === 'resend' ? { eventId: w.eventId } : undefined
    }),
    ...(action !== 'rotate' && { validStatus: 202 }),
    foreign: (w) => {
      const body = action === 'resend' ? { eventId: w.eventId } : undefined;
      return [
        notFound(`${app(w)}/webhooks/${w.endpointId}/${action}`, body),
        notFound(`/api/apps/${w.other.appId}/webhooks/${w.endpointId}/${action}`, body)
      ];
    },
    writes:
      action === 'rotate'
        ? ['webhook_endpoints']
        : action === 'test'
          ? ['events', 'webhook_deliveries']
          : ['webhook_deliveries'],
    ...(action === 'rotate' && { recentAuth: true as const }),
    permission: 'integrations.write'
  })),
  {
    method: 'GET',
    pattern: '/api/apps/:appId/webhooks/:endpointId{we_[A-Za-z0-9]{9}}/deliveries',
    access: 'session',
    valid: (w) => ({ path: `${app(w)}/webhooks/${w.endpointId}/deliveries?limit=5` }),
    foreign: (w) => [
      notFound(`${app(w)}/webhooks/${w.endpointId}/deliveries`),
      notFound(`/api/apps/${w.other.appId}/webhooks/${w.endpointId}/deliveries`)
    ],
    permission: 'read'
  },
  {
    method: 'GET',
    pattern: '/api/apps/:appId/overview',
    access: 'session',
    valid: (w) => ({ path: `${app(w)}/overview?days=30` }),
    foreign: (w) => [notFound(`${app(w)}/overview?days=30`)],
    // The first overview in a zone keeps that zone's local days from then on (008_local_days).
    writes: ['transaction_zone', 'transaction_local_day'],
    permission: 'read'
  },
  {
    method: 'GET',
    pattern: '/api/apps/:appId/transactions',
    access: 'session',
    valid: (w) => ({ path: `${app(w)}/transactions?limit=10` }),
    foreign: (w) => [notFound(`${app(w)}/transactions`)],
    permission: 'read'
  },
  {
    method: 'GET',
    pattern: '/api/apps/:appId/transactions.csv',
    access: 'session',
    valid: (w) => ({ path: `${app(w)}/transactions.csv` }),
    foreign: (w) => [notFound(`${app(w)}/transactions.csv`)],
    permission: 'read'
  },
  // Request logs (issue 17).
  {
    method: 'GET',
    pattern: '/api/apps/:appId/logs',
    access: 'session',
    permission: 'read',
    valid: (w) => ({ path: `${app(w)}/logs?status=2xx&limit=10` }),
    foreign: (w) => [notFound(`${app(w)}/logs`)]
  },
  {
    method: 'GET',
    pattern: '/api/apps/:appId/logs/:requestLogId',
    access: 'session',
    permission: 'read',
    async valid(w) {
      return { path: `${app(w)}/logs/${await ownerLogId(w)}` };
    },
    foreign: (w) => [
      notFound(`${app(w)}/logs/rq_000000000`),
      notFound(`/api/apps/${w.other.appId}/logs/rq_000000000`)
    ]
  },
  // Two-factor sign-in and passkeys (issue 14, mfa).
  { method: 'GET', pattern: '/api/mfa', access: 'session', valid: () => ({ path: '/api/mfa' }) },
  {
    method: 'POST',
    pattern: '/api/mfa/totp/setup',
    access: 'session',
    valid: () => ({ path: '/api/mfa/totp/setup' }),
    writes: ['totp_factors'],
    recentAuth: true
  },
  {
    method: 'POST',
    pattern: '/api/mfa/totp/confirm',
    json: true,
    access: 'session',
    async valid(w) {
      const m = w.owner.merchant;
      const res = await call(w.t, 'POST', '/api/mfa/totp/setup', { cookie: m.cookie });
      const { secret } = (await res.json()) as { secret: string };
      return { path: '/api/mfa/totp/confirm', body: { code: codeFor(w.t, secret) } };
    },
    writes: ['totp_factors', 'recovery_codes', 'rate_limits'],
    counts: ['rate_limits']
  },
  {
    method: 'POST',
    pattern: '/api/mfa/totp/disable',
    json: true,
    access: 'session',
    async valid(w) {
      const { secret } = await enableTotp(w.t, w.owner.merchant);
      return { path: '/api/mfa/totp/disable', body: { code: codeFor(w.t, secret) } };
    },
    writes: ['totp_factors', 'recovery_codes', 'rate_limits'],
    counts: ['rate_limits']
  },
  {
    method: 'POST',
    pattern: '/api/auth/second-factor',
    json: true,
    // No session yet: the pending-sign-in cookie of a correct password.
    access: 'open',
    async valid(w) {
      const { secret } = await enableTotp(w.t, w.owner.merchant);
      const cookie = await passwordStep(w.t, w.owner.merchant);
      return {
        path: '/api/auth/second-factor',
        body: { code: codeFor(w.t, secret) },
        headers: { cookie }
      };
    },
    writes: ['sessions', 'auth_challenges', 'totp_factors', 'rate_limits'],
    counts: ['rate_limits']
  },
  {
    method: 'GET',
    pattern: '/api/passkeys',
    access: 'session',
    valid: () => ({ path: '/api/passkeys' })
  },
  {
    method: 'POST',
    pattern: '/api/passkeys/registration-options',
    access: 'session',
    valid: () => ({ path: '/api/passkeys/registration-options' }),
    writes: ['auth_challenges'],
    recentAuth: true
  },
  {
    method: 'POST',
    pattern: '/api/passkeys',
    json: true,
    access: 'session',
    async valid(w) {
      const m = w.owner.merchant;
      const res = await call(w.t, 'POST', '/api/passkeys/registration-options', {
        cookie: m.cookie
      });
      const { options } = (await res.json()) as { options: { challenge: string } };
      const passkey = new SoftPasskey(w.t.services.config.publicOrigin);
      return { path: '/api/passkeys', body: { name: 'Laptop', response: passkey.create(options) } };
    },
    writes: ['passkeys', 'auth_challenges'],
    // A refused answer still uses its challenge up.
    counts: ['auth_challenges'],
    recentAuth: true
  },
  {
    method: 'DELETE',
    pattern: `/api/passkeys/:passkeyId{${idPattern('pk')}}`,
    access: 'session',
    async valid(w) {
      const { id } = await addPasskey(w.t, w.owner.merchant);
      ownerPasskeys.set(w, id);
      return { path: `/api/passkeys/${id}` };
    },
    foreign: (w) => [notFound(`/api/passkeys/${ownerPasskeys.get(w) ?? 'pk_000000000'}`)],
    writes: ['passkeys'],
    recentAuth: true
  },
  {
    method: 'POST',
    pattern: '/api/passkeys/assertion-options',
    access: 'open',
    valid: () => ({ path: '/api/passkeys/assertion-options' }),
    writes: ['auth_challenges', 'rate_limits'],
    counts: ['rate_limits']
  },
  {
    method: 'POST',
    pattern: '/api/passkeys/sign-in',
    json: true,
    access: 'open',
    async valid(w) {
      const { passkey } = await addPasskey(w.t, w.owner.merchant);
      return { path: '/api/passkeys/sign-in', body: { passkey: await assertion(w.t, passkey) } };
    },
    writes: ['sessions', 'passkeys', 'auth_challenges', 'rate_limits'],
    counts: ['rate_limits', 'auth_challenges']
  },
  // The team (issue 16): members, invitations, roles, ownership; the invitation link.
  {
    method: 'GET',
    pattern: '/api/businesses/:businessId/members',
    access: 'session',
    permission: 'read',
    valid: (w) => ({ path: teamPath(w.owner.merchant.businessId, '/members') }),
    foreign: (w) => [notAMember(teamPath(w.owner.merchant.businessId, '/members'))]
  },
  {
    method: 'GET',
    pattern: '/api/businesses/:businessId/activity',
    access: 'session',
    permission: 'read',
    valid: (w) => ({ path: teamPath(w.owner.merchant.businessId, '/activity?limit=5') }),
    foreign: (w) => [notAMember(teamPath(w.owner.merchant.businessId, '/activity'))]
  },
  {
    method: 'POST',
    pattern: '/api/businesses/:businessId/invites',
    json: true,
    access: 'session',
    permission: 'team.manage',
    valid: (w) => ({
      path: teamPath(w.owner.merchant.businessId, '/invites'),
      body: { email: `invited-${Date.now()}@example.com`, role: 'developer' }
    }),
    foreign: (w) => [
      notAMember(teamPath(w.owner.merchant.businessId, '/invites'), {
        email: 'someone@example.com',
        role: 'admin'
      })
    ],
    writes: [...TEAM, 'rate_limits'],
    counts: ['rate_limits']
  },
  {
    method: 'DELETE',
    pattern: `/api/businesses/:businessId/invites/:inviteId{${idPattern('iv')}}`,
    access: 'session',
    permission: 'team.manage',
    async valid(w) {
      const email = `revoked-${Date.now()}@example.com`;
      const res = await invite(w.t, w.owner.merchant, w.owner.merchant.businessId, email, 'viewer');
      const { invite: created } = (await res.json()) as { invite: { id: string } };
      ownerTeamIds.set(w, created.id);
      return { path: teamPath(w.owner.merchant.businessId, `/invites/${created.id}`) };
    },
    foreign: (w) => {
      const id = ownerTeamIds.get(w) ?? 'iv_000000000';
      // The owner's business, and the other merchant's own business with the owner's invitation.
      return [
        notAMember(teamPath(w.owner.merchant.businessId, `/invites/${id}`)),
        notFound(teamPath(w.other.merchant.businessId, `/invites/${id}`))
      ];
    },
    writes: TEAM
  },
  ...(['PATCH', 'DELETE'] as const).map((method): RegisteredRoute => ({
    method,
    pattern: `/api/businesses/:businessId/members/:userId{${idPattern('us')}}`,
    json: method === 'PATCH',
    access: 'session',
    permission: 'team.manage',
    async valid(w) {
      const m = await joined(w.t, w.owner.merchant, w.owner.merchant.businessId, 'developer');
      ownerTeamIds.set(w, m.id);
      const body = method === 'PATCH' ? { role: 'viewer' } : undefined;
      return { path: teamPath(w.owner.merchant.businessId, `/members/${m.id}`), body };
    },
    foreign: (w) => {
      const id = ownerTeamIds.get(w) ?? w.owner.merchant.id;
      const body = method === 'PATCH' ? { role: 'admin' } : undefined;
      return [
        notAMember(teamPath(w.owner.merchant.businessId, `/members/${id}`), body),
        notFound(teamPath(w.other.merchant.businessId, `/members/${id}`), body)
      ];
    },
    writes: TEAM
  })),
  {
    method: 'POST',
    pattern: '/api/businesses/:businessId/transfer',
    json: true,
    access: 'session',
    permission: 'team.transfer',
    async valid(w) {
      const m = await joined(w.t, w.owner.merchant, w.owner.merchant.businessId, 'admin');
      ownerTeamIds.set(w, m.id);
      return { path: teamPath(w.owner.merchant.businessId, '/transfer'), body: { userId: m.id } };
    },
    foreign: (w) => [
      notAMember(teamPath(w.owner.merchant.businessId, '/transfer'), {
        userId: w.other.merchant.id
      }),
      notFound(teamPath(w.other.merchant.businessId, '/transfer'), {
        userId: ownerTeamIds.get(w) ?? w.owner.merchant.id
      })
    ],
    writes: TEAM
  },
  {
    method: 'POST',
    pattern: '/api/invites/preview',
    json: true,
    // The token is the credential (only its address's inbox holds it).
    access: 'open',
    async valid(w) {
      const email = `preview-${Date.now()}@example.com`;
      await invite(w.t, w.owner.merchant, w.owner.merchant.businessId, email, 'viewer');
      return { path: '/api/invites/preview', body: { token: inviteToken(w.t, email) } };
    },
    writes: ['rate_limits'],
    counts: ['rate_limits']
  },
  {
    method: 'POST',
    pattern: '/api/invites/accept',
    json: true,
    // Signed out, creating the account (signed in is the same route with a session).
    access: 'open',
    async valid(w) {
      const email = `joining-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
      await invite(w.t, w.owner.merchant, w.owner.merchant.businessId, email, 'developer');
      return {
        path: '/api/invites/accept',
        body: { token: inviteToken(w.t, email), name: 'Joining', password: 'a long new passphrase' }
      };
    },
    writes: [...ACCOUNTS, ...TEAM, 'businesses'],
    counts: ['rate_limits']
  },
  {
    method: 'ALL',
    pattern: '/api/*',
    access: 'fallback',
    valid: () => ({ path: '/api/no-such-endpoint' }),
    validStatus: 404
  },

  // The payments API.
  {
    method: 'OPTIONS',
    pattern: '/v1/*',
    access: 'preflight',
    valid: () => ({
      path: '/v1/currencies',
      headers: { origin: SHOP_ORIGIN, 'access-control-request-method': 'GET' }
    })
  },
  {
    method: 'POST',
    pattern: '/v1/auth/generate-token/:appId',
    json: true,
    access: 'key-pair',
    valid: (w) => ({
      path: `/v1/auth/generate-token/${w.owner.appId}`,
      body: { accessKey: w.owner.pair.publicKey, secretKey: w.owner.pair.secretKey }
    }),
    foreign: (w) => [
      {
        req: {
          path: `/v1/auth/generate-token/${w.owner.appId}`,
          body: { accessKey: w.other.pair.publicKey, secretKey: w.other.pair.secretKey }
        },
        status: 400,
        code: 11001
      }
    ],
    // An exchange stamps the pair's last use.
    writes: ['access_tokens', 'api_keys', 'rate_limits'],
    counts: ['rate_limits']
  },
  {
    method: 'POST',
    pattern: '/v1/auth/refresh-token',
    access: 'refresh',
    valid: () => ({ path: '/v1/auth/refresh-token' }),
    writes: ['access_tokens', 'api_keys']
  },
  {
    method: 'POST',
    pattern: '/v1/transaction/initiate',
    json: true,
    access: 'bearer',
    valid: () => ({
      path: '/v1/transaction/initiate',
      body: {
        currencyId: INR,
        paymentMethodId: INR_UPI,
        amount: 12.5,
        referenceNumber: `ref-${Date.now()}`,
        redirectUrl: 'https://shop.example/return'
      }
    }),
    foreign: (w) => [
      {
        req: {
          path: '/v1/transaction/initiate',
          body: {
            currencyId: INR,
            paymentMethodId: INR_UPI,
            amount: 1,
            referenceNumber: 'ref-x',
            appId: w.owner.appId
          }
        },
        status: 404,
        code: 23
      }
    ],
    writes: PAY
  },
  {
    method: 'POST',
    pattern: '/v1/transaction/process',
    json: true,
    access: 'bearer',
    valid: (w) => ({
      path: '/v1/transaction/process',
      body: { pe_txnId: w.txnId },
      headers: { 'x-signature': w.signature }
    }),
    foreign: (w) => [
      {
        req: {
          path: '/v1/transaction/process',
          body: { pe_txnId: w.txnId },
          headers: { 'x-signature': w.signature }
        },
        status: 404,
        code: 24
      },
      // KS Pay's form: the signature alone. Another app's signature names nothing of its own.
      {
        req: { path: '/v1/transaction/process', headers: { 'x-signature': w.signature } },
        status: 401,
        code: 9007
      }
    ],
    writes: PAY
  },
  {
    method: 'GET',
    pattern: '/v1/transaction/referenceNo/:referenceNumber',
    access: 'bearer',
    valid: () => ({ path: '/v1/transaction/referenceNo/ref-world-1' }),
    foreign: () => [
      { req: { path: '/v1/transaction/referenceNo/ref-world-1' }, status: 404, code: 24 }
    ]
  },
  {
    method: 'GET',
    pattern: '/v1/transaction/txnId/:id',
    access: 'bearer',
    valid: (w) => ({ path: `/v1/transaction/txnId/${w.txnId}` }),
    foreign: (w) => [{ req: { path: `/v1/transaction/txnId/${w.txnId}` }, status: 404, code: 24 }]
  },
  {
    method: 'GET',
    pattern: '/v1/transaction',
    access: 'bearer',
    valid: () => ({ path: '/v1/transaction?page=1&limit=10' }),
    // No id to name: the other app's list must simply not contain the owner's transaction.
    foreign: () => [{ req: { path: '/v1/transaction?page=1&limit=10' }, status: 200 }]
  },
  {
    method: 'GET',
    pattern: '/v1/events',
    access: 'bearer',
    valid: () => ({ path: '/v1/events?limit=10' }),
    // Another app's event id names nothing of its own: 400 / 25 like an unknown one.
    foreign: (w) => [{ req: { path: `/v1/events?after=${w.eventId}` }, status: 400, code: 25 }]
  },
  {
    method: 'GET',
    pattern: '/v1/currencies',
    access: 'catalog',
    valid: () => ({ path: '/v1/currencies' })
  },
  {
    method: 'GET',
    pattern: '/v1/:currencyId/payment-methods',
    access: 'catalog',
    valid: () => ({ path: `/v1/${INR}/payment-methods` })
  },
  {
    method: 'ALL',
    pattern: '/v1/*',
    access: 'fallback',
    valid: () => ({ path: '/v1/no-such-endpoint' }),
    validStatus: 404
  },
  {
    method: 'GET',
    pattern: '/openapi.json',
    access: 'open',
    valid: () => ({ path: '/openapi.json' })
  },
  { method: 'GET', pattern: '/docs', access: 'open', valid: () => ({ path: '/docs' }) },
  // The built web app (only when WEB_ROOT is set): files, and the shell for app routes.
  { method: 'GET', pattern: '/*', access: 'open', valid: () => ({ path: '/apps/new' }) }
];

/** `METHOD pattern`, the key the completeness check compares. */
export const routeKey = (r: { method: string; pattern?: string; path?: string }) =>
  `${r.method} ${r.pattern ?? r.path}`;
