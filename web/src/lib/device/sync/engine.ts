/**
 * The sync engine: when and where the protocol (protocol.ts) runs. No UI code here.
 *
 * Protocol invariants (DESIGN.md §4; the server enforces its half, this module the other):
 * 1. A local write changes the replica, takes the next mutation id and appends to the outbox in
 *    ONE transaction (mutations.ts): the outbox holds every write not yet confirmed, numbered
 *    1, 2, 3… without gaps, in the order the merchant made them.
 * 2. The outbox is pushed in id order; the server applies id == last+1 only, acknowledges
 *    id <= last without re-applying, and answers 409 to a gap. So a replayed, duplicated or
 *    re-sent batch applies each mutation at most once, and never out of order.
 * 3. An entry leaves the outbox only when a pull reports lastMutationId >= its id, in the same
 *    transaction that stores the server rows and refusals up to that point (apply.ts). A lost
 *    push answer therefore loses nothing: the entry is re-sent (acknowledged as a duplicate)
 *    and its refusal, if any, comes with the pull (`rejectionsAfter`).
 * 4. The replica row = last server row + remaining outbox mutations folded on top (rebase.ts):
 *    pending edits stay visible across pulls and are never applied twice locally.
 * 5. A refused mutation advances the server's counter and is shown on its record (syncError /
 *    conflict); it is never retried. Transient failures (no answer, 5xx) retry with jittered
 *    exponential backoff; 401 pauses until resume(); an outdated schema stops until update;
 *    403 `not_a_member` stops for good (the replica's business is no longer the user's: the
 *    app wipes the replica, local.svelte.ts).
 * 6. One tab per user syncs (navigator.locks leader); others forward their triggers over a
 *    BroadcastChannel and see the results through `observe` (Dexie liveQuery). Triggers: a local write,
 *    `online`, the page becoming visible, a poll while visible, the backoff timer. No workbox
 *    background sync: it would keep requests (and their credentials) on disk. Instead a write
 *    queued offline, or a failed pass, registers a Background Sync tag, and the service worker
 *    runs this same protocol when the connection returns, only while no tab holds the lock
 *    (background.ts).
 *
 * The property test (sync.property.test.ts) runs two or three clients of one merchant against
 * the REAL server in-process, over random interleavings of local writes, push, pull, dropped
 * requests, dropped answers, duplicated (concurrent) deliveries and server restarts; after a
 * quiet final sync it checks: every outbox is empty, the server counted each client's every
 * mutation (lastMutationId), the server rows equal a model replay of the applied mutations,
 * each client's replica equals the server rows, and every create exists on the server exactly
 * once unless its client shows it as refused.
 */
import { SYNC_SCHEMA_VERSION } from '@kspay/shared/sync';
import { readMeta, type KspayDb } from '../db/database';
import { META_KEY } from '../db/types';
import { SyncError } from './errors';
import { requestBackgroundSync, type Replica } from './background';
import { Leadership, lockName, type LockManagerLike } from './leader';
import { onLocalWrite } from './local-writes';
import { syncOnce } from './protocol';
import type { SyncEngineState } from './state';
import type { FetchLike } from './transport';

export interface SyncEngineOptions {
  /** Default: `globalThis.fetch`, same origin. */
  fetch?: FetchLike;
  /** Default: `navigator.locks`; null runs without cross-tab coordination. */
  locks?: LockManagerLike | null;
  /** Default: true where BroadcastChannel exists. */
  broadcast?: boolean;
  /** Listen to `online` / `visibilitychange` (default: where a window exists). */
  windowEvents?: boolean;
  /** While the page is visible, pull this often to see other devices' changes; 0: never. */
  pollMs?: number;
  /** Default: Background Sync through the service worker where the browser has it. */
  requestBackgroundSync?: (replica: Replica) => Promise<void>;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  random?: () => number;
}

export class SyncEngine {
  #state: SyncEngineState = { phase: 'stopped', leader: false, lastError: null };
  readonly #listeners = new Set<(s: SyncEngineState) => void>();
  readonly #fetch: FetchLike;
  readonly #opts: SyncEngineOptions;
  #leadership: Leadership | null = null;
  #running: Promise<void> | null = null;
  #dirty = false;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #cleanup: (() => void)[] = [];
  #abort = new AbortController();

  constructor(
    readonly db: KspayDb,
    opts: SyncEngineOptions = {}
  ) {
    this.#opts = opts;
    const send = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    // Stopping aborts the request in flight, so stop() never waits on a hanging connection.
    this.#fetch = (input, init) => send(input, { ...init, signal: this.#abort.signal });
  }

  get state(): SyncEngineState {
    return this.#state;
  }

  subscribe(fn: (s: SyncEngineState) => void): () => void {
    this.#listeners.add(fn);
    fn(this.#state);
    return () => this.#listeners.delete(fn);
  }

  #set(patch: Partial<SyncEngineState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const fn of this.#listeners) fn(this.#state);
    if (this.#state.leader) this.#leadership?.announce(this.#state.phase, this.#state.lastError);
  }

  /** Starts syncing for this tab: competes for leadership, listens to every trigger. */
  async start(): Promise<void> {
    if (this.#leadership) return;
    const meta = await readMeta(this.db);
    if (meta.updateRequired !== null && meta.updateRequired !== SYNC_SCHEMA_VERSION) {
      await this.db.meta.update(META_KEY, { updateRequired: null });
    }
    const blocked = meta.updateRequired === SYNC_SCHEMA_VERSION;
    this.#abort = new AbortController();
    this.#set({ phase: blocked ? 'update-required' : 'idle' });
    this.#cleanup.push(
      onLocalWrite(this.db, () => {
        // Queued offline: let the service worker send it when the connection returns, even
        // if every tab is closed by then.
        if (globalThis.navigator?.onLine === false) this.#background();
        this.requestSync();
      })
    );
    // The database was closed (deleted at sign-out, here or in another tab): nothing to sync.
    const closed = () => void this.stop();
    this.db.on('close', closed);
    this.#cleanup.push(() => this.db.on('close').unsubscribe(closed));
    const win = globalThis as Partial<Window & typeof globalThis>;
    if (
      (this.#opts.windowEvents ?? typeof win.addEventListener === 'function') &&
      win.addEventListener
    ) {
      const online = () => this.requestSync(true);
      const visible = () => {
        if (win.document?.visibilityState === 'visible') this.requestSync();
      };
      win.addEventListener('online', online);
      win.document?.addEventListener('visibilitychange', visible);
      this.#cleanup.push(() => {
        win.removeEventListener?.('online', online);
        win.document?.removeEventListener('visibilitychange', visible);
      });
    }
    const pollMs = this.#opts.pollMs ?? 30_000;
    if (pollMs > 0) {
      const poll = setInterval(() => {
        if (win.document?.visibilityState !== 'hidden') this.requestSync();
      }, pollMs);
      this.#cleanup.push(() => clearInterval(poll));
    }
    this.#leadership = new Leadership(lockName(this.db.name), {
      locks: this.#opts.locks === undefined ? globalThis.navigator?.locks : this.#opts.locks,
      broadcast: this.#opts.broadcast ?? typeof BroadcastChannel === 'function',
      onLead: () => {
        this.#set({ leader: true });
        this.requestSync();
      },
      onNudge: () => this.requestSync(),
      onResume: () => this.#resumeHere(),
      onLeaderState: (phase, lastError) => {
        if (!this.#state.leader) this.#set({ phase, lastError });
      },
      current: () => this.#state
    });
    this.#leadership.start();
  }

  async stop(): Promise<void> {
    this.#cleanup.forEach((fn) => fn());
    this.#cleanup = [];
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#leadership?.stop();
    this.#leadership = null;
    this.#abort.abort();
    await this.#running;
    this.#set({ phase: 'stopped', leader: false });
  }

  /** A trigger: runs a pass soon here when leading, else asks the leading tab to. */
  requestSync(resetBackoff = false): void {
    if (resetBackoff) this.#attempt = 0;
    if (!this.#leadership) return;
    if (!this.#state.leader) {
      this.#leadership.nudge();
      return;
    }
    void this.sync();
  }

  /**
   * Runs a pass now (or right after the running one) when this tab leads; resolves when done.
   * Failures do not reject: they are in `state` and in the database's `lastSyncError`. While
   * signed out or outdated nothing runs: `resume()` or an update is the way on.
   */
  sync(): Promise<void> {
    const { phase, leader } = this.#state;
    if (
      phase === 'signed-out' ||
      phase === 'update-required' ||
      phase === 'not-a-member' ||
      phase === 'stopped'
    ) {
      return Promise.resolve();
    }
    if (!leader) {
      this.#leadership?.nudge();
      return Promise.resolve();
    }
    if (this.#running) {
      this.#dirty = true;
      return this.#running;
    }
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#running = this.#loop().finally(() => (this.#running = null));
    return this.#running;
  }

  /** After signing in again: continue where the 401 stopped (also when another tab leads). */
  resume(): void {
    this.#leadership?.resume();
    this.#resumeHere();
  }

  #resumeHere(): void {
    if (this.#state.leader && this.#state.phase === 'signed-out') {
      this.#set({ phase: 'idle', lastError: null });
      this.requestSync(true);
    }
  }

  #background(): void {
    (this.#opts.requestBackgroundSync ?? requestBackgroundSync)(this.db).catch(() => undefined);
  }

  async #loop(): Promise<void> {
    do {
      this.#dirty = false;
      this.#set({ phase: 'syncing' });
      try {
        await syncOnce(this.db, this.#fetch);
        this.#attempt = 0;
        await this.db.meta.update(META_KEY, {
          lastSyncAt: new Date().toISOString(),
          lastSyncError: null
        });
        this.#set({ phase: 'idle', lastError: null });
      } catch (err) {
        await this.#failed(err);
        return;
      }
    } while (this.#dirty && this.#leadership);
  }

  async #failed(err: unknown): Promise<void> {
    const e = err instanceof SyncError ? err : new SyncError('transient', String(err));
    if (!this.#leadership) return; // stopped meanwhile (the database may be gone)
    await this.db.meta
      .update(META_KEY, {
        lastSyncError: e.message,
        ...(e.kind === 'update-required' ? { updateRequired: SYNC_SCHEMA_VERSION } : {})
      })
      .catch(() => undefined);
    if (e.kind === 'signed-out' || e.kind === 'update-required' || e.kind === 'not-a-member') {
      // Nothing to retry: a sign-in, an update, or (not a member) the owner of this engine
      // wiping the replica is the way on.
      this.#set({ phase: e.kind, lastError: e.message });
      return;
    }
    this.#attempt += 1;
    const base = this.#opts.backoffBaseMs ?? 1000;
    const max = this.#opts.backoffMaxMs ?? 5 * 60 * 1000;
    const random = this.#opts.random ?? Math.random;
    // Full exponential growth, then a random half-to-whole of it, so tabs and browsers that
    // failed together do not retry together.
    const delay = Math.min(max, base * 2 ** (this.#attempt - 1)) * (0.5 + random() / 2);
    this.#set({ phase: 'retrying', lastError: e.message });
    this.#background();
    if (this.#leadership) this.#retryTimer = setTimeout(() => this.requestSync(), delay);
  }
}
