import { liveQuery } from 'dexie';

/**
 * The one way to watch the local database: `next` gets the query's answer now and again after
 * every write to the tables it read, in this tab or another one (Dexie broadcasts them), until
 * the returned function is called. Components use `Live` (built on this); long-lived rune
 * classes (the sync status) call it directly and stop it when they are destroyed.
 */
export function observe<T>(
  query: () => Promise<T> | T,
  next: (value: T) => void,
  error?: (err: unknown) => void
): () => void {
  const sub = liveQuery(query).subscribe({ next, error });
  return () => sub.unsubscribe();
}
