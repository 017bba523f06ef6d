import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect, testServer } from './helpers/services';

describeEachDialect('health and unknown routes', (dialect) => {
  let t: Awaited<ReturnType<typeof testServer>>;
  beforeAll(async () => {
    t = await testServer(dialect);
  });
  afterAll(() => t.close());

  it('answers health with the database in use', async () => {
    const res = await t.app.request('/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, database: dialect });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers an unknown /api path with a JSON 404 in the error shape', async () => {
    const res = await t.app.request('/api/no-such-thing');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'not_found', message: expect.any(String) as string }
    });
  });
});
