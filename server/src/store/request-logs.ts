import type { HistoryCursor, RequestLogDetail, StatusClass } from '@kspay/shared';
import { sql } from 'kysely';
import type { Db } from '../db';
import type { RequestLogsTable } from '../db/schema';
import type { Clock } from '../lib/clock';

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
  const { db } = database;
  const select = () =>
    db
      .selectFrom('request_logs')
      .leftJoin('api_keys', 'api_keys.id', 'request_logs.key_id')
      .selectAll('request_logs')
      .select('api_keys.public_key');

  return {
    async insertMany(rows: RequestLogsTable[]): Promise<void> {
      if (rows.length > 0) await db.insertInto('request_logs').values(rows).execute();
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
