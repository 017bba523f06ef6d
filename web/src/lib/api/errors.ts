import { errorBodySchema, type ErrorCode } from '@kspay/shared/errors';
import { plural } from '$lib/format/plural';

/**
 * Everything that can go wrong with a request, reduced to what a merchant needs: one message,
 * and per-field messages when the server named fields. Pure (no UI) so it is unit-tested; the
 * UI side that shows it lives in `report.ts`.
 */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network' | 'unexpected',
    message: string,
    readonly fields: Record<string, string> = {},
    /** Seconds from a `Retry-After` header, when the server sent one. */
    readonly retryAfter: number | null = null
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }

  /** The request never got an answer (offline, DNS, server down): worth retrying later. */
  get isNetwork(): boolean {
    return this.code === 'network';
  }

  /** The problem is with what the merchant typed or did, not with the service. */
  get isUserError(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}

export const NETWORK_MESSAGE = 'We could not reach KS Pay. Check your connection and try again.';
export const UNEXPECTED_MESSAGE = 'Something went wrong on our side. Please try again.';

/** A response with the fields this module reads; both `Response` and hono's client answer fit. */
export interface ResponseLike {
  ok: boolean;
  status: number;
  headers: Headers;
  json(): Promise<unknown>;
}

/** Parses `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** "30 seconds", "1 minute", "15 minutes", "2 hours": rounded up so nobody retries too early. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return plural(Math.max(1, Math.ceil(seconds)), 'second');
  if (seconds < 3600) return plural(Math.ceil(seconds / 60), 'minute');
  return plural(Math.ceil(seconds / 3600), 'hour');
}

/** Reads a non-2xx answer into an `ApiRequestError`, whatever the body holds. */
export async function readApiError(res: ResponseLike): Promise<ApiRequestError> {
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): fall through to the generic message.
  }
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) {
    const message = res.status >= 500 ? UNEXPECTED_MESSAGE : `The request failed (${res.status}).`;
    return new ApiRequestError(res.status, 'unexpected', message, {}, retryAfter);
  }
  const { code, fields } = parsed.data.error;
  let message = parsed.data.error.message;
  if (code === 'rate_limited' && retryAfter !== null) {
    message = `Too many attempts. Try again in ${formatWait(retryAfter)}.`;
  }
  if (res.status >= 500) message = code === 'unavailable' ? message : UNEXPECTED_MESSAGE;
  return new ApiRequestError(res.status, code, message, fields ?? {}, retryAfter);
}

/** Turns anything thrown by a request into an `ApiRequestError`. */
export function toApiError(err: unknown): ApiRequestError {
  if (err instanceof ApiRequestError) return err;
  // fetch rejects with a TypeError when there is no answer at all.
  if (err instanceof TypeError) return new ApiRequestError(0, 'network', NETWORK_MESSAGE);
  return new ApiRequestError(0, 'unexpected', UNEXPECTED_MESSAGE);
}

/**
 * Awaits a request and returns the response when it is 2xx; otherwise throws an
 * `ApiRequestError`. Every call the app makes goes through here, so errors have one shape.
 */
export async function send<R extends ResponseLike>(request: Promise<R>): Promise<R> {
  let res: R;
  try {
    res = await request;
  } catch (err) {
    throw toApiError(err);
  }
  if (!res.ok) throw await readApiError(res);
  return res;
}
