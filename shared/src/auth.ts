import { z } from 'zod';
import { factorInput } from './mfa';
import { timeZoneSchema } from './time-zone';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const EMAIL_MAX = 254;
export const NAME_MAX = 100;

/** Emails are compared case-insensitively: stored and looked up trimmed and lower-cased. */
export const emailSchema = z
  .string({ error: 'Enter your email address' })
  .trim()
  .toLowerCase()
  .max(EMAIL_MAX, `An email address has at most ${EMAIL_MAX} characters`)
  .pipe(z.email({ error: 'Enter a valid email address, like name@example.com' }));

/**
 * Length is counted in Unicode code points so an emoji counts once; nothing is trimmed or
 * truncated, and there are no composition rules (NIST SP 800-63B). Common passwords are
 * refused by the server, which holds the list.
 */
export const passwordSchema = z
  .string({ error: 'Enter a password' })
  .refine((p) => [...p].length >= PASSWORD_MIN, {
    error: `Use at least ${PASSWORD_MIN} characters`
  })
  .refine((p) => [...p].length <= PASSWORD_MAX, {
    error: `Use at most ${PASSWORD_MAX} characters`
  });

/** The account holder's name, at sign-up and on the Profile page. */
export const accountNameSchema = z
  .string({ error: 'Enter your name' })
  .trim()
  .min(1, 'Enter your name')
  .max(NAME_MAX, `A name has at most ${NAME_MAX} characters`)
  // A name is one line of text: PostgreSQL refuses NUL, and a line break or an escape
  // sequence would let a name forge lines in a log or an email.
  .refine((s) => !/\p{Cc}/u.test(s), {
    error: 'Keep your name on one line, without tabs or control characters'
  });

export const signUpInput = z.strictObject({
  name: accountNameSchema,
  email: emailSchema,
  password: passwordSchema,
  /** The browser's IANA zone; the account's days are drawn in it (default UTC). */
  timeZone: timeZoneSchema.optional()
});
export type SignUpInput = z.infer<typeof signUpInput>;

export const signInInput = z.strictObject({
  email: emailSchema,
  /** Sign-in does not re-check the length rules: a wrong password is simply wrong. */
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(1024)
});
export type SignInInput = z.infer<typeof signInInput>;

export const forgotPasswordInput = z.strictObject({ email: emailSchema });
export type ForgotPasswordInput = z.infer<typeof forgotPasswordInput>;

/** Reset tokens are 32 random bytes in base64url (43 characters). */
export const resetTokenSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'This reset link is not valid');

export const resetPasswordInput = z.strictObject({
  token: resetTokenSchema,
  password: passwordSchema
});
export type ResetPasswordInput = z.infer<typeof resetPasswordInput>;

/**
 * `POST /api/auth/sign-up` answers this, and nothing else, whether or not the email already had
 * an account: the address is told to check its inbox, and no session is made.
 */
export const signUpResponseSchema = z.object({ email: z.string(), message: z.string() });
export type SignUpResponse = z.infer<typeof signUpResponseSchema>;

/** Verification tokens are like reset tokens: 32 random bytes in base64url. */
export const verifyEmailInput = z.strictObject({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'This verification link is not valid')
});
export type VerifyEmailInput = z.infer<typeof verifyEmailInput>;

export const reauthPasswordInput = z.strictObject({
  password: z.string().min(1, 'Enter your password').max(1024)
});

/** Re-authentication accepts any factor the member has: password, a code, or a passkey. */
export const reauthenticateInput = z.union([reauthPasswordInput, ...factorInput.options]);
export type ReauthenticateInput = z.infer<typeof reauthenticateInput>;

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  createdAt: z.string()
});
export type User = z.infer<typeof userSchema>;

export const sessionInfoSchema = z.object({
  user: userSchema,
  /** The account's email address was confirmed by its link: key generation is allowed. */
  emailVerified: z.boolean(),
  /** When the password was last entered for this session (ISO time): key actions need it fresh. */
  authenticatedAt: z.string(),
  expiresAt: z.string()
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

/** `POST /api/auth/forgot-password`: the same neutral message whether or not the account exists. */
export const forgotPasswordResponseSchema = z.object({ message: z.string() });

/** The account's settings (`GET /api/account`). */
export const accountSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  /** IANA zone: every day boundary the console shows is a calendar day in it. */
  timeZone: z.string()
});
export type Account = z.infer<typeof accountSchema>;

/** `PATCH /api/account`: the fields to change. */
export const accountUpdateInput = z.strictObject({ timeZone: timeZoneSchema });
export type AccountUpdateInput = z.infer<typeof accountUpdateInput>;
