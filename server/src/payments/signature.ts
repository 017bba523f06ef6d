import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { signaturePayload } from '@kspay/shared';

type Signed = Parameters<typeof signaturePayload>[0];

/**
 * `x-signature` = hex(HMAC-SHA256(SHA-256(secretKey), signaturePayload(tx))). The server keeps
 * only SHA-256(secretKey), so that digest (not the secret) is the HMAC key; the merchant's
 * backend derives it from the secret it holds. It binds the call to the pair whose token is used.
 */
export function transactionSignature(secretHashHex: string, tx: Signed): string {
  return createHmac('sha256', Buffer.from(secretHashHex, 'hex'))
    .update(signaturePayload(tx))
    .digest('hex');
}

const SIGNATURE = /^[0-9a-f]{64}$/i;

/** The only shape a signature has: 32 bytes in hex. Anything else names no transaction. */
export const signatureWellFormed = (given: string) => SIGNATURE.test(given);

/** Compared in constant time, as bytes: case does not matter, and no prefix is learnt. */
export function signatureMatches(given: string, expected: string): boolean {
  if (!signatureWellFormed(given)) return false;
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'));
}

/**
 * How a signature alone names its transaction (`POST /transaction/process` without a body):
 * SHA-256 of its 32 bytes, stored with the transaction at initiation and looked up within the
 * caller's app only. Like a token hash, the stored digest does not give back the signature,
 * and an index lookup by it reveals nothing about the signature's bytes; the signature found
 * is then still checked against the caller's pair with `signatureMatches`.
 */
export function signatureDigest(signatureHex: string): string {
  return createHash('sha256').update(Buffer.from(signatureHex.toLowerCase(), 'hex')).digest('hex');
}
