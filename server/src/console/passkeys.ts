import { createRoute, z } from '@hono/zod-openapi';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import {
  passkeyAssertionSchema,
  passkeyListSchema,
  passkeyOptionsSchema,
  passkeyRegisterInput,
  passkeySchema,
  sessionInfoSchema
} from '@kspay/shared';
import type { AppEnv, Services } from '../env';
import { jsonContent, RouteApp } from '../http/openapi';
import { clientIp, rateLimitSubject } from '../lib/client-ip';
import { ApiError } from '../lib/errors';
import { createLimiter } from '../lib/rate-limit';
import { APP_ERRORS, BODY_ERRORS, WRITE_ERRORS, apiResponses, sessionAuth } from './contract';
import { factorService } from './factors';
import { requireRecentAuth } from './middleware/app-owner';
import { requireSession } from './middleware/session';
import { beginSession } from './pending-sign-in';
import { apiHook } from './validate';

const tags = ['Merchant console: passkeys'];
const REFUSED = 'That passkey could not be used. Try again.';

const list = createRoute({
  method: 'get',
  path: '/',
  summary: "The account's passkeys",
  tags,
  security: sessionAuth,
  responses: apiResponses({ 200: { description: 'Passkeys', ...jsonContent(passkeyListSchema) } }, [
    'unauthorized'
  ])
});

const registrationOptions = createRoute({
  method: 'post',
  path: '/registration-options',
  summary: 'WebAuthn options to create a passkey (a single-use challenge)',
  tags,
  security: sessionAuth,
  responses: apiResponses(
    { 200: { description: 'Creation options', ...jsonContent(passkeyOptionsSchema) } },
    [...WRITE_ERRORS, 'unauthorized', 'reauthentication_required']
  )
});

const register = createRoute({
  method: 'post',
  path: '/',
  summary: 'Add a passkey: the browser’s answer to the registration options',
  tags,
  security: sessionAuth,
  request: { body: { required: true, ...jsonContent(passkeyRegisterInput) } },
  responses: apiResponses(
    { 201: { description: 'Added', ...jsonContent(z.object({ passkey: passkeySchema })) } },
    [
      ...WRITE_ERRORS,
      ...BODY_ERRORS,
      'unauthorized',
      'reauthentication_required',
      'invalid_credentials'
    ]
  )
});

const remove = createRoute({
  method: 'delete',
  path: '/{passkeyId}',
  summary: 'Remove a passkey',
  tags,
  security: sessionAuth,
  request: {
    params: z.object({ passkeyId: z.string().describe('Passkey id, e.g. pk_4Hw9sQ2kd') })
  },
  responses: apiResponses({ 204: { description: 'Removed' } }, [
    ...WRITE_ERRORS,
    ...APP_ERRORS,
    'reauthentication_required'
  ])
});

const assertionOptions = createRoute({
  method: 'post',
  path: '/assertion-options',
  summary: 'WebAuthn options to use a passkey (sign-in, second factor, re-authentication)',
  tags,
  responses: apiResponses(
    { 200: { description: 'Request options', ...jsonContent(passkeyOptionsSchema) } },
    [...WRITE_ERRORS, 'rate_limited']
  )
});

const signIn = createRoute({
  method: 'post',
  path: '/sign-in',
  summary: 'Sign in with a passkey (complete on its own: the passkey verified its user)',
  tags,
  request: {
    body: { required: true, ...jsonContent(z.strictObject({ passkey: passkeyAssertionSchema })) }
  },
  responses: apiResponses(
    { 200: { description: 'Signed in', ...jsonContent(sessionInfoSchema) } },
    [...WRITE_ERRORS, ...BODY_ERRORS, 'invalid_credentials', 'rate_limited']
  )
});

/**
 * `/api/passkeys`: WebAuthn credentials. Adding and removing one needs a recent sign-in, like
 * key actions; using one (sign-in, second factor, re-authentication) starts with
 * `assertion-options`, whose challenge is single use and expires in five minutes.
 */
export function passkeyRoutes(s: Services) {
  const factors = factorService(s);
  const limiter = createLimiter(s);
  const session = requireSession(s);
  const recent = requireRecentAuth(s);
  const ipOf = (c: Parameters<typeof clientIp>[0]) =>
    rateLimitSubject(clientIp(c, s.config.trustProxy));

  return new RouteApp<AppEnv>({ defaultHook: apiHook })
    .openapi({ ...list, middleware: [session] }, async (c) =>
      c.json({ passkeys: await factors.passkeys.list(c.get('session').userId) }, 200)
    )
    .openapi({ ...registrationOptions, middleware: [session, recent] }, async (c) => {
      const { userId, email, name } = c.get('session');
      return c.json(
        { options: await factors.registrationOptions({ id: userId, email, name }) },
        200
      );
    })
    .openapi({ ...register, middleware: [session, recent] }, async (c) => {
      const { userId } = c.get('session');
      const { name, response } = c.req.valid('json');
      const passkey = await factors.register(userId, name, response as RegistrationResponseJSON);
      if (!passkey) throw new ApiError('invalid_credentials', REFUSED);
      s.log.info({ userId, passkeyId: passkey.id }, 'passkey added');
      return c.json({ passkey }, 201);
    })
    .openapi({ ...remove, middleware: [session, recent] }, async (c) => {
      const { userId } = c.get('session');
      const id = c.req.param('passkeyId');
      if (!(await factors.passkeys.remove(userId, id))) {
        throw new ApiError('not_found', 'There is no such passkey');
      }
      s.log.info({ userId, passkeyId: id }, 'passkey removed');
      return c.body(null, 204);
    })
    .openapi(assertionOptions, async (c) => {
      // Each call stores a challenge: anonymous callers share the per-address sign-in limit.
      await limiter.enforce('signInIp', ipOf(c));
      return c.json({ options: await factors.assertionOptions() }, 200);
    })
    .openapi(signIn, async (c) => {
      await limiter.enforce('signInIp', ipOf(c));
      const proven = await factors.checkAssertion(c.req.valid('json').passkey, true);
      if (!proven) throw new ApiError('invalid_credentials', REFUSED);
      const info = await beginSession(c, s, proven.userId);
      if (!info) throw new ApiError('invalid_credentials', REFUSED);
      s.log.info({ userId: proven.userId }, 'signed in (passkey)');
      return c.json(info, 200);
    });
}
