import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { isUniqueViolation } from '../db/unique';
import type { Clock } from '../lib/clock';
import { newId } from '@kspay/shared/ids';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  createdAt: string;
}

/** Raised when the email already has an account, including when two sign-ups race. */
export class EmailTakenError extends Error {}

/** Emails arrive trimmed and lower-cased from the shared schema; the unique index does the rest. */
export function userStore(db: Kysely<Database>, clock: Clock) {
  const columns = ['id', 'email', 'name', 'password_hash', 'created_at'] as const;
  const toUser = (r: {
    id: string;
    email: string;
    name: string;
    password_hash: string;
    created_at: string;
  }): UserRow => ({
    id: r.id,
    email: r.email,
    name: r.name,
    passwordHash: r.password_hash,
    createdAt: r.created_at
  });

  return {
    async create(input: { email: string; name: string; passwordHash: string }): Promise<UserRow> {
      const now = clock.now().toISOString();
      const row = {
        id: newId('us'),
        email: input.email,
        name: input.name,
        password_hash: input.passwordHash,
        created_at: now,
        updated_at: now
      };
      try {
        await db.insertInto('users').values(row).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw new EmailTakenError();
        throw err;
      }
      return toUser(row);
    },

    async findByEmail(email: string): Promise<UserRow | null> {
      const r = await db
        .selectFrom('users')
        .select(columns)
        .where('email', '=', email)
        .executeTakeFirst();
      return r ? toUser(r) : null;
    },

    async findById(id: string): Promise<UserRow | null> {
      const r = await db
        .selectFrom('users')
        .select(columns)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? toUser(r) : null;
    },

    async setPasswordHash(id: string, passwordHash: string): Promise<void> {
      await db
        .updateTable('users')
        .set({ password_hash: passwordHash, updated_at: clock.now().toISOString() })
        .where('id', '=', id)
        .execute();
    }
  };
}

export type UserStore = ReturnType<typeof userStore>;
