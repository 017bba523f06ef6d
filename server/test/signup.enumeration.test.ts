import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../src/config';
import { call, createMerchant, snapshot, type Merchant, type TestServer } from './helpers/security';
import { describeEachDialect, testConfig, testServer } from './helpers/services';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const PASSWORD = 'a quiet morning in Pune';

/** Everything a caller sees of an answer but the moment it was made. */
async function visible(res: Response) {
  const headers = [...res.headers.entries()].filter(([k]) => k !== 'date' && k !== 'x-request-id');
  return { status: res.status, headers, body: await res.text() };
}

describeEachDialect('sign-up does not reveal which emails have accounts', (dialect) => {
  let t: TestServer;
  let owner: Merchant;
  beforeAll(async () => {
    // A cost where one scrypt (~60 ms) dwarfs the database work around it.
    const generous = { max: 1000, windowMs: DEFAULT_RATE_LIMITS.signUpIp.windowMs };
    t = await testServer(dialect, {
      config: testConfig({
        passwordHashing: { ln: 14, r: 8, p: 1 },
        rateLimits: { ...DEFAULT_RATE_LIMITS, signUpIp: generous }
      })
    });
    owner = await createMerchant(t);
  });
  afterAll(() => t.close());

  let n = 0;
  const signUp = (email: string) =>
    call(t, 'POST', '/api/auth/sign-up', { body: { name: 'Someone', email, password: PASSWORD } });

  it('answers a taken email exactly as a new one, and tells only the owner by mail', async () => {
    // The same address in both answers (the body echoes it), so compare with the owner's own.
    const newEmail = `fresh-${dialect}@example.com`;
    const fresh = await visible(await signUp(newEmail));
    const before = await snapshot(t, ['rate_limits']);
    const taken = await visible(await signUp(owner.email));
    expect(taken.status).toBe(202);
    expect(taken.headers).toEqual(fresh.headers);
    expect(taken.body).toBe(fresh.body.replace(newEmail, owner.email));
    expect(taken.headers.some(([k]) => k === 'set-cookie')).toBe(false);

    // Nothing about the existing account changed; its owner got the notice, not a link.
    expect(await snapshot(t, ['rate_limits'])).toEqual(before);
    const toOwner = t.mailer.sent.filter((m) => m.to === owner.email);
    expect(toOwner.map((m) => m.subject)).toEqual([
      'Someone tried to create an account with your email'
    ]);
    expect(toOwner[0]?.text).not.toContain('#token=');
  });

  it('spends about as long on a taken email as on a new one (medians over many runs)', async () => {
    const timed = async (email: string) => {
      const start = performance.now();
      const res = await signUp(email);
      expect(res.status).toBe(202);
      return performance.now() - start;
    };
    await timed(`warm-up-${dialect}@example.com`);
    const fresh: number[] = [];
    const taken: number[] = [];
    for (let i = 0; i < 9; i++) {
      fresh.push(await timed(`new-${dialect}-${++n}@example.com`));
      taken.push(await timed(owner.email));
    }
    const ratio = median(taken) / median(fresh);
    // Both hash the password and try one insert; an early "taken" answer would be ~0.05.
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});
