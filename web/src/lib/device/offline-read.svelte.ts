import { untrack } from 'svelte';
import { toApiError, type ApiRequestError } from '../api/errors';
import type { KspayDb } from './db/database';
import { loadSnapshot, nowIso, saveSnapshot } from './db/snapshots';

/**
 * What a page shows of one server answer:
 * - `loading`: nothing to show yet for this view;
 * - `fresh`: the server's answer (from a load, or the answer of an action);
 * - `snapshot`: the server could not be reached (or is slow to answer), so the last answer
 *   this device stored, with its time (`asOf`); `refreshing` while a slow answer is on its way;
 * - `unavailable`: unreachable, and this device never stored an answer for this view;
 * - `error`: the server answered with a refusal; the page says so and offers a retry.
 */
export type ReadState<T> =
  | { kind: 'loading' }
  | { kind: 'fresh'; data: T }
  | { kind: 'snapshot'; data: T; asOf: string; refreshing: boolean }
  | { kind: 'unavailable' }
  | { kind: 'error'; error: ApiRequestError };

export interface ReadRequest<T> {
  /** Snapshot key: `keys:<appId>`, `overview:<appId>`, `transactions:<appId>:<query>`. */
  key: string;
  appId: string;
  fetch: () => Promise<T>;
  /** The server time inside an answer; without it, "as of" is when this device stored it. */
  asOf?: (data: T) => string;
}

/** A slower answer than this shows the stored copy meanwhile, marked as refreshing. */
const SLOW_MS = 700;

/** No answer at all, or a proxy/gateway standing in for a server that is down. */
export function unreachable(err: ApiRequestError): boolean {
  return err.isNetwork || err.status === 502 || err.status === 503 || err.status === 504;
}

/**
 * The one way a page shows server data that stays readable offline: reads from the server and
 * keeps the last good answer per key in the merchant's database. Only answers without secrets
 * go through here (key lists carry the hint, never the secret).
 *
 * Invariants:
 * - only the latest `load` or `set` writes `state`: a late answer for a previous filter, or a
 *   list older than an action's answer, never replaces the current one;
 * - reloading the view already on screen keeps it on screen (no flash back to loading); when
 *   the server is then out of reach, it stays as this device's copy with its time;
 * - a refusal is shown as it is, never an old copy in its place.
 */
export class OfflineRead<T> {
  state = $state.raw<ReadState<T>>({ kind: 'loading' });
  readonly #db: KspayDb;
  #request: ReadRequest<T> | null;
  #seq = 0;
  /** When the `fresh` value on screen arrived (its "as of" once the connection is gone). */
  #freshAt = '';

  /** `request` is the view read when `load` is called without one (a page with one view). */
  constructor(db: KspayDb, request: ReadRequest<T> | null = null) {
    this.#db = db;
    this.#request = request;
  }

  /** What is on screen: the fresh answer or the stored copy; null while there is none. */
  get data(): T | null {
    const s = this.state;
    return s.kind === 'fresh' || s.kind === 'snapshot' ? s.data : null;
  }

  /** Set while `data` is this device's copy rather than the server's answer. */
  get asOf(): string | null {
    return this.state.kind === 'snapshot' ? this.state.asOf : null;
  }

  /**
   * Reads `req` (or the page's one view). Pages call this from an `$effect`; it reads its own
   * state untracked, so the effect depends only on what the page passes in (its filter), not
   * on the answer this writes.
   */
  load(request?: ReadRequest<T>): Promise<void> {
    return untrack(() => this.#load(request));
  }

  async #load(request?: ReadRequest<T>): Promise<void> {
    const req = request ?? this.#request;
    if (!req) throw new Error('OfflineRead.load: no request');
    const seq = ++this.#seq;
    const current = () => seq === this.#seq;
    const onScreen = this.#request?.key === req.key && this.data !== null;
    this.#request = req;
    if (!onScreen) this.state = { kind: 'loading' };
    const stored = loadSnapshot<T>(this.#db, req.key).catch(() => null);
    const slow = onScreen
      ? undefined
      : setTimeout(() => {
          void stored.then((s) => {
            if (s && current() && this.state.kind === 'loading') {
              this.state = { kind: 'snapshot', data: s.data, asOf: asOf(req, s), refreshing: true };
            }
          });
        }, SLOW_MS);
    try {
      const data = await req.fetch();
      if (current()) await this.#fresh(req, data);
    } catch (err) {
      const error = toApiError(err);
      if (!current()) return;
      if (!unreachable(error)) {
        this.state = { kind: 'error', error };
        return;
      }
      const shown = this.state;
      if (shown.kind === 'snapshot') {
        this.state = { ...shown, refreshing: false };
        return;
      }
      if (shown.kind === 'fresh') {
        const at = req.asOf?.(shown.data) ?? this.#freshAt;
        this.state = { kind: 'snapshot', data: shown.data, asOf: at, refreshing: false };
        return;
      }
      const s = await stored;
      if (!current()) return;
      this.state = s
        ? { kind: 'snapshot', data: s.data, asOf: asOf(req, s), refreshing: false }
        : { kind: 'unavailable' };
    } finally {
      clearTimeout(slow);
    }
  }

  /** A fresh value from the server for the current view (the answer of an action). */
  set(value: T): void {
    const req = this.#request;
    if (!req) throw new Error('OfflineRead.set: no view loaded');
    this.#seq++;
    void this.#fresh(req, value);
  }

  async #fresh(req: ReadRequest<T>, data: T): Promise<void> {
    this.state = { kind: 'fresh', data };
    this.#freshAt = nowIso();
    // A full disk or a closed database (sign-out) must not break the page: the copy is a
    // convenience, the page still shows the value.
    await saveSnapshot(this.#db, req.key, req.appId, $state.snapshot(data)).catch(() => null);
  }
}

function asOf<T>(req: ReadRequest<T>, stored: { data: T; asOf: string }): string {
  return req.asOf?.(stored.data) ?? stored.asOf;
}
