import { createRoute } from '@hono/zod-openapi';
import { eventFeedQuery, eventFeedResultSchema } from '@kspay/shared';
import { RouteApp } from '../http/openapi';
import type { Services } from '../env';
import { eventStore } from '../store/events';
import { requireBearer } from './auth';
import { BEARER_ERRORS, bearerAuth, ksPayResponses } from './contract';
import type { V1Env } from './env';
import { KsPayError, ksPayHook, ok } from './errors';

const feed = createRoute({
  method: 'get',
  path: '/',
  summary: "The app's events in order, for catching up",
  description:
    'Oldest first; pass the last id you processed as `after` for the next page (`hasMore` says whether there is one). Events are kept 30 days; the same events are posted to webhook endpoints. On PostgreSQL an event is listed once it is 5 seconds old, so a page never moves past one still being committed. An `after` that names no event of this app (or one older than 30 days) answers 400 / 25.',
  tags: ['Events'],
  security: bearerAuth,
  request: { query: eventFeedQuery },
  responses: ksPayResponses(
    { status: 200, description: 'A page of events', result: eventFeedResultSchema },
    [...BEARER_ERRORS, 'invalidRequest']
  )
});

/** `GET /v1/events`: the calling app's events only. */
export function v1EventRoutes(s: Services) {
  const events = eventStore(s.db, s.clock);
  return new RouteApp<V1Env>({ defaultHook: ksPayHook }).openapi(
    { ...feed, middleware: [requireBearer(s)] },
    async (c) => {
      const { after, limit } = c.req.valid('query');
      const page = await events.feed(c.get('caller').app.id, after, limit);
      if (!page) {
        throw new KsPayError('invalidRequest', {
          message: 'after names no event of this app within the last 30 days'
        });
      }
      return ok(c, 200, page);
    }
  );
}
