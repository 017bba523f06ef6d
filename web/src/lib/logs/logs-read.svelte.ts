import {
  rangeInstants,
  REQUEST_LOG_OFFLINE_ROWS,
  type RequestLogDetail,
  type RequestLogPage,
  type StatusClass
} from '@kspay/shared';
import Dexie from 'dexie';
import { untrack } from 'svelte';
import { api } from '$lib/api/client';
import { send, toApiError, type ApiRequestError } from '$lib/api/errors';
import type { KspayDb } from '$lib/device/db/database';
import { unreachable } from '$lib/device/offline-read.svelte';

export interface LogFilter {
  status: StatusClass | '';
  path: string;
  /** Days of the account's zone, `YYYY-MM-DD`, or empty. */
  from: string;
  to: string;
}

export const NO_FILTER: LogFilter = { status: '', path: '', from: '', to: '' };

export type LogsState =
  | { kind: 'loading' }
  /** `asOf` is set when the rows are this device's copy (the server is out of reach). */
  | { kind: 'ready'; rows: RequestLogDetail[]; nextCursor: string | null; asOf: string | null }
  | { kind: 'unavailable' }
  | { kind: 'error'; error: ApiRequestError };

/** The rows of the filter, newest first, as the server would answer them. */
export function matches(row: RequestLogDetail, f: LogFilter, timeZone: string): boolean {
  if (f.status && `${String(row.status)[0]}xx` !== f.status) return false;
  if (f.path && !row.path.includes(f.path)) return false;
  if (f.from && row.createdAt < rangeInstants(f.from, f.from, timeZone).from) return false;
  if (f.to && row.createdAt >= rangeInstants(f.to, f.to, timeZone).to) return false;
  return true;
}

const newestFirst = (a: RequestLogDetail, b: RequestLogDetail) =>
  a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1;

/**
 * The Logs page's reads. Online: pages from the server, newest first; every page read is also
 * kept in this device's `requestLogs` table, trimmed to the newest 500 rows per app. Out of
 * reach: the same filter answered from those rows, with the time the server last answered
 * ("as of"). Only the newest page of a later answer replaces what is on screen.
 */
export class LogsRead {
  state = $state.raw<LogsState>({ kind: 'loading' });
  #seq = 0;
  readonly #db: KspayDb;
  readonly #appId: string;
  readonly #zone: () => string;

  constructor(db: KspayDb, appId: string, zone: () => string) {
    this.#db = db;
    this.#appId = appId;
    this.#zone = zone;
  }

  async #fetch(f: LogFilter, before: string | null): Promise<RequestLogPage> {
    const query = {
      status: f.status || undefined,
      path: f.path || undefined,
      from: f.from || undefined,
      to: f.to || undefined,
      before: before ?? undefined
    };
    const res = await send(api.apps[':appId'].logs.$get({ param: { appId: this.#appId }, query }));
    return await res.json();
  }

  async #keep(page: RequestLogPage): Promise<void> {
    const appId = this.#appId;
    const table = this.#db.requestLogs;
    await table.bulkPut(page.logs.map((l) => ({ ...l, appId, asOf: page.asOf })));
    const older = await table
      .where('[appId+createdAt]')
      .between([appId, Dexie.minKey], [appId, Dexie.maxKey])
      .reverse()
      .offset(REQUEST_LOG_OFFLINE_ROWS)
      .primaryKeys();
    if (older.length > 0) await table.bulkDelete(older);
  }

  async #local(f: LogFilter): Promise<LogsState> {
    const kept = await this.#db.requestLogs.where('appId').equals(this.#appId).toArray();
    if (kept.length === 0) return { kind: 'unavailable' };
    const asOf = kept.reduce((at, r) => (r.asOf > at ? r.asOf : at), '');
    const zone = this.#zone();
    const rows = kept
      .filter((r) => matches(r, f, zone))
      .sort(newestFirst)
      .map(({ appId: _a, asOf: _s, ...row }) => row);
    return { kind: 'ready', rows, nextCursor: null, asOf };
  }

  /**
   * The first page of `f`. Pages call this from an `$effect`: it reads its own state
   * untracked, so the effect follows only the filter it passes in.
   */
  load(f: LogFilter): Promise<void> {
    return untrack(() => this.#load(f));
  }

  async #load(f: LogFilter): Promise<void> {
    const seq = ++this.#seq;
    if (this.state.kind !== 'ready') this.state = { kind: 'loading' };
    try {
      const page = await this.#fetch(f, null);
      if (seq !== this.#seq) return;
      this.state = { kind: 'ready', rows: page.logs, nextCursor: page.nextCursor, asOf: null };
      await this.#keep(page).catch(() => null);
    } catch (err) {
      const error = toApiError(err);
      if (seq !== this.#seq) return;
      if (!unreachable(error)) {
        this.state = { kind: 'error', error };
        return;
      }
      const local = await this.#local(f).catch((): LogsState => ({ kind: 'unavailable' }));
      if (seq === this.#seq) this.state = local;
    }
  }

  /** The next page, appended below the rows on screen. */
  async more(f: LogFilter): Promise<void> {
    const shown = this.state;
    if (shown.kind !== 'ready' || !shown.nextCursor) return;
    const seq = ++this.#seq;
    const page = await this.#fetch(f, shown.nextCursor);
    if (seq !== this.#seq) return;
    this.state = {
      kind: 'ready',
      rows: [...shown.rows, ...page.logs],
      nextCursor: page.nextCursor,
      asOf: null
    };
    await this.#keep(page).catch(() => null);
  }
}
