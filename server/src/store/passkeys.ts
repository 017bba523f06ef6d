import { newId } from '@kspay/shared/ids';
import type { Passkey } from '@kspay/shared';
import type { Db } from '../db';
import type { Clock } from '../lib/clock';

export interface StoredPasskey {
  id: string;
  userId: string;
  credentialId: string;
  publicKey: Uint8Array<ArrayBuffer>;
  counter: number;
  transports: string[] | undefined;
}

/** An account's WebAuthn credentials. */
export function passkeyStore(database: Db, clock: Clock) {
  const { db } = database;
  return {
    async add(input: {
      userId: string;
      name: string;
      credentialId: string;
      publicKey: Uint8Array;
      counter: number;
      deviceType: string;
      backedUp: boolean;
      transports: string[] | undefined;
    }): Promise<Passkey> {
      const createdAt = clock.now().toISOString();
      const id = newId('pk');
      await db
        .insertInto('passkeys')
        .values({
          id,
          user_id: input.userId,
          credential_id: input.credentialId,
          public_key: Buffer.from(input.publicKey).toString('base64url'),
          counter: input.counter,
          device_type: input.deviceType,
          backed_up: input.backedUp ? 1 : 0,
          transports: input.transports ? JSON.stringify(input.transports) : null,
          name: input.name,
          created_at: createdAt
        })
        .execute();
      return { id, name: input.name, createdAt, lastUsedAt: null, backedUp: input.backedUp };
    },

    async list(userId: string): Promise<Passkey[]> {
      const rows = await db
        .selectFrom('passkeys')
        .select(['id', 'name', 'created_at', 'last_used_at', 'backed_up'])
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        createdAt: r.created_at,
        lastUsedAt: r.last_used_at,
        backedUp: Number(r.backed_up) === 1
      }));
    },

    /** Credential ids of the account (for `excludeCredentials`). */
    async credentialIds(userId: string) {
      const rows = await db
        .selectFrom('passkeys')
        .select(['credential_id', 'transports'])
        .where('user_id', '=', userId)
        .execute();
      return rows.map((r) => ({ id: r.credential_id, transports: parseTransports(r.transports) }));
    },

    async count(userId: string): Promise<number> {
      return (await this.credentialIds(userId)).length;
    },

    async byCredentialId(credentialId: string): Promise<StoredPasskey | null> {
      const r = await db
        .selectFrom('passkeys')
        .select(['id', 'user_id', 'credential_id', 'public_key', 'counter', 'transports'])
        .where('credential_id', '=', credentialId)
        .executeTakeFirst();
      if (!r) return null;
      return {
        id: r.id,
        userId: r.user_id,
        credentialId: r.credential_id,
        publicKey: new Uint8Array(Buffer.from(r.public_key, 'base64url')),
        counter: Number(r.counter),
        transports: parseTransports(r.transports)
      };
    },

    /** After a verified assertion: the new counter and backup state, and when it was used. */
    async markUsed(id: string, counter: number, backedUp: boolean): Promise<void> {
      await db
        .updateTable('passkeys')
        .set({ counter, backed_up: backedUp ? 1 : 0, last_used_at: clock.now().toISOString() })
        .where('id', '=', id)
        .execute();
    },

    /** Removes one of the account's passkeys; false when it has no such passkey. */
    async remove(userId: string, id: string): Promise<boolean> {
      const r = await db
        .deleteFrom('passkeys')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    }
  };
}

function parseTransports(raw: string | null): string[] | undefined {
  if (!raw) return undefined;
  const parsed: unknown = JSON.parse(raw);
  return Array.isArray(parsed)
    ? parsed.filter((t): t is string => typeof t === 'string')
    : undefined;
}
