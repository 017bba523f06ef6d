import { generateKey } from '@kspay/shared';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  clientSignature,
  closeServer,
  exchange,
  initiate,
  payingApp,
  tokensFor,
  v1,
  type TestServer
} from './helpers/payments';
import { snapshot } from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

/**
 * Request logs keep bodies, so every secret a `/v1` call carries must be replaced before a
 * row is written: secret keys, access and refresh tokens, x-signatures — by field name, and by
 * shape when the secret sits where no name gives it away.
 */
describeEachDialect('request logs hold no secret, token or signature', (dialect) => {
  let t: TestServer;
  const secrets: string[] = [];
  let publicKey = '';
  let dump = '';

  beforeAll(async () => {
    t = await testServer(dialect);
    const { appId, pair, token } = await payingApp(t);
    publicKey = pair.publicKey;
    const tokens = await tokensFor(t, appId, pair);
    secrets.push(pair.secretKey, token, tokens.accessToken, tokens.refreshToken);

    const { res, referenceNumber } = await initiate(t, tokens.accessToken, 42.0);
    const tx = (
      (await res.json()) as {
        result: { pe_txnId: string; amount: number; currency: string; signature: string };
      }
    ).result;
    const signature = clientSignature(pair.secretKey, { ...tx, referenceNumber });
    secrets.push(tx.signature, signature);
    const processed = await v1(t, 'POST', '/transaction/process', {
      token: tokens.accessToken,
      body: { pe_txnId: tx.pe_txnId },
      headers: { 'x-signature': signature, 'idempotency-key': 'process-1' }
    });
    expect(processed.status).toBe(200);
    const refreshed = await v1(t, 'POST', '/auth/refresh-token', { token: tokens.refreshToken });
    const next = (
      (await refreshed.json()) as { result: { accessToken: string; refreshToken: string } }
    ).result;
    secrets.push(next.accessToken, next.refreshToken);
    // A mistyped secret fails its checksum offline: refused before any lookup, never logged.
    const wrong = `${pair.secretKey.slice(0, -8)}AAAAAAAA`;
    await exchange(t, appId, { publicKey: pair.publicKey, secretKey: wrong });
    secrets.push(wrong.slice(10, -6));
    // A well-formed wrong secret reaches the lookup: logged for the app (11004), secret replaced.
    const other = generateKey('secret', 'test');
    const refused = await exchange(t, appId, { publicKey: pair.publicKey, secretKey: other });
    expect(refused.status).toBe(400);
    secrets.push(other);
    // Secrets under names that say nothing, and a name that says everything.
    const odd = await v1(t, 'POST', '/transaction/initiate', {
      token: next.accessToken,
      body: {
        note: `my key is ${pair.secretKey} and token ${next.refreshToken}`,
        list: [tx.signature],
        webhookSigningSecret: 'plain words',
        myPassword: 'hunter2 hunter2'
      }
    });
    expect(odd.status).toBe(400);
    secrets.push('hunter2', 'plain words');
    await t.services.usage.flush();
    dump = JSON.stringify(await snapshot(t, ['users', 'sessions']));
  });
  afterAll(() => closeServer(t));

  it('logged the calls, with bodies', async () => {
    const rows = await t.services.db.db.selectFrom('request_logs').selectAll().execute();
    expect(
      rows.map((r) => `${r.method} ${r.path.replace(/ap_\w+/, ':appId')} ${r.status}`).sort()
    ).toEqual([
      'POST /v1/auth/generate-token/:appId 201',
      'POST /v1/auth/generate-token/:appId 201',
      'POST /v1/auth/generate-token/:appId 400',
      'POST /v1/auth/refresh-token 201',
      'POST /v1/transaction/initiate 201',
      'POST /v1/transaction/initiate 400',
      'POST /v1/transaction/process 200'
    ]);
    expect(rows.some((r) => r.request_body?.includes('[redacted]'))).toBe(true);
    expect(rows.some((r) => r.response_body?.includes('[redacted]'))).toBe(true);
  });

  it('keeps none of them in any table (request logs and idempotency answers included)', () => {
    for (const secret of secrets) expect(dump.includes(secret), secret.slice(0, 12)).toBe(false);
  });

  it('keeps public keys only by their beginning in bodies', async () => {
    const rows = await t.services.db.db.selectFrom('request_logs').selectAll().execute();
    const bodies = rows.map((r) => `${r.request_body ?? ''}${r.response_body ?? ''}`).join('\n');
    expect(bodies).toContain(`${publicKey.slice(0, 16)}…`);
    expect(bodies).not.toContain(publicKey);
  });
});
