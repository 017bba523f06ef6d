import type { AuditEntry, AuditListResponse } from '@kspay/shared/app-settings';
import { report } from '../api/report';
import type { KspayDb } from '../device/db/database';
import { OfflineRead } from '../device/offline-read.svelte';
import { listAudit } from '../keys/api';
import { appendEntries } from '../keys/merge';

const ACTIVITY_PAGE = 25;

/** A page of a log: newest first, with the server's cursor to the next (older) page. */
export interface LogPage<E> {
  entries: E[];
  nextBefore: string | null;
}

export interface LogRequest<P> {
  /** Snapshot key of the first page. */
  key: string;
  appId: string;
  /** The page after `before` (null: the newest). */
  fetch: (before: string | null, limit: number) => Promise<P>;
  /** The server time inside a page, when it has one (the "as of" offline). */
  asOf?: (page: P) => string;
}

/**
 * A log read newest first (an app's activity, the team's). The first page is kept on this
 * device for reading offline; older pages are fetched with the server's `nextBefore` cursor
 * and kept only while the page is open.
 */
export class PagedLog<E extends { id: string }, P extends LogPage<E> = LogPage<E>> {
  readonly first: OfflineRead<P>;
  older = $state.raw<E[]>([]);
  #olderNext = $state<string | null | undefined>(undefined);
  loadingMore = $state(false);
  readonly #fetch: LogRequest<P>['fetch'];

  constructor(db: KspayDb, request: LogRequest<P>) {
    this.#fetch = request.fetch;
    this.first = new OfflineRead(db, {
      key: request.key,
      appId: request.appId,
      fetch: () => request.fetch(null, ACTIVITY_PAGE),
      ...(request.asOf ? { asOf: request.asOf } : {})
    });
  }

  get entries(): E[] {
    return [...(this.first.data?.entries ?? []), ...this.older];
  }

  /** Where the next older page starts; null at the end. */
  get nextBefore(): string | null {
    return this.#olderNext === undefined ? (this.first.data?.nextBefore ?? null) : this.#olderNext;
  }

  /**
   * Back to the newest page. Older pages already shown stay while the first page still ends
   * where they begin (a refresh that found nothing new), so a periodic refresh never folds
   * away what the merchant scrolled to; out of reach, they stay with the stored first page.
   */
  async load(): Promise<void> {
    const before = this.first.data?.nextBefore;
    await this.first.load();
    const kind = this.first.state.kind;
    if (kind === 'snapshot' || kind === 'unavailable') return;
    if (this.first.data?.nextBefore !== before) {
      this.older = [];
      this.#olderNext = undefined;
    }
  }

  async loadMore(): Promise<void> {
    const before = this.nextBefore;
    if (!before || this.loadingMore) return;
    this.loadingMore = true;
    try {
      const page = await this.#fetch(before, ACTIVITY_PAGE);
      const first = this.first.data?.entries ?? [];
      this.older = appendEntries([...first, ...this.older], page.entries).slice(first.length);
      this.#olderNext = page.nextBefore;
    } catch (err) {
      report(err);
    } finally {
      this.loadingMore = false;
    }
  }
}

/** The activity log of one app: every key, domain and app action. */
export class ActivityLog extends PagedLog<AuditEntry, AuditListResponse> {
  constructor(db: KspayDb, appId: string) {
    super(db, {
      key: `audit:${appId}`,
      appId,
      fetch: (before, limit) => listAudit(appId, before, limit)
    });
  }
}
