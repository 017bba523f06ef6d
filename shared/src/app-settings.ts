import { z } from 'zod';
import { domainIdSchema, idPattern, keyIdSchema } from './ids';

/**
 * The merchant-facing Settings API (cookie session, `/api/apps/:appId/…`): key pairs, the
 * activity log and the domain allow-list. Key actions are online only and the server is the
 * only authority: the browser never mints, stores or caches a secret.
 */

export { domainIdSchema, keyIdSchema } from './ids';

/**
 * - active: the app's one working pair (a database constraint allows only one per app);
 * - expiring: replaced by a regeneration with a grace period; works until `expiresAt`;
 * - disabled: stopped by the merchant, can be enabled again while it was not replaced;
 * - replaced: superseded by a newer pair (at once, or when its grace period ended); final.
 */
export const keyStatusSchema = z.enum(['active', 'expiring', 'disabled', 'replaced']);
export type KeyStatus = z.infer<typeof keyStatusSchema>;

/** How long the old pair keeps working after a regeneration. */
export const keyGraces = ['now', '1h', '24h', '7d'] as const;
export const keyGraceSchema = z.enum(keyGraces);
export type KeyGrace = z.infer<typeof keyGraceSchema>;
export const KEY_GRACE_MS: Record<KeyGrace, number> = {
  now: 0,
  '1h': 60 * 60 * 1000,
  '24h': 24 * 60 * 60 * 1000,
  '7d': 7 * 24 * 60 * 60 * 1000
};

/** Key actions need a password entered within this window (else `reauthentication_required`). */
export const REAUTH_WINDOW_MS = 10 * 60 * 1000;

/** A key pair as every list shows it: never the secret, only its hint. */
export const apiKeySchema = z.object({
  id: keyIdSchema,
  appId: z.string(),
  mode: z.enum(['test', 'live']),
  /** The public key (`kspk_…`) in full: it is meant for frontends. */
  publicKey: z.string(),
  /** `kssk_test_…9Qa` */
  secretHint: z.string(),
  status: keyStatusSchema,
  /** expiring: when it stops; replaced: when it stopped; otherwise null. */
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
  createdByEmail: z.string().nullable(),
  /** Last token exchange or refresh with this pair. */
  lastUsedAt: z.string().nullable(),
  disabledAt: z.string().nullable(),
  /** The pair that replaced this one. */
  replacedBy: keyIdSchema.nullable()
});
export type ApiKey = z.infer<typeof apiKeySchema>;

/** `GET /api/apps/:appId/keys` — newest first. */
export const keyListResponseSchema = z.object({ keys: z.array(apiKeySchema) });
export type KeyListResponse = z.infer<typeof keyListResponseSchema>;

/**
 * `POST /api/apps/:appId/keys` and `POST …/keys/:keyId/regenerate` answer the new pair with
 * its secret, once, with `Cache-Control: no-store`. Nothing can fetch the secret again.
 */
export const keyCreatedResponseSchema = z.object({
  key: apiKeySchema,
  secretKey: z.string(),
  /** After a regeneration: the old pair, now `expiring` or `replaced`. */
  previous: apiKeySchema.nullable()
});
export type KeyCreatedResponse = z.infer<typeof keyCreatedResponseSchema>;

export const regenerateKeyInput = z.strictObject({ grace: keyGraceSchema });
export type RegenerateKeyInput = z.infer<typeof regenerateKeyInput>;

/** `POST …/keys/:keyId/disable` and `…/enable` answer the changed pair. */
export const keyResponseSchema = z.object({ key: apiKeySchema });

export const auditActions = [
  'key.generated',
  'key.regenerated',
  'key.disabled',
  'key.enabled',
  'domain.added',
  'domain.removed',
  'app.registered',
  'app.updated',
  'app.enabled',
  'app.disabled',
  // The team (issue 16): `detail` names the member's address and the role(s).
  'team.invited',
  'team.invite_revoked',
  'team.joined',
  'team.role_changed',
  'team.removed',
  'team.left',
  'team.ownership_transferred'
] as const;
export const auditEntrySchema = z.object({
  id: z.string(),
  action: z.enum(auditActions),
  keyId: z.string().nullable(),
  /** regenerated: the grace chosen; domain.*: the origin; team.*: the address and role(s). */
  detail: z.string().nullable(),
  /** The member who acted (null once their account is gone). */
  actorName: z.string().nullable(),
  actorEmail: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  at: z.string()
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const AUDIT_PAGE_MAX = 200;
/**
 * The cursor the server hands out as `nextBefore`: `<at>|<id>` of a page's last entry. Only
 * that exact shape is accepted, so nothing else (a NUL, which PostgreSQL refuses, or any other
 * text) ever reaches a query.
 */
const AUDIT_CURSOR = new RegExp(
  `^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\\|${idPattern('au')}$`
);
/** `GET /api/apps/:appId/audit?limit=50&before=<nextBefore>` — newest first. */
export const auditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(50),
  before: z.string().regex(AUDIT_CURSOR, 'This page link is no longer valid').optional()
});
export const auditListResponseSchema = z.object({
  entries: z.array(auditEntrySchema),
  /** Pass as `before` for the next (older) page; null at the end. */
  nextBefore: z.string().nullable()
});
export type AuditListResponse = z.infer<typeof auditListResponseSchema>;

export const MAX_DOMAINS_PER_APP = 20;

const LABEL = '(?!-)[a-z0-9-]{1,63}(?<!-)';
const HTTPS_ORIGIN = new RegExp(`^https://(${LABEL}(?:\\.${LABEL})*)(?::(\\d{1,5}))?/?$`);
const LOCALHOST_ORIGIN = /^http:\/\/localhost(?::(\d{1,5}))?\/?$/;

/**
 * An origin a browser sends in `Origin`: `https://host[:port]` or `http://localhost[:port]`,
 * nothing else (no path, query, credentials or wildcard). Normalised the way browsers send it:
 * lower case, no trailing slash, no default port.
 */
export const originSchema = z
  .string({ error: 'Enter an origin such as https://shop.example.com' })
  .trim()
  .toLowerCase()
  .max(255, 'An origin has at most 255 characters')
  .transform((value, ctx) => {
    const https = HTTPS_ORIGIN.exec(value);
    const local = https ? null : LOCALHOST_ORIGIN.exec(value);
    const port = https ? https[2] : local?.[1];
    const portOk = port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
    // A dotless https host is refused (it cannot be a public site), except localhost.
    const host = https?.[1] ?? '';
    const hostOk = !https || host.includes('.') || host === 'localhost';
    if ((!https && !local) || !portOk || !hostOk) {
      ctx.addIssue({
        code: 'custom',
        message: 'Use https://host[:port] (or http://localhost[:port] for development)'
      });
      return z.NEVER;
    }
    if (local) return port ? `http://localhost:${port}` : 'http://localhost';
    const keepPort = port !== undefined && Number(port) !== 443;
    return `https://${host}${keepPort ? `:${Number(port)}` : ''}`;
  });

export const addDomainInput = z.strictObject({ origin: originSchema });
export type AddDomainInput = z.input<typeof addDomainInput>;

export const domainSchema = z.object({
  id: domainIdSchema,
  origin: z.string(),
  createdAt: z.string(),
  createdByEmail: z.string().nullable()
});
export type Domain = z.infer<typeof domainSchema>;
export const domainListResponseSchema = z.object({ domains: z.array(domainSchema) });
export type DomainListResponse = z.infer<typeof domainListResponseSchema>;
