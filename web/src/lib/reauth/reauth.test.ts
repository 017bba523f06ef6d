import { REAUTH_WINDOW_MS } from '@kspay/shared/app-settings';
import type { SessionInfo } from '@kspay/shared/auth';
import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../api/errors';
import { Reauth } from './reauth.svelte';

const NOW = Date.parse('2026-03-12T10:00:00Z');
const signedInAgo = (ms: number): SessionInfo => ({
  user: { id: 'us_1', name: 'Asha', email: 'a@example.com', createdAt: '2026-01-01T00:00:00Z' },
  emailVerified: true,
  authenticatedAt: new Date(NOW - ms).toISOString(),
  expiresAt: new Date(NOW + 86_400_000).toISOString()
});
const needsPassword = () =>
  new ApiRequestError(401, 'reauthentication_required', 'Enter your password again');

/** A merchant who answers the password dialog as soon as it opens. */
function answering(reauth: Reauth, answers: boolean[]) {
  let asked = 0;
  const origAsk = reauth.ask.bind(reauth);
  reauth.ask = () => {
    const p = origAsk();
    const ok = answers[asked++] ?? false;
    queueMicrotask(() => (ok ? reauth.confirmed() : reauth.cancel()));
    return p;
  };
  return () => asked;
}

describe('Reauth', () => {
  it('runs at once after a recent sign-in', async () => {
    const reauth = new Reauth(
      () => signedInAgo(60_000),
      () => NOW
    );
    const asked = answering(reauth, []);
    expect(await reauth.run(() => Promise.resolve('done'))).toBe('done');
    expect(asked()).toBe(0);
  });

  it('asks first when the sign-in is older than the window (or unknown), then runs', async () => {
    for (const info of [signedInAgo(REAUTH_WINDOW_MS + 1), null]) {
      const reauth = new Reauth(
        () => info,
        () => NOW
      );
      const asked = answering(reauth, [true]);
      expect(await reauth.run(() => Promise.resolve('done'))).toBe('done');
      expect(asked()).toBe(1);
    }
  });

  it('asks a little before the limit, so the request does not cross it on the way', () => {
    const reauth = new Reauth(
      () => signedInAgo(REAUTH_WINDOW_MS - 5_000),
      () => NOW
    );
    expect(reauth.needed).toBe(true);
  });

  it('does nothing when the merchant cancels', async () => {
    const reauth = new Reauth(
      () => null,
      () => NOW
    );
    answering(reauth, [false]);
    let ran = false;
    const result = await reauth.run(() => {
      ran = true;
      return Promise.resolve('done');
    });
    expect({ result, ran }).toEqual({ result: undefined, ran: false });
  });

  it('when the server still wants the password: asks, then retries once', async () => {
    const reauth = new Reauth(
      () => signedInAgo(0),
      () => NOW
    );
    const asked = answering(reauth, [true]);
    let calls = 0;
    const result = await reauth.run(() =>
      ++calls === 1 ? Promise.reject(needsPassword()) : Promise.resolve('done')
    );
    expect({ result, calls, asked: asked() }).toEqual({ result: 'done', calls: 2, asked: 1 });
  });

  it('other failures reach the caller untouched', async () => {
    const reauth = new Reauth(
      () => signedInAgo(0),
      () => NOW
    );
    const conflict = new ApiRequestError(409, 'conflict', 'Already replaced');
    await expect(reauth.run(() => Promise.reject(conflict))).rejects.toBe(conflict);
  });
});
