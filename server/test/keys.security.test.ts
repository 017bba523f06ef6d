import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  call,
  createMerchant,
  createTestApp,
  generateKeys,
  type KeyPair,
  type Merchant,
  type TestServer
} from './helpers/payments';
import { expectError, runProtectedRouteCases, snapshot } from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

describeEachDialect('API keys and settings: security cases', (dialect) => {
  let t: TestServer;
  let owner: Merchant;
  let other: Merchant;
  let appId: string;
  let pair: KeyPair;
  let domainId: string;
  beforeAll(async () => {
    t = await testServer(dialect);
    owner = await createMerchant(t);
    other = await createMerchant(t);
    appId = await createTestApp(t, owner);
    pair = await generateKeys(t, owner, appId);
    const res = await call(t, 'POST', `/api/apps/${appId}/domains`, {
      cookie: owner.cookie,
      body: { origin: 'https://shop.example.com' }
    });
    domainId = ((await res.json()) as { domain: { id: string } }).domain.id;
  });
  afterAll(() => t.close());

  const app = () => `/api/apps/${appId}`;
  const key = () => `${app()}/keys/${pair.keyId}`;

  // Bodies are left out where ownership is checked before the body is read (the helper's own
  // merchant does not own this app); malformed JSON is covered below with the owner.
  runProtectedRouteCases(
    () => t,
    [
      { method: 'GET', path: '/api/apps/ap_000000000/keys' },
      { method: 'POST', path: '/api/apps/ap_000000000/keys' },
      { method: 'POST', path: '/api/apps/ap_000000000/keys/ak_000000000/regenerate' },
      { method: 'POST', path: '/api/apps/ap_000000000/keys/ak_000000000/disable' },
      { method: 'POST', path: '/api/apps/ap_000000000/keys/ak_000000000/enable' },
      { method: 'GET', path: '/api/apps/ap_000000000/audit' },
      { method: 'GET', path: '/api/apps/ap_000000000/domains' },
      { method: 'POST', path: '/api/apps/ap_000000000/domains' },
      { method: 'DELETE', path: '/api/apps/ap_000000000/domains/dm_000000000' }
    ]
  );

  it('answers 404 to another merchant for every key and settings route, changing nothing', async () => {
    const before = await snapshot(t, ['sessions']);
    const cases: [string, string, unknown?][] = [
      ['GET', `${app()}/keys`],
      ['POST', `${app()}/keys`],
      ['POST', `${key()}/regenerate`, { grace: 'now' }],
      ['POST', `${key()}/disable`],
      ['POST', `${key()}/enable`],
      ['GET', `${app()}/audit`],
      ['GET', `${app()}/domains`],
      ['POST', `${app()}/domains`, { origin: 'https://evil.example.com' }],
      ['DELETE', `${app()}/domains/${domainId}`]
    ];
    for (const [method, path, body] of cases) {
      await expectError(
        await call(t, method, path, { cookie: other.cookie, body }),
        404,
        'not_found'
      );
    }
    expect(await snapshot(t, ['sessions'])).toEqual(before);
  });

  it('answers 400 bad_json to the owner for malformed JSON, changing nothing', async () => {
    const before = await snapshot(t, ['sessions']);
    for (const path of [`${key()}/regenerate`, `${app()}/domains`]) {
      const res = await call(t, 'POST', path, {
        cookie: owner.cookie,
        raw: '{"grace":',
        headers: { 'content-type': 'application/json' }
      });
      await expectError(res, 400, 'bad_json');
    }
    expect(await snapshot(t, ['sessions'])).toEqual(before);
  });

  it('never answers the secret again: lists, audit and other routes carry only the hint', async () => {
    for (const path of [`${app()}/keys`, `${app()}/audit`, `${app()}/domains`]) {
      const res = await call(t, 'GET', path, { cookie: owner.cookie });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).not.toContain(pair.secretKey);
    }
  });

  it('enforces one active pair in the database itself, not only in the route', async () => {
    const { db } = t.services.db;
    const row = await db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', pair.keyId)
      .executeTakeFirstOrThrow();
    await expect(
      db
        .insertInto('api_keys')
        .values({ ...row, id: 'ak_duplicate', public_key: 'x', secret_hash: 'y' })
        .execute()
    ).rejects.toThrow();
    // A second non-active pair is fine: the constraint is about `active` only.
    await db
      .insertInto('api_keys')
      .values({
        ...row,
        id: 'ak_disabled1',
        public_key: 'x2',
        secret_hash: 'y2',
        status: 'replaced'
      })
      .execute();
    await db.deleteFrom('api_keys').where('id', '=', 'ak_disabled1').execute();
  });
});
