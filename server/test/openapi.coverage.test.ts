import { inspectRoutes } from 'hono/dev';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeServer, type TestServer } from './helpers/payments';
import { ROUTES, routeKey } from './helpers/route-registry';
import { describeEachDialect, testServer } from './helpers/services';

/** The catch-alls and the CORS preflight: they answer for paths, they are not endpoints. */
const NOT_ENDPOINTS = new Set(['ALL /api/*', 'ALL /v1/*', 'OPTIONS /v1/*']);

interface Operation {
  responses?: Record<string, { description?: string }>;
}

const isApi = (key: string) => / \/(api|v1)\//.test(key) && !NOT_ENDPOINTS.has(key);

/** `POST /api/apps/:appId/keys/:keyId{ak_…}/disable` → `post /api/apps/{appId}/keys/{keyId}/disable`. */
function documentedKey(key: string): string {
  const [method = '', path = ''] = key.split(' ');
  const openApiPath = path.replace(/:(\w+)(\{(?:[^{}]|\{[^{}]*\})*\})?/g, '{$1}');
  return `${method.toLowerCase()} ${openApiPath}`;
}

/**
 * The OpenAPI document describes every `/api` and `/v1` route the app serves, and nothing it
 * does not serve; the security registry (`helpers/route-registry.ts`) lists the same routes.
 */
describeEachDialect('the OpenAPI document covers every route', (dialect) => {
  let t: TestServer;
  let documented: Set<string>;
  let doc: { paths: Record<string, Record<string, Operation>> };
  beforeAll(async () => {
    t = await testServer(dialect);
    doc = (await (await t.app.request('/openapi.json')).json()) as typeof doc;
    documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method} ${path}`)
      )
    );
  });
  afterAll(() => closeServer(t));

  const served = () => [
    ...new Set(
      inspectRoutes(t.app)
        .filter((r) => !r.isMiddleware)
        .map((r) => routeKey(r))
        .filter(isApi)
    )
  ];

  it('describes every served /api and /v1 route', () => {
    const undocumented = served().filter((key) => !documented.has(documentedKey(key)));
    expect(undocumented).toEqual([]);
  });

  it('describes no route the app does not serve', () => {
    const servedKeys = new Set(served().map(documentedKey));
    expect([...documented].filter((key) => !servedKeys.has(key))).toEqual([]);
  });

  it('is the route list the security registry holds', () => {
    const registered = ROUTES.map((r) => routeKey(r))
      .filter(isApi)
      .map(documentedKey);
    expect(new Set(registered)).toEqual(documented);
  });

  it('flags in the registry exactly the routes documented to need a recent password', () => {
    const needsRecent = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) =>
          op.responses?.['401']?.description?.includes('reauthentication_required')
        )
        .map(([method]) => `${method} ${path}`)
    );
    const flagged = ROUTES.filter((r) => r.recentAuth).map((r) => documentedKey(routeKey(r)));
    expect(new Set(flagged)).toEqual(new Set(needsRecent));
    expect(needsRecent).toContain('post /api/apps/{appId}/domains');
  });
});
