import type { AuditEntry, AuditListResponse } from '@kspay/shared/app-settings';
import { report } from '../api/report';
import type { KspayDb } from '../device/db/database';
import { OfflineRead } from '../device/offline-read.svelte';
import { listAudit } from '../keys/api';
import { appendEntries } from '../keys/merge';

const ACTIVITY_PAGE = 25;

/**
 * The activity log of one app, newest first. The first page is kept on this device for
 * reading offline; older pages are fetched with the server's `nextBefore` cursor and kept
 * only while the page is open.
 */
export class ActivityLog {
  readonly first: OfflineRead<AuditListResponse>;
  older = $state.raw<AuditEntry[]>([]);
  #olderNext = $state<string | null | undefined>(undefined);
  loadingMore = $state(false);
  readonly #appId: string;

  constructor(db: KspayDb, appId: string) {
    this.#appId = appId;
    this.first = new OfflineRead(db, {
      key: `audit:${appId}`,
      appId,
      fetch: () => listAudit(appId, null, ACTIVITY_PAGE)
    });
  }

  get entries(): AuditEntry[] {
    return [...(this.first.data?.entries ?? []), ...this.older];
  }

  /** Where the next older page starts; null at the end. */
  get nextBefore(): string | null {
    return this.#olderNext === undefined ? (this.first.data?.nextBefore ?? null) : this.#olderNext;
  }

  /** Back to the newest page (older pages are fetched again on demand). */
  async load(): Promise<void> {
    await this.first.load();
    // Out of reach, the stored first page stays with the older pages already shown.
    const kind = this.first.state.kind;
    if (kind !== 'snapshot' && kind !== 'unavailable') {
      this.older = [];
      this.#olderNext = undefined;
    }
  }

  async loadMore(): Promise<void> {
    const before = this.nextBefore;
    if (!before || this.loadingMore) return;
    this.loadingMore = true;
    try {
      const page = await listAudit(this.#appId, before, ACTIVITY_PAGE);
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
