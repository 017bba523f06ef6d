import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** A 256-bit random token in base64url (43 characters): sessions, password resets. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256, hex. A fast hash is right for a high-entropy random token: nobody can guess the
 * preimage, so slowing the hash buys nothing, while lookups by hash stay one index probe.
 * Passwords, which people choose, use scrypt instead (lib/password.ts).
 */
export function hashToken(token: string): string {
  // Buffer.from: the same UTF-8 bytes as TextEncoder, at a fraction of its cost per call.
  return bytesToHex(sha256(Buffer.from(token, 'utf8')));
}

/** Constant-time comparison of two equal-length strings (hex digests). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Prefixed random ids like KS Pay's own (`us_…`, `ap_…`): 9 base62 characters after the prefix. */
export function newId(prefix: string, length = 9): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let out = '';
  // Rejection sampling keeps every character uniform (256 is not a multiple of 62).
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248 && out.length < length) out += alphabet[b % 62];
    }
  }
  return `${prefix}_${out}`;
}
