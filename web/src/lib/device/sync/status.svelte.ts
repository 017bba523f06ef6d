import type { KspayDb } from '../db/database';
import { observe } from '../observe';
import { META_KEY } from '../db/types';
import type { SyncEngine } from './engine';
import type { SyncPhase } from './state';

/**
 * What the sync indicator shows, for the UI to bind to. Counts and times come from the
 * database through `observe` (so every tab shows the same, whichever tab syncs); the phase
 * comes from the engine (the leading tab's, mirrored over BroadcastChannel).
 */
export class SyncStatus {
  online = $state(true);
  /** Local changes waiting for the server (outbox size). */
  pending = $state(0);
  lastSyncAt = $state<string | null>(null);
  lastError = $state<string | null>(null);
  phase = $state<SyncPhase>('stopped');
  updateRequired = $state(false);

  syncing = $derived(this.phase === 'syncing');
  signedOut = $derived(this.phase === 'signed-out');

  readonly #stops: (() => void)[] = [];

  /** The database and engine this status watches (the details dialog reads and drives them). */
  constructor(
    readonly db: KspayDb,
    readonly engine: SyncEngine
  ) {
    const nav = globalThis.navigator as Navigator | undefined;
    this.online = nav?.onLine ?? true;
    this.#stops.push(
      observe(
        () => db.outbox.count(),
        (n) => (this.pending = n)
      ),
      observe(
        () => db.meta.get(META_KEY),
        (m) => {
          this.lastSyncAt = m?.lastSyncAt ?? null;
          this.lastError = m?.lastSyncError ?? null;
          this.updateRequired = m?.updateRequired != null;
        }
      ),
      engine.subscribe((s) => {
        this.phase = s.phase;
        if (s.phase === 'update-required') this.updateRequired = true;
      })
    );
    if (typeof globalThis.addEventListener === 'function') {
      const on = () => (this.online = true);
      const off = () => (this.online = false);
      globalThis.addEventListener('online', on);
      globalThis.addEventListener('offline', off);
      this.#stops.push(() => {
        globalThis.removeEventListener('online', on);
        globalThis.removeEventListener('offline', off);
      });
    }
  }

  destroy(): void {
    this.#stops.forEach((stop) => stop());
    this.#stops.length = 0;
  }
}
