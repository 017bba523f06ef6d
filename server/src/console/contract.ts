import type { RouteConfig } from '@hono/zod-openapi';
import { errorBodySchema, errorStatus, type ErrorCode } from '@kspay/shared';
import { z } from 'zod';
import { jsonContent } from '../http/openapi';

type Responses = RouteConfig['responses'];

/** What the `/api` middleware may answer on any route: CSRF, body and server failures. */
const ALWAYS: readonly ErrorCode[] = ['internal'];
/** What the `/api` middleware answers to a state-changing request it refuses. */
export const WRITE_ERRORS = [
  'forbidden_origin',
  'unsupported_media_type',
  'payload_too_large'
] as const satisfies readonly ErrorCode[];
/** A JSON body the route validates: malformed JSON, or fields that need attention. */
export const BODY_ERRORS = [
  'bad_json',
  'validation_failed'
] as const satisfies readonly ErrorCode[];
/** `requireSession` and `requireOwnedApp`: signed out, or not this merchant's app. */
export const APP_ERRORS = ['unauthorized', 'not_found'] as const satisfies readonly ErrorCode[];
/**
 * `appScopedRoutes` + `requirePermission`: signed out, not an app of the caller's businesses,
 * or a role that does not allow the action.
 */
export const APP_MEMBER_ERRORS = [
  ...APP_ERRORS,
  'forbidden_role'
] as const satisfies readonly ErrorCode[];
/** `businessScopedRoutes` + `requirePermission`: signed out, not a member, or the role. */
export const BUSINESS_ERRORS = [
  'unauthorized',
  'not_a_member',
  'forbidden_role'
] as const satisfies readonly ErrorCode[];

/**
 * A `/api` route's answers: `success` as written (its types are what the web client's
 * `hc<AppType>` sees), plus each error code the route may answer, grouped by HTTP status, in
 * the one error shape with the codes of that status. The error answers are thrown, never
 * returned, so they stay out of the handler's return type.
 */
export function apiResponses<const S extends Responses>(
  success: S,
  errors: readonly ErrorCode[]
): S {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...errors, ...ALWAYS])) {
    const status = errorStatus[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Responses = { ...success };
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[status] = {
      description: codes.join(' · '),
      ...jsonContent(
        errorBodySchema.extend({
          error: errorBodySchema.shape.error.extend({
            code: z.enum(codes as [ErrorCode, ...ErrorCode[]])
          })
        })
      )
    };
  }
  return responses as S;
}

export const sessionAuth = [{ sessionCookie: [] }];

/** The app id in a console path. */
export const appIdParam = z.object({ appId: z.string().describe('App id, e.g. ap_rtk2WdyQR') });
