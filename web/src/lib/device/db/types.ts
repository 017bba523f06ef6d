import type { RequestLogDetail } from '@kspay/shared';
import type { ErrorCode } from '@kspay/shared/errors';
import type { MutationName } from '@kspay/shared/sync';
import type { AppRecord } from '@kspay/shared/app-record';

/**
 * Row shapes of a replica database (one per person and business) (current schema version). Nothing here is a
 * secret: the database holds the merchant's apps, their unsaved forms and queued changes only.
 */

/** Why the server refused one of this browser's mutations; shown next to the record. */
interface SyncErrorInfo {
  mutationId: number;
  name: MutationName;
  code: ErrorCode;
  message: string;
  fields?: Record<string, string>;
  /** The refused mutation's arguments (the merchant's input), so an edit form can offer them again. */
  args: unknown;
}

/**
 * A replica row: what the merchant sees. It is the last server row (`server`) with this
 * browser's unsynced mutations re-applied on top, so `version` is always the server's version
 * (the `baseVersion` of the next edit) while the other fields may be ahead of the server.
 */
export interface LocalApp extends Omit<AppRecord, 'deleted'> {
  /** Unsynced local mutations touch this record. */
  pending: boolean;
  /** The last refusal of a mutation on this record, until the merchant edits or dismisses it. */
  syncError: SyncErrorInfo | null;
  /** For a `baseVersion` conflict: the server row at the time of the refusal. */
  conflict: AppRecord | null;
  /** The last server row; null while the app exists only here (pending or refused create). */
  server: AppRecord | null;
  /** A logo waiting in the outbox (preview until the server has it; then `logoHash`). */
  localLogo: Blob | null;
}

export interface OutboxEntry {
  /** The mutation id: 1, 2, 3… per database, assigned in the transaction that applied it. */
  id: number;
  name: MutationName;
  args: unknown;
  /** The app the mutation is about (indexed: the rebase folds a record's mutations). */
  recordId: string;
  createdAt: string;
}

export type DraftKind = 'app-register' | 'app-edit';

export interface DraftLogo {
  blob: Blob;
  name: string;
  type: string;
}

/** An unsaved form. Values are the form's raw strings; they are validated only on submit. */
export interface Draft {
  id: string;
  kind: DraftKind;
  appId: string | null;
  values: Record<string, string>;
  logo: DraftLogo | null;
  updatedAt: string;
}

export const META_KEY = 'sync';

/** One row (key `sync`): this database's identity as a sync client and its progress. */
export interface SyncMeta {
  key: typeof META_KEY;
  clientId: string;
  /** Highest server version applied locally (the pull cursor). */
  cursor: number;
  /** Last mutation id assigned in this database (the next one is +1). */
  lastMutationId: number;
  /** Rejections up to this mutation id have been stored on their records. */
  rejectionsAfter: number;
  lastSyncAt: string | null;
  lastSyncError: string | null;
  /** The sync schema version the server refused as outdated; null when none was refused. */
  updateRequired: number | null;
}

/**
 * The last answer of a server read (key `<kind>:<appId>[:<query>]`), shown offline with its
 * `asOf` time. Never holds a secret.
 */
export interface Snapshot<T = unknown> {
  key: string;
  appId: string;
  data: T;
  asOf: string;
}

/** A request log row as this device keeps it, with when the server answered it (`asOf`). */
export interface LocalRequestLog extends RequestLogDetail {
  appId: string;
  asOf: string;
}
