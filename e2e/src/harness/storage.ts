import type { Page } from 'playwright-core';

/**
 * Everything the browser keeps for the page's origin, as text keyed by where it was found: the
 * URL, cookies visible to scripts, local and session storage, every row of every IndexedDB
 * store, and every Cache Storage entry. Secret scans search these values.
 */
export function browserStorage(page: Page): Promise<Record<string, string>> {
  return page.evaluate(async () => {
    const out: Record<string, string> = {
      url: location.href,
      cookie: document.cookie,
      localStorage: JSON.stringify({ ...localStorage }),
      sessionStorage: JSON.stringify({ ...sessionStorage })
    };
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(info.name ?? '');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(new Error(String(req.error)));
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const rows = await new Promise<unknown[]>((resolve, reject) => {
          const req = db.transaction(store).objectStore(store).getAll();
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(new Error(String(req.error)));
        });
        out[`idb:${info.name}/${store}`] = JSON.stringify(rows);
      }
      db.close();
    }
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const req of await cache.keys()) {
        out[`cache:${name}:${req.url}`] =
          `${req.url}\n${(await (await cache.match(req))?.text()) ?? ''}`;
      }
    }
    return out;
  });
}
