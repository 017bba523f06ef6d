import { createRoute } from '@hono/zod-openapi';
import { accountSchema, accountUpdateInput, type Account } from '@kspay/shared';
import type { AppEnv, Services } from '../env';
import { jsonContent, RouteApp } from '../http/openapi';
import { ApiError } from '../lib/errors';
import { userStore } from '../store/users';
import { apiHook } from './validate';
import { BODY_ERRORS, WRITE_ERRORS, apiResponses, sessionAuth } from './contract';
import { requireSession } from './middleware/session';

const tags = ['Merchant console: account'];

const getAccount = createRoute({
  method: 'get',
  path: '/',
  summary: "The signed-in merchant's account settings (time zone)",
  tags,
  security: sessionAuth,
  responses: apiResponses({ 200: { description: 'The account', ...jsonContent(accountSchema) } }, [
    'unauthorized'
  ])
});

const updateAccount = createRoute({
  method: 'patch',
  path: '/',
  summary: "Change the account's settings: its IANA time zone",
  tags,
  security: sessionAuth,
  request: {
    body: { content: { 'application/json': { schema: accountUpdateInput } }, required: true }
  },
  responses: apiResponses(
    { 200: { description: 'The account as saved', ...jsonContent(accountSchema) } },
    [...WRITE_ERRORS, ...BODY_ERRORS, 'unauthorized']
  )
});

/**
 * `GET /api/account` and `PATCH /api/account { timeZone }`, the signed-in merchant's own
 * settings. The zone is an IANA name (`timeZoneSchema`); every day boundary the console shows
 * (overview, history filter, 90-day rule, CSV) follows it from the next request on.
 */
export function accountRoutes(s: Services) {
  const users = userStore(s.db, s.clock);
  const read = async (userId: string): Promise<Account> => {
    const user = await users.findById(userId);
    const timeZone = await users.timeZone(userId);
    if (!user || timeZone === null) throw new ApiError('unauthorized', 'Sign in to continue');
    return { id: user.id, email: user.email, name: user.name, timeZone };
  };
  const app = new RouteApp<AppEnv>({ defaultHook: apiHook });
  app.use('/', requireSession(s));
  return app
    .openapi(getAccount, async (c) => c.json(await read(c.get('session').userId), 200))
    .openapi(updateAccount, async (c) => {
      const { userId } = c.get('session');
      await users.setTimeZone(userId, c.req.valid('json').timeZone);
      s.log.info({ userId }, 'time zone changed');
      return c.json(await read(userId), 200);
    });
}
