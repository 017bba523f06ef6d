import {
  encodeHistoryCursor,
  rangeInstants,
  requestLogDetailSchema,
  requestLogIdSchema,
  requestLogPageSchema,
  requestLogQuerySchema,
  type RequestLogFilter,
  type RequestLogPage
} from '@kspay/shared';
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { jsonContent } from '../http/openapi';
import type { Services } from '../env';
import { ApiError } from '../lib/errors';
import { APP_ERRORS, apiResponses, appIdParam, sessionAuth } from './contract';
import { appScopedRoutes, requirePermission } from './middleware/app-owner';
import { requestLogStore, type RequestLogFilterInstants } from '../store/request-logs';
import { userStore } from '../store/users';

const tags = ['Merchant console: request logs'];

const list = createRoute({
  method: 'get',
  path: '/{appId}/logs',
  summary: "A page of an app's /v1 request logs, newest first (keyset cursor `before`)",
  tags,
  security: sessionAuth,
  request: { params: appIdParam, query: requestLogQuerySchema },
  responses: apiResponses(
    { 200: { description: 'A page', ...jsonContent(requestLogPageSchema) } },
    [...APP_ERRORS, 'validation_failed', 'forbidden_role']
  )
});

const detail = createRoute({
  method: 'get',
  path: '/{appId}/logs/{requestLogId}',
  summary: 'One logged /v1 request with its (redacted) bodies',
  tags,
  security: sessionAuth,
  request: {
    params: appIdParam.extend({ requestLogId: z.string().describe('e.g. rq_UOVynlQ0j') })
  },
  responses: apiResponses(
    { 200: { description: 'The request', ...jsonContent(requestLogDetailSchema) } },
    [...APP_ERRORS, 'forbidden_role']
  )
});

/** `from`/`to` are days of the account's zone, both inclusive; either alone is open-ended. */
function instants(f: RequestLogFilter, timeZone: string): RequestLogFilterInstants {
  const from = f.from === undefined ? undefined : rangeInstants(f.from, f.from, timeZone).from;
  const to = f.to === undefined ? undefined : rangeInstants(f.to, f.to, timeZone).to;
  if (from !== undefined && to !== undefined && from >= to) {
    const hint = 'The first day must not be after the last one';
    throw new ApiError('validation_failed', hint, { from: hint });
  }
  return { status: f.status, path: f.path, from, to };
}

/** The request logs of an app's `/v1` calls (usage/recorder.ts writes them), mounted at `/api/apps`. */
export function requestLogRoutes(s: Services) {
  const logs = requestLogStore(s.db, s.clock);
  const users = userStore(s.db, s.clock);
  const read = requirePermission('read');
  return appScopedRoutes(s, 'logs', 'logs/*')
    .openapi({ ...list, middleware: [read] }, async (c) => {
      const q = c.req.valid('query');
      const app = c.get('app');
      const timeZone = (await users.timeZone(c.get('session').userId)) ?? 'UTC';
      const now = s.clock.now();
      const filter = instants(q, timeZone);
      const { rows, next } = await logs.page(app.id, filter, q.before, q.limit);
      const answer: RequestLogPage = {
        logs: rows,
        nextCursor: next ? encodeHistoryCursor(next) : null,
        asOf: now.toISOString()
      };
      return c.json(answer, 200);
    })
    .openapi({ ...detail, middleware: [read] }, async (c) => {
      const id = c.req.param('requestLogId');
      const found = requestLogIdSchema.safeParse(id).success
        ? await logs.get(c.get('app').id, id)
        : null;
      if (!found) throw new ApiError('not_found', 'There is no such request in the log');
      return c.json(found, 200);
    });
}
