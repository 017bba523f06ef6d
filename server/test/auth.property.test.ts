import { errorBodySchema, signUpInput } from '@kspay/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, createMerchant, type Merchant, type TestServer } from './helpers/security';
import { describeEachDialect, NO_RATE_LIMITS, testConfig, testServer } from './helpers/services';

/** More runs in CI, where the time is there; the seed is fixed, so a failure replays. */
const NUM_RUNS = process.env.CI === 'true' ? 1000 : 200;
const SEED = 20260102;

const nasty = fc.constantFrom(
  "' OR 1=1 --",
  "'); DROP TABLE users; --",
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '\u0000',
  '\uD800',
  '../../etc/passwd',
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
  'a@b.c',
  '𝕒@𝕓.𝕔',
  'x@example.com\r\nBcc: victim@example.com'
);
const weirdString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.string({ minLength: 100, maxLength: 3000 }),
  fc.emailAddress(),
  nasty
);
const anyValue = fc.oneof(
  { arbitrary: weirdString, weight: 6 },
  { arbitrary: fc.jsonValue(), weight: 2 },
  { arbitrary: fc.constantFrom(null, true, 0, -1, 1e308, [], {}), weight: 1 },
  { arbitrary: fc.constant('x'.repeat(70_000)), weight: 1 }
);

/** Values that pass (or nearly pass) the schema, so requests reach lookups and hashing. */
const plausible: Record<string, fc.Arbitrary<unknown>> = {
  name: fc.string({ minLength: 1, maxLength: 120 }),
  email: fc.oneof(
    fc.constantFrom('fuzz@example.com', 'FUZZ@Example.com ', 'nobody@example.com'),
    fc.stringMatching(/^[a-z0-9._%+-]{1,20}@[a-z0-9-]{1,10}\.[a-z]{2,4}$/)
  ),
  password: fc.oneof(
    fc.string({ minLength: 6, maxLength: 140 }),
    fc.string({ unit: 'grapheme', minLength: 8, maxLength: 40 }),
    fc.constantFrom('password1', 'fuzz-account-passphrase')
  ),
  token: fc.stringMatching(/^[A-Za-z0-9_-]{40,45}$/)
};

/**
 * Arbitrary JSON of any shape, objects with stray keys and wrong types, and objects with the
 * endpoint's own keys holding mostly plausible values (some of which are valid).
 */
const bodyFor = (keys: string[]) =>
  fc.oneof(
    fc.jsonValue(),
    fc.anything().map((v) => JSON.parse(JSON.stringify(v) ?? 'null') as unknown),
    fc.dictionary(
      fc.oneof(fc.constantFrom('', ...keys), fc.string(), fc.constant('__proto__')),
      anyValue
    ),
    fc.record(
      Object.fromEntries(
        keys.map((k) => [
          k,
          fc.oneof(
            { arbitrary: plausible[k] ?? anyValue, weight: 4 },
            { arbitrary: anyValue, weight: 1 }
          )
        ])
      ),
      { requiredKeys: [] }
    ),
    fc.record(Object.fromEntries(keys.map((k) => [k, plausible[k] ?? anyValue])))
  );

const endpoints = [
  { path: '/api/auth/sign-up', keys: ['name', 'email', 'password'] },
  { path: '/api/auth/sign-in', keys: ['email', 'password'] },
  { path: '/api/auth/sign-out', keys: [] },
  { path: '/api/auth/forgot-password', keys: ['email'] },
  { path: '/api/auth/reset-password', keys: ['token', 'password'] },
  { path: '/api/auth/reauthenticate', keys: ['password'] }
];

describeEachDialect('accounts endpoints under arbitrary bodies', (dialect) => {
  let t: TestServer;
  let merchant: Merchant;
  /** Signs out under fuzzing, so the merchant's own session stays for the other endpoints. */
  let leaver: Merchant;
  beforeAll(async () => {
    t = await testServer(dialect, { config: testConfig({ rateLimits: NO_RATE_LIMITS }) });
    merchant = await createMerchant(t, { email: 'fuzz@example.com' });
    leaver = await createMerchant(t, { email: 'leaver@example.com' });
  });
  afterAll(() => t.close());

  const users = async () =>
    (await t.services.db.db.selectFrom('users').select('id').execute()).length;
  const merchantSignedIn = async () =>
    (await call(t, 'GET', '/api/auth/session', { cookie: merchant.cookie })).status === 200;

  for (const { path, keys } of endpoints) {
    it(`${path}: never a 5xx, the error shape on every 4xx, no account created by bad input`, async () => {
      await fc.assert(
        fc.asyncProperty(bodyFor(keys), fc.boolean(), async (body, withCookie) => {
          const before = await users();
          const res = await call(t, 'POST', path, {
            body,
            cookie: withCookie ? (path.endsWith('sign-out') ? leaver : merchant).cookie : undefined
          });
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            expect(errorBodySchema.safeParse(await res.json()).success).toBe(true);
          }
          const created = (await users()) - before;
          // Only an accepted sign-up (202) may create an account, at most one (none when the
          // email was taken), and only from a body the schema accepts.
          expect(created).toBeLessThanOrEqual(res.status === 202 ? 1 : 0);
          if (created === 1) expect(signUpInput.safeParse(body).success).toBe(true);
          // No body signs a bystander out (only reset-password may, with a real token).
          expect(await merchantSignedIn()).toBe(true);
        }),
        { seed: SEED, numRuns: NUM_RUNS }
      );
    });
  }
});
