import { errorStatus, type ErrorBody, type ErrorCode } from '@kspay/shared';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Thrown anywhere in a request; `onError` turns it into the one error shape. */
export class ApiError extends Error {
  /** KS Pay's numeric code, for merchant-facing rules that mirror theirs (date ranges). */
  ksCode: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
    readonly headers?: Record<string, string>
  ) {
    super(message);
  }

  get status(): ContentfulStatusCode {
    return errorStatus[this.code];
  }
}

export function errorResponse(c: Context, err: ApiError): Response {
  const body: ErrorBody = {
    error: {
      code: err.code,
      message: err.message,
      ...(err.fields ? { fields: err.fields } : {}),
      ...(err.ksCode !== undefined ? { ksCode: err.ksCode } : {})
    }
  };
  for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
  return c.json(body, err.status);
}
