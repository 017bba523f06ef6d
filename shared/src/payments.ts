import { z } from 'zod';

/**
 * The sandbox payments API under `/v1`, in the shape of KS Pay's public API reference
 * (kalp-studio-documentation, docs/API-Reference/KS-Pay-API-Documentation.md): every answer is
 * the envelope `{status, message, result}`; errors add KS Pay's numeric `code` and carry
 * `result: null`. No cookies: a key pair is exchanged for bearer tokens.
 */

/**
 * KS Pay's documented codes that this API answers with, with their documented HTTP status.
 * The reference reuses some numbers (11011 is both "end date after today" and "application is
 * disabled"); we keep its numbers and tell them apart by message and status.
 */
export const ksPayErrors = {
  missingInRequest: { code: -9, status: 400, message: 'not present in Request' },
  notFoundUrl: { code: -10, status: 404, message: 'There is no such endpoint' },
  customError: { code: -17, status: 400, message: 'Invalid request' },
  decimalValueAmountError: {
    code: -19,
    status: 400,
    message: 'Number should have at most the allowed number of decimal places ie - 2'
  },
  tokenMissing: { code: 9000, status: 400, message: 'Token missing or incorrect' },
  apiKeyMissing: { code: 9002, status: 400, message: 'Api Key is Missing' },
  invalidApiKey: { code: 9005, status: 400, message: 'Invalid API key' },
  unauthorized: {
    code: 9007,
    status: 401,
    message: 'Unauthorized! Please provide valid credentials.'
  },
  invalidRefreshToken: { code: 9008, status: 401, message: 'Invalid token.' },
  tokenExpired: { code: 9009, status: 401, message: 'Token has expired.' },
  currencyNotExists: { code: 1052, status: 400, message: "Currency doesn't exist" },
  pageShouldBePositive: {
    code: 4089,
    status: 400,
    message: 'Page should be a positive number greater than 0'
  },
  limitShouldBePositive: {
    code: 4056,
    status: 400,
    message: 'Limit should be a positive number greater than 0'
  },
  unauthorizedAccess: {
    code: 23,
    status: 404,
    message:
      'You do not have access to edit or fetch the details, kindly contact the administrator.'
  },
  noDataFound: { code: 24, status: 404, message: 'No data found with this ID!' },
  invalidRequest: { code: 25, status: 400, message: 'Invalid Request' },
  oopsSomethingWentWrong: { code: 26, status: 500, message: 'Oops! Something went wrong' },
  keyNotFoundInDB: { code: 11001, status: 400, message: 'No such key found in the system model' },
  inactiveKeyInDB: {
    code: 11002,
    status: 400,
    message: 'The key provided is not active at the moment'
  },
  invalidSecretKey: {
    code: 11004,
    status: 400,
    message: 'Invalid credentials, please check the provided secret key'
  },
  tooManyRequests: {
    code: 11005,
    status: 429,
    message: 'Too many requests made in a short period'
  },
  datesExceedError: {
    code: 11006,
    status: 400,
    message: 'Date range exceeds limit! Date range should not exceed 90 days.'
  },
  dateRangeError: {
    code: 11007,
    status: 400,
    message: "Error: 'fromDate' should be earlier than 'toDate'."
  },
  startDateBeforeAppCreation: {
    code: 11008,
    status: 400,
    message: 'The start date cannot be before the app creation date.'
  },
  startDateAfterToday: {
    code: 11009,
    status: 400,
    message: "The start date cannot be after today's date."
  },
  startAndEndDateRequired: {
    code: 11010,
    status: 400,
    message: 'Both start date and end date are required if one is provided.'
  },
  endDateAfterToday: {
    code: 11011,
    status: 400,
    message: "The end date cannot be after today's date."
  },
  appDisabled: { code: 11011, status: 404, message: 'Application is disabled!' },
  invalidPaymentMethodIds: {
    code: 13006,
    status: 400,
    message: 'The following payment method IDs does not exist in DB'
  },
  invalidOrigin: { code: 13007, status: 403, message: 'Access denied from this origin.' },
  /** Ours (KS Pay documents no such header): the same `Idempotency-Key` with another request. */
  idempotencyKeyReused: {
    code: 15001,
    status: 422,
    message: 'This Idempotency-Key was already used for a different request'
  },
  /** Ours: a request with this `Idempotency-Key` is still running; retry after a moment. */
  idempotencyKeyInUse: {
    code: 15002,
    status: 409,
    message: 'A request with this Idempotency-Key is still being processed'
  }
} as const satisfies Record<string, { code: number; status: number; message: string }>;

export type KsPayErrorName = keyof typeof ksPayErrors;

export const ksPayErrorBodySchema = z.object({
  status: z.number().int(),
  code: z.number().int(),
  message: z.string(),
  result: z.null(),
  /** Validation failures: field path → what is wrong. */
  fields: z.record(z.string(), z.string()).optional()
});
export type KsPayErrorBody = z.infer<typeof ksPayErrorBodySchema>;

export function envelopeSchema<T extends z.ZodType>(result: T) {
  return z.object({ status: z.number().int(), message: z.literal('success'), result });
}

/** Keys are checked by `parseKey` in the route (format and checksum), not here. */
export const generateTokenInput = z.strictObject({
  accessKey: z.string().max(100).optional(),
  secretKey: z.string().max(100).optional()
});
export const tokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  /** Seconds the access token lives. */
  expiresIn: z.number().int(),
  refreshExpiresIn: z.number().int()
});
export type TokenPair = z.infer<typeof tokenPairSchema>;

export const currencySchema = z.object({
  id: z.string(),
  name: z.string(),
  code: z.string(),
  symbol: z.string(),
  type: z.literal('FIAT'),
  isActive: z.boolean(),
  createdAt: z.string()
});
export const paymentMethodSchema = z.object({
  id: z.string(),
  name: z.string(),
  isActive: z.boolean()
});

export const AMOUNT_MAX = 10_000_000;
export const referenceNumberSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'Use 1–64 letters, digits, _ or -');

/**
 * An amount in major units, as JSON sends it, to integer minor units: the one conversion, so
 * every later step (idempotency, storage, the sandbox outcome, the signature) sees one value.
 * `minor / 100 === amount` holds exactly when the amount is the double of a number with at
 * most two decimals (a quotient of integers is correctly rounded), so 1.005, 0.1 + 0.2 and
 * anything below one minor unit (1e-9, 5e-324) are refused rather than rounded.
 */
export const amountMinorSchema = z
  .number()
  .positive('amount must be greater than 0')
  .max(AMOUNT_MAX, `amount must be at most ${AMOUNT_MAX}`)
  .transform((amount, ctx) => {
    const minor = Math.round(amount * 100);
    if (minor < 1 || minor / 100 !== amount) {
      ctx.issues.push({
        code: 'custom',
        input: amount,
        message: 'amount has at most 2 decimal places and is at least 0.01',
        params: { ksPay: 'decimalValueAmountError' }
      });
      return z.NEVER;
    }
    return minor;
  });

export const REDIRECT_URL_MAX = 2048;
/** C0 and C1 controls and DEL: a URL parser drops or re-encodes them silently. */
const CONTROL = /\p{Cc}/u;

/**
 * A redirect URL as stored, answered and compared: its WHATWG serialisation (`new URL().href`,
 * zod's `normalize`). Control characters are refused, not dropped (the parser would strip a
 * tab or newline and a database may refuse a NUL); a lone surrogate becomes the percent-encoded
 * U+FFFD a browser sends, so what is stored is exactly what a retry of the same request
 * compares against. The length limit holds for the serialisation too (encoding grows it).
 */
export const redirectUrlSchema = z
  .string()
  .max(REDIRECT_URL_MAX)
  // Before the URL check, which trims and drops tabs and newlines from what it returns.
  .refine((u) => !CONTROL.test(u), 'redirectUrl must not contain control characters')
  .pipe(z.url({ protocol: /^https?$/, normalize: true }))
  .pipe(
    z
      .string()
      .max(
        REDIRECT_URL_MAX,
        `redirectUrl is at most ${REDIRECT_URL_MAX} characters once percent-encoded`
      )
  );

/** Parsed, `amount` (major units on the wire) is `amountMinor`; nothing else converts it. */
export const initiateInput = z
  .strictObject({
    currencyId: z.string().max(32),
    paymentMethodId: z.string().max(32),
    amount: amountMinorSchema,
    referenceNumber: referenceNumberSchema,
    /** Optional, as in KS Pay's NPM flow; must be the token's app when given. */
    appId: z.string().max(32).optional(),
    redirectUrl: redirectUrlSchema.optional()
  })
  .transform(({ amount, ...rest }) => ({ ...rest, amountMinor: amount }));
export type InitiateInput = z.infer<typeof initiateInput>;

export const transactionStatuses = ['initiated', 'success', 'failed', 'pending'] as const;
export const transactionStatusSchema = z.enum(transactionStatuses);
export type TransactionStatus = z.infer<typeof transactionStatusSchema>;

export const transactionSchema = z.object({
  pe_txnId: z.string(),
  referenceNumber: z.string(),
  providerOrderId: z.string(),
  amount: z.number(),
  currency: z.string(),
  currencyId: z.string(),
  paymentMethodId: z.string(),
  /** The payment method's name, e.g. "DEBIT CARD". */
  paymentMode: z.string(),
  gateway: z.string(),
  status: transactionStatusSchema,
  redirectUrl: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string()
});
export type Transaction = z.infer<typeof transactionSchema>;

export const initiateResultSchema = z.object({
  pe_txnId: z.string(),
  providerOrderId: z.string(),
  amount: z.number(),
  currency: z.string(),
  status: transactionStatusSchema,
  /** The `x-signature` to send to `/transaction/process` (see `signaturePayload`). */
  signature: z.string()
});

/**
 * The body of `/transaction/process` is optional, as in KS Pay's reference: without it (or
 * without `pe_txnId`) the `x-signature` header alone names the transaction.
 */
export const processInput = z.strictObject({ pe_txnId: z.string().max(32).optional() });
export const processResultSchema = z.object({ order: transactionSchema });

/** `YYYY-MM-DD`, a UTC day; both ends of a range are inclusive. */
const day = z.iso.date('Use a date like 2026-01-31');
export const TRANSACTION_PAGE_MAX = 100;
export const transactionListQuery = z.strictObject({
  fromDate: day.optional(),
  toDate: day.optional(),
  /** Page and limit are checked in the route, to answer KS Pay's 4089 / 4056. */
  page: z.string().max(10).optional(),
  limit: z.string().max(10).optional(),
  status: transactionStatusSchema.optional()
});
export const transactionListResultSchema = z.object({
  transactions: z.array(transactionSchema),
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int()
});
export const MAX_RANGE_DAYS = 90;

/**
 * Sandbox outcomes are chosen by the amount's cents, so tests and demos pick them on purpose:
 * .00–.79 success, .80–.89 failed, .90–.99 pending (e.g. 10.00 succeeds, 10.85 fails).
 */
export function sandboxOutcome(amountMinor: number): Exclude<TransactionStatus, 'initiated'> {
  const cents = ((amountMinor % 100) + 100) % 100;
  if (cents >= 90) return 'pending';
  if (cents >= 80) return 'failed';
  return 'success';
}

/**
 * The message `x-signature` signs: `x-signature = hex(HMAC-SHA256(key, payload))` with
 * `key = SHA-256(secretKey)` (the 32 raw bytes). The server stores only that hash, never the
 * secret, and the merchant's backend can compute it from the secret it holds; initiate also
 * answers the signature, as KS Pay's NPM flow does.
 */
export function signaturePayload(tx: {
  pe_txnId: string;
  referenceNumber: string;
  amount: number;
  currency: string;
}): string {
  return `${tx.pe_txnId}|${tx.referenceNumber}|${tx.amount.toFixed(2)}|${tx.currency}`;
}
