import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  call,
  clientSignature,
  closeServer,
  createMerchant,
  createTestApp,
  exchange,
  generateKeys,
  initiate,
  regenerateKeys,
  tokensFor,
  v1,
  type KeyPair,
  type Merchant,
  type TestServer
} from './helpers/payments';
import { snapshot } from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

describeEachDialect('secret keys are stored nowhere and answered only once', (dialect) => {
  let t: TestServer;
  let m: Merchant;
  let appId: string;
  const secrets: string[] = [];
  const publics: string[] = [];
  /** Every answer after the ones that created a secret. */
  const later: string[] = [];
  const keep = async (res: Response | Promise<Response>) => {
    later.push(await (await res).text());
  };

  beforeAll(async () => {
    t = await testServer(dialect);
    m = await createMerchant(t);
    appId = await createTestApp(t, m);
    // A full lifecycle: generate, exchange, pay, regenerate with grace, refresh, disable.
    const first = await generateKeys(t, m, appId);
    const tokens = await tokensFor(t, appId, first);
    const { res, referenceNumber } = await initiate(t, tokens.accessToken, 99.0);
    const tx = (
      (await res.json()) as { result: { pe_txnId: string; amount: number; currency: string } }
    ).result;
    await keep(
      v1(t, 'POST', '/transaction/process', {
        token: tokens.accessToken,
        body: { pe_txnId: tx.pe_txnId },
        headers: { 'x-signature': clientSignature(first.secretKey, { ...tx, referenceNumber }) }
      })
    );
    const second: KeyPair = await regenerateKeys(t, m, appId, first.keyId, '1h');
    await keep(exchange(t, appId, first));
    await keep(v1(t, 'POST', '/auth/refresh-token', { token: tokens.refreshToken }));
    await keep(exchange(t, 'ap_000000000', second));
    await keep(
      call(t, 'POST', `/api/apps/${appId}/keys/${second.keyId}/disable`, { cookie: m.cookie })
    );
    secrets.push(first.secretKey, second.secretKey);
    publics.push(first.publicKey, second.publicKey);

    for (const path of ['keys', 'audit', 'domains']) {
      await keep(call(t, 'GET', `/api/apps/${appId}/${path}`, { cookie: m.cookie }));
    }
    await keep(v1(t, 'GET', '/transaction', { token: tokens.accessToken }));
    await keep(t.app.request('/openapi.json'));
  });
  afterAll(() => closeServer(t));

  const expectAbsent = (haystack: string, where: string) => {
    for (const secret of secrets)
      expect(haystack.includes(secret), `secret found in ${where}`).toBe(false);
  };

  it('is not in any table (the public keys are, which shows the scan can see keys)', async () => {
    const dump = JSON.stringify(await snapshot(t));
    expectAbsent(dump, 'the database rows');
    for (const key of publics) expect(dump).toContain(key);
  });

  /**
   * The database as bytes: SQLite's file with its WAL (before and after a checkpoint), or
   * PostgreSQL's `pg_dump` of the whole database (rows as text, as a backup would hold them).
   */
  it('is not in the database files or a dump', async () => {
    if (dialect === 'postgres') {
      const dump = execFileSync('pg_dump', ['--data-only', t.database.url ?? ''], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024
      });
      expect(dump).toContain(publics[0]);
      expectAbsent(dump, 'pg_dump');
      return;
    }
    const file = t.database.file ?? '';
    const bytes = () =>
      [file, `${file}-wal`, `${file}-journal`]
        .filter((f) => fs.existsSync(f))
        .map((f) => fs.readFileSync(f).toString('latin1'))
        .join('\n');
    const open = bytes();
    expect(open).toContain(publics[0]);
    expectAbsent(open, 'the SQLite files');
    await t.services.db.close();
    const closed = bytes();
    expect(closed).toContain(publics[0]);
    expectAbsent(closed, 'the SQLite file after closing');
  });

  it('is not in the server log', () => {
    expect(t.logs.length).toBeGreaterThan(0);
    expectAbsent(t.logs.join('\n'), 'the log');
  });

  it('is not in any later answer', () => {
    expect(later.length).toBeGreaterThan(8);
    expectAbsent(later.join('\n'), 'a later answer');
  });
});
