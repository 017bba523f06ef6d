import { randomBytes, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import commonPasswords from 'fxa-common-password-list';
import type { PasswordHashing } from '../config';
import { scryptInPool } from './scrypt-pool';

/**
 * Password hashes look like `$scrypt$ln=17,r=8,p=1$<salt>$<key>` (base64, no padding): the
 * parameters travel with the hash, so raising the cost later leaves old hashes verifiable
 * and `needsRehash` upgrades them at the next sign-in.
 *
 * A hash costs ~0.4 s of one core; it runs on a low-priority worker thread (scrypt-pool.ts),
 * so it never blocks or slows the event loop.
 */
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Bounds on parameters read back from a stored hash, so a corrupt row cannot ask for 1 TiB. */
const LN_RANGE = [1, 20] as const;
const FORMAT =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function derive(password: string, salt: Buffer, prm: PasswordHashing, length: number) {
  const opts: ScryptOptions = {
    N: 2 ** prm.ln,
    r: prm.r,
    p: prm.p,
    // scrypt needs 128 * N * r bytes; Node refuses more than 32 MiB unless told.
    maxmem: 128 * 2 ** prm.ln * prm.r * prm.p + 32 * 1024 * 1024
  };
  return scryptInPool(normalize(password), salt, length, opts);
}

/**
 * The same password typed on two keyboards can arrive as different code points (é as one
 * code point or as e + combining accent); NFKC makes them one (NIST SP 800-63B 5.1.1.2).
 */
function normalize(password: string): string {
  return password.normalize('NFKC');
}

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, prm: PasswordHashing): Promise<string> {
  if (prm.ln < LN_RANGE[0] || prm.ln > LN_RANGE[1]) throw new Error('scrypt ln out of range');
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, prm, KEY_BYTES);
  return `$scrypt$ln=${prm.ln},r=${prm.r},p=${prm.p}$${b64(salt)}$${b64(key)}`;
}

interface Parsed {
  prm: PasswordHashing;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): Parsed | null {
  const m = FORMAT.exec(stored);
  if (!m) return null;
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (ln < LN_RANGE[0] || ln > LN_RANGE[1] || r < 1 || p < 1) return null;
  return {
    prm: { ln, r, p },
    salt: Buffer.from(m[4] ?? '', 'base64'),
    key: Buffer.from(m[5] ?? '', 'base64')
  };
}

/** Recomputes with the stored parameters and compares in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || parsed.key.length < 16) return false;
  const key = await derive(password, parsed.salt, parsed.prm, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

/** True when a stored hash was made with other parameters than the current ones. */
export function needsRehash(stored: string, prm: PasswordHashing): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.prm.ln !== prm.ln || parsed.prm.r !== prm.r || parsed.prm.p !== prm.p;
}

/**
 * Mozilla's list of the 50,000 most common passwords of 8+ characters (Firefox Accounts uses
 * it). Checked as typed and lower-cased, so "Password1" is refused like "password1".
 */
export function isCommonPassword(password: string): boolean {
  const p = normalize(password);
  return commonPasswords.test(p) || commonPasswords.test(p.toLowerCase());
}

export const COMMON_PASSWORD_MESSAGE =
  'This password is too common. Choose one that is harder to guess';

/**
 * Unknown emails are verified against this hash, so "no such account" costs the same scrypt
 * time as "wrong password" and timing does not reveal which emails have accounts.
 */
export function dummyHasher(prm: PasswordHashing) {
  let dummy: Promise<string> | undefined;
  return () => (dummy ??= hashPassword(randomBytes(16).toString('hex'), prm));
}
