import { fieldErrors, ksPayErrors, type KsPayErrorBody, type KsPayErrorName } from '@kspay/shared';
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import type { Logger } from '../lib/log';
import type { V1Env } from './env';
import { setV1Header, v1Answer, v1Json } from './frame';

/** Thrown anywhere under `/v1`; answered in KS Pay's envelope with its numeric code. */
export class KsPayError extends Error {
  readonly code: number;
  readonly status: ContentfulStatusCode;
  readonly fields: Record<string, string> | undefined;
  readonly headers: Record<string, string> | undefined;
  constructor(
    name: KsPayErrorName,
    opts: {
      message?: string;
      status?: ContentfulStatusCode;
      fields?: Record<string, string>;
      headers?: Record<string, string>;
    } = {}
  ) {
    const def = ksPayErrors[name];
    super(opts.message ?? def.message);
    this.code = def.code;
    this.status = opts.status ?? def.status;
    this.fields = opts.fields;
    this.headers = opts.headers;
  }
}

/** `{status, message: 'success', result}` with the same status on the wire. */
export function ok<T>(c: Context<V1Env>, status: 200 | 201, result: T) {
  return v1Json(c, status, { status, message: 'success' as const, result });
}

/** `ok` of a result already serialised to JSON: the same text `ok` would write. */
export function okJson(c: Context<V1Env>, status: 200 | 201, resultJson: string) {
  return v1Answer(c, status, `{"status":${status},"message":"success","result":${resultJson}}`);
}

function errorBody(err: KsPayError): KsPayErrorBody {
  return {
    status: err.status,
    code: err.code,
    message: err.message,
    result: null,
    ...(err.fields ? { fields: err.fields } : {})
  };
}

/** The `/v1` `onError`: never the `/api` error shape, never a stack trace. */
export function v1ErrorHandler(log: Logger): ErrorHandler<V1Env> {
  return (err, c) => {
    let e: KsPayError;
    if (err instanceof KsPayError) e = err;
    else if (err instanceof HTTPException && err.status < 500) {
      // Hono's own 4xx, e.g. a body that is not JSON, seen by the validator.
      e = new KsPayError('invalidRequest', {
        message: err.message || 'The request could not be read',
        status: err.status
      });
    } else {
      log.error({ err, requestId: c.get('requestId') }, 'unhandled error in /v1');
      e = new KsPayError('oopsSomethingWentWrong');
    }
    for (const [k, v] of Object.entries(e.headers ?? {})) setV1Header(c, k, v);
    return v1Json(c, e.status, errorBody(e));
  };
}

/**
 * The `/v1` validation hook (the twin of `console/validate.ts`'s): failures of a shared zod schema
 * answered as KS Pay's 25 "Invalid Request" naming the fields (or the documented code a
 * refinement asks for, e.g. -19 for an amount with too many decimals).
 */
export const ksPayHook = (result: { success: boolean; error?: unknown }): void => {
  if (result.success) return;
  const error = result.error as ZodError;
  const asked = error.issues
    .map((i) => (i as { params?: { ksPay?: unknown } }).params?.ksPay)
    .find((n): n is KsPayErrorName => typeof n === 'string' && n in ksPayErrors);
  throw new KsPayError(asked ?? 'invalidRequest', { fields: fieldErrors(error) });
};
