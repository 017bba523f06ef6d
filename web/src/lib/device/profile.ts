import { accountSchema, type Account } from '@kspay/shared/auth';
import type { KspayDb } from './db/database';
import { loadSnapshot, saveSnapshot } from './db/snapshots';

/**
 * The signed-in merchant's profile (id, email, name, time zone; no secret) on this device, so
 * a reload offline still draws every day and time in the account's zone. It lives in the
 * merchant's own database, which sign-out deletes with everything else of theirs.
 */
const KEY = 'account';

export async function saveProfile(db: KspayDb, account: Account): Promise<void> {
  await saveSnapshot(db, KEY, '', account);
}

/** The stored profile of `userId`, or null (none yet, or not this merchant's). */
export async function loadProfile(db: KspayDb, userId: string): Promise<Account | null> {
  const stored = await loadSnapshot<unknown>(db, KEY);
  const parsed = accountSchema.safeParse(stored?.data);
  return parsed.success && parsed.data.id === userId ? parsed.data : null;
}
