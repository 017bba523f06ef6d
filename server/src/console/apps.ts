import { appParamsSchema, logoQuerySchema } from '@kspay/shared/apps';
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { RouteApp } from '../http/openapi';
import type { AppEnv, Services } from '../env';
import { ApiError } from '../lib/errors';
import { apiHook, validate } from './validate';
import { apiResponses, sessionAuth } from './contract';
import { requireSession } from './middleware/session';
import { appStore } from '../store/apps';

/** A year: the URL names the content (`?v=<sha-256>`), so a new logo is a new URL. */
const IMMUTABLE = 'private, max-age=31536000, immutable';

const image = { schema: z.string().describe('the logo bytes') };
const logoRoute = createRoute({
  method: 'get',
  path: '/{id}/logo',
  summary: "The caller's app logo (PNG or JPEG)",
  tags: ['Merchant console: apps'],
  security: sessionAuth,
  request: { params: appParamsSchema, query: logoQuerySchema },
  responses: apiResponses(
    {
      200: { description: 'The logo', content: { 'image/png': image, 'image/jpeg': image } },
      304: { description: 'Not modified (If-None-Match)' }
    },
    ['unauthorized', 'validation_failed', 'not_found']
  )
});

/**
 * `GET /api/apps/:id/logo`: the stored bytes of the caller's app logo. The content type is the
 * one the bytes were checked to be (PNG or JPEG), `nosniff` stops a browser from guessing
 * otherwise, and the cache is private (a logo is the merchant's, not the public's).
 * Registering and editing apps goes through /api/sync, not through routes here.
 */
export function appRoutes(s: Services) {
  const apps = appStore(s.db, s.clock);
  // The id is validated (400, not the 404 of another app's id): the one route whose path
  // parameter has a validator layer of its own.
  return new RouteApp<AppEnv>({ defaultHook: apiHook }).openapi(
    { ...logoRoute, middleware: [requireSession(s), validate('param', appParamsSchema)] },
    async (c) => {
      const { id } = c.req.valid('param');
      const { v } = c.req.valid('query');
      const logo = await apps.logo(c.get('session').userId, id);
      if (!logo) {
        throw new ApiError('not_found', 'This app has no logo', undefined, {
          'Cache-Control': 'no-store'
        });
      }
      const etag = `"${logo.hash}"`;
      const headers = {
        'Content-Type': logo.contentType,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': v === logo.hash ? IMMUTABLE : 'private, no-cache',
        ETag: etag
      };
      if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
      return c.body(new Uint8Array(logo.bytes), 200, headers);
    }
  );
}
