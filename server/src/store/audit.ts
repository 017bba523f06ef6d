import type { AuditEntry } from '@kspay/shared';
import type { Kysely } from 'kysely';
import type { Db } from '../db';
import type { Database } from '../db/schema';
import type { Clock } from '../lib/clock';
import { newId } from '@kspay/shared/ids';

export type AuditAction = AuditEntry['action'];

/** Who did it and from where; taken from the request by the route. */
export interface Actor {
  userId: string;
  ip: string | null;
  userAgent: string | null;
}

/** An app's action (its business is the app's), or an action on the business itself. */
export type AuditSubject = { appId: string } | { businessId: string; appId?: undefined };

/**
 * The activity log of a business, naming the member who acted. Writers take the caller's
 * transaction, so an action and its log line commit together or not at all.
 */
export async function writeAudit(
  db: Kysely<Database>,
  entry: AuditSubject & {
    action: AuditAction;
    keyId?: string | null;
    detail?: string | null;
    actor: Actor;
    at: string;
  }
): Promise<void> {
  const appId = entry.appId ?? null;
  await db
    .insertInto('audit_log')
    .values((eb) => ({
      id: newId('au'),
      business_id:
        'businessId' in entry && entry.businessId !== undefined
          ? entry.businessId
          : eb
              .selectFrom('apps')
              .select('apps.business_id')
              .where('apps.id', '=', appId ?? ''),
      app_id: appId,
      action: entry.action,
      key_id: entry.keyId ?? null,
      detail: entry.detail ?? null,
      actor_id: entry.actor.userId,
      ip: entry.actor.ip?.slice(0, 64) ?? null,
      user_agent: entry.actor.userAgent?.slice(0, 512) ?? null,
      at: entry.at
    }))
    .execute();
}

/** `before` is the opaque cursor `<at>|<id>` of the last entry of the previous page. */
function parseCursor(before: string | undefined): { at: string; id: string } | null {
  if (!before) return null;
  const [at, id] = before.split('|');
  return at && id ? { at, id } : null;
}

export function auditStore(database: Db, _clock: Clock) {
  const { db } = database;
  return {
    /** Newest first; ties on the same millisecond are ordered by id so pages never skip. */
    /** One app's lines, or the business's own (no app: the team's actions). */
    async list(where: AuditSubject, opts: { limit: number; before?: string | undefined }) {
      const cursor = parseCursor(opts.before);
      const rows = await db
        .selectFrom('audit_log')
        .leftJoin('users', 'users.id', 'audit_log.actor_id')
        .select([
          'audit_log.id',
          'audit_log.action',
          'audit_log.key_id',
          'audit_log.detail',
          'audit_log.ip',
          'audit_log.user_agent',
          'audit_log.at',
          'users.name',
          'users.email'
        ])
        .$if(where.appId !== undefined, (qb) =>
          qb.where('audit_log.app_id', '=', where.appId ?? '')
        )
        .$if(where.appId === undefined, (qb) =>
          qb
            .where('audit_log.business_id', '=', 'businessId' in where ? where.businessId : '')
            .where('audit_log.app_id', 'is', null)
        )
        .$if(cursor !== null, (qb) =>
          qb.where((eb) =>
            eb.or([
              eb('audit_log.at', '<', cursor?.at ?? ''),
              eb.and([
                eb('audit_log.at', '=', cursor?.at ?? ''),
                eb('audit_log.id', '<', cursor?.id ?? '')
              ])
            ])
          )
        )
        .orderBy('audit_log.at', 'desc')
        .orderBy('audit_log.id', 'desc')
        .limit(opts.limit + 1)
        .execute();
      const page = rows.slice(0, opts.limit);
      const last = page.at(-1);
      const entries: AuditEntry[] = page.map((r) => ({
        id: r.id,
        action: r.action as AuditAction,
        keyId: r.key_id,
        detail: r.detail,
        actorName: r.name,
        actorEmail: r.email,
        ip: r.ip,
        userAgent: r.user_agent,
        at: r.at
      }));
      return {
        entries,
        nextBefore: rows.length > opts.limit && last ? `${last.at}|${last.id}` : null
      };
    }
  };
}
