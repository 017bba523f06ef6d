import type { RateLimits } from '../config';
import type { Services } from '../env';
import { rateLimitStore } from '../store/rate-limits';
import { ApiError } from './errors';

export type LimitName = keyof RateLimits;

function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/**
 * The configured limits by name. `enforce` counts the request and, past the limit, throws a
 * 429 `rate_limited` with `Retry-After` (seconds) and a message saying when to try again.
 */
export function createLimiter(s: Services) {
  const store = rateLimitStore(s.db, s.clock);
  return {
    async enforce(name: LimitName, subject: string): Promise<void> {
      const result = await store.hit(name, subject, s.config.rateLimits[name]);
      if (result.allowed) return;
      s.log.warn({ limit: name, retryAfter: result.retryAfterSeconds }, 'rate limited');
      throw new ApiError(
        'rate_limited',
        `Too many attempts. Try again in ${waitText(result.retryAfterSeconds)}.`,
        undefined,
        { 'Retry-After': String(result.retryAfterSeconds) }
      );
    },
    reset: (name: LimitName, subject: string) => store.reset(name, subject)
  };
}

export type Limiter = ReturnType<typeof createLimiter>;
