import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertTransactions } from './helpers/history';
import { closeServer, ownerAndStranger, type Merchant, type TestServer } from './helpers/payments';
import { call, expectError, runProtectedRouteCases } from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

const PATHS = ['transactions', 'transactions.csv'];

describeEachDialect('transaction history: the owner’s only', (dialect) => {
  let t: TestServer;
  let owner: Merchant;
  let other: Merchant;
  let appId: string;
  let txId: string;
  beforeAll(async () => {
    t = await testServer(dialect);
    ({ owner, other, appId } = await ownerAndStranger(t));
    txId = (await insertTransactions(t, appId, [{}]))[0]?.id ?? '';
  });
  afterAll(() => closeServer(t));

  runProtectedRouteCases(
    () => t,
    PATHS.map((p) => ({ method: 'GET' as const, path: `/api/apps/ap_000000000/${p}` }))
  );

  for (const path of PATHS) {
    it(`${path}: another merchant gets 404, as for a missing or malformed app id`, async () => {
      const ask = async (id: string, query = '') => {
        const res = await call(t, 'GET', `/api/apps/${id}/${path}${query}`, {
          cookie: other.cookie
        });
        const body = await expectError(res, 404, 'not_found');
        expect(res.headers.get('content-disposition')).toBeNull();
        return body;
      };
      const foreign = await ask(appId);
      expect(await ask(appId, `?q=${txId}`)).toEqual(foreign);
      expect(await ask('ap_000000000')).toEqual(foreign);
      expect(await ask('ap_bad')).toEqual(foreign);
    });

    it(`${path}: answers the owner, never cached`, async () => {
      const res = await call(t, 'GET', `/api/apps/${appId}/${path}`, { cookie: owner.cookie });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toContain('no-store');
      expect(await res.text()).toContain(txId);
    });
  }
});
