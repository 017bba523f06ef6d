import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import { zValidator } from '@hono/zod-validator';
import { idPattern, ID_PREFIX } from '@kspay/shared/ids';
import type { Context, Env, MiddlewareHandler } from 'hono';
import type { ZodType } from 'zod';

/**
 * Path parameters that name one kind of id match only that id's shape in the router, so any
 * other value falls through to the API's 404 ("no such endpoint") instead of reaching a handler.
 */
const ID_PARAMS: Readonly<Record<string, string>> = {
  keyId: idPattern(ID_PREFIX.key),
  domainId: idPattern(ID_PREFIX.domain),
  sessionId: idPattern(ID_PREFIX.session),
  passkeyId: idPattern(ID_PREFIX.passkey),
  businessId: idPattern(ID_PREFIX.business),
  inviteId: idPattern(ID_PREFIX.invite),
  userId: idPattern(ID_PREFIX.user)
};

/** `/apps/{appId}/keys/{keyId}` as the router matches it: `/apps/:appId/keys/:keyId{ak_…}`. */
export function routerPath(openApiPath: string): string {
  return openApiPath.replace(/\{(\w+)\}/g, (_, name: string) => {
    const pattern = ID_PARAMS[name];
    return pattern ? `:${name}{${pattern}}` : `:${name}`;
  });
}

type HiddenRoute = RouteConfig & { hide?: boolean };

/** A validation hook: throws the API's own error when `result` failed. */
export type ValidationHook = (result: { success: boolean; error?: unknown }, c: Context) => void;

/**
 * `OpenAPIHono` whose `openapi(route, handler)` registers each route ONCE as its definition
 * says — the document gets the whole definition — and routes it with exactly the layers the
 * API had before the definitions existed:
 * - path parameters are documented, not validated by a layer of their own: the router's id
 *   patterns (`ID_PARAMS`) and the handler check them, so a malformed id answers as before;
 * - a JSON body is validated by `zValidator` through the app's one hook, after the route's
 *   middleware; both APIs refuse a body that is not JSON earlier, by their own rule
 *   (`http/body.ts`), so the library's second media-type check is not added;
 * - query parameters are validated through the same hook.
 * A route without a body or query (the payments hot path) runs its middleware and handler
 * only: no validator layer.
 */
export class RouteApp<E extends Env> extends OpenAPIHono<E> {
  constructor(init: { defaultHook?: ValidationHook } = {}) {
    super(init);
    const hook = init.defaultHook;
    const register = this.openapi;
    this.openapi = ((route: HiddenRoute, handler: never) => {
      const { middleware, hide: _hide, ...definition } = route;
      this.openAPIRegistry.registerPath(definition);
      const json = route.request?.body?.content['application/json'] as
        { schema?: ZodType } | undefined;
      const body = json?.schema;
      const layers: MiddlewareHandler[] = [
        ...(middleware === undefined ? [] : Array.isArray(middleware) ? middleware : [middleware]),
        ...(body ? [zValidator('json', body, hook) as MiddlewareHandler] : [])
      ];
      const query = route.request?.query;
      return register(
        {
          method: route.method,
          path: routerPath(route.path),
          hide: true,
          ...(query ? { request: { query } } : {}),
          ...(layers.length ? { middleware: layers } : {}),
          responses: {}
        },
        handler
      );
    }) as typeof register;
  }
}

/** A JSON body or answer of `schema`. */
export const jsonContent = <T extends ZodType>(schema: T) => ({
  content: { 'application/json': { schema } }
});
