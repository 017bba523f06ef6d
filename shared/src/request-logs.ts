import { z } from 'zod';
import { historyCursorSchema, intParam, optionalParam } from './transaction-history';

/**
 * The request log of an app's `/v1` calls (merchant console, cookie session):
 *
 *   GET /api/apps/:appId/logs?status=2xx|4xx|5xx&path=&from=&to=&before=&limit=  → RequestLogPage
 *   GET /api/apps/:appId/logs/:requestLogId                                       → RequestLogDetail
 *
 * Newest first, by (createdAt, id) descending; `before` is the `nextCursor` of the previous
 * page and the next page starts strictly after that row, so rows logged in the same
 * millisecond are neither skipped nor repeated. `from`/`to` are days in the account's time
 * zone, both inclusive. Logs are kept 30 days.
 */

export const REQUEST_LOG_RETENTION_DAYS = 30;
export const REQUEST_LOG_PAGE_DEFAULT = 50;
export const REQUEST_LOG_PAGE_MAX = 100;
/** How many of the newest rows the browser keeps for reading offline. */
export const REQUEST_LOG_OFFLINE_ROWS = 500;

export const statusClassSchema = z.enum(['2xx', '4xx', '5xx'], {
  error: 'Choose 2xx, 4xx or 5xx'
});
export type StatusClass = z.infer<typeof statusClassSchema>;

const day = z.iso.date('Use a date like 2026-01-31');

export const requestLogFilterSchema = z.strictObject({
  status: optionalParam(statusClassSchema),
  /** Part of the path, e.g. `/v1/transaction`. */
  path: optionalParam(
    z
      .string()
      .max(200, 'A path has at most 200 characters')
      .regex(/^[\x20-\x7e]*$/, 'A path is plain ASCII')
  ),
  /** First day (in the account's time zone, inclusive). */
  from: optionalParam(day),
  /** Last day (in the account's time zone, inclusive). */
  to: optionalParam(day)
});
export type RequestLogFilter = z.infer<typeof requestLogFilterSchema>;

export const requestLogQuerySchema = requestLogFilterSchema.extend({
  before: optionalParam(historyCursorSchema),
  limit: intParam({
    name: 'limit',
    min: 1,
    max: REQUEST_LOG_PAGE_MAX,
    fallback: REQUEST_LOG_PAGE_DEFAULT
  })
});
export type RequestLogQueryInput = z.input<typeof requestLogQuerySchema>;

/** One line of the list. */
export const requestLogRowSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  /** KS Pay's numeric code of an error answer; null for a success. */
  ksCode: z.number().int().nullable(),
  latencyMs: z.number(),
  /** The beginning of the public key the call was made with (never a secret). */
  keyPrefix: z.string().nullable(),
  requestId: z.string(),
  /** The stored answer of an earlier request with the same `Idempotency-Key`. */
  idempotentReplay: z.boolean()
});
export type RequestLogRow = z.infer<typeof requestLogRowSchema>;

/** Everything about one request; bodies are JSON text with secrets replaced by "[redacted]". */
export const requestLogDetailSchema = requestLogRowSchema.extend({
  ip: z.string().nullable(),
  origin: z.string().nullable(),
  requestBody: z.string().nullable(),
  responseBody: z.string().nullable()
});
export type RequestLogDetail = z.infer<typeof requestLogDetailSchema>;

export const requestLogPageSchema = z.object({
  logs: z.array(requestLogDetailSchema),
  nextCursor: z.string().nullable(),
  asOf: z.string()
});
export type RequestLogPage = z.infer<typeof requestLogPageSchema>;
