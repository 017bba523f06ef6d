import { z } from 'zod';

/**
 * Ids carry a type prefix, as KS Pay's own do (`ap_rtk2WdyQR`): the prefix, `_`, then base62.
 * This module is the one place that knows the prefixes, the alphabet and the lengths; the server,
 * the browser and the schemas all import from here.
 */
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// Only the Web Crypto subset used here: a global in browsers and in Node >= 19 alike, so ids
// can be minted on either side.
interface RandomSource {
  getRandomValues<T extends Uint8Array>(array: T): T;
}
const webCrypto = (globalThis as unknown as { crypto: RandomSource }).crypto;

/**
 * Uniform random base62. Rejection sampling keeps every character uniform: 248 = 4 × 62, so
 * bytes >= 248 are dropped rather than folded onto the first characters.
 */
export function randomBase62(length: number): string {
  let out = '';
  // getRandomValues fills at most 65,536 bytes a call; a long string takes several draws.
  const bytes = new Uint8Array(Math.min(length * 2, 65_536));
  while (out.length < length) {
    webCrypto.getRandomValues(bytes);
    for (const b of bytes) {
      if (b < 248 && out.length < length) out += BASE62[b % 62];
    }
  }
  return out;
}

/** Every id prefix in use, with what it names. */
export const ID_PREFIX = {
  user: 'us',
  app: 'ap',
  key: 'ak',
  domain: 'dm',
  audit: 'au',
  transaction: 'tx',
  order: 'order',
  client: 'cl',
  draft: 'dr',
  /** A sign-in session's public name (the token and its hash are never shown). */
  session: 'se',
  passkey: 'pk',
  /** A merchant's organisation: apps, keys, domains, webhooks and transactions belong to it. */
  business: 'bu',
  /** An invitation to join a business (its token is separate and never shown again). */
  invite: 'iv',
  /** A webhook endpoint of an app. */
  webhookEndpoint: 'we',
  /** An event (payment outcome, key or app change) delivered to webhooks and `/v1/events`. */
  event: 'ev',
  /** One delivery attempt of an event to an endpoint. */
  delivery: 'wd',
  /** One logged `/v1` request. */
  requestLog: 'rq'
} as const;
export type IdPrefix = (typeof ID_PREFIX)[keyof typeof ID_PREFIX];

/** Most ids have 9 base62 characters after the prefix (62^9 ≈ 1.35e16). */
export const ID_LENGTH = 9;

export function newId(prefix: IdPrefix, length = ID_LENGTH): string {
  return `${prefix}_${randomBase62(length)}`;
}

/** `count` new ids of `prefix`, from one draw of random bytes: ids minted by the batch. */
export function newIds(prefix: IdPrefix, count: number, length = ID_LENGTH): string[] {
  const bodies = randomBase62(count * length);
  return Array.from(
    { length: count },
    (_, i) => `${prefix}_${bodies.slice(i * length, (i + 1) * length)}`
  );
}

/**
 * The body of a 9-character id of `prefix`, as a regular expression source without anchors:
 * usable in a route pattern (`:keyId{ak_[A-Za-z0-9]{9}}`) and in the schemas below.
 */
export const idPattern = (prefix: IdPrefix) => `${prefix}_[A-Za-z0-9]{${ID_LENGTH}}`;

const idSchema = (prefix: IdPrefix, message: string) =>
  z.string().regex(new RegExp(`^${idPattern(prefix)}$`), message);

export const appIdSchema = idSchema(ID_PREFIX.app, 'Invalid app id');
export const keyIdSchema = idSchema(ID_PREFIX.key, 'Invalid key id');
export const domainIdSchema = idSchema(ID_PREFIX.domain, 'Invalid domain id');
export const sessionIdSchema = idSchema(ID_PREFIX.session, 'Invalid session id');
export const passkeyIdSchema = idSchema(ID_PREFIX.passkey, 'Invalid passkey id');
export const businessIdSchema = idSchema(ID_PREFIX.business, 'Invalid business id');
export const inviteIdSchema = idSchema(ID_PREFIX.invite, 'Invalid invite id');
export const userIdSchema = idSchema(ID_PREFIX.user, 'Invalid user id');
export const webhookEndpointIdSchema = idSchema(ID_PREFIX.webhookEndpoint, 'Invalid endpoint id');
export const eventIdSchema = idSchema(ID_PREFIX.event, 'Invalid event id');
export const requestLogIdSchema = idSchema(ID_PREFIX.requestLog, 'Invalid request id');

/** Sync clients are named by the browser: 22 characters today, 16–32 accepted. */
export const clientIdSchema = z.string().regex(/^cl_[A-Za-z0-9]{16,32}$/, 'Invalid client id');

/** Made in the browser, so an app created offline already has its final id. */
export const newAppId = () => newId(ID_PREFIX.app);
export const newClientId = () => newId(ID_PREFIX.client, 22);
export const newDraftId = () => newId(ID_PREFIX.draft, 12);
