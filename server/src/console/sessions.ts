import { createRoute } from '@hono/zod-openapi';
import { activeSessionsSchema, signedOutSchema } from '@kspay/shared';
import { sessionIdSchema } from '@kspay/shared/ids';
import { z } from 'zod';
import type { AppEnv, Services } from '../env';
import { jsonContent, RouteApp } from '../http/openapi';
import { ApiError } from '../lib/errors';
import { sessionStore } from '../store/sessions';
import { apiHook } from './validate';
import { WRITE_ERRORS, apiResponses, sessionAuth } from './contract';
import { requireSession } from './middleware/session';

const tags = ['Merchant console: profile'];

const list = createRoute({
  method: 'get',
  path: '/',
  summary: "The account's signed-in sessions (browser, IP, created, last seen; never a token)",
  tags,
  security: sessionAuth,
  responses: apiResponses(
    { 200: { description: 'Active sessions', ...jsonContent(activeSessionsSchema) } },
    ['unauthorized']
  )
});

const end = createRoute({
  method: 'delete',
  path: '/{sessionId}',
  summary: 'Sign out one session of the account',
  tags,
  security: sessionAuth,
  request: {
    params: z.object({ sessionId: z.string().describe('Session id, e.g. se_4Xq0cVb2L') })
  },
  responses: apiResponses({ 204: { description: 'Signed out' } }, [
    ...WRITE_ERRORS,
    'unauthorized',
    'not_found'
  ])
});

const endOthers = createRoute({
  method: 'post',
  path: '/sign-out-others',
  summary: 'Sign out of every session but this one',
  tags,
  security: sessionAuth,
  responses: apiResponses(
    { 200: { description: 'How many sessions ended', ...jsonContent(signedOutSchema) } },
    [...WRITE_ERRORS, 'unauthorized']
  )
});

/**
 * "Active sessions" (under /api/sessions). Sessions are named by their public id (`se_…`); a
 * token or its hash never leaves the server. Another account's session id answers 404, like a
 * missing one.
 */
export function sessionRoutes(s: Services) {
  const sessions = sessionStore(s.db, s.clock);
  const app = new RouteApp<AppEnv>({ defaultHook: apiHook });
  app.use('*', requireSession(s));
  return app
    .openapi(list, async (c) => {
      const { userId, tokenHash } = c.get('session');
      const listed = await sessions.listForUser(userId, tokenHash);
      c.header('Cache-Control', 'no-store');
      return c.json({ sessions: listed }, 200);
    })
    .openapi(end, async (c) => {
      const { userId } = c.get('session');
      const id = c.req.param('sessionId');
      const ended =
        sessionIdSchema.safeParse(id).success && (await sessions.revokeById(userId, id));
      if (!ended) throw new ApiError('not_found', 'There is no such session');
      s.log.info({ userId, sessionId: id }, 'session signed out');
      return c.body(null, 204);
    })
    .openapi(endOthers, async (c) => {
      const { userId, tokenHash } = c.get('session');
      const signedOut = await sessions.revokeOthers(userId, tokenHash);
      s.log.info({ userId, signedOut }, 'other sessions signed out');
      return c.json({ signedOut }, 200);
    });
}
