import type { Transaction } from 'dexie';
import { newClientId } from '@kspay/shared/ids';
import { META_KEY, type Draft, type LocalApp, type OutboxEntry, type SyncMeta } from './types';

/**
 * Schema version 1, the first shipped shape, kept so its data upgrades:
 * - apps: the server fields plus `pending` (no server copy, no refusal info);
 * - drafts: the logo as `logoBlob` + `logoName`;
 * - outbox: `{id, name, args, createdAt}`;
 * - meta: one key/value row per setting (`clientId`, `cursor`, `lastMutationId`, …).
 */
export const V1_STORES = {
  apps: 'id',
  drafts: 'id, updatedAt',
  outbox: 'id',
  meta: 'key'
};

export interface V1App extends Omit<LocalApp, 'syncError' | 'conflict' | 'server' | 'localLogo'> {
  pending: boolean;
}
export interface V1Draft extends Omit<Draft, 'logo'> {
  logoBlob: Blob | null;
  logoName: string | null;
}
export interface V1OutboxEntry {
  id: number;
  name: OutboxEntry['name'];
  args: unknown;
  createdAt: string;
}
export interface V1MetaRow {
  key: string;
  value: unknown;
}

function recordIdOf(args: unknown): string {
  const id = (args as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : '';
}

/**
 * v1 → v2. Version 1 kept no copy of the server row under local edits, so the upgrade cannot
 * tell confirmed fields from pending ones: it restarts the pull cursor at 0, and the next pull
 * replaces every stand-in server copy while the outbox (kept in order, numbers unchanged) is
 * re-applied on top. Outbox entries gain `recordId`, the index the rebase reads a record's mutations by.
 */
export async function upgradeToV2(tx: Transaction): Promise<void> {
  await tx
    .table('apps')
    .toCollection()
    .modify((row: V1App & Partial<LocalApp>) => {
      const { pending: _pending, ...fields } = row;
      row.syncError = null;
      row.conflict = null;
      // A stand-in until the next pull (from cursor 0) brings the real server row: a row the
      // server has stamped (version > 0) exists there, so later edits are updates, not creates.
      row.server = row.version > 0 ? { ...fields, deleted: false } : null;
      row.localLogo = null;
    });

  await tx
    .table('drafts')
    .toCollection()
    .modify((row: V1Draft & Partial<Draft>) => {
      row.logo = row.logoBlob
        ? { blob: row.logoBlob, name: row.logoName ?? 'logo', type: row.logoBlob.type }
        : null;
      delete (row as Partial<V1Draft>).logoBlob;
      delete (row as Partial<V1Draft>).logoName;
    });

  const entries = (await tx.table('outbox').orderBy('id').toArray()) as V1OutboxEntry[];
  const upgraded: OutboxEntry[] = entries.map((e) => ({ ...e, recordId: recordIdOf(e.args) }));
  await tx.table('outbox').bulkPut(upgraded);

  const rows = (await tx.table('meta').toArray()) as V1MetaRow[];
  const v1 = new Map(rows.map((r) => [r.key, r.value]));
  const num = (key: string) => (typeof v1.get(key) === 'number' ? (v1.get(key) as number) : 0);
  const clientId = v1.get('clientId');
  const lastAssigned = Math.max(num('lastMutationId'), ...upgraded.map((e) => e.id));
  const meta: SyncMeta = {
    key: META_KEY,
    clientId: typeof clientId === 'string' ? clientId : newClientId(),
    cursor: 0,
    lastMutationId: lastAssigned,
    rejectionsAfter: num('rejectionsAfter'),
    lastSyncAt: typeof v1.get('lastSyncAt') === 'string' ? (v1.get('lastSyncAt') as string) : null,
    lastSyncError: null,
    updateRequired: null
  };
  await tx.table('meta').clear();
  await tx.table('meta').add(meta);
}
