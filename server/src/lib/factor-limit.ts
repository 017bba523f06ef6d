import type { Services } from '../env';
import { rateLimitStore } from '../store/rate-limits';
import { ApiError } from './errors';

/**
 * Wrong second-factor codes and passkey answers: at most 5 per 15 minutes per subject. The
 * subject is the account behind a pending sign-in (which only someone with the password
 * reaches) or the signed-in session re-authenticating, so no anonymous request can use it up.
 * Kept apart from the password limits (lib/rate-limit.ts) so their policy can change alone.
 */
const FACTOR_LIMIT = { max: 5, windowMs: 15 * 60 * 1000 };
const BUCKET = 'factor';

export function factorAttempts(s: Services) {
  const store = rateLimitStore(s.db, s.clock);
  return {
    async enforce(subject: string): Promise<void> {
      const r = await store.hit(BUCKET, subject, FACTOR_LIMIT);
      if (r.allowed) return;
      s.log.warn({ limit: BUCKET, retryAfter: r.retryAfterSeconds }, 'rate limited');
      const minutes = Math.max(1, Math.ceil(r.retryAfterSeconds / 60));
      throw new ApiError(
        'rate_limited',
        `Too many codes tried. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        undefined,
        { 'Retry-After': String(r.retryAfterSeconds) }
      );
    },
    reset: (subject: string) => store.reset(BUCKET, subject)
  };
}
