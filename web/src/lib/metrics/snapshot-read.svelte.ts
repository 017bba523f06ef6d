import { toApiError, type ApiRequestError } from '$lib/api/errors';
import type { KspayDb } from '$lib/device/db/database';
import { loadSnapshot, saveSnapshot } from '$lib/device/db/snapshots';

/**
 * What a read-only page shows of one server answer:
 * - `fresh`: the server's answer, just now;
 * - `snapshot`: the server could not be reached (or is slow to answer), so the last answer
 *   stored on this device, with the server time it was taken (`asOf`);
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
  /** Snapshot key: `overview:<appId>`, `transactions:<appId>:<query>`. */
  key: string;
  appId: string;
  fetch: () => Promise<T>;
  /** The server time inside an answer (what "as of" shows). */
  asOf: (data: T) => string;
}

/** A slower answer than this shows the stored copy meanwhile, marked as refreshing. */
const SLOW_MS = 700;

/** No answer at all, or a proxy/gateway standing in for a server that is down. */
function unreachable(err: ApiRequestError): boolean {
  return err.isNetwork || err.status === 502 || err.status === 503 || err.status === 504;
}

/**
 * Reads from the server and keeps the last good answer per key in the merchant's database, so
 * the page renders offline from it. Only the latest `load` may write `state`: a slow answer for
 * a previous filter never replaces the current one.
 */
export class SnapshotRead<T> {
  state = $state.raw<ReadState<T>>({ kind: 'loading' });
  #seq = 0;

  constructor(private readonly db: KspayDb) {}

  async load(req: ReadRequest<T>): Promise<void> {
    const seq = ++this.#seq;
    const current = () => seq === this.#seq;
    this.state = { kind: 'loading' };
    const stored = loadSnapshot<T>(this.db, req.key).catch(() => null);
    const slow = setTimeout(() => {
      void stored.then((s) => {
        if (s && current() && this.state.kind === 'loading') {
          this.state = { kind: 'snapshot', data: s.data, asOf: req.asOf(s.data), refreshing: true };
        }
      });
    }, SLOW_MS);
    try {
      const data = await req.fetch();
      if (!current()) return;
      this.state = { kind: 'fresh', data };
      // A full disk or a closed database must not break the page: the copy is a convenience.
      await saveSnapshot(this.db, req.key, req.appId, data).catch(() => null);
    } catch (err) {
      const error = toApiError(err);
      if (!current()) return;
      if (!unreachable(error)) {
        this.state = { kind: 'error', error };
        return;
      }
      const s = await stored;
      if (!current()) return;
      this.state = s
        ? { kind: 'snapshot', data: s.data, asOf: req.asOf(s.data), refreshing: false }
        : { kind: 'unavailable' };
    } finally {
      clearTimeout(slow);
    }
  }
}
