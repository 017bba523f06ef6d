import type { Dialect } from '../db';

/**
 * The delivery worker's three statements as SQL text, written once per dialect and row count
 * instead of built with Kysely's query builder on every call: the worker runs them for every
 * claim and every batch of results, and building them cost more than running them (the webhook
 * benchmark, bench/src/benches/webhooks.ts, guards this). Parameters stay bound, never spliced.
 */
export function deliverySql(dialect: Dialect) {
  const pg = dialect === 'postgres';
  const texts = new Map<string, string>();
  const memo = (key: string, make: () => string) => {
    let text = texts.get(key);
    if (text === undefined) {
      text = make();
      texts.set(key, text);
    }
    return text;
  };
  /**
   * The placeholder of parameter `n` (1-based). SQLite's `?` binds in order of appearance, so
   * every text below uses its parameters in order, once each.
   */
  const mark = (n: number) => (pg ? `$${n}` : '?');
  const marks = (first: number, count: number) =>
    Array.from({ length: count }, (_, i) => mark(first + i)).join(', ');

  return {
    /**
     * Leases up to `limit` due attempts of active endpoints, oldest due first. Parameters:
     * worker id, lease end, now, now again, limit. On PostgreSQL the inner select locks the rows it picks
     * and skips rows another claim holds locked, so concurrent claims take disjoint rows.
     */
    claim: () =>
      memo('claim', () => {
        return `UPDATE webhook_deliveries SET claimed_by = ${mark(1)}, claimed_until = ${mark(2)}
WHERE id IN (
  SELECT d.id FROM webhook_deliveries AS d
  WHERE d.status = 'pending' AND d.next_attempt_at <= ${mark(3)}
    AND (d.claimed_until IS NULL OR d.claimed_until < ${mark(4)})
    AND EXISTS (SELECT 1 FROM webhook_endpoints AS e WHERE e.id = d.endpoint_id AND e.status = 'active')
  ORDER BY d.next_attempt_at
  LIMIT ${mark(5)}${pg ? ' FOR UPDATE SKIP LOCKED' : ''}
) RETURNING id`;
      }),

    /** What the worker needs to make each of `count` claimed attempts, by id. */
    claimed: (count: number) =>
      memo(`claimed:${count}`, () => {
        return `SELECT d.id, d.app_id, d.event_id, d.endpoint_id, d.attempt, d.series_started_at,
  e.url, e.secret_enc, e.previous_secret_enc, e.previous_expires_at,
  v.type, v.payload, v.created_at
FROM webhook_deliveries AS d
JOIN webhook_endpoints AS e ON e.id = d.endpoint_id
JOIN events AS v ON v.id = d.event_id
WHERE d.id IN (${marks(1, count)})`;
      }),

    /**
     * Writes `count` results, only to rows still pending and leased to this worker; answers
     * their ids. Parameters: attempted at, then per result id, status, response
     * status, latency, excerpt, error, then the worker id. VALUES names its columns column1… on both databases;
     * parameters arrive untyped on PostgreSQL (text), hence the casts of the integer columns.
     */
    results: (count: number) =>
      memo(`results:${count}`, () => {
        const rows = Array.from({ length: count }, (_, i) => `(${marks(2 + i * 6, 6)})`);
        return `UPDATE webhook_deliveries SET
  status = v.column2, attempted_at = ${mark(1)},
  response_status = CAST(v.column3 AS integer), latency_ms = CAST(v.column4 AS integer),
  response_excerpt = v.column5, error = v.column6, claimed_by = NULL, claimed_until = NULL
FROM (VALUES ${rows.join(', ')}) AS v
WHERE webhook_deliveries.id = v.column1 AND webhook_deliveries.status = 'pending'
  AND webhook_deliveries.claimed_by = ${mark(2 + count * 6)}
RETURNING webhook_deliveries.id`;
      })
  };
}
