import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../src/config';
import { call, createMerchant, type Merchant, type TestServer } from './helpers/security';
import { describeEachDialect, testConfig, testServer } from './helpers/services';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describeEachDialect('sign-in timing does not reveal which emails have accounts', (dialect) => {
  let t: TestServer;
  let m: Merchant;
  beforeAll(async () => {
    // A cost where one scrypt (~60 ms) dwarfs the database work around it.
    const generous = { max: 1000, windowMs: DEFAULT_RATE_LIMITS.signInIp.windowMs };
    t = await testServer(dialect, {
      config: testConfig({
        passwordHashing: { ln: 14, r: 8, p: 1 },
        rateLimits: { ...DEFAULT_RATE_LIMITS, signInAccount: generous, signInIp: generous }
      })
    });
    m = await createMerchant(t);
  });
  afterAll(() => t.close());

  const timed = async (email: string) => {
    const start = performance.now();
    const res = await call(t, 'POST', '/api/auth/sign-in', {
      body: { email, password: 'definitely not it' }
    });
    expect(res.status).toBe(401);
    return performance.now() - start;
  };

  it('spends about as long on an unknown email as on a wrong password', async () => {
    await timed('warm-up@example.com'); // the dummy hash is computed once, lazily
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) {
      known.push(await timed(m.email));
      unknown.push(await timed(`nobody-${i}@example.com`));
    }
    const ratio = median(unknown) / median(known);
    // Without the dummy hash the ratio is ~0.02; the band leaves room for a busy machine.
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});
