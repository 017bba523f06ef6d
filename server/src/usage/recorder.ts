import { ID_PREFIX, newIds, REQUEST_LOG_RETENTION_DAYS } from '@kspay/shared';
import type { Db } from '../db';
import type { RequestLogsTable } from '../db/schema';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/log';
import { idempotencyStore } from '../store/idempotency';
import { keyUsageStore } from '../store/key-usage';
import { requestLogStore } from '../store/request-logs';
import { ksCodeOf, redactBody } from './redact';

/** One `/v1` call that named an app, as the frame saw it (payments/frame.ts). */
export interface UsageEntry {
  appId: string;
  keyId: string | null;
  /** Milliseconds since the epoch, from the services' clock. */
  at: number;
  method: string;
  path: string;
  status: number;
  latencyUs: number;
  ip: string | null;
  origin: string | null;
  requestId: string;
  idempotentReplay: boolean;
  /** The body as the route read it (parsed JSON or text); redacted only when written. */
  requestBody: unknown;
  responseJson: string | null;
}

export interface UsageOptions {
  /** Write request logs (`REQUEST_LOGS=off` turns them off; key last-used is kept either way). */
  logs: boolean;
  flushEveryMs?: number;
  /** Rows per insert; a buffer this full is flushed at once. */
  batchRows?: number;
  /** Rows held at most; beyond, new rows are dropped and counted. */
  maxBuffered?: number;
}

const MINUTE = 60 * 1000;
/** A pair's `last_used_at` moves at most once a minute per process: no write per request. */
export const LAST_USED_EVERY_MS = MINUTE;
const PRUNE_EVERY_MS = 60 * MINUTE;
const RETENTION_MS = REQUEST_LOG_RETENTION_DAYS * 24 * 60 * MINUTE;

/**
 * Answers that refused the caller's credentials: they do not count as a use of the pair
 * (expired or unknown token, inactive pair, wrong secret, rate limit, disabled app, origin).
 */
const CREDENTIALS_REFUSED = new Set([9008, 9009, 11002, 11004, 11005, 11011, 13007]);

/**
 * Request logs and key last-used, kept OFF the request's path: a request only appends an
 * entry (references and strings it already has) to a bounded in-process buffer. A full batch
 * (64 rows) is written on the next turn of the event loop (`setImmediate`), the rest by a timer
 * every ~250 ms: the bodies are redacted, ids minted and the rows inserted there, by statements
 * prepared once, and each used pair's
 * `last_used_at` moves (throttled). Entries that find the buffer full are dropped and counted
 * (a warning says how many) rather than letting memory grow. `close()` flushes what is left
 * (the server calls it on shutdown). Allocation-light per request; benchmark 1's logs on/off
 * ratio guards it.
 */
export function usageRecorder(database: Db, clock: Clock, log: Logger, opts: UsageOptions) {
  const logs = requestLogStore(database, clock);
  const keys = keyUsageStore(database, clock);
  const idempotency = idempotencyStore(database, clock);
  const batchRows = opts.batchRows ?? 64;
  const maxBuffered = opts.maxBuffered ?? 20_000;
  let buffer: UsageEntry[] = [];
  let dropped = 0;
  let flushScheduled = false;
  /** Last time each pair was marked used by this process, and marks not yet written. */
  const marked = new Map<string, number>();
  const pendingMarks = new Map<string, number>();
  let chain: Promise<void> = Promise.resolve();

  function markUsed(keyId: string, at: number) {
    const last = marked.get(keyId);
    if (last !== undefined && at - last < LAST_USED_EVERY_MS) return;
    marked.set(keyId, at);
    pendingMarks.set(keyId, at);
  }

  function toRow(e: UsageEntry, id: string, ksCode: number | null): RequestLogsTable {
    return {
      id,
      app_id: e.appId,
      key_id: e.keyId,
      created_at: new Date(e.at).toISOString(),
      method: e.method,
      path: e.path.slice(0, 500),
      status: e.status,
      ks_code: ksCode,
      latency_us: e.latencyUs,
      ip: e.ip,
      origin: e.origin?.slice(0, 300) ?? null,
      request_id: e.requestId,
      idempotent_replay: e.idempotentReplay ? 1 : 0,
      request_body: redactBody(e.requestBody),
      response_body: redactBody(e.responseJson)
    };
  }

  async function write(): Promise<void> {
    flushScheduled = false;
    const entries = buffer;
    buffer = [];
    if (dropped > 0) {
      log.warn({ dropped }, 'request logs dropped: the buffer was full');
      dropped = 0;
    }
    const rows: RequestLogsTable[] = [];
    const ids = opts.logs ? newIds(ID_PREFIX.requestLog, entries.length) : [];
    for (const [i, e] of entries.entries()) {
      const ksCode = ksCodeOf(e.status, e.responseJson);
      if (e.keyId && (ksCode === null || !CREDENTIALS_REFUSED.has(ksCode))) {
        markUsed(e.keyId, e.at);
      }
      if (opts.logs) rows.push(toRow(e, ids[i] as string, ksCode));
    }
    for (let i = 0; i < rows.length; i += batchRows) {
      const batch = rows.slice(i, i + batchRows);
      try {
        await logs.insertMany(batch);
      } catch (err) {
        log.error({ err, rows: Math.min(batchRows, rows.length - i) }, 'request logs not written');
      }
    }
    const marks = [...pendingMarks];
    pendingMarks.clear();
    for (const [keyId, at] of marks) {
      try {
        await keys.markUsed(keyId, new Date(at).toISOString());
      } catch (err) {
        log.error({ err }, 'key last-used not written');
      }
    }
  }

  /** Writes everything recorded so far; resolves when it is written. */
  function flush(): Promise<void> {
    // A batch that cannot be written is logged and dropped; it never fails the server.
    chain = chain
      .then(write)
      .catch((err: unknown) => log.error({ err }, 'request logs not written'));
    return chain;
  }

  async function prune(): Promise<void> {
    const now = clock.now();
    try {
      const cutoff = new Date(now.getTime() - RETENTION_MS).toISOString();
      await logs.pruneBefore(cutoff);
      await idempotency.pruneExpired(now.toISOString());
    } catch (err) {
      log.error({ err }, 'request logs not pruned');
    }
  }

  const flushTimer = setInterval(() => {
    if (buffer.length > 0 || pendingMarks.size > 0 || dropped > 0) void flush();
  }, opts.flushEveryMs ?? 250);
  flushTimer.unref();
  const pruneTimer = setInterval(() => void prune(), PRUNE_EVERY_MS);
  pruneTimer.unref();

  return {
    /** Called by the frame after each attributed `/v1` answer: an append, nothing more. */
    record(entry: UsageEntry): void {
      if (buffer.length >= maxBuffered) {
        dropped++;
        return;
      }
      buffer.push(entry);
      if (buffer.length >= batchRows && !flushScheduled) {
        flushScheduled = true;
        setImmediate(() => void flush());
      }
    },
    flush,
    prune,
    /** Stops the timers and writes what is left. */
    async close(): Promise<void> {
      clearInterval(flushTimer);
      clearInterval(pruneTimer);
      await flush();
    }
  };
}

export type UsageRecorder = ReturnType<typeof usageRecorder>;
