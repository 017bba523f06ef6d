import type { RouteConfig } from '@hono/zod-openapi';
import {
  envelopeSchema,
  ksPayErrorBodySchema,
  ksPayErrors,
  type KsPayErrorName
} from '@kspay/shared';
import { z, type ZodType } from 'zod';
import { jsonContent } from '../http/openapi';

/** What every `/v1` route may answer besides its own refusals. */
const ALWAYS: readonly KsPayErrorName[] = ['oopsSomethingWentWrong'];

/**
 * A `/v1` route's answers: its success in KS Pay's envelope, and each refusal it may throw,
 * by name, grouped by HTTP status; the error schema of each status lists its numeric codes.
 */
export function ksPayResponses(
  success: { status: 200 | 201; description: string; result: ZodType },
  errors: readonly KsPayErrorName[]
): RouteConfig['responses'] {
  const byStatus = new Map<number, KsPayErrorName[]>();
  for (const name of [...errors, ...ALWAYS]) {
    const status = ksPayErrors[name].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), name]);
  }
  const responses: RouteConfig['responses'] = {
    [success.status]: {
      description: success.description,
      ...jsonContent(envelopeSchema(success.result))
    }
  };
  for (const [status, names] of [...byStatus].sort(([a], [b]) => a - b)) {
    const codes = names.map((n) => ksPayErrors[n].code);
    responses[status] = {
      description: names.map((n) => `${ksPayErrors[n].code} ${n}`).join(' · '),
      ...jsonContent(
        ksPayErrorBodySchema.extend({
          code: z.literal(codes)
        })
      )
    };
  }
  return responses;
}

export const bearerAuth = [{ bearerAuth: [] }];

/** The refusals of the bearer check (`requireBearer`), in the order it makes them. */
export const BEARER_ERRORS = [
  'tokenMissing',
  'tokenExpired',
  'inactiveKeyInDB',
  'appDisabled'
] as const satisfies readonly KsPayErrorName[];

/** The refusals of a bearer token or, from a browser, the public key (`requireBearerOrPublicKey`). */
export const CATALOG_CALLER_ERRORS = [
  ...BEARER_ERRORS,
  'invalidApiKey',
  'invalidOrigin',
  'keyNotFoundInDB'
] as const satisfies readonly KsPayErrorName[];

/** A JSON body the route validates; failures are 25 (or the code a refinement names). */
export const BODY_ERRORS = ['invalidRequest'] as const satisfies readonly KsPayErrorName[];

/** The refusals of `Idempotency-Key` (payments/idempotency.ts). */
export const IDEMPOTENCY_ERRORS = [
  'invalidRequest',
  'idempotencyKeyReused',
  'idempotencyKeyInUse'
] as const satisfies readonly KsPayErrorName[];
