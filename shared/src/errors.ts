import { z } from 'zod';

/**
 * The closed list of error codes the API answers with, and the one place that maps a code to
 * its HTTP status. Adding a code means adding it here; nothing else invents one.
 */
export const errorStatus = {
  validation_failed: 400,
  bad_json: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  reauthentication_required: 401,
  forbidden_origin: 403,
  /** Key generation waits until the account's email address is verified (issue 14). */
  email_unverified: 403,
  /** The member's role in this business does not allow the action ("Your role no longer allows this"). */
  forbidden_role: 403,
  /** The caller is not (or no longer) a member of this business: its browser wipes its replica. */
  not_a_member: 403,
  not_found: 404,
  conflict: 409,
  email_taken: 409,
  /** Sync push: mutation ids must follow the client's last applied one without a hole. */
  mutation_gap: 409,
  /** Sync: the browser runs an older (or unknown) storage schema; it should offer its update. */
  client_outdated: 409,
  /** The merchant already has an app with this name (case-insensitive). */
  app_name_taken: 409,
  /** A business always keeps at least one Owner: the last one cannot leave or be demoted. */
  last_owner: 409,
  /** An invitation link that was used, revoked, expired or never issued. */
  invalid_invite_token: 410,
  /** `/v1`: the same `Idempotency-Key` was sent with a different request body. */
  idempotency_key_reused: 422,
  /** A transaction date range breaks one of KS Pay's rules; the body adds `ksCode` 11006–11011. */
  invalid_date_range: 400,
  invalid_reset_token: 410,
  /** An email-change confirmation link that is unknown, used or expired. */
  invalid_email_change_token: 410,
  /** A "Verify your email" link that was used, expired or never issued. */
  invalid_verification_token: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503
} as const;

export type ErrorCode = keyof typeof errorStatus;
export const errorCodes = Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]];

export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(errorCodes),
    message: z.string(),
    /** Field path (dot-joined) → message a merchant can read. */
    fields: z.record(z.string(), z.string()).optional(),
    /** KS Pay's numeric code where the rule is one of theirs (date ranges: 11006–11011). */
    ksCode: z.number().int().optional()
  })
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Turns a zod error into the `fields` map of the error shape: first message per field path. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.map(String).join('.') : '_';
    fields[key] ??= issue.message;
  }
  return fields;
}
