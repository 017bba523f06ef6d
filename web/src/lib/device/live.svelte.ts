import { observe } from './observe';

/**
 * The local database as component state (through `observe`): `current` follows the database, including writes
 * made by other tabs (Dexie broadcasts them), for as long as the component is mounted.
 * `key` is read synchronously so the query restarts when what it depends on (an app id from
 * the URL) changes; the query itself runs inside Dexie, where Svelte cannot track it.
 * Create it during component initialisation (it owns an `$effect`).
 */
export class Live<K, T> {
  current = $state.raw<T>(undefined as T);
  /** The first answer has arrived. */
  ready = $state(false);
  error = $state.raw<unknown>(null);

  constructor(key: () => K | null | undefined, query: (key: K) => Promise<T> | T, initial: T) {
    this.current = initial;
    $effect(() => {
      const k = key();
      if (k === null || k === undefined) return;
      this.ready = false;
      return observe(
        () => query(k),
        (value) => {
          this.current = value;
          this.ready = true;
          this.error = null;
        },
        (err) => {
          this.error = err;
          this.ready = true;
        }
      );
    });
  }
}
