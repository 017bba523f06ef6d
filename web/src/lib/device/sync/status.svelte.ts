import { liveQuery } from 'dexie';
import type { KspayDb } from '../db/database';
import { META_KEY } from '../db/types';
import type { SyncEngine, SyncPhase } from './engine';

/**
 * What the sync indicator shows, for the UI to bind to. Counts and times come from the
 * database through liveQuery (so every tab shows the same, whichever tab syncs); the phase
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

  constructor(db: KspayDb, engine: SyncEngine) {
    const nav = globalThis.navigator as Navigator | undefined;
    this.online = nav?.onLine ?? true;
    const count = liveQuery(() => db.outbox.count()).subscribe({
      next: (n) => (this.pending = n)
    });
    const meta = liveQuery(() => db.meta.get(META_KEY)).subscribe({
      next: (m) => {
        this.lastSyncAt = m?.lastSyncAt ?? null;
        this.lastError = m?.lastSyncError ?? null;
        this.updateRequired = m?.updateRequired != null;
      }
    });
    this.#stops.push(
      () => count.unsubscribe(),
      () => meta.unsubscribe(),
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
