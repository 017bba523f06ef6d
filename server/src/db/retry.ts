import { ApiError } from '../lib/errors';

/**
 * Database failures that say "try again" rather than "this is wrong": PostgreSQL's
 * serialization failure, deadlock, lock or statement timeout, too many connections and lost
 * connections; SQLite's busy and locked. The transaction they hit was rolled back, so nothing
 * of it happened and the client may simply retry.
 */
const PG_TRANSIENT = new Set([
  '40001',
  '40P01',
  '55P03',
  '57014',
  '53300',
  '57P01',
  '08000',
  '08003',
  '08006'
]);

export function isTransientDbError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null || !('code' in err)) return false;
  const code = String(err.code);
  return (
    PG_TRANSIENT.has(code) || code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')
  );
}

/** Runs `fn`, turning a transient database failure into a 503 `unavailable`. */
export async function retryableAs503<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isTransientDbError(err)) {
      throw new ApiError('unavailable', 'The server is busy; your changes are safe, try again');
    }
    throw err;
  }
}
