import { z } from 'zod';
import { accountNameSchema, emailSchema, passwordSchema } from './auth';

/**
 * The Profile page's account rules (name, email change, password change, sessions). The
 * company profile, which needs the country data, is `./company` (HEAVY).
 */

/** `PATCH /api/profile/name`: the same rules as the name at sign-up. */
export const nameUpdateInput = z.strictObject({ name: accountNameSchema });
export type NameUpdateInput = z.infer<typeof nameUpdateInput>;

/** `POST /api/profile/email`: the new address; a link to it confirms the change. */
export const emailChangeInput = z.strictObject({ email: emailSchema });
export type EmailChangeInput = z.infer<typeof emailChangeInput>;

/** The same answer whether or not the new address is free (it must not reveal accounts). */
export const emailChangeResponseSchema = z.object({ message: z.string() });

export const EMAIL_CHANGE_INVALID =
  'This confirmation link has expired or was already used. Ask for a new one on your Profile.';

/** Confirmation tokens are 32 random bytes in base64url (43 characters), like reset tokens. */
export const emailChangeConfirmInput = z.strictObject({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, EMAIL_CHANGE_INVALID)
});
export type EmailChangeConfirmInput = z.infer<typeof emailChangeConfirmInput>;

/**
 * `POST /api/profile/password`. Sign-in's rule for the current password (a wrong one is
 * simply wrong); sign-up's policy for the new one (the server also refuses common passwords).
 */
export const passwordChangeInput = z.strictObject({
  currentPassword: z
    .string({ error: 'Enter your current password' })
    .min(1, 'Enter your current password')
    .max(1024),
  newPassword: passwordSchema
});
export type PasswordChangeInput = z.infer<typeof passwordChangeInput>;

/** One signed-in device, by its public id (`se_…`); never its token or the token's hash. */
export const activeSessionSchema = z.object({
  id: z.string(),
  /** The user agent the session signed in with (the page shows it as "Chrome on macOS"). */
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  /** The session this request came with ("This device"). */
  current: z.boolean()
});
export type ActiveSession = z.infer<typeof activeSessionSchema>;

export const activeSessionsSchema = z.object({ sessions: z.array(activeSessionSchema) });

/** How many other sessions "Sign out of all other sessions" ended. */
export const signedOutSchema = z.object({ signedOut: z.number().int() });
