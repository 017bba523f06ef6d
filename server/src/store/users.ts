import { withTx, type Db } from '../db';
import { isUniqueViolation } from '../db/unique';
import { businessStore, ownBusinessName } from './businesses';
import type { Clock } from '../lib/clock';
import { newId } from '@kspay/shared/ids';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  /** When the address was proven by its "Verify your email" link; null until then. */
  emailVerifiedAt: string | null;
  createdAt: string;
}

/** Raised when the email already has an account, including when two sign-ups race. */
export class EmailTakenError extends Error {}

/** Emails arrive trimmed and lower-cased from the shared schema; the unique index does the rest. */
export function userStore(database: Db, clock: Clock) {
  const { db } = database;
  const columns = [
    'id',
    'email',
    'name',
    'password_hash',
    'email_verified_at',
    'created_at'
  ] as const;
  const toUser = (r: {
    id: string;
    email: string;
    name: string;
    password_hash: string;
    email_verified_at: string | null;
    created_at: string;
  }): UserRow => ({
    id: r.id,
    email: r.email,
    name: r.name,
    passwordHash: r.password_hash,
    emailVerifiedAt: r.email_verified_at,
    createdAt: r.created_at
  });

  return {
    async create(input: {
      email: string;
      name: string;
      passwordHash: string;
      timeZone?: string | undefined;
      /** Set only where the address is already proven (tests, the demo); sign-up leaves it null. */
      emailVerifiedAt?: string | null;
    }): Promise<UserRow> {
      const now = clock.now().toISOString();
      const row = {
        id: newId('us'),
        email: input.email,
        name: input.name,
        password_hash: input.passwordHash,
        email_verified_at: input.emailVerifiedAt ?? null,
        created_at: now,
        updated_at: now
      };
      // Every account starts as the Owner of its own business, in the same transaction.
      const insert = async (database: Db) => {
        await database.db
          .insertInto('users')
          .values({ ...row, time_zone: input.timeZone ?? 'UTC' })
          .execute();
        await businessStore(database, clock).create({
          name: ownBusinessName(input.name),
          ownerId: row.id
        });
      };
      try {
        if (db.isTransaction) await insert(database);
        else await db.transaction().execute((trx) => insert(withTx(database, trx)));
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

    /** The account's IANA zone (005_time_zone); null for an unknown id. */
    async timeZone(id: string): Promise<string | null> {
      const r = await db
        .selectFrom('users')
        .select('time_zone')
        .where('id', '=', id)
        .executeTakeFirst();
      return r?.time_zone ?? null;
    },

    async setTimeZone(id: string, timeZone: string): Promise<void> {
      await db
        .updateTable('users')
        .set({ time_zone: timeZone, updated_at: clock.now().toISOString() })
        .where('id', '=', id)
        .execute();
    },

    async setName(id: string, name: string): Promise<void> {
      await db
        .updateTable('users')
        .set({ name, updated_at: clock.now().toISOString() })
        .where('id', '=', id)
        .execute();
    },

    /**
     * A confirmed change of address: the link opened from the new inbox proves it, so it is
     * verified from now. Throws `EmailTakenError` when another account has it.
     */
    async setEmail(id: string, email: string): Promise<void> {
      const now = clock.now().toISOString();
      try {
        await db
          .updateTable('users')
          .set({ email, email_verified_at: now, updated_at: now })
          .where('id', '=', id)
          .execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw new EmailTakenError();
        throw err;
      }
    },

    /** The address is proven; the first proof's time is kept. */
    async markVerified(id: string): Promise<void> {
      const now = clock.now().toISOString();
      await db
        .updateTable('users')
        .set({ email_verified_at: now, updated_at: now })
        .where('id', '=', id)
        .where('email_verified_at', 'is', null)
        .execute();
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
