import { z } from 'zod';
import { errorCodes } from './errors';
import { businessIdSchema, clientIdSchema } from './ids';

/**
 * The sync protocol (DESIGN.md §4) as types both sides validate with.
 *
 * Upload is Replicache-style: each browser database is a client with its own id; its
 * mutations are numbered 1, 2, 3… and the server applies mutation n only when it has applied
 * n-1 (same transaction as the change), so a replayed batch changes nothing and a gap is
 * refused. Download is a cursor: every row a business owns carries the per-business
 * version stamped when it last changed, and a pull returns rows with a version above the
 * cursor, tombstones included.
 */

/** Bumped when the browser's stored shape or the mutation set changes incompatibly. */
export const SYNC_SCHEMA_VERSION = 1;
export const MAX_MUTATIONS_PER_PUSH = 50;
export const MAX_ROWS_PER_PULL = 500;
/**
 * Largest push body the server reads. A mutation with a logo is ~140 KB of JSON, so a client
 * sends as many mutations as fit under this (always at least one), not blindly 50.
 */
export const MAX_PUSH_BODY_BYTES = 2 * 1024 * 1024;

export { appIdSchema, clientIdSchema } from './ids';

export const mutationNames = ['app.create', 'app.update', 'app.setStatus'] as const;
export type MutationName = (typeof mutationNames)[number];

export const mutationSchema = z.strictObject({
  id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  name: z.enum(mutationNames),
  /** Validated per name by the server with the shared app schemas (apps.ts). */
  args: z.unknown()
});
export type Mutation = z.infer<typeof mutationSchema>;

export const pushRequestSchema = z.strictObject({
  /** The business this replica belongs to; a non-member is answered 403 `not_a_member`. */
  businessId: businessIdSchema,
  clientId: clientIdSchema,
  schemaVersion: z.number().int(),
  mutations: z.array(mutationSchema).max(MAX_MUTATIONS_PER_PUSH)
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

/** A mutation the server refused for a business or validation reason: it is not retried. */
export const rejectionSchema = z.object({
  mutationId: z.number().int(),
  name: z.enum(mutationNames),
  /** The record the mutation was about (for showing the error next to it). */
  recordId: z.string().nullable(),
  code: z.enum(errorCodes),
  message: z.string(),
  fields: z.record(z.string(), z.string()).optional()
});
export type Rejection = z.infer<typeof rejectionSchema>;

export const pushResponseSchema = z.object({
  lastMutationId: z.number().int(),
  rejections: z.array(rejectionSchema)
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

export const pullRequestSchema = z.strictObject({
  /** The business this replica belongs to; a non-member is answered 403 `not_a_member`. */
  businessId: businessIdSchema,
  clientId: clientIdSchema,
  schemaVersion: z.number().int(),
  /** Highest version the client has applied; 0 on a fresh client. */
  cursor: z.number().int().min(0),
  /** Rejections with a mutation id above this are returned (the push answer may have been lost). */
  rejectionsAfter: z.number().int().min(0)
});
export type PullRequest = z.infer<typeof pullRequestSchema>;

/**
 * Just enough of a push or pull body to see which protocol the client speaks: the server
 * answers `client_outdated` for an unknown `schemaVersion` before reading anything else, so an
 * old client learns to update even when the rest of its body no longer fits the schema.
 */
export const syncEnvelopeSchema = z.looseObject({ schemaVersion: z.number() });
