import { createHash } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import type { Services } from '../env';
import { secretBox } from '../lib/secret-box';
import { idempotencyStore } from '../store/idempotency';
import type { V1Env } from './env';
import { KsPayError } from './errors';
import { setV1Header, v1Answer } from './frame';

const KEY = /^[\x21-\x7e]{1,255}$/;

export const IDEMPOTENCY_DOC =
  'Optional. The same key (per app, for 24 hours) with the same request answers the stored answer again (header Idempotent-Replayed: true) without running it twice; with a different request it answers 422 / 15001. While the first request with a key is still running, another one answers 409 / 15002 with Retry-After: 1. An answer of 500 is not stored: the key may be retried. Works alongside referenceNumber.';

/** The `Idempotency-Key` request header, as the API document shows it. */
export const idempotencyKeyHeader = z
  .string()
  .regex(KEY)
  .optional()
  .describe('1–255 visible ASCII characters, e.g. a UUID. ' + IDEMPOTENCY_DOC);

/** A request's identity: method, path, the x-signature naming a transaction, and the body. */
function fingerprint(method: string, path: string, signature: string, body: string): string {
  return createHash('sha256')
    .update(`${method}\n${path}\n${signature}\n`)
    .update(body)
    .digest('hex');
}

/**
 * `Idempotency-Key` on a POST under `/v1`, after the bearer check (the key is the caller
 * app's). Concurrent duplicates: the primary key (app, key) lets exactly one claim it; the
 * others answer 409 at once rather than hold a connection, and a client retries after
 * `Retry-After`. The stored answer may hold an `x-signature`, so it is sealed with the
 * server's secrets key, bound to the app and key.
 *
 * The token routes do not take the header: retrying them is safe as it is, and a replay would
 * hand out the same tokens twice.
 */
export const idempotent = (s: Services) => {
  const store = idempotencyStore(s.db, s.clock);
  const box = secretBox(s.config.secretsKey);
  return createMiddleware<V1Env>(async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (key === undefined) return next();
    if (!KEY.test(key)) {
      const message = 'Idempotency-Key must be 1 to 255 visible ASCII characters';
      throw new KsPayError('invalidRequest', { message, fields: { 'Idempotency-Key': message } });
    }
    const appId = c.get('caller').app.id;
    const body = await c.req.text();
    const print = fingerprint(c.req.method, c.req.path, c.req.header('x-signature') ?? '', body);
    const sealedFor = `${appId}|${key}`;
    const claim = await store.claim(appId, key, print);
    if (claim.kind === 'mismatch') throw new KsPayError('idempotencyKeyReused');
    if (claim.kind === 'running') {
      throw new KsPayError('idempotencyKeyInUse', { headers: { 'Retry-After': '1' } });
    }
    if (claim.kind === 'answered') {
      c.set('idempotentReplay', true);
      setV1Header(c, 'Idempotent-Replayed', 'true');
      return v1Answer(c, claim.status as 200, box.open(claim.sealed, sealedFor));
    }
    try {
      await next();
    } finally {
      const status = c.res.status;
      const json = c.get('answerJson');
      if (status >= 500 || json === null || json === undefined) await store.release(appId, key);
      else await store.answer(appId, key, status, box.seal(json, sealedFor));
    }
  });
};
