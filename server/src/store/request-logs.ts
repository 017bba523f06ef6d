import type { HistoryCursor, RequestLogDetail, StatusClass } from '@kspay/shared';
import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../db';
import type { RequestLogsTable } from '../db/schema';
import type { Clock } from '../lib/clock';

/** Statements of one batch: SQL text and its values. */
type Statements = readonly (readonly [sql: string, values: readonly unknown[]])[];

/** Filters as instants: `from` inclusive, `to` exclusive (the day after the last one). */
export interface RequestLogFilterInstants {
  status?: StatusClass | undefined;
  path?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

const STATUS_RANGE: Record<StatusClass, [number, number]> = {
  '2xx': [200, 300],
  '4xx': [400, 500],
  '5xx': [500, 600]
};

/** The public key's kind, mode and first characters: enough to tell pairs apart. */
const KEY_PREFIX_LENGTH = 'kspk_test_'.length + 6;

/** `%`, `_` and `\` taken literally in a LIKE pattern (with `escape '\'`). */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

type Row = RequestLogsTable & { public_key: string | null };

/** The columns a batch writes, in the order of its placeholders. */
const COLUMNS = [
  'id',
  'app_id',
  'key_id',
  'created_at',
  'method',
  'path',
  'status',
  'ks_code',
  'latency_us',
  'ip',
  'origin',
  'request_id',
  'idempotent_replay',
  'request_body',
  'response_body'
] as const satisfies readonly (keyof RequestLogsTable)[];

/**
 * Rows per insert statement, largest first. A batch is cut into these fixed sizes so each
 * statement's SQL text is always one of four, prepared once, instead of a query built and
 * compiled per batch; at most 6 statements for a batch's tail.
 */
const CHUNK_ROWS = [64, 16, 4, 1] as const;

/** `insert … values (…), (…)` for `rows` rows, with `?` or `$n` placeholders. */
function insertSql(rows: number, dialect: Db['dialect']): string {
  let n = 0;
  const slot = dialect === 'postgres' ? () => `$${++n}` : () => '?';
  const tuples = Array.from({ length: rows }, () => `(${COLUMNS.map(slot).join(', ')})`);
  return `insert into request_logs (${COLUMNS.join(', ')}) values ${tuples.join(', ')}`;
}

function toDetail(r: Row): RequestLogDetail {
  return {
    id: r.id,
    createdAt: r.created_at,
    method: r.method,
    path: r.path,
    status: r.status,
    ksCode: r.ks_code,
    latencyMs: Math.round(r.latency_us / 100) / 10,
    keyPrefix: r.public_key ? `${r.public_key.slice(0, KEY_PREFIX_LENGTH)}…` : null,
    requestId: r.request_id,
    idempotentReplay: r.idempotent_replay === 1,
    ip: r.ip,
    origin: r.origin,
    requestBody: r.request_body,
    responseBody: r.response_body
  };
}

/** The stored request log of `/v1` calls; rows arrive in batches from `usage/recorder.ts`. */
export function requestLogStore(database: Db, _clock: Clock) {
  const { db, dialect } = database;
  const insertSqls = new Map(CHUNK_ROWS.map((n) => [n, insertSql(n, dialect)]));
  const select = () =>
    db
      .selectFrom('request_logs')
      .leftJoin('api_keys', 'api_keys.id', 'request_logs.key_id')
      .selectAll('request_logs')
      .select('api_keys.public_key');

  return {
    /**
     * The statements that write `rows`: fixed sizes (`CHUNK_ROWS`), each SQL text one of four
     * and prepared once (the statement cache keeps them), run by `insertMany`.
     */
    insertStatements(rows: readonly RequestLogsTable[]): Statements {
      const statements: [string, unknown[]][] = [];
      let at = 0;
      for (const size of CHUNK_ROWS) {
        const text = insertSqls.get(size) ?? '';
        for (; rows.length - at >= size; at += size) {
          const values: unknown[] = [];
          for (let i = at; i < at + size; i++) {
            const row = rows[i] as RequestLogsTable;
            for (const column of COLUMNS) values.push(row[column]);
          }
          statements.push([text, values]);
        }
      }
      return statements;
    },

    async insertMany(rows: readonly RequestLogsTable[]): Promise<void> {
      for (const [text, values] of this.insertStatements(rows)) {
        await db.executeQuery(CompiledQuery.raw(text, [...values]));
      }
    },

    /**
     * Newest first by (created_at, id); a page starts strictly after `before`, so equal times
     * are neither skipped nor repeated. Answers one row more than `limit` to say whether
     * another page follows.
     */
    async page(
      appId: string,
      f: RequestLogFilterInstants,
      before: HistoryCursor | undefined,
      limit: number
    ): Promise<{ rows: RequestLogDetail[]; next: HistoryCursor | null }> {
      const range = f.status ? STATUS_RANGE[f.status] : undefined;
      const rows = await select()
        .where('request_logs.app_id', '=', appId)
        .$if(range !== undefined, (q) =>
          q
            .where('request_logs.status', '>=', range?.[0] ?? 0)
            .where('request_logs.status', '<', range?.[1] ?? 0)
        )
        .$if(!!f.path, (q) =>
          q.where(
            sql<boolean>`${sql.ref('request_logs.path')} like ${`%${likeLiteral(f.path ?? '')}%`} escape '\\'`
          )
        )
        .$if(f.from !== undefined, (q) => q.where('request_logs.created_at', '>=', f.from ?? ''))
        .$if(f.to !== undefined, (q) => q.where('request_logs.created_at', '<', f.to ?? ''))
        .$if(before !== undefined, (q) =>
          q.where((eb) =>
            eb.or([
              eb('request_logs.created_at', '<', before?.createdAt ?? ''),
              eb.and([
                eb('request_logs.created_at', '=', before?.createdAt ?? ''),
                eb('request_logs.id', '<', before?.id ?? '')
              ])
            ])
          )
        )
        .orderBy('request_logs.created_at', 'desc')
        .orderBy('request_logs.id', 'desc')
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit).map(toDetail);
      const last = page.at(-1);
      return {
        rows: page,
        next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null
      };
    },

    async get(appId: string, id: string): Promise<RequestLogDetail | null> {
      const row = await select()
        .where('request_logs.app_id', '=', appId)
        .where('request_logs.id', '=', id)
        .executeTakeFirst();
      return row ? toDetail(row) : null;
    },

    /** Deletes rows created before `cutoff`; answers how many. */
    async pruneBefore(cutoff: string): Promise<number> {
      const r = await db
        .deleteFrom('request_logs')
        .where('created_at', '<', cutoff)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    }
  };
}
