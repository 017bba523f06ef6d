import { ksPayErrors } from '@kspay/shared';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeServer, type TestServer } from './helpers/payments';
import { describeEachDialect, testServer } from './helpers/services';

interface Doc {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      { requestBody?: { content: Record<string, { schema: { properties?: object } }> } }
    >
  >;
  components: { securitySchemes: Record<string, unknown> };
}

describeEachDialect('OpenAPI document and reference page', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect);
  });
  afterAll(() => closeServer(t));

  it('describes every /v1 endpoint and the key routes, from the shared schemas', async () => {
    const res = await t.app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/auth/generate-token/{appId}',
        '/v1/auth/refresh-token',
        '/v1/currencies',
        '/v1/{currencyId}/payment-methods',
        '/v1/transaction/initiate',
        '/v1/transaction/process',
        '/v1/transaction/txnId/{id}',
        '/v1/transaction',
        '/api/apps/{appId}/keys',
        '/api/apps/{appId}/keys/{keyId}/regenerate'
      ])
    );
    const initiate =
      doc.paths['/v1/transaction/initiate']?.post?.requestBody?.content['application/json'];
    expect(Object.keys(initiate?.schema.properties ?? {})).toEqual(
      expect.arrayContaining(['currencyId', 'paymentMethodId', 'amount', 'referenceNumber'])
    );
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      'bearerAuth',
      'publicKey',
      'sessionCookie'
    ]);
  });

  it('renders a readable page that loads nothing from elsewhere', async () => {
    const res = await t.app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('/v1/transaction/initiate');
    expect(html).toContain('x-signature');
    expect(html).toContain('.80–.89 failed');
    for (const e of Object.values(ksPayErrors)) expect(html).toContain(`<td>${e.code}</td>`);
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });
});
