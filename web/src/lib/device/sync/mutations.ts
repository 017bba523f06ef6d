import type { MutationName } from '@kspay/shared/sync';
import type { AppStatus } from '@kspay/shared/app-record';
import type { AppFields, AppFieldsInput, LogoUpload } from '@kspay/shared/apps';
import { loadAppRules } from '../../apps/validation';
import { readMeta, type KspayDb } from '../db/database';
import { newAppId } from '@kspay/shared/ids';
import { META_KEY, type LocalApp, type OutboxEntry } from '../db/types';
import { cancelPendingDraft } from '../drafts/drafts';
import { LocalWriteError } from './errors';
import { emitLocalWrite } from './local-writes';
import { logoToUpload } from './logo';
import { materialize } from './rebase';

/**
 * Local writes. Each is ONE Dexie transaction that applies the change to the replica
 * (optimistic, `pending`), takes the next mutation id and appends the mutation to the outbox,
 * and removes the submitted form's draft: after a crash either all of it happened or none.
 */

export interface WriteOptions {
  /** The draft of the submitted form: deleted in the same transaction. */
  draftId?: string;
}

async function parseFields(fields: AppFieldsInput): Promise<AppFields> {
  // The server normalises with the same (idempotent) schema: normalising here keeps the
  // optimistic row identical to the row the server will send back. Loaded here, before any
  // transaction is open (see loadAppRules).
  const { appFieldsSchema } = await loadAppRules();
  const parsed = appFieldsSchema.safeParse(fields);
  if (!parsed.success) throw LocalWriteError.fromZod(parsed.error);
  return parsed.data;
}

type ArgsFor = (
  row: LocalApp | undefined,
  pending: OutboxEntry[]
) => {
  name: MutationName;
  args: Record<string, unknown>;
};

async function write(
  db: KspayDb,
  recordId: string,
  build: ArgsFor,
  opts: WriteOptions = {}
): Promise<LocalApp> {
  if (opts.draftId) cancelPendingDraft(db, opts.draftId);
  const row = await db.transaction('rw', [db.apps, db.outbox, db.meta, db.drafts], async () => {
    const meta = await readMeta(db);
    const prev = await db.apps.get(recordId);
    const pending = await db.outbox.where('recordId').equals(recordId).sortBy('id');
    const { name, args } = build(prev, pending);
    const entry: OutboxEntry = {
      id: meta.lastMutationId + 1,
      name,
      args,
      recordId,
      createdAt: new Date().toISOString()
    };
    await db.outbox.add(entry);
    await db.meta.update(META_KEY, { lastMutationId: entry.id });
    const next = materialize(prev?.server ?? null, prev, [...pending, entry]);
    if (!next) throw new LocalWriteError('This app no longer exists');
    // A new edit answers the last refusal: the merchant has seen it and acted.
    const row: LocalApp = { ...next, syncError: null, conflict: null };
    await db.apps.put(row);
    if (opts.draftId) await db.drafts.delete(opts.draftId);
    return row;
  });
  emitLocalWrite(db);
  return row;
}

async function uploadOf(logo: Blob | null | undefined): Promise<LogoUpload | null | undefined> {
  return logo ? logoToUpload(logo) : logo;
}

/** Registers an app locally (works offline). Resolves with the new replica row. */
export async function createApp(
  db: KspayDb,
  fields: AppFieldsInput,
  logo: Blob | null,
  opts?: WriteOptions
): Promise<LocalApp> {
  const clean = await parseFields(fields);
  const upload = (await uploadOf(logo)) ?? null;
  const id = newAppId();
  return write(
    db,
    id,
    () => ({ name: 'app.create', args: { id, fields: clean, logo: upload } }),
    opts
  );
}

/**
 * Edits an app: every field, and the logo when `logo` is given (null removes it). On an app
 * the server refused to create, the edit is a new create with the same id (resubmission).
 */
export async function updateApp(
  db: KspayDb,
  id: string,
  fields: AppFieldsInput,
  logo?: Blob | null,
  opts?: WriteOptions
): Promise<LocalApp> {
  const clean = await parseFields(fields);
  const current = await db.apps.get(id);
  const upload = await uploadOf(logo);
  // Converted before the transaction: an IndexedDB transaction cannot wait for a Blob read.
  const kept =
    logo === undefined && current?.localLogo ? await logoToUpload(current.localLogo) : null;
  return write(
    db,
    id,
    (row, pending) => {
      if (!row) throw new LocalWriteError('This app no longer exists');
      if (!row.server && !pending.some((e) => e.name === 'app.create')) {
        return { name: 'app.create', args: { id, fields: clean, logo: upload ?? kept } };
      }
      // `baseVersion` is the last pulled version (0 before the create comes back); the server
      // counts only OTHER clients' later changes as conflicts, so a chain of offline edits
      // to one app all carry the same base and none of them conflicts with its predecessor.
      const args: Record<string, unknown> = { id, baseVersion: row.version, fields: clean };
      if (upload !== undefined) args.logo = upload;
      return { name: 'app.update', args };
    },
    opts
  );
}

export async function setAppStatus(db: KspayDb, id: string, status: AppStatus): Promise<LocalApp> {
  return write(db, id, (row, pending) => {
    if (!row || (!row.server && !pending.some((e) => e.name === 'app.create'))) {
      throw new LocalWriteError('This app is not registered yet');
    }
    return { name: 'app.setStatus', args: { id, baseVersion: row.version, status } };
  });
}

/**
 * The merchant has read a refusal. A refused create with nothing pending disappears with it
 * (the merchant chose not to resubmit); any other record just drops the message.
 */
export async function dismissSyncError(db: KspayDb, id: string): Promise<void> {
  await db.transaction('rw', [db.apps, db.outbox], async () => {
    const row = await db.apps.get(id);
    if (!row) return;
    const pending = await db.outbox.where('recordId').equals(id).count();
    if (!row.server && pending === 0) await db.apps.delete(id);
    else await db.apps.put({ ...row, syncError: null, conflict: null });
  });
}
