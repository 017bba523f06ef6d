import type { AppCreateArgs, AppUpdateArgs } from '@kspay/shared/apps';
import type { AppSetStatusArgs } from '@kspay/shared/app-record';
import type { MutationName } from '@kspay/shared/sync';
import type { KspayDb } from '../db/database';
import { META_KEY, type LocalApp, type OutboxEntry } from '../db/types';
import { uploadToBlob } from './logo';
import { dismissSyncError, setAppStatus, updateApp } from './mutations';

/**
 * What "Sync details" shows: the changes waiting in the outbox, the refusals stored on their
 * apps, and when this device last synced. Read from the database only, so every tab shows the
 * same whichever tab syncs.
 */

/** One line of the waiting list: consecutive changes of one kind to one app count as one. */
export interface WaitingChange {
  /** The first mutation id of the line (a stable key). */
  id: number;
  recordId: string;
  label: string;
  /** How many queued mutations the line stands for. */
  count: number;
  /** When the oldest of them was made. */
  createdAt: string;
}

export interface RefusedChange {
  recordId: string;
  mutationId: number;
  name: MutationName;
  label: string;
  reason: string;
  /** Another device changed the app first (the server's row is kept in `conflict`). */
  conflict: boolean;
  /** The app exists on KS Pay (false: a refused registration, kept only on this device). */
  registered: boolean;
  /** The member's role no longer allows the change (`forbidden_role`): resending cannot help. */
  forbidden: boolean;
}

export interface SyncDetails {
  waiting: WaitingChange[];
  refused: RefusedChange[];
  lastSyncAt: string | null;
  lastError: string | null;
}

function nameIn(args: unknown): string | undefined {
  const fields = (args as { fields?: { name?: unknown } } | null)?.fields;
  return typeof fields?.name === 'string' ? fields.name : undefined;
}

/** "Register app Chai & Co.", "Edit app Chai & Co.", "Disable app Chai & Co.". */
export function describeChange(name: MutationName, args: unknown, appName: string): string {
  switch (name) {
    case 'app.create':
      return `Register app ${nameIn(args) ?? appName}`;
    case 'app.update':
      return `Edit app ${nameIn(args) ?? appName}`;
    case 'app.setStatus':
      return `${(args as AppSetStatusArgs | null)?.status === 'disabled' ? 'Disable' : 'Enable'} app ${appName}`;
  }
}

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60]
];

/** "just now", "2 minutes ago", "3 hours ago", "yesterday", "5 days ago". */
export function ageOf(iso: string, now = Date.now()): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const seconds = Math.max(0, Math.floor((now - at) / 1000));
  if (seconds < 45) return 'just now';
  for (const [unit, size] of UNITS) {
    if (seconds >= size) return RELATIVE.format(-Math.floor(seconds / size), unit);
  }
  return RELATIVE.format(-1, 'minute');
}

function waitingLines(entries: readonly OutboxEntry[], apps: Map<string, LocalApp>) {
  const lines: WaitingChange[] = [];
  for (const e of entries) {
    const appName = apps.get(e.recordId)?.name ?? nameIn(e.args) ?? 'an app';
    const label = describeChange(e.name, e.args, appName);
    const last = lines.at(-1);
    if (last && last.recordId === e.recordId && last.label === label) last.count += 1;
    else lines.push({ id: e.id, recordId: e.recordId, label, count: 1, createdAt: e.createdAt });
  }
  return lines;
}

export async function readSyncDetails(db: KspayDb): Promise<SyncDetails> {
  return db.transaction('r', [db.outbox, db.apps, db.meta], async () => {
    const [entries, refusedRows, meta] = await Promise.all([
      db.outbox.orderBy('id').toArray(),
      db.apps.filter((a) => a.syncError !== null).toArray(),
      db.meta.get(META_KEY)
    ]);
    const ids = [...new Set(entries.map((e) => e.recordId))];
    const rows = await db.apps.bulkGet(ids);
    const apps = new Map(rows.filter((r) => r !== undefined).map((r) => [r.id, r]));
    const refused = refusedRows
      .map((app): RefusedChange => {
        const e = app.syncError!;
        return {
          recordId: app.id,
          mutationId: e.mutationId,
          name: e.name,
          label: describeChange(e.name, e.args, app.server?.name ?? app.name),
          reason: e.message,
          conflict: app.conflict !== null,
          registered: app.server !== null,
          forbidden: e.code === 'forbidden_role'
        };
      })
      .sort((a, b) => a.mutationId - b.mutationId);
    return {
      waiting: waitingLines(entries, apps),
      refused,
      lastSyncAt: meta?.lastSyncAt ?? null,
      lastError: meta?.lastSyncError ?? null
    };
  });
}

/** Lets a refusal go: a refused registration disappears, any other keeps the app as KS Pay has it. */
export function discardRefused(db: KspayDb, recordId: string): Promise<void> {
  return dismissSyncError(db, recordId);
}

/**
 * Sends the refused change again unchanged, as a new mutation (for when the cause was fixed
 * elsewhere: the other app renamed, the conflict read). A refused registration is re-sent as a
 * registration under the same app id; the refusal is cleared by the new write itself.
 */
export async function resubmitRefused(db: KspayDb, recordId: string): Promise<void> {
  const app = await db.apps.get(recordId);
  const refused = app?.syncError;
  if (!app || !refused) return;
  if (refused.name === 'app.setStatus') {
    await setAppStatus(db, recordId, (refused.args as AppSetStatusArgs).status);
    return;
  }
  const args = refused.args as AppCreateArgs | AppUpdateArgs;
  const logo = args.logo === undefined ? undefined : args.logo && uploadToBlob(args.logo);
  await updateApp(db, recordId, args.fields, logo);
}
