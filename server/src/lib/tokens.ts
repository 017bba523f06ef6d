import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** A 256-bit random token in base64url (43 characters): sessions, password resets. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A token for a one-time emailed link (password reset, email verification): the token for the
 * mail, and the row fields to store — its SHA-256 only, when it was made and when it expires.
 */
export function newLinkToken(now: Date, ttlMs: number) {
  const token = newToken();
  return {
    token,
    row: {
      token_hash: hashToken(token),
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ttlMs).toISOString(),
      used_at: null
    }
  };
}

/**
 * SHA-256, hex. A fast hash is right for a high-entropy random token: nobody can guess the
 * preimage, so slowing the hash buys nothing, while lookups by hash stay one index probe.
 * Passwords, which people choose, use scrypt instead (lib/password.ts).
 */
export function hashToken(token: string): string {
  // Every token we issue is 48 ASCII characters; anything over 64 UTF-16 units (up to 192
  // UTF-8 bytes) is hashed the plain way, so `input` can never truncate one.
  if (token.length > 64) return bytesToHex(sha256(Buffer.from(token, 'utf8')));
  const n = input.write(token, 'utf8');
  initial._cloneInto(work).update(input.subarray(0, n)).digestInto(digest);
  // Nothing of the token stays behind in the reused buffers.
  input.fill(0, 0, n);
  work.destroy();
  return digest.toString('hex');
}

/*
 * hashToken runs on every bearer check, the payments API's hot path: allocation-free apart
 * from its hex string, it reuses one hash instance and its buffers (reset from `initial` by
 * `_cloneInto`, part of noble's Hash interface); benchmark 1 guards it. Synchronous, so no two
 * calls interleave.
 */
const initial = sha256.create();
const work = sha256.create();
const input = Buffer.alloc(256);
const digest = Buffer.alloc(32);

/** Constant-time comparison of two equal-length strings (hex digests). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
