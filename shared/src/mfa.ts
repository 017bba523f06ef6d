import { z } from 'zod';

/** Authenticator apps show 6 digits every 30 seconds (RFC 6238 defaults, SHA-1). */
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
export const RECOVERY_CODE_COUNT = 10;

/** Spaces people copy along with a code ("123 456") are dropped before the check. */
export const totpCodeSchema = z
  .string({ error: 'Enter the 6-digit code' })
  .max(32, 'Enter the 6-digit code')
  .transform((s) => s.replace(/\s/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app'));

/**
 * Recovery codes are 16 base32 characters shown as `xxxx-xxxx-xxxx-xxxx` (80 random bits, so a
 * fast hash at rest is enough). Case, spaces and dashes do not matter when one is typed back.
 */
export const recoveryCodeSchema = z
  .string({ error: 'Enter a recovery code' })
  .max(64, 'Enter a recovery code')
  .transform((s) => s.replace(/[\s-]/g, '').toLowerCase())
  .pipe(
    z.string().regex(/^[a-z2-7]{16}$/, 'Enter one of your recovery codes, like abcd-efgh-ijkl-mnop')
  );

const b64url = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9_-]*$/, 'Not base64url');

/**
 * A WebAuthn assertion as `@simplewebauthn/browser` sends it (AuthenticationResponseJSON).
 * Bounded: a passkey answer is a few hundred bytes.
 */
export const passkeyAssertionSchema = z.object({
  id: b64url(1400),
  rawId: b64url(1400),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: b64url(4000),
    authenticatorData: b64url(4000),
    signature: b64url(1000),
    userHandle: b64url(1000).optional()
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({})
});
export type PasskeyAssertion = z.infer<typeof passkeyAssertionSchema>;

/** A new credential as `@simplewebauthn/browser` sends it (RegistrationResponseJSON). */
export const passkeyAttestationSchema = z.object({
  id: b64url(1400),
  rawId: b64url(1400),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: b64url(4000),
    attestationObject: b64url(16000),
    authenticatorData: b64url(4000).optional(),
    transports: z.array(z.string().max(32)).max(8).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url(2000).optional()
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({})
});

export const PASSKEY_NAME_MAX = 60;
export const passkeyNameSchema = z
  .string({ error: 'Name this passkey' })
  .trim()
  .min(1, 'Name this passkey, e.g. "Work laptop"')
  .max(PASSKEY_NAME_MAX, `A passkey name has at most ${PASSKEY_NAME_MAX} characters`)
  .refine((s) => !/\p{Cc}/u.test(s), { error: 'Keep the name on one line' });

export const passkeyRegisterInput = z.strictObject({
  name: passkeyNameSchema,
  response: passkeyAttestationSchema
});

export const passkeySchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  /** Synced to the merchant's other devices by their password manager (WebAuthn BS flag). */
  backedUp: z.boolean()
});
export type Passkey = z.infer<typeof passkeySchema>;
export const passkeyListSchema = z.object({ passkeys: z.array(passkeySchema) });

/**
 * WebAuthn options, passed to `@simplewebauthn/browser` as they come: the library on either side
 * owns their shape, so the contract only says they are an object.
 */
export const passkeyOptionsSchema = z.object({ options: z.record(z.string(), z.unknown()) });

/** One proof of a second factor: a current code, a recovery code, or a passkey assertion. */
export const factorInput = z.union([
  z.strictObject({ code: totpCodeSchema }),
  z.strictObject({ recoveryCode: recoveryCodeSchema }),
  z.strictObject({ passkey: passkeyAssertionSchema })
]);
export type FactorInput = z.infer<typeof factorInput>;

export const totpCodeInput = z.strictObject({ code: totpCodeSchema });
/** Turning two-factor sign-in off: a current code, or a recovery code when the phone is gone. */
export const totpDisableInput = z.union([
  z.strictObject({ code: totpCodeSchema }),
  z.strictObject({ recoveryCode: recoveryCodeSchema })
]);

/** `POST /api/mfa/totp/setup`: shown once, never stored by the browser. */
export const totpSetupSchema = z.object({
  /** Base32, for typing into an authenticator app by hand. */
  secret: z.string(),
  /** `otpauth://totp/…`, for the QR code. */
  uri: z.string()
});
export const recoveryCodesSchema = z.object({ recoveryCodes: z.array(z.string()) });

export const secondFactorMethod = z.enum(['totp', 'recovery', 'passkey']);
export type SecondFactorMethod = z.infer<typeof secondFactorMethod>;

/** `GET /api/mfa`: which factors the account has. */
export const mfaStatusSchema = z.object({
  totp: z.boolean(),
  recoveryCodesLeft: z.number().int(),
  passkeys: z.number().int()
});
export type MfaStatus = z.infer<typeof mfaStatusSchema>;

/** Sign-in answer when the password was right and a second factor is still needed (202). */
export const secondFactorRequiredSchema = z.object({
  secondFactor: z.object({ methods: z.array(secondFactorMethod) })
});
export type SecondFactorRequired = z.infer<typeof secondFactorRequiredSchema>;
