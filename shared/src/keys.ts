import { BASE62, randomBase62 } from './ids';

/**
 * API key format (DESIGN.md §5), after GitHub's token scheme:
 *
 *   kssk_test_4Xq0cVb2Lw9ZtRk7Pa1sNe3Y0fG8h2
 *   └──┬────┘└──────── 22 random ───────┘└6┘
 *   prefix: kind (kspk public / kssk secret) and mode (test / live)
 *
 * 22 base62 characters carry log2(62^22) ≈ 131 random bits. The last 6 characters are the
 * CRC32 of everything before them, in base62 (62^6 > 2^32, so every CRC fits). CRC32 detects
 * every single-character change (an 8-bit burst), so a mistyped or truncated key is refused here,
 * offline, before anything asks the database. The checksum is not a secret and not a MAC: it
 * only catches typos and lets secret scanners recognise our keys with few false positives.
 */

export type KeyKind = 'public' | 'secret';
export type KeyMode = 'test' | 'live';

export const KEY_RANDOM_LENGTH = 22;
export const KEY_CHECKSUM_LENGTH = 6;
/** `kspk_test_` (10) + random (22) + checksum (6). */
export const KEY_LENGTH = 10 + KEY_RANDOM_LENGTH + KEY_CHECKSUM_LENGTH;

const KIND_PREFIX: Record<KeyKind, string> = { public: 'kspk', secret: 'kssk' };
const KEY_FORMAT = /^(kspk|kssk)_(test|live)_([0-9A-Za-z]{22})([0-9A-Za-z]{6})$/;

/** Matches a well-formed key anywhere in a text (secret scanning); checksum not verified. */
export const KEY_PATTERN = /ks[ps]k_(?:test|live)_[0-9A-Za-z]{28}/;

export interface ParsedKey {
  ok: true;
  kind: KeyKind;
  mode: KeyMode;
  key: string;
}
export interface KeyParseFailure {
  ok: false;
  reason: 'malformed' | 'bad_checksum';
}

let crcTable: Uint32Array | undefined;
function table(): Uint32Array {
  if (crcTable) return crcTable;
  crcTable = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crcTable[n] = c >>> 0;
  }
  return crcTable;
}

/** CRC-32 (IEEE 802.3, as zlib) of an ASCII string. */
export function crc32(ascii: string): number {
  const t = table();
  let crc = 0xffffffff;
  for (let i = 0; i < ascii.length; i++) {
    crc = (t[(crc ^ ascii.charCodeAt(i)) & 0xff] ?? 0) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function checksum(body: string): string {
  let n = crc32(body);
  let out = '';
  for (let i = 0; i < KEY_CHECKSUM_LENGTH; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export function generateKey(kind: KeyKind, mode: KeyMode): string {
  const body = `${KIND_PREFIX[kind]}_${mode}_${randomBase62(KEY_RANDOM_LENGTH)}`;
  return body + checksum(body);
}

/** Checks format and checksum without any I/O. Never throws. */
export function parseKey(input: unknown): ParsedKey | KeyParseFailure {
  if (typeof input !== 'string' || input.length !== KEY_LENGTH) {
    return { ok: false, reason: 'malformed' };
  }
  const m = KEY_FORMAT.exec(input);
  if (!m) return { ok: false, reason: 'malformed' };
  const body = input.slice(0, KEY_LENGTH - KEY_CHECKSUM_LENGTH);
  if (checksum(body) !== m[4]) return { ok: false, reason: 'bad_checksum' };
  return {
    ok: true,
    kind: m[1] === 'kspk' ? 'public' : 'secret',
    mode: m[2] === 'live' ? 'live' : 'test',
    key: input
  };
}

/**
 * What the console shows of a secret after the one time it is revealed: its prefix and last
 * three characters (`kssk_test_…9Qa`), enough to tell two keys apart. Those three belong to
 * the checksum, a function of the random part: they reveal under 18 of its 131 bits.
 */
export function keyHint(key: string): string {
  return `${key.slice(0, 10)}…${key.slice(-3)}`;
}
