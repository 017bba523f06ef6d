import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertTransactions } from './helpers/history';
import { closeServer, ownerAndStranger, type Merchant, type TestServer } from './helpers/payments';
import { call, expectError, runProtectedRouteCases } from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

describeEachDialect('metrics: the overview is the owner’s only', (dialect) => {
  let t: TestServer;
  let owner: Merchant;
  let other: Merchant;
  let appId: string;
  beforeAll(async () => {
    t = await testServer(dialect);
    ({ owner, other, appId } = await ownerAndStranger(t));
    await insertTransactions(t, appId, [{}]);
  });
  afterAll(() => closeServer(t));

  runProtectedRouteCases(() => t, [{ method: 'GET', path: '/api/apps/ap_000000000/overview' }]);

  it('answers another merchant 404, exactly as for a missing or malformed app id', async () => {
    const ask = async (id: string) => {
      const res = await call(t, 'GET', `/api/apps/${id}/overview`, { cookie: other.cookie });
      return expectError(res, 404, 'not_found');
    };
    const foreign = await ask(appId);
    expect(await ask('ap_000000000')).toEqual(foreign);
    expect(await ask('not-an-app')).toEqual(foreign);
  });

  it('answers the owner', async () => {
    const res = await call(t, 'GET', `/api/apps/${appId}/overview`, { cookie: owner.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
  });
});
