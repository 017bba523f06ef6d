import { describe, expect, it } from 'vitest';
import {
  ApiRequestError,
  formatWait,
  NETWORK_MESSAGE,
  parseRetryAfter,
  readApiError,
  send,
  UNEXPECTED_MESSAGE
} from './errors';

function answer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new Response(text, {
    status,
    headers: { 'content-type': 'application/json', ...headers }
  });
}

describe('readApiError', () => {
  it('keeps the server message and field messages of the error shape', async () => {
    const err = await readApiError(
      answer(409, {
        error: {
          code: 'email_taken',
          message: 'This email already has an account',
          fields: { email: 'An account with this email already exists.' }
        }
      })
    );
    expect(err.status).toBe(409);
    expect(err.code).toBe('email_taken');
    expect(err.message).toBe('This email already has an account');
    expect(err.fields).toEqual({ email: 'An account with this email already exists.' });
    expect(err.isUserError).toBe(true);
  });

  it('says how long to wait when rate limited, from Retry-After', async () => {
    const err = await readApiError(
      answer(
        429,
        { error: { code: 'rate_limited', message: 'Too many attempts' } },
        { 'retry-after': '840' }
      )
    );
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfter).toBe(840);
    expect(err.message).toBe('Too many attempts. Try again in 14 minutes.');
  });

  it('keeps the server message when a 429 has no Retry-After', async () => {
    const err = await readApiError(
      answer(429, { error: { code: 'rate_limited', message: 'Slow down, try later' } })
    );
    expect(err.message).toBe('Slow down, try later');
  });

  it('never shows internals of a 500 to the merchant', async () => {
    const err = await readApiError(
      answer(500, { error: { code: 'internal', message: 'TypeError at line 3' } })
    );
    expect(err.message).toBe(UNEXPECTED_MESSAGE);
    expect(err.isUserError).toBe(false);
  });

  it('copes with a body that is not the error shape (a proxy page)', async () => {
    const err = await readApiError(answer(502, '<html>Bad gateway</html>'));
    expect(err.code).toBe('unexpected');
    expect(err.message).toBe(UNEXPECTED_MESSAGE);
    const notFound = await readApiError(answer(404, { nope: true }));
    expect(notFound.message).toBe('The request failed (404).');
  });
});

describe('send', () => {
  it('returns a 2xx answer untouched', async () => {
    const res = answer(200, { ok: true });
    await expect(send(Promise.resolve(res))).resolves.toBe(res);
  });

  it('turns a failed fetch (offline) into a network error', async () => {
    const err: unknown = await send(Promise.reject(new TypeError('Failed to fetch'))).catch(
      (e: unknown) => e
    );
    expect(err).toBeInstanceOf(ApiRequestError);
    expect((err as ApiRequestError).isNetwork).toBe(true);
    expect((err as ApiRequestError).message).toBe(NETWORK_MESSAGE);
  });

  it('throws the parsed error for a non-2xx answer', async () => {
    const res = answer(401, {
      error: { code: 'invalid_credentials', message: 'Incorrect email or password' }
    });
    await expect(send(Promise.resolve(res))).rejects.toMatchObject({
      status: 401,
      code: 'invalid_credentials',
      message: 'Incorrect email or password'
    });
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2025-01-01T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Wed, 01 Jan 2025 10:05:00 GMT', now)).toBe(300);
    expect(parseRetryAfter('Wed, 01 Jan 2025 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('rounds the wait up so nobody retries too early', () => {
    expect(formatWait(0)).toBe('1 second');
    expect(formatWait(45)).toBe('45 seconds');
    expect(formatWait(60)).toBe('1 minute');
    expect(formatWait(61)).toBe('2 minutes');
    expect(formatWait(3600)).toBe('1 hour');
    expect(formatWait(3601)).toBe('2 hours');
  });
});
