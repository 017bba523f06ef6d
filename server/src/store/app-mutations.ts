import { createHash } from 'node:crypto';
import type { ErrorCode, Mutation } from '@kspay/shared';
import {
  appCreateArgs,
  appFieldErrors,
  appNameKey,
  appSetStatusArgs,
  appUpdateArgs,
  type AppCreateArgs,
  type AppSetStatusArgs,
  type AppUpdateArgs,
  type LogoUpload
} from '@kspay/shared/apps';
import { appIdSchema } from '@kspay/shared';
import { z } from 'zod';
import type { Db } from '../db';
import type { Clock } from '../lib/clock';
import { appStore, fieldColumns, type AppRow, type StoredLogo } from './apps';
import { writeAudit, type Actor, type AuditAction } from './audit';
import type { VersionCounter } from './versions';
import { recordEvent } from './events';

/**
 * Applies one sync mutation to the apps of a business, inside the caller's transaction.
 * Returns null when applied, or the refusal to store (the caller still advances the client's
 * counter: a refused mutation is answered once, never retried). Every write takes the
 * business's version lock first (`ctx.versions`, store/versions.ts: held by the caller's
 * transaction, written back by the caller before commit) and stamps the row with the next version,
 * and is written to the audit log with the member who made it, in the same transaction.
 * The caller has checked the member's role.
 */
export interface MutationContext {
  /** The database bound to the caller's transaction (`withTx`). */
  database: Db;
  clock: Clock;
  businessId: string;
  actor: Actor;
  clientId: string;
  now: string;
  /** The business's version counter, locked for the caller's whole transaction. */
  versions: VersionCounter;
}

export interface Refusal {
  code: ErrorCode;
  message: string;
  fields?: Record<string, string>;
  recordId: string | null;
}

const withId = z.object({ id: appIdSchema });

/** The app a mutation's arguments name, when they name one validly. */
export function recordIdOf(args: unknown): string | null {
  const id = withId.safeParse(args);
  return id.success ? id.data.id : null;
}

function invalid(error: z.ZodError, args: unknown): Refusal {
  const fields = Object.fromEntries(
    Object.entries(appFieldErrors(error)).filter((e): e is [string, string] => e[1] !== undefined)
  );
  return {
    code: 'validation_failed',
    message: 'Some fields need attention',
    fields,
    recordId: recordIdOf(args)
  };
}

export function applyAppMutation(ctx: MutationContext, m: Mutation): Promise<Refusal | null> {
  switch (m.name) {
    case 'app.create': {
      const r = appCreateArgs.safeParse(m.args);
      return r.success ? create(ctx, r.data) : Promise.resolve(invalid(r.error, m.args));
    }
    case 'app.update': {
      const r = appUpdateArgs.safeParse(m.args);
      return r.success ? update(ctx, r.data) : Promise.resolve(invalid(r.error, m.args));
    }
    case 'app.setStatus': {
      const r = appSetStatusArgs.safeParse(m.args);
      return r.success ? setStatus(ctx, r.data) : Promise.resolve(invalid(r.error, m.args));
    }
  }
}

function storedLogo(logo: LogoUpload): StoredLogo {
  // The schema has already checked base64, size and magic bytes.
  const bytes = Buffer.from(logo.data, 'base64');
  return { contentType: logo.type, bytes, hash: createHash('sha256').update(bytes).digest('hex') };
}

const notFound = (id: string): Refusal => ({
  code: 'not_found',
  message: 'This app no longer exists',
  recordId: id
});
const changedElsewhere = (row: AppRow): Refusal => ({
  code: 'conflict',
  message: 'This app was changed on another device; check its latest details and try again',
  recordId: row.id
});
const nameTaken = (id: string): Refusal => ({
  code: 'app_name_taken',
  message: 'You already have an app with this name',
  fields: { name: 'You already have an app with this name' },
  recordId: id
});

/**
 * `baseVersion` is stale only when ANOTHER client changed the app after that version. A
 * client's own accepted changes never make its later ones stale (it made them, so it has seen
 * them), which lets it create and then edit an app offline before ever pulling it back.
 */
function isStale(row: AppRow, baseVersion: number, clientId: string): boolean {
  return Number(row.version) !== baseVersion && row.last_client_id !== clientId;
}

/** The live app of this business, or null (another business's app is as absent as none). */
async function ownedLive(ctx: MutationContext, id: string): Promise<AppRow | null> {
  const row = await appStore(ctx.database, ctx.clock).byId(id);
  return row && row.business_id === ctx.businessId && row.deleted_at === null ? row : null;
}

function audit(ctx: MutationContext, appId: string, action: AuditAction): Promise<void> {
  return writeAudit(ctx.database.db, { appId, action, actor: ctx.actor, at: ctx.now });
}

async function create(ctx: MutationContext, a: AppCreateArgs): Promise<Refusal | null> {
  const apps = appStore(ctx.database, ctx.clock);
  const version = await ctx.versions.next();
  const existing = await apps.byId(a.id);
  if (existing) {
    return existing.business_id === ctx.businessId
      ? { ...changedElsewhere(existing), message: 'This app is already registered' }
      : { code: 'conflict', message: 'Please register this app again', recordId: null };
  }
  const nameKey = appNameKey(a.fields.name);
  if (await apps.nameTaken(ctx.businessId, nameKey)) return nameTaken(a.id);
  const logo = a.logo ? storedLogo(a.logo) : null;
  await apps.insert({
    id: a.id,
    business_id: ctx.businessId,
    ...fieldColumns(a.fields, nameKey),
    status: 'active',
    logo_hash: logo?.hash ?? null,
    version,
    last_client_id: ctx.clientId,
    created_at: ctx.now,
    updated_at: ctx.now,
    deleted_at: null
  });
  if (logo) await apps.putLogo(a.id, logo, ctx.now);
  ctx.versions.stamp(version);
  await audit(ctx, a.id, 'app.registered');
  return null;
}

async function update(ctx: MutationContext, a: AppUpdateArgs): Promise<Refusal | null> {
  const apps = appStore(ctx.database, ctx.clock);
  const version = await ctx.versions.next();
  const row = await ownedLive(ctx, a.id);
  if (!row) return notFound(a.id);
  if (isStale(row, a.baseVersion, ctx.clientId)) return changedElsewhere(row);
  const nameKey = appNameKey(a.fields.name);
  if (await apps.nameTaken(ctx.businessId, nameKey, a.id)) return nameTaken(a.id);
  let logoHash = row.logo_hash;
  if (a.logo === null) {
    await apps.removeLogo(a.id);
    logoHash = null;
  } else if (a.logo) {
    const logo = storedLogo(a.logo);
    await apps.putLogo(a.id, logo, ctx.now);
    logoHash = logo.hash;
  }
  await apps.update(a.id, {
    ...fieldColumns(a.fields, nameKey),
    logo_hash: logoHash,
    version,
    last_client_id: ctx.clientId,
    updated_at: ctx.now
  });
  ctx.versions.stamp(version);
  await audit(ctx, a.id, 'app.updated');
  return null;
}

async function setStatus(ctx: MutationContext, a: AppSetStatusArgs): Promise<Refusal | null> {
  const version = await ctx.versions.next();
  const row = await ownedLive(ctx, a.id);
  if (!row) return notFound(a.id);
  if (isStale(row, a.baseVersion, ctx.clientId)) return changedElsewhere(row);
  if (row.status === a.status) return null;
  await appStore(ctx.database, ctx.clock).update(a.id, {
    status: a.status,
    version,
    last_client_id: ctx.clientId,
    updated_at: ctx.now
  });
  if (a.status === 'disabled') {
    await recordEvent(ctx.database.db, ctx.clock, {
      appId: a.id,
      type: 'app.disabled',
      data: { appId: a.id }
    });
  }
  ctx.versions.stamp(version);
  await audit(ctx, a.id, a.status === 'active' ? 'app.enabled' : 'app.disabled');
  return null;
}
