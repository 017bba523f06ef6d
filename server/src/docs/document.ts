import type { Json } from './helpers';
import { API_DESCRIPTION } from './description';
import { merchantPaths } from './merchant-paths';
import { v1Paths } from './v1-paths';

/**
 * The OpenAPI 3.1 document, assembled from the same shared zod schemas the routes validate
 * with (`z.toJSONSchema`), so the description cannot drift from what the server accepts.
 */
export function buildOpenApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: { title: 'KS Pay sandbox payments API', version: '1.0.0', description: API_DESCRIPTION },
    servers: [{ url: '/' }],
    tags: [
      { name: 'Auth' },
      { name: 'Catalog' },
      { name: 'Transactions' },
      { name: 'Merchant console: keys' },
      { name: 'Merchant console: settings' }
    ],
    paths: { ...v1Paths, ...merchantPaths },
    components: {
      securitySchemes: {
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
      }
    }
  };
}
