import { createRoute } from '@hono/zod-openapi';
import { factorInput, sessionInfoSchema } from '@kspay/shared';
import type { AppEnv, Services } from '../env';
import { jsonContent, RouteApp } from '../http/openapi';
import { ApiError } from '../lib/errors';
import { factorAttempts } from '../lib/factor-limit';
import { BODY_ERRORS, WRITE_ERRORS, apiResponses } from './contract';
import { factorService } from './factors';
import { beginSession, pendingSignIns } from './pending-sign-in';
import { apiHook } from './validate';

const secondFactor = createRoute({
  method: 'post',
  path: '/second-factor',
  summary: 'Finish a sign-in with a code, a recovery code or a passkey',
  description:
    'After `POST /api/auth/sign-in` answered 202, the pending-sign-in cookie and one proof of ' +
    'a second factor make the session. Wrong proofs are counted per account.',
  tags: ['Merchant console: account'],
  request: { body: { required: true, ...jsonContent(factorInput) } },
  responses: apiResponses(
    { 200: { description: 'Signed in', ...jsonContent(sessionInfoSchema) } },
    [...WRITE_ERRORS, ...BODY_ERRORS, 'unauthorized', 'invalid_credentials', 'rate_limited']
  )
});

/** `POST /api/auth/second-factor`: the second step of a two-factor sign-in. */
export function secondFactorRoutes(s: Services) {
  const factors = factorService(s);
  const pending = pendingSignIns(s);
  const attempts = factorAttempts(s);
  return new RouteApp<AppEnv>({ defaultHook: apiHook }).openapi(secondFactor, async (c) => {
    const userId = await pending.account(c);
    if (!userId) throw new ApiError('unauthorized', 'Sign in with your password again');
    await attempts.enforce(`sign-in:${userId}`);
    if (!(await factors.check(userId, c.req.valid('json')))) {
      throw new ApiError('invalid_credentials', 'That code did not work. Try again.');
    }
    // Two requests with two valid proofs race here: only one uses the pending step up.
    if (!(await pending.finish(c))) throw new ApiError('unauthorized', 'Sign in again');
    await attempts.reset(`sign-in:${userId}`);
    const info = await beginSession(c, s, userId);
    if (!info) throw new ApiError('unauthorized', 'Sign in again');
    s.log.info({ userId }, 'signed in (second factor)');
    return c.json(info, 200);
  });
}
