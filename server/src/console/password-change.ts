import { withTx } from '../db';
import type { PasswordChangeInput } from '@kspay/shared';
import type { Services, SessionContext } from '../env';
import { ApiError } from '../lib/errors';
import {
  COMMON_PASSWORD_MESSAGE,
  hashPassword,
  isCommonPassword,
  verifyPassword
} from '../lib/password';
import type { Limiter } from '../lib/rate-limit';
import { passwordResetStore } from '../store/password-resets';
import { sessionStore } from '../store/sessions';
import { userStore } from '../store/users';

/** Neutral, like every mail to an address: no self-chosen name, no link to follow. */
const PASSWORD_CHANGED_MAIL = {
  subject: 'Your KS Pay password was changed',
  text: [
    'Hello,',
    '',
    'The password of your KS Pay merchant account was just changed, and every other',
    'session was signed out.',
    '',
    'If this was not you, reset your password from the sign-in page ("Forgot Password?")',
    'at once.'
  ].join('\n')
};

const invalid = (fields: Record<string, string>) =>
  new ApiError('validation_failed', 'Some fields need attention', fields);

/**
 * "Change password" (KS Pay: "logs out all devices"): the current password proves it is the
 * merchant, then in ONE transaction the new hash is stored, outstanding reset links stop
 * working and every session of the account but this one is deleted. Sessions are checked
 * against the database on every request, so another process's next request with a deleted
 * session is refused. Answers how many other sessions ended.
 */
export async function changePassword(
  s: Services,
  limiter: Limiter,
  sn: SessionContext,
  input: PasswordChangeInput
): Promise<number> {
  const { config, clock } = s;
  if (isCommonPassword(input.newPassword)) throw invalid({ newPassword: COMMON_PASSWORD_MESSAGE });
  // The same attempt counter as re-authentication: a stolen session cannot guess freely.
  await limiter.enforce('signInAccount', sn.email);
  const user = await userStore(s.db, clock).findById(sn.userId);
  if (!user || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new ApiError('invalid_credentials', 'Incorrect password', {
      currentPassword: 'This is not your current password'
    });
  }
  await limiter.reset('signInAccount', sn.email);
  if (input.newPassword === input.currentPassword) {
    throw invalid({ newPassword: 'Choose a password different from your current one' });
  }
  const passwordHash = await hashPassword(input.newPassword, config.passwordHashing);
  const signedOut = await s.db.db.transaction().execute(async (trx) => {
    await userStore(withTx(s.db, trx), clock).setPasswordHash(user.id, passwordHash);
    await passwordResetStore(withTx(s.db, trx), clock).invalidateAllForUser(user.id);
    const sessions = sessionStore(withTx(s.db, trx), clock);
    await sessions.markAuthenticated(sn.tokenHash);
    return sessions.revokeOthers(user.id, sn.tokenHash);
  });
  s.log.info({ userId: user.id, signedOut }, 'password changed');
  // Not awaited: the change is done; the mail only tells the owner, in case it was not them.
  s.mailer.send({ to: user.email, ...PASSWORD_CHANGED_MAIL }).then(
    () => s.log.info({ userId: user.id }, 'password change mail sent'),
    (err: unknown) =>
      s.log.error({ userId: user.id, reason: String(err) }, 'password change mail failed')
  );
  return signedOut;
}
