import type { AppRecord, AppSetStatusArgs } from '@kspay/shared/app-record';
import type { AppCreateArgs, AppFields, AppUpdateArgs } from '@kspay/shared/apps';
import type { LocalApp, OutboxEntry } from '../db/types';
import { uploadToBlob } from './logo';

/**
 * The optimistic replica: a record's row is its last server row with this browser's unsynced
 * mutations folded on top, in outbox order. Recomputing from (server row, pending mutations)
 * rather than patching the visible row is what lets a pull replace the server row underneath
 * pending edits without losing them (the rebase) and without applying any edit twice.
 */

export const fieldKeys = [
  'name',
  'email',
  'address',
  'phone',
  'country',
  'state',
  'city',
  'postalCode'
] as const satisfies readonly (keyof AppFields)[];

function fromServer(server: AppRecord): LocalApp {
  const { deleted: _deleted, ...rest } = server;
  return { ...rest, pending: false, syncError: null, conflict: null, server, localLogo: null };
}

/** Applies one mutation as the server would if it accepts it. */
function applyMutation(row: LocalApp | null, entry: OutboxEntry): LocalApp | null {
  switch (entry.name) {
    case 'app.create': {
      const args = entry.args as AppCreateArgs;
      return {
        id: args.id,
        ...args.fields,
        status: row?.status ?? 'active',
        logoHash: row?.logoHash ?? null,
        version: row?.version ?? 0,
        createdAt: row?.createdAt ?? entry.createdAt,
        updatedAt: entry.createdAt,
        pending: true,
        syncError: row?.syncError ?? null,
        conflict: row?.conflict ?? null,
        server: row?.server ?? null,
        localLogo: args.logo ? uploadToBlob(args.logo) : null
      };
    }
    case 'app.update': {
      if (!row) return null;
      const args = entry.args as AppUpdateArgs;
      const next: LocalApp = { ...row, ...args.fields, updatedAt: entry.createdAt };
      if (args.logo === null) {
        next.logoHash = null;
        next.localLogo = null;
      } else if (args.logo) {
        next.localLogo = uploadToBlob(args.logo);
      }
      return next;
    }
    case 'app.setStatus': {
      if (!row) return null;
      return {
        ...row,
        status: (entry.args as AppSetStatusArgs).status,
        updatedAt: entry.createdAt
      };
    }
  }
}

/**
 * The row a record should show. `prev` is the row stored so far (its refusal info is kept);
 * `pending` are the record's outbox entries in order. A record the server does not have and
 * no pending create would produce stays only when it carries a refusal: that is a create the
 * server refused, kept so the merchant's input is not lost (they can fix and resubmit it).
 */
export function materialize(
  server: AppRecord | null,
  prev: LocalApp | undefined,
  pending: readonly OutboxEntry[]
): LocalApp | null {
  const live = server && !server.deleted ? server : null;
  if (!live && !pending.some((e) => e.name === 'app.create')) {
    if (!prev || (pending.length === 0 && !prev.syncError)) return null;
    // Updates carry every field, so folding them over the stored row again is harmless.
    let kept: LocalApp = prev;
    for (const entry of pending) kept = applyMutation(kept, entry) ?? kept;
    return { ...kept, pending: pending.length > 0, server: null, version: 0 };
  }
  let row: LocalApp | null = live ? fromServer(live) : null;
  for (const entry of pending) row = applyMutation(row, entry);
  if (!row) return null;
  return {
    ...row,
    version: live?.version ?? 0,
    pending: pending.length > 0,
    server: live,
    syncError: prev?.syncError ?? null,
    conflict: prev?.conflict ?? null
  };
}
