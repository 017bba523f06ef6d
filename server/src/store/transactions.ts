import type { Transaction, TransactionStatus } from '@kspay/shared';
import type { Kysely, Selectable } from 'kysely';
import type { Db } from '../db';
import type { Database, TransactionsTable } from '../db/schema';
import type { Clock } from '../lib/clock';
import { newId } from '@kspay/shared/ids';
import { rollup } from './metrics';
import { recordEvent } from './events';

/** The event a settled transaction's outcome records (its cause's outbox row). */
const OUTCOME_EVENT = {
  success: 'transaction.succeeded',
  failed: 'transaction.failed',
  pending: 'transaction.pending'
} as const;

export type TxRow = Selectable<TransactionsTable>;

export interface NewTransaction {
  appId: string;
  keyId: string;
  referenceNumber: string;
  currencyId: string;
  currencyCode: string;
  paymentMethodId: string;
  paymentMode: string;
  gateway: string;
  amountMinor: number;
  redirectUrl: string | null;
  /**
   * The digest of the x-signature of the transaction with this id (payments/signature.ts),
   * stored so that the signature alone names it; none where no signature is made.
   */
  signatureDigest?: (id: string) => string;
}

/**
 * No stored id holds a NUL, and PostgreSQL refuses one in a text parameter (an error, not "no
 * row"): such an id names no transaction and must not reach a query.
 */
export const couldBeTransactionId = (id: string) => !id.includes('\u0000');

/**
 * A transaction's answer, field by field in the order it is written, with the column each is
 * read from: all but the transaction's app and key pair. `amount` is `amount_minor / 100`.
 */
export const TX_ANSWER_FIELDS = [
  ['pe_txnId', 'id'],
  ['referenceNumber', 'reference_number'],
  ['providerOrderId', 'provider_order_id'],
  ['amount', 'amount_minor'],
  ['currency', 'currency_code'],
  ['currencyId', 'currency_id'],
  ['paymentMethodId', 'payment_method_id'],
  ['paymentMode', 'payment_mode'],
  ['gateway', 'gateway'],
  ['status', 'status'],
  ['redirectUrl', 'redirect_url'],
  ['createdAt', 'created_at'],
  ['updatedAt', 'updated_at']
] as const satisfies readonly (readonly [keyof Transaction, keyof TxRow])[];

/** The columns a transaction's answer is made of. */
export const TX_ANSWER_COLUMNS = TX_ANSWER_FIELDS.map(([, column]) => column);

export type TxAnswerRow = Pick<TxRow, (typeof TX_ANSWER_FIELDS)[number][1]>;

export function toTransaction(r: TxAnswerRow): Transaction {
  return {
    pe_txnId: r.id,
    referenceNumber: r.reference_number,
    providerOrderId: r.provider_order_id,
    amount: r.amount_minor / 100,
    currency: r.currency_code,
    currencyId: r.currency_id,
    paymentMethodId: r.payment_method_id,
    paymentMode: r.payment_mode,
    gateway: r.gateway,
    status: r.status,
    redirectUrl: r.redirect_url,
    createdAt: r.created_at,
    updatedAt: r.updated_at
  };
}

/** Sandbox transactions; each belongs to one app and is only ever read through it. */
export function transactionStore(database: Db, clock: Clock) {
  const { db, dialect, reads } = database;
  // Compiled once (db/prepared.ts).
  const byId = reads.first((appId: string, id: string) =>
    db.selectFrom('transactions').selectAll().where('app_id', '=', appId).where('id', '=', id)
  );

  const byReference = (trx: Kysely<Database>, appId: string, ref: string) =>
    trx
      .selectFrom('transactions')
      .selectAll()
      .where('app_id', '=', appId)
      .where('reference_number', '=', ref)
      .executeTakeFirstOrThrow();

  return {
    /**
     * `referenceNumber` is unique per app: the insert does nothing when it exists, so the same
     * initiation sent twice (a retry, or two at once) yields one transaction. `created` says
     * whether this call made it; the caller compares the details of an existing one.
     */
    async initiate(tx: NewTransaction): Promise<{ row: TxRow; created: boolean }> {
      const now = clock.now().toISOString();
      // The insert and its rollup commit together (004_metrics): the overview never drifts.
      const id = newId('tx');
      return db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('transactions')
          .values({
            id,
            app_id: tx.appId,
            key_id: tx.keyId,
            reference_number: tx.referenceNumber,
            provider_order_id: newId('order', 14),
            currency_id: tx.currencyId,
            currency_code: tx.currencyCode,
            payment_method_id: tx.paymentMethodId,
            payment_mode: tx.paymentMode,
            gateway: tx.gateway,
            amount_minor: tx.amountMinor,
            status: 'initiated',
            redirect_url: tx.redirectUrl,
            created_at: now,
            updated_at: now,
            signature_digest: tx.signatureDigest?.(id) ?? null
          })
          .onConflict((oc) => oc.columns(['app_id', 'reference_number']).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (inserted) {
          await rollup(trx, dialect, inserted, 'initiated', 1);
          await recordEvent(trx, clock, {
            appId: tx.appId,
            type: 'transaction.created',
            data: toTransaction(inserted)
          });
          return { row: inserted, created: true };
        }
        return { row: await byReference(trx, tx.appId, tx.referenceNumber), created: false };
      });
    },

    async get(appId: string, id: string): Promise<TxRow | null> {
      if (!couldBeTransactionId(id)) return null;
      return (await byId(appId, id)) ?? null;
    },

    /** The caller checks `ref` against `referenceNumberSchema` first (no NUL reaches a query). */
    async getByReference(appId: string, ref: string): Promise<TxRow | null> {
      return (
        (await db
          .selectFrom('transactions')
          .selectAll()
          .where('app_id', '=', appId)
          .where('reference_number', '=', ref)
          .executeTakeFirst()) ?? null
      );
    },

    /** The transaction of `appId` whose x-signature has this digest (007_signature_digest). */
    async getBySignatureDigest(appId: string, digest: string): Promise<TxRow | null> {
      return (
        (await db
          .selectFrom('transactions')
          .selectAll()
          .where('app_id', '=', appId)
          .where('signature_digest', '=', digest)
          .executeTakeFirst()) ?? null
      );
    },

    /**
     * Moves an initiated transaction to its outcome. The `status = 'initiated'` condition makes
     * a second (or concurrent) process a no-op that answers the settled transaction.
     */
    async settle(appId: string, id: string, outcome: TransactionStatus): Promise<TxRow | null> {
      const moved = await db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('transactions')
          .set({ status: outcome, updated_at: clock.now().toISOString() })
          .where('app_id', '=', appId)
          .where('id', '=', id)
          .where('status', '=', 'initiated')
          .returningAll()
          .executeTakeFirst();
        // Only the update that really moved the row moves the rollup, in the same transaction.
        if (row) {
          await rollup(trx, dialect, row, 'initiated', -1);
          await rollup(trx, dialect, row, outcome, 1);
          if (outcome !== 'initiated') {
            await recordEvent(trx, clock, {
              appId,
              type: OUTCOME_EVENT[outcome],
              data: toTransaction(row)
            });
          }
        }
        return row;
      });
      return moved ?? this.get(appId, id);
    },

    /** Newest first; `from`/`to` are ISO instants, `to` exclusive. */
    async list(
      appId: string,
      opts: {
        from?: string | undefined;
        to?: string | undefined;
        status?: TransactionStatus | undefined;
        page: number;
        limit: number;
      }
    ) {
      const base = db
        .selectFrom('transactions')
        .where('app_id', '=', appId)
        .$if(opts.from !== undefined, (q) => q.where('created_at', '>=', opts.from ?? ''))
        .$if(opts.to !== undefined, (q) => q.where('created_at', '<', opts.to ?? ''))
        .$if(opts.status !== undefined, (q) => q.where('status', '=', opts.status ?? 'initiated'));
      const [rows, count] = await Promise.all([
        base
          .selectAll()
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(opts.limit)
          .offset((opts.page - 1) * opts.limit)
          .execute(),
        base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()
      ]);
      return { rows, total: Number(count.n) };
    }
  };
}

export type TransactionStore = ReturnType<typeof transactionStore>;
