import { fieldErrors } from '@kspay/shared/errors';
import type { z } from 'zod';

/** A local write refused before it reached the outbox (bad input, unknown record). */
export class LocalWriteError extends Error {
  constructor(
    message: string,
    readonly fields: Record<string, string> = {}
  ) {
    super(message);
    this.name = 'LocalWriteError';
  }

  static fromZod(error: z.ZodError): LocalWriteError {
    return new LocalWriteError('Some fields need attention', fieldErrors(error));
  }
}

/** What a failed sync request means for the engine. */
export type SyncFailureKind =
  /** 401: the session is gone. Sync pauses until `resume()`; local writes go on. */
  | 'signed-out'
  /** The server does not accept this build's schema version: the app must update. */
  | 'update-required'
  /** 403 `not_a_member`: the user left or was removed; the replica is to be wiped. */
  | 'not-a-member'
  /** 409 on push: the server has not seen the mutation before the batch's first. */
  | 'gap'
  /** No answer, 5xx, 429, a garbled answer: retry later with backoff; nothing is lost. */
  | 'transient'
  /** Any other 4xx: the request itself was refused (a bug); retried with backoff. */
  | 'refused';

export class SyncError extends Error {
  constructor(
    readonly kind: SyncFailureKind,
    message: string,
    readonly status = 0,
    readonly code: string | null = null
  ) {
    super(message);
    this.name = 'SyncError';
  }
}
