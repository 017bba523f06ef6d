import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { API_DESCRIPTION } from './description';

/** A JSON value of the document. */
export type Json = Record<string, unknown>;

const SECURITY_SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    description: 'Access token from /v1/auth/generate-token'
  },
  publicKey: {
    type: 'apiKey',
    in: 'header',
    name: 'x-access-key',
    description: 'Public key (kspk_…), browser origin must be allowed'
  },
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'kspay_session',
    description: 'Merchant console session'
  }
} as const;

/**
 * The OpenAPI 3.1 document, generated from the route definitions `app` holds (each route's
 * `createRoute`: its shared zod schemas, summary and typed refusals), so the description
 * cannot drift from what the server routes and accepts.
 */
export function buildOpenApiDocument<E extends Env>(app: OpenAPIHono<E>): Json {
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) {
    app.openAPIRegistry.registerComponent('securitySchemes', name, { ...scheme });
  }
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: 'KS Pay sandbox payments API', version: '1.0.0', description: API_DESCRIPTION },
    servers: [{ url: '/' }],
    tags: [
      { name: 'Auth' },
      { name: 'Catalog' },
      { name: 'Transactions' },
      { name: 'Merchant console' },
      { name: 'Merchant console: account' },
      { name: 'Merchant console: sync' },
      { name: 'Merchant console: apps' },
      { name: 'Merchant console: keys' },
      { name: 'Merchant console: settings' },
      { name: 'Merchant console: overview' },
      { name: 'Merchant console: transactions' }
    ]
  }) as unknown as Json;
}
