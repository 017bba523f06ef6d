import type { RateLimits } from '../config';
import type { Services } from '../env';
import { authFailureStore } from '../store/auth-failures';
import { rateLimitStore } from '../store/rate-limits';
import { ApiError } from './errors';

export type LimitName = keyof RateLimits;

/** The `account` that failed sign-ins with `email` are counted under (with their source). */
export const signInAccount = (email: string) => `sign-in:${email}`;
/** Re-authentication failures are the session's own: no sign-in failure reaches them. */
export const reauthAccount = (sessionTokenHash: string) => `reauth:${sessionTokenHash}`;

function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** The 429 `rate_limited` answer, with `Retry-After` and a message saying when to try again. */
function tooMany(retryAfterSeconds: number): ApiError {
  return new ApiError(
    'rate_limited',
    `Too many attempts. Try again in ${waitText(retryAfterSeconds)}.`,
    undefined,
    { 'Retry-After': String(retryAfterSeconds) }
  );
}

/**
 * The configured limits by name. `enforce` counts the request and, past the limit, throws a
 * 429. `attempts` counts failed passwords per (account, source) with a growing delay
 * (`signInAccount`, store/auth-failures.ts): `check` before a password is tried, `fail` after a
 * wrong one, `clear` after a right one.
 */
export function createLimiter(s: Services) {
  const store = rateLimitStore(s.db, s.clock);
  const { max, windowMs } = s.config.rateLimits.signInAccount;
  const failures = authFailureStore(s.db, s.clock);
  const backoff = { free: max, maxDelayMs: windowMs };
  return {
    async enforce(name: LimitName, subject: string): Promise<void> {
      const result = await store.hit(name, subject, s.config.rateLimits[name]);
      if (result.allowed) return;
      s.log.warn({ limit: name, retryAfter: result.retryAfterSeconds }, 'rate limited');
      throw tooMany(result.retryAfterSeconds);
    },
    reset: (name: LimitName, subject: string) => store.reset(name, subject),
    attempts: {
      async check(account: string, source: string): Promise<void> {
        const wait = await failures.waitSeconds(account, source, backoff);
        if (wait === 0) return;
        s.log.warn({ limit: 'attempts', retryAfter: wait }, 'rate limited');
        throw tooMany(wait);
      },
      fail: (account: string, source: string) => failures.fail(account, source),
      clear: (account: string, source?: string) => failures.clear(account, source)
    }
  };
}

export type Limiter = ReturnType<typeof createLimiter>;
