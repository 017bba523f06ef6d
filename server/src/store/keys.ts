import {
  generateKey,
  KEY_GRACE_MS,
  keyHint,
  type ApiKey,
  type KeyGrace,
  type KeyStatus
} from '@kspay/shared';
import type { Kysely, Selectable } from 'kysely';
import type { Db } from '../db';
import { isUniqueViolation } from '../db/unique';
import type { ApiKeysTable, Database } from '../db/schema';
import type { Clock } from '../lib/clock';
import { ApiError } from '../lib/errors';
import { newId } from '@kspay/shared/ids';
import { hashToken } from '../lib/tokens';
import { appById, lockApp } from './apps-access';
import { writeAudit, type Actor } from './audit';
import { recordEvent } from './events';

type KeyRow = Selectable<ApiKeysTable>;

/** An `expiring` pair whose grace period is over is `replaced`, whether or not a row says so. */
export function effectiveStatus(
  row: Pick<KeyRow, 'status' | 'expires_at'>,
  now: string
): KeyStatus {
  if (row.status === 'expiring' && (row.expires_at ?? '') <= now) return 'replaced';
  return row.status;
}

/**
 * A disabled app gets no new pair (generated or regenerated): disabling an app is how a
 * merchant stops it taking payments, and a fresh secret would be one more thing to leak.
 * Read under the app lock, so a concurrent status change is seen before or after, never during.
 */
async function refuseDisabledApp(trx: Kysely<Database>, appId: string) {
  if ((await appById(trx, appId))?.status === 'disabled') {
    throw new ApiError('conflict', 'This app is disabled: enable it to generate keys');
  }
}

/** What an event says of a pair: never a hint of the secret, nor who acted. */
function publicView(k: ApiKey) {
  return { id: k.id, publicKey: k.publicKey, status: k.status, expiresAt: k.expiresAt };
}

/** Only these pairs may mint or use tokens. */
export function keyUsable(row: Pick<KeyRow, 'status' | 'expires_at'>, now: string): boolean {
  const s = effectiveStatus(row, now);
  return s === 'active' || s === 'expiring';
}

/**
 * Key pairs of an app. Every action is one transaction that first locks the app row (on
 * SQLite every write transaction is already serialised), so concurrent regenerations queue up
 * instead of racing; the partial unique index on (app_id) WHERE status = 'active' is the
 * backstop that makes two active pairs impossible even if this logic were wrong.
 */
export function keyStore(database: Db, clock: Clock) {
  const { db } = database;

  async function rows(q: Kysely<Database>, appId: string, keyId?: string) {
    return q
      .selectFrom('api_keys')
      .leftJoin('users', 'users.id', 'api_keys.created_by')
      .selectAll('api_keys')
      .select('users.email as created_by_email')
      .where('api_keys.app_id', '=', appId)
      .$if(keyId !== undefined, (qb) => qb.where('api_keys.id', '=', keyId ?? ''))
      .orderBy('api_keys.created_at', 'desc')
      .orderBy('api_keys.id', 'desc')
      .execute();
  }

  function toApi(r: KeyRow & { created_by_email: string | null }, now: string): ApiKey {
    const status = effectiveStatus(r, now);
    return {
      id: r.id,
      appId: r.app_id,
      mode: r.mode,
      publicKey: r.public_key,
      secretHint: r.secret_hint,
      status,
      expiresAt: status === 'expiring' || status === 'replaced' ? r.expires_at : null,
      createdAt: r.created_at,
      createdByEmail: r.created_by_email,
      lastUsedAt: r.last_used_at,
      disabledAt: r.disabled_at,
      replacedBy: r.replaced_by
    };
  }

  async function one(q: Kysely<Database>, appId: string, keyId: string, now: string) {
    const [row] = await rows(q, appId, keyId);
    if (!row) throw new ApiError('not_found', 'There is no such key for this app');
    return toApi(row, now);
  }

  /** Inserts a new active pair; the secret leaves this function once, to the caller. */
  async function insertPair(trx: Kysely<Database>, appId: string, actor: Actor, now: string) {
    const id = newId('ak');
    const publicKey = generateKey('public', 'test');
    const secretKey = generateKey('secret', 'test');
    try {
      await trx
        .insertInto('api_keys')
        .values({
          id,
          app_id: appId,
          mode: 'test',
          public_key: publicKey,
          secret_hash: hashToken(secretKey),
          secret_hint: keyHint(secretKey),
          status: 'active',
          created_at: now,
          created_by: actor.userId,
          updated_at: now
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ApiError('conflict', 'This app already has an active key pair');
      }
      throw err;
    }
    return { id, secretKey };
  }

  return {
    /** For the payments API: the pair a public key names (secret only as its hash). */
    async findByPublicKey(publicKey: string) {
      const row = await db
        .selectFrom('api_keys')
        .select(['id', 'app_id', 'secret_hash', 'status', 'expires_at'])
        .where('public_key', '=', publicKey)
        .executeTakeFirst();
      return row ?? null;
    },

    async list(appId: string): Promise<ApiKey[]> {
      const now = clock.now().toISOString();
      return (await rows(db, appId)).map((r) => toApi(r, now));
    },

    /** First pair, or a new one after the merchant disabled the last: only with none active. */
    async generate(appId: string, actor: Actor) {
      return db.transaction().execute(async (trx) => {
        await lockApp(trx, database.dialect, appId);
        await refuseDisabledApp(trx, appId);
        const now = clock.now().toISOString();
        const active = await trx
          .selectFrom('api_keys')
          .select('id')
          .where('app_id', '=', appId)
          .where('status', '=', 'active')
          .executeTakeFirst();
        if (active) {
          throw new ApiError('conflict', 'This app already has an active key pair: regenerate it');
        }
        const { id, secretKey } = await insertPair(trx, appId, actor, now);
        // A disabled pair can no longer be enabled once a newer pair exists.
        await trx
          .updateTable('api_keys')
          .set({ status: 'replaced', replaced_by: id, updated_at: now })
          .where('app_id', '=', appId)
          .where('status', '=', 'disabled')
          .execute();
        await writeAudit(trx, { appId, action: 'key.generated', keyId: id, actor, at: now });
        return { key: await one(trx, appId, id, now), secretKey, previous: null };
      });
    },

    /**
     * Replaces the app's current pair (`keyId`, active or disabled) with a new active one. The
     * old pair stops now or, with a grace period, at its expiry. Naming the pair makes a
     * double-click or a stale tab fail with 409 instead of silently replacing the new pair.
     */
    async regenerate(appId: string, keyId: string, grace: KeyGrace, actor: Actor) {
      return db.transaction().execute(async (trx) => {
        await lockApp(trx, database.dialect, appId);
        await refuseDisabledApp(trx, appId);
        const at = clock.now();
        const now = at.toISOString();
        const [old] = await rows(trx, appId, keyId);
        if (!old) throw new ApiError('not_found', 'There is no such key for this app');
        if (old.status !== 'active' && old.status !== 'disabled') {
          throw new ApiError('conflict', 'This key pair was already replaced');
        }
        const keepsWorking = old.status === 'active' && grace !== 'now';
        await trx
          .updateTable('api_keys')
          .set({
            status: keepsWorking ? 'expiring' : 'replaced',
            expires_at: new Date(
              at.getTime() + (keepsWorking ? KEY_GRACE_MS[grace] : 0)
            ).toISOString(),
            updated_at: now
          })
          .where('id', '=', keyId)
          .execute();
        if (!keepsWorking) {
          await trx.deleteFrom('access_tokens').where('key_id', '=', keyId).execute();
        }
        const { id, secretKey } = await insertPair(trx, appId, actor, now);
        await trx
          .updateTable('api_keys')
          .set({ replaced_by: id })
          .where('id', '=', keyId)
          .execute();
        await writeAudit(trx, {
          appId,
          action: 'key.regenerated',
          keyId: id,
          detail: `replaces ${keyId}, grace ${grace}`,
          actor,
          at: now
        });
        const key = await one(trx, appId, id, now);
        const previous = await one(trx, appId, keyId, now);
        await recordEvent(trx, clock, {
          appId,
          type: 'key.regenerated',
          data: { key: publicView(key), previous: publicView(previous) }
        });
        return { key, secretKey, previous };
      });
    },

    /** Stops a pair at once, with every token minted with it. An expiring pair ends its grace. */
    async disable(appId: string, keyId: string, actor: Actor): Promise<ApiKey> {
      return db.transaction().execute(async (trx) => {
        await lockApp(trx, database.dialect, appId);
        const now = clock.now().toISOString();
        const [row] = await rows(trx, appId, keyId);
        if (!row) throw new ApiError('not_found', 'There is no such key for this app');
        const status = effectiveStatus(row, now);
        if (status === 'disabled' || status === 'replaced') return toApi(row, now);
        await trx
          .updateTable('api_keys')
          .set(
            status === 'active'
              ? { status: 'disabled', disabled_at: now, updated_at: now }
              : { status: 'replaced', expires_at: now, disabled_at: now, updated_at: now }
          )
          .where('id', '=', keyId)
          .execute();
        await trx.deleteFrom('access_tokens').where('key_id', '=', keyId).execute();
        await writeAudit(trx, { appId, action: 'key.disabled', keyId, actor, at: now });
        const key = await one(trx, appId, keyId, now);
        await recordEvent(trx, clock, {
          appId,
          type: 'key.disabled',
          data: { key: publicView(key) }
        });
        return key;
      });
    },

    /** Only a disabled pair that nothing replaced, and only while no other pair is active. */
    async enable(appId: string, keyId: string, actor: Actor): Promise<ApiKey> {
      return db.transaction().execute(async (trx) => {
        await lockApp(trx, database.dialect, appId);
        const now = clock.now().toISOString();
        const [row] = await rows(trx, appId, keyId);
        if (!row) throw new ApiError('not_found', 'There is no such key for this app');
        if (row.status === 'active') return toApi(row, now);
        if (row.status !== 'disabled') {
          throw new ApiError('conflict', 'A replaced key pair cannot be enabled again');
        }
        try {
          await trx
            .updateTable('api_keys')
            .set({ status: 'active', disabled_at: null, updated_at: now })
            .where('id', '=', keyId)
            .execute();
        } catch (err) {
          if (isUniqueViolation(err)) {
            throw new ApiError('conflict', 'Another key pair of this app is active');
          }
          throw err;
        }
        await writeAudit(trx, { appId, action: 'key.enabled', keyId, actor, at: now });
        return one(trx, appId, keyId, now);
      });
    }
  };
}

export type KeyStore = ReturnType<typeof keyStore>;
