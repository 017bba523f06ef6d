import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashToken } from '../src/lib/tokens';
import { call, createMerchant, snapshot, type Merchant, type TestServer } from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';
import { accept, invite, inviteToken, ownBusiness, preview, teamPath } from './helpers/team';

/**
 * An invitation token is a credential for joining a business (and for creating the account of
 * its address): it exists in the mail and nowhere else — no answer, log line, stored row or
 * URL query carries it.
 */
describeEachDialect('invitation tokens live only in the mail', (dialect) => {
  let t: TestServer;
  let owner: Merchant;
  let businessId: string;
  const tokens: string[] = [];
  /** Every answer (status line aside): headers and body. */
  const answers: string[] = [];
  const keep = async (res: Response | Promise<Response>) => {
    const r = await res;
    answers.push(JSON.stringify([...r.headers.entries()]), await r.text());
  };

  beforeAll(async () => {
    t = await testServer(dialect);
    owner = await createMerchant(t);
    businessId = await ownBusiness(t, owner);
    const member = await createMerchant(t);
    const fresh = `secret-${dialect}@example.com`;
    const revoked = `revoked-${dialect}@example.com`;

    await keep(invite(t, owner, businessId, member.email, 'developer'));
    await keep(invite(t, owner, businessId, fresh, 'viewer'));
    const res = await invite(t, owner, businessId, revoked, 'admin');
    const { invite: r } = (await res.clone().json()) as { invite: { id: string } };
    await keep(res);
    for (const email of [member.email, fresh, revoked]) tokens.push(inviteToken(t, email) ?? '');
    const [forMember, forFresh, forRevoked] = tokens as [string, string, string];

    await keep(call(t, 'GET', teamPath(businessId, '/members'), { cookie: owner.cookie }));
    await keep(preview(t, forMember));
    await keep(preview(t, forFresh));
    await keep(accept(t, { token: forMember }, member.cookie));
    await keep(accept(t, { token: forFresh, name: 'Ravi', password: 'a long new passphrase' }));
    await keep(
      call(t, 'DELETE', teamPath(businessId, `/invites/${r.id}`), { cookie: owner.cookie })
    );
    // Refusals too: a used link, a revoked one, a link for another address.
    await keep(accept(t, { token: forMember }, member.cookie));
    await keep(preview(t, forRevoked));
    await keep(call(t, 'GET', teamPath(businessId, '/members'), { cookie: owner.cookie }));
  });
  afterAll(() => t.close());

  it('mails each invitation a link with the token in the fragment, never a query', () => {
    expect(tokens.every((x) => /^[A-Za-z0-9_-]{43}$/.test(x))).toBe(true);
    const mails = t.mailer.sent.filter((m) => m.text.includes('/invite'));
    expect(mails).toHaveLength(3);
    for (const mail of mails) {
      expect(mail.text).toMatch(/\/invite#token=[A-Za-z0-9_-]{43}\n/);
      expect(mail.text).not.toMatch(/[?&]token=/);
    }
  });

  it('answers no token in any response', () => {
    expect(answers.length).toBeGreaterThan(10);
    for (const token of tokens) for (const a of answers) expect(a).not.toContain(token);
  });

  it('logs no token', () => {
    const logs = t.logs.join('\n');
    expect(logs).toContain('member invited');
    for (const token of tokens) expect(logs).not.toContain(token);
  });

  it('stores only the SHA-256 of each token', async () => {
    const all = JSON.stringify(await snapshot(t));
    for (const token of tokens) {
      expect(all).not.toContain(token);
      expect(all).toContain(hashToken(token));
    }
  });
});
