import {
  formatMinor,
  type HistoryCursor,
  HISTORY_COUNT_CAP,
  type HistoryRow,
  type TransactionStatus
} from '@kspay/shared';
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../db';
import type { Database } from '../db/schema';
import type { Clock } from '../lib/clock';

/** What the history reads: `from`/`to` are instants, `to` exclusive; `q` an id or its prefix. */
export interface HistoryFilterInstants {
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
  status?: TransactionStatus | undefined;
}

const COLUMNS = [
  'id',
  'reference_number',
  'provider_order_id',
  'currency_id',
  'payment_method_id',
  'redirect_url',
  'created_at',
  'updated_at',
  'payment_mode',
  'gateway',
  'currency_code',
  'amount_minor',
  'status'
] as const;

type Row = Pick<Database['transactions'], (typeof COLUMNS)[number]>;

function toHistoryRow(r: Row): HistoryRow {
  return {
    id: r.id,
    referenceNumber: r.reference_number,
    providerOrderId: r.provider_order_id,
    currencyId: r.currency_id,
    paymentMethodId: r.payment_method_id,
    redirectUrl: r.redirect_url,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    paymentMode: r.payment_mode,
    gateway: r.gateway,
    currency: r.currency_code,
    amount: formatMinor(r.amount_minor),
    amountMinor: r.amount_minor,
    status: r.status
  };
}

/**
 * The merchant's transaction history, newest first by (created_at, id). Paging is by keyset:
 * a page starts strictly after the (created_at, id) of the previous page's last row. Because
 * the pair is unique (id is) and the order is total, every row appears on exactly one page,
 * also when many rows share a created_at, and with the `(app_id, created_at, id)` index
 * (004_metrics) any page is one index seek: page 500 costs what page 1 costs. No OFFSET.
 */
export function historyStore(database: Db, _clock: Clock) {
  const { db, dialect } = database;
  /**
   * Ids are `[A-Za-z0-9_]`, all below `{` in byte order, so "starts with q" is the range
   * [q, q + '{'), which the `(app_id, id)` index answers. PostgreSQL compares in the C
   * collation here (and its index is built so), whatever the database's default collation.
   */
  const idRef = dialect === 'postgres' ? sql<string>`id collate "C"` : sql<string>`id`;

  /**
   * The rows a filter matches. With a status, `(app_id, status, created_at, id)` (006) keeps
   * the order and the keyset seek of the unfiltered index, so paging stays exact and one seek.
   */
  function matching(appId: string, f: HistoryFilterInstants) {
    return db
      .selectFrom('transactions')
      .where('app_id', '=', appId)
      .$if(f.status !== undefined, (q) => q.where('status', '=', f.status ?? 'initiated'))
      .$if(f.from !== undefined, (q) => q.where('created_at', '>=', f.from ?? ''))
      .$if(f.to !== undefined, (q) => q.where('created_at', '<', f.to ?? ''))
      .$if(f.q !== undefined, (q) =>
        q.where(idRef, '>=', f.q ?? '').where(idRef, '<', `${f.q ?? ''}{`)
      );
  }

  function query(appId: string, f: HistoryFilterInstants, after: HistoryCursor | undefined) {
    return matching(appId, f)
      .select(COLUMNS)
      .$if(after !== undefined, (q) =>
        q.where((eb): Expression<SqlBool> => {
          const c = after ?? { createdAt: '', id: '' };
          // (created_at, id) < (c.createdAt, c.id), spelt so both databases seek the index.
          return eb.and([
            eb('created_at', '<=', c.createdAt),
            eb.or([eb('created_at', '<', c.createdAt), eb('id', '<', c.id)])
          ]);
        })
      )
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc');
  }

  /** One page and the cursor of its last row when more rows follow. */
  async function page(
    appId: string,
    filter: HistoryFilterInstants,
    after: HistoryCursor | undefined,
    limit: number
  ): Promise<{ rows: HistoryRow[]; next: HistoryCursor | null }> {
    const rows = await query(appId, filter, after)
      .limit(limit + 1)
      .execute();
    const more = rows.length > limit;
    const out = rows.slice(0, limit).map(toHistoryRow);
    const last = out.at(-1);
    return { rows: out, next: more && last ? { createdAt: last.createdAt, id: last.id } : null };
  }

  /**
   * How many rows match, without reading a number of rows that grows with the history:
   * - no date and no search: the sum of the app's rollup rows (`transaction_daily`, exact at
   *   every commit, one row per day, currency and status), whatever the history's size;
   * - a date range: a COUNT over the same index range the pages read, at most 90 days;
   * - a search without dates: a COUNT of the id-prefix range, stopped at `HISTORY_COUNT_CAP`
   *   (a short prefix like `tx_` matches everything); `capped` says the total is "at least".
   */
  async function count(
    appId: string,
    f: HistoryFilterInstants
  ): Promise<{ total: number; capped: boolean }> {
    if (f.from === undefined && f.q === undefined) {
      const { n } = await db
        .selectFrom('transaction_daily')
        .where('app_id', '=', appId)
        .$if(f.status !== undefined, (q) => q.where('status', '=', f.status ?? 'initiated'))
        .select((eb) => eb.fn.sum<number | string | null>('count').as('n'))
        .executeTakeFirstOrThrow();
      return { total: Number(n ?? 0), capped: false };
    }
    const cap = f.from === undefined ? HISTORY_COUNT_CAP : undefined;
    const rows = matching(appId, f)
      .select('id')
      .$if(cap !== undefined, (q) => q.limit((cap ?? 0) + 1));
    const { n } = await db
      .selectFrom(rows.as('m'))
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    const total = Number(n);
    return cap !== undefined && total > cap
      ? { total: cap, capped: true }
      : { total, capped: false };
  }

  /** Every matching row, `chunk` at a time by keyset, for streaming (the CSV download). */
  async function* all(appId: string, filter: HistoryFilterInstants, chunk = 1000) {
    let after: HistoryCursor | undefined;
    for (;;) {
      const { rows, next } = await page(appId, filter, after, chunk);
      if (rows.length > 0) yield rows;
      if (!next) return;
      after = next;
    }
  }

  return { page, count, all };
}

export type HistoryStore = ReturnType<typeof historyStore>;
