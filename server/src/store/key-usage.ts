import type { Db } from '../db';
import type { Clock } from '../lib/clock';

/** `api_keys.last_used_at`, moved forward only (several processes may write it). */
export function keyUsageStore(database: Db, _clock: Clock) {
  const { db } = database;
  return {
    async markUsed(keyId: string, at: string): Promise<void> {
      await db
        .updateTable('api_keys')
        .set({ last_used_at: at })
        .where('id', '=', keyId)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
        .execute();
    }
  };
}
