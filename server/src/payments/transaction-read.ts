import { sql, type RawBuilder } from 'kysely';
import type { Context } from 'hono';
import type { Database } from '../db/schema';
import type { Services } from '../env';
import { hashToken } from '../lib/tokens';
import {
  accessTokenStore,
  tokenJoins,
  tokenWellFormed,
  type BearerState
} from '../store/access-tokens';
import {
  couldBeTransactionId,
  toTransaction,
  TX_ANSWER_COLUMNS,
  TX_ANSWER_FIELDS,
  type TxAnswerRow,
  type TxRow
} from '../store/transactions';
import { bearerToken, checkBearer } from './auth';
import type { KeyUse, V1Env } from './env';
import { KsPayError } from './errors';

/**
 * The payments API's hot read, `GET /v1/transaction/txnId/:id`, in one place: the bearer check
 * of the access token fused with the read of one transaction of the token's app, as ONE
 * compiled statement (db/prepared.ts) of only the columns the check and the answer need. On
 * SQLite the statement writes the answer's JSON itself; on PostgreSQL the columns are read and
 * serialised here. Allocation-light and free of Kysely building per request; benchmark 1
 * (`pnpm bench`, the payments hot path against a bare Hono process) guards it.
 */

/**
 * SQLite: `JSON.stringify(toTransaction(row))`, written by SQLite itself from the row of
 * `transactions` in the statement (null when none joined), byte for byte the same text
 * (`transactions.json.property.test.ts` holds it to that): JavaScript gets one string, and no
 * object is built and serialised again. A whole amount is an integer (`4`, as JavaScript writes
 * it, not `4.0`); any other is the nearest double to `minor / 100`, written with 15 significant
 * digits, which for two decimals below 10^13 is what JavaScript writes too.
 */
export function transactionJsonSqlite(): RawBuilder<string | null> {
  const t = (column: keyof TxRow) => sql.ref(`transactions.${column}`);
  const fields = TX_ANSWER_FIELDS.map(([field, column]) => {
    const value =
      column === 'amount_minor'
        ? sql`case when ${t(column)} % 100 = 0 then ${t(column)} / 100 else ${t(column)} / 100.0 end`
        : t(column);
    return sql`${sql.lit(field)}, ${value}`;
  });
  return sql<
    string | null
  >`case when ${t('id')} is null then null else json_object(${sql.join(fields)}) end`;
}

/** What decides whether a token may still be used, as the fused read returns it. */
interface BearerRow {
  token_app_id: string;
  token_key_id: string;
  token_expires_at: string;
  key_status: Database['api_keys']['status'];
  key_expires_at: string | null;
  app_status: string | null;
}

interface CheckedRead {
  bearer: BearerState;
  /** The token's app and pair, for the request log. */
  use: KeyUse;
  /** The transaction's answer as JSON text; null when the token's app has no such one. */
  transactionJson: string | null;
}

/**
 * The fused read. The token is checked before anything about the transaction is looked at:
 * a refused token reveals nothing about it.
 */
export function transactionReads(s: Services) {
  const { db, reads, dialect } = s.db;
  const tokens = accessTokenStore(s.db, s.clock);
  const checkQuery = (tokenHash: string, txId: string) =>
    tokenJoins(db)
      .leftJoin('transactions', (j) =>
        j.onRef('transactions.app_id', '=', 'access_tokens.app_id').on('transactions.id', '=', txId)
      )
      .select([
        'access_tokens.app_id as token_app_id',
        'access_tokens.key_id as token_key_id',
        'access_tokens.expires_at as token_expires_at',
        'api_keys.status as key_status',
        'api_keys.expires_at as key_expires_at',
        'apps.status as app_status'
      ])
      .where('access_tokens.token_hash', '=', tokenHash)
      .where('access_tokens.kind', '=', 'access');
  // SQLite writes the answer's JSON; PostgreSQL's json functions space and order their output
  // their own way, so there the columns are read and serialised here (the round trip
  // dominates that read anyway).
  const withJson = reads.first((tokenHash: string, txId: string) =>
    checkQuery(tokenHash, txId).select(transactionJsonSqlite().as('transaction_json'))
  );
  const withColumns = reads.first((tokenHash: string, txId: string) =>
    checkQuery(tokenHash, txId).select(TX_ANSWER_COLUMNS.map((c) => `transactions.${c}` as const))
  );
  const useOf = (row: BearerRow): KeyUse => ({ appId: row.token_app_id, keyId: row.token_key_id });
  const bearerOf = (row: BearerRow): BearerState => ({
    expiresAt: row.token_expires_at,
    keyStatus: row.key_status,
    keyExpiresAt: row.key_expires_at,
    appStatus: row.app_status
  });

  /** The check of access token `token` and transaction `txId` of its app, in one statement. */
  return async function checkWithTransaction(
    token: string,
    txId: string
  ): Promise<CheckedRead | null> {
    if (!tokenWellFormed(token, 'access')) return null;
    // An id no transaction can have must not reach PostgreSQL: the token is read alone.
    if (!couldBeTransactionId(txId)) {
      const found = await tokens.resolve(token, 'access');
      return (
        found && {
          bearer: found,
          use: { appId: found.appId, keyId: found.keyId },
          transactionJson: null
        }
      );
    }
    const tokenHash = hashToken(token);
    if (dialect === 'sqlite') {
      const row = await withJson(tokenHash, txId);
      return row
        ? { bearer: bearerOf(row), use: useOf(row), transactionJson: row.transaction_json }
        : null;
    }
    const row = await withColumns(tokenHash, txId);
    if (!row) return null;
    // A LEFT JOIN that matched has every NOT NULL column of the row; one that did not has a
    // null id.
    const transactionJson =
      row.id !== null ? JSON.stringify(toTransaction(row as TxAnswerRow)) : null;
    return { bearer: bearerOf(row), use: useOf(row), transactionJson };
  };
}

/**
 * The bearer check and the read for `GET /v1/transaction/txnId/:id`. The token is refused
 * exactly as `requireBearer` refuses it. Answers the transaction's JSON text, null when the
 * app has no such transaction. No `caller` is made: the answer is the transaction alone.
 */
export function bearerTransaction(s: Services) {
  const read = transactionReads(s);
  return async (c: Context<V1Env>, id: string): Promise<string | null> => {
    const token = bearerToken(c);
    if (!token) throw new KsPayError('tokenMissing');
    const found = await read(token, id);
    if (found) c.set('keyUse', found.use);
    checkBearer(s, found?.bearer ?? null);
    return found?.transactionJson ?? null;
  };
}
