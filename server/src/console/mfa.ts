import { createRoute } from '@hono/zod-openapi';
import {
  mfaStatusSchema,
  recoveryCodesSchema,
  totpCodeInput,
  totpDisableInput,
  totpSetupSchema
} from '@kspay/shared';
import type { AppEnv, Services } from '../env';
import { jsonContent, RouteApp } from '../http/openapi';
import { ApiError } from '../lib/errors';
import { factorAttempts } from '../lib/factor-limit';
import { BODY_ERRORS, WRITE_ERRORS, apiResponses, sessionAuth } from './contract';
import { factorService } from './factors';
import { requireRecentAuth } from './middleware/app-owner';
import { requireSession } from './middleware/session';
import { apiHook } from './validate';

const tags = ['Merchant console: two-factor sign-in'];
const WRONG_CODE = 'That code did not work. Check the time on your phone and try again.';

const status = createRoute({
  method: 'get',
  path: '/',
  summary: 'Which second factors the account has',
  tags,
  security: sessionAuth,
  responses: apiResponses(
    { 200: { description: 'The factors', ...jsonContent(mfaStatusSchema) } },
    ['unauthorized']
  )
});

const setup = createRoute({
  method: 'post',
  path: '/totp/setup',
  summary: 'Start setting up an authenticator app: a new secret, answered only here',
  tags,
  security: sessionAuth,
  responses: apiResponses(
    { 200: { description: 'The secret and its otpauth:// URI', ...jsonContent(totpSetupSchema) } },
    [...WRITE_ERRORS, 'unauthorized', 'reauthentication_required', 'conflict']
  )
});

const confirm = createRoute({
  method: 'post',
  path: '/totp/confirm',
  summary:
    'Confirm set-up with a first code: turns two-factor sign-in on, answers recovery codes once',
  tags,
  security: sessionAuth,
  request: { body: { required: true, ...jsonContent(totpCodeInput) } },
  responses: apiResponses(
    { 200: { description: 'Ten single-use recovery codes', ...jsonContent(recoveryCodesSchema) } },
    [
      ...WRITE_ERRORS,
      ...BODY_ERRORS,
      'unauthorized',
      'invalid_credentials',
      'conflict',
      'rate_limited'
    ]
  )
});

const disable = createRoute({
  method: 'post',
  path: '/totp/disable',
  summary: 'Turn two-factor sign-in off with a current code (or a recovery code)',
  tags,
  security: sessionAuth,
  request: { body: { required: true, ...jsonContent(totpDisableInput) } },
  responses: apiResponses({ 204: { description: 'Turned off' } }, [
    ...WRITE_ERRORS,
    ...BODY_ERRORS,
    'unauthorized',
    'invalid_credentials',
    'rate_limited'
  ])
});

/**
 * `/api/mfa`: the authenticator app of the signed-in account. Starting set-up needs a recent
 * sign-in (a stolen session must not lock the merchant out with its own authenticator);
 * confirming and turning off need a current code, counted per session.
 */
export function mfaRoutes(s: Services) {
  const factors = factorService(s);
  const attempts = factorAttempts(s);
  const app = new RouteApp<AppEnv>({ defaultHook: apiHook });
  app.use('/', requireSession(s));
  app.use('/*', requireSession(s));

  /** Counts a code against the session; a wrong one is a 401 that changes nothing else. */
  async function proven(
    c: { get(k: 'session'): { tokenHash: string } },
    ok: () => Promise<boolean>
  ) {
    const subject = `session:${c.get('session').tokenHash}`;
    await attempts.enforce(subject);
    if (!(await ok())) throw new ApiError('invalid_credentials', WRONG_CODE, { code: WRONG_CODE });
    await attempts.reset(subject);
  }

  return app
    .openapi(status, async (c) => {
      const { userId } = c.get('session');
      return c.json(
        {
          totp: await factors.totp.isEnabled(userId),
          recoveryCodesLeft: await factors.totp.recoveryCodesLeft(userId),
          passkeys: await factors.passkeys.count(userId)
        },
        200
      );
    })
    .openapi({ ...setup, middleware: [requireRecentAuth(s)] }, async (c) => {
      const { userId, email } = c.get('session');
      const created = await factors.beginTotp(userId, email);
      if (!created) throw new ApiError('conflict', 'Two-factor sign-in is already on');
      return c.json(created, 200);
    })
    .openapi(confirm, async (c) => {
      const { userId } = c.get('session');
      const row = await factors.totp.get(userId);
      if (!row || row.confirmed) throw new ApiError('conflict', 'Start setting up again');
      let codes: string[] | null = null;
      await proven(
        c,
        async () => (codes = await factors.confirmTotp(userId, c.req.valid('json').code)) !== null
      );
      s.log.info({ userId }, 'two-factor sign-in turned on');
      return c.json({ recoveryCodes: codes ?? [] }, 200);
    })
    .openapi(disable, async (c) => {
      const { userId } = c.get('session');
      await proven(c, () => factors.check(userId, c.req.valid('json')));
      await factors.totp.disable(userId);
      s.log.info({ userId }, 'two-factor sign-in turned off');
      return c.body(null, 204);
    });
}
