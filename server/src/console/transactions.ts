import {
  checkDateRange,
  encodeHistoryCursor,
  HISTORY_CSV_COLUMNS,
  historyCsvRecord,
  historyFilterSchema,
  historyPageSchema,
  historyQuerySchema,
  rangeInstants,
  type HistoryFilter,
  type HistoryPage
} from '@kspay/shared';
import { stringify } from 'csv-stringify/sync';
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { jsonContent } from '../http/openapi';
import type { Services } from '../env';
import { ApiError } from '../lib/errors';
import { APP_MEMBER_ERRORS, apiResponses, appIdParam, sessionAuth } from './contract';
import { appScopedRoutes, requirePermission } from './middleware/app-owner';
import type { AppState } from '../store/apps-access';
import { historyStore, type HistoryFilterInstants } from '../store/transaction-history';
import { userStore } from '../store/users';

/**
 * A date range breaking KS Pay's rules answers 400 `invalid_date_range` with the rule in plain
 * words that say the fix (`hint`), KS Pay's numeric code in `ksCode` (11006–11011) and the end
 * to fix in `fields` — the same rules (`checkDateRange`) the web picker applies before asking.
 * Days are the account's: calendar days in its time zone.
 */
function instants(
  f: HistoryFilter,
  app: AppState,
  now: Date,
  timeZone: string
): HistoryFilterInstants {
  const broken = checkDateRange(f, { appCreatedAt: app.createdAt, now, timeZone });
  if (broken) {
    const err = new ApiError('invalid_date_range', broken.hint, { [broken.field]: broken.hint });
    err.ksCode = broken.ksCode;
    throw err;
  }
  const range =
    f.from !== undefined && f.to !== undefined ? rangeInstants(f.from, f.to, timeZone) : {};
  return { ...range, q: f.q, status: f.status };
}

/** RFC 4180 (CRLF, quotes doubled); a cell starting like a formula is defused with `'`. */
const csv = (records: readonly (readonly string[])[]) =>
  stringify(records as string[][], { record_delimiter: 'windows', escape_formulas: true });

const tags = ['Merchant console: transactions'];
const QUERY_ERRORS = [...APP_MEMBER_ERRORS, 'validation_failed', 'invalid_date_range'] as const;

const page = createRoute({
  method: 'get',
  path: '/{appId}/transactions',
  summary: "A page of an app's transactions, newest first (keyset cursor)",
  tags,
  security: sessionAuth,
  request: { params: appIdParam, query: historyQuerySchema },
  responses: apiResponses(
    { 200: { description: 'A page', ...jsonContent(historyPageSchema) } },
    QUERY_ERRORS
  )
});

const csvExport = createRoute({
  method: 'get',
  path: '/{appId}/transactions.csv',
  summary: 'Every matching transaction as CSV (RFC 4180), streamed',
  tags,
  security: sessionAuth,
  request: { params: appIdParam, query: historyFilterSchema },
  responses: apiResponses(
    {
      200: {
        description: 'text/csv; charset=utf-8, as an attachment',
        content: { 'text/csv': { schema: z.string() } }
      }
    },
    QUERY_ERRORS
  )
});

/**
 * The transaction history (shared/src/transaction-history.ts), mounted at `/api/apps`:
 * `GET /:appId/transactions` pages by keyset; `GET /:appId/transactions.csv` streams every
 * match as CSV, a thousand rows per query, pulled only as fast as the client reads.
 */
export function transactionHistoryRoutes(s: Services) {
  const history = historyStore(s.db, s.clock);
  const users = userStore(s.db, s.clock);
  const zoneOf = async (userId: string) => (await users.timeZone(userId)) ?? 'UTC';
  return appScopedRoutes(s, 'transactions', 'transactions.csv')
    .openapi({ ...page, middleware: [requirePermission('read')] }, async (c) => {
      const q = c.req.valid('query');
      const app = c.get('app');
      const now = s.clock.now();
      const timeZone = await zoneOf(c.get('session').userId);
      const filter = instants(q, app, now, timeZone);
      const [{ rows, next }, { total, capped }] = await Promise.all([
        history.page(app.id, filter, q.cursor, q.limit),
        history.count(app.id, filter)
      ]);
      const answer: HistoryPage = {
        transactions: rows,
        nextCursor: next ? encodeHistoryCursor(next) : null,
        total,
        totalCapped: capped,
        asOf: now.toISOString()
      };
      return c.json(answer, 200);
    })
    .openapi({ ...csvExport, middleware: [requirePermission('read')] }, async (c) => {
      const f = c.req.valid('query');
      const app = c.get('app');
      const timeZone = await zoneOf(c.get('session').userId);
      const chunks = history.all(app.id, instants(f, app, s.clock.now(), timeZone));
      const encoder = new TextEncoder();
      let headerSent = false;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (!headerSent) {
            headerSent = true;
            controller.enqueue(encoder.encode(csv([HISTORY_CSV_COLUMNS])));
            return;
          }
          try {
            const { value, done } = await chunks.next();
            if (done) controller.close();
            else
              controller.enqueue(
                encoder.encode(csv(value.map((r) => historyCsvRecord(r, timeZone))))
              );
          } catch (err) {
            // Headers are gone: all that is left is to cut the download short, visibly.
            s.log.error({ err, requestId: c.get('requestId') }, 'CSV export failed');
            controller.error(err);
          }
        },
        async cancel() {
          await chunks.return(undefined);
        }
      });
      const range = f.from && f.to ? `-${f.from}-to-${f.to}` : '';
      const status = f.status ? `-${f.status}` : '';
      return c.body(body, 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="transactions-${app.id}${range}${status}.csv"`
      });
    });
}
