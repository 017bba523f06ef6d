import type { FactorInput } from '@kspay/shared';
import type { Context } from 'hono';
import type { Services, SessionContext } from '../env';
import { ApiError } from '../lib/errors';
import { factorAttempts } from '../lib/factor-limit';
import { factorService } from './factors';
import { pendingSignIns } from './pending-sign-in';

/**
 * The two places the password routes (auth.ts) meet the other factors, kept here so auth.ts
 * changes by a line each: the second-factor step after a correct password, and
 * re-authentication by a code or a passkey.
 */

/** After a correct password: the methods to ask for (and a pending step), or null to sign in. */
export function secondFactorStep(s: Services) {
  const factors = factorService(s);
  const pending = pendingSignIns(s);
  return async (c: Context, userId: string) => {
    const methods = await factors.secondFactors(userId);
    if (methods.length === 0) return null;
    await pending.start(c, userId);
    return methods;
  };
}

/** Re-authentication by a code, a recovery code or a passkey: counted per session. */
export function reauthenticateWithFactor(s: Services) {
  const factors = factorService(s);
  const attempts = factorAttempts(s);
  return async (sn: SessionContext, input: FactorInput) => {
    const subject = `session:${sn.tokenHash}`;
    await attempts.enforce(subject);
    if (!(await factors.check(sn.userId, input))) {
      throw new ApiError('invalid_credentials', 'That code or passkey did not work');
    }
    await attempts.reset(subject);
  };
}
