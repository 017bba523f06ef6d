import { openUserDb } from '../db/database';
import { flushOutbox, replicaOfTag, type TryLock } from './background';

/**
 * The service worker's Background Sync handler, bundled by scripts/build-sw.js and loaded into
 * the generated worker with `importScripts`. Typed by hand (the app compiles against the DOM
 * library, not the worker one): only what it uses.
 */
interface SyncEventLike {
  tag: string;
  waitUntil(promise: Promise<unknown>): void;
}

interface WorkerScope {
  addEventListener(type: 'sync', listener: (event: SyncEventLike) => void): void;
  navigator: { locks?: TryLock };
  indexedDB: IDBFactory;
  fetch: typeof fetch;
}

const worker = globalThis as unknown as WorkerScope;

worker.addEventListener('sync', (event) => {
  const replica = replicaOfTag(event.tag);
  if (!replica) return;
  event.waitUntil(
    flushOutbox(replica, {
      locks: worker.navigator.locks ?? null,
      databases: () => worker.indexedDB.databases(),
      open: ({ userId, businessId }) => openUserDb(userId, businessId),
      fetch: (input, init) => worker.fetch(input, { ...init, credentials: 'same-origin' })
    })
  );
});
