import type { KspayDb } from '../device/db/database';
import { loadSnapshot, saveSnapshot } from '../device/db/snapshots';
import { toApiError } from '../api/errors';
import { report } from '../api/report';
import { nowIso } from './merge';

/**
 * A server answer shown on a page and kept on this device for reading offline: the page
 * first shows the last snapshot (if any), then the server's answer, which replaces the
 * snapshot. When the server cannot be reached the snapshot stays, with its time (`asOf`).
 * Only answers without secrets go through here (key lists carry the hint, never the secret).
 */
export class Remote<T> {
  data = $state.raw<T | null>(null);
  /** Set while `data` is the device's copy rather than a fresh answer. */
  asOf = $state<string | null>(null);
  loading = $state(false);
  /** The last load failed for lack of a connection. */
  unreachable = $state(false);

  readonly #db: KspayDb;
  readonly #key: string;
  readonly #appId: string;
  readonly #fetch: () => Promise<T>;
  #run = 0;
  /** When the shown value came from the server (for "as of" once the connection is gone). */
  #freshAt: string | null = null;

  constructor(db: KspayDb, key: string, appId: string, fetch: () => Promise<T>) {
    this.#db = db;
    this.#key = key;
    this.#appId = appId;
    this.#fetch = fetch;
  }

  async load(): Promise<void> {
    const run = ++this.#run;
    this.loading = true;
    try {
      if (this.data === null) {
        const snap = await loadSnapshot<T>(this.#db, this.#key).catch(() => null);
        if (snap && run === this.#run && this.data === null) {
          this.data = snap.data;
          this.asOf = snap.asOf;
        }
      }
      const fresh = await this.#fetch();
      // A later load (or a local change after an action) wins over an older answer.
      if (run === this.#run) this.set(fresh);
    } catch (err) {
      if (run !== this.#run) return;
      const error = toApiError(err);
      this.unreachable = error.isNetwork;
      if (error.isNetwork && this.asOf === null) this.asOf = this.#freshAt;
      if (!error.isNetwork) report(error);
    } finally {
      if (run === this.#run) this.loading = false;
    }
  }

  /** A fresh value from the server (a load, or the answer of an action). */
  set(value: T): void {
    this.#run++;
    this.loading = false;
    this.data = value;
    this.asOf = null;
    this.#freshAt = nowIso();
    this.unreachable = false;
    // The database may be closing (sign-out): the page still shows the value.
    saveSnapshot(this.#db, this.#key, this.#appId, $state.snapshot(value)).catch(() => {});
  }
}
