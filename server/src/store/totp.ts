import { sql } from 'kysely';
import type { Db } from '../db';
import type { Clock } from '../lib/clock';
import { hashToken } from '../lib/tokens';

/**
 * The authenticator app and recovery codes of an account. The secret arrives sealed
 * (lib/secret-box.ts) and recovery codes as SHA-256: this store never sees either in clear.
 */
export function totpStore(database: Db, clock: Clock) {
  const { db } = database;
  const now = () => clock.now().toISOString();
  return {
    async get(userId: string) {
      const r = await db
        .selectFrom('totp_factors')
        .select(['secret_enc', 'confirmed_at', 'last_step'])
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return r
        ? {
            sealedSecret: r.secret_enc,
            confirmed: r.confirmed_at !== null,
            lastStep: r.last_step === null ? null : Number(r.last_step)
          }
        : null;
    },

    async isEnabled(userId: string): Promise<boolean> {
      return (await this.get(userId))?.confirmed ?? false;
    },

    /** A new set-up replaces an unconfirmed one; a confirmed factor is never overwritten here. */
    async begin(userId: string, sealedSecret: string): Promise<boolean> {
      await db
        .deleteFrom('totp_factors')
        .where('user_id', '=', userId)
        .where('confirmed_at', 'is', null)
        .execute();
      const r = await db
        .insertInto('totp_factors')
        .values({ user_id: userId, secret_enc: sealedSecret, created_at: now(), last_step: null })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    /**
     * Records `step` as used if it is later than every step used before, in one conditional
     * UPDATE: a replayed code, or two requests racing with the same code, find no row to update.
     */
    async claimStep(userId: string, step: number): Promise<boolean> {
      const r = await db
        .updateTable('totp_factors')
        .set({ last_step: step })
        .where('user_id', '=', userId)
        .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    /** Confirms set-up and replaces the recovery codes, in one transaction. */
    async confirm(userId: string, codeHashes: string[]): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('totp_factors')
          .set({ confirmed_at: now() })
          .where('user_id', '=', userId)
          .execute();
        await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
        await trx
          .insertInto('recovery_codes')
          .values(
            codeHashes.map((code_hash) => ({ code_hash, user_id: userId, created_at: now() }))
          )
          .execute();
      });
    },

    async disable(userId: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('totp_factors').where('user_id', '=', userId).execute();
        await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      });
    },

    /** Uses a recovery code up; false when it is not one of the account's unused codes. */
    async useRecoveryCode(userId: string, code: string): Promise<boolean> {
      const r = await db
        .updateTable('recovery_codes')
        .set({ used_at: now() })
        .where('code_hash', '=', hashToken(code))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async recoveryCodesLeft(userId: string): Promise<number> {
      const r = await db
        .selectFrom('recovery_codes')
        .select(sql<number | string>`count(*)`.as('n'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    }
  };
}
