import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { createMailer } from '../src/lib/mailer';
import { describeEachDialect, testConfig, testServer } from './helpers/services';

interface Received {
  to: string[];
  raw: string;
}

/** A real SMTP receiver on a free loopback port, keeping every message it accepts. */
async function startSmtp() {
  const inbox: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        inbox.push({ to, raw: Buffer.concat(chunks).toString('utf8') });
        done();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { inbox, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** What a mail client shows: the body with quoted-printable soft breaks and escapes undone. */
function decodeBody(raw: string): string {
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  if (!/content-transfer-encoding:\s*quoted-printable/i.test(raw)) return body;
  return body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

describeEachDialect('password reset over real SMTP and HTTP', (dialect) => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let t: Awaited<ReturnType<typeof testServer>>;
  let http: ServerType;
  let base: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await testServer(dialect);
    const mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${smtp.port}?ignoreTLS=true`,
      from: 'KS Pay <no-reply@kspay.test>',
      dataDir: t.services.config.dataDir,
      log: t.services.log
    });
    http = await new Promise<ServerType>((resolve) => {
      const s = serve(
        { fetch: createApp({ ...t.services, mailer }).fetch, port: 0, hostname: '127.0.0.1' },
        () => resolve(s)
      );
    });
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => http.close(r));
    await smtp.close();
    await t.close();
  });

  const post = (path: string, body: unknown, cookie?: string) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        origin: testConfig().publicOrigin,
        'content-type': 'application/json',
        ...(cookie ? { cookie } : {})
      },
      body: JSON.stringify(body)
    });
  const cookieOf = (res: Response) => res.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  const sessionStatus = async (cookie: string) =>
    (await fetch(`${base}/api/auth/session`, { headers: { cookie } })).status;

  it('mails a fragment link that sets a new password and signs older sessions out', async () => {
    const email = 'smtp-merchant@example.com';
    const oldPassword = 'lanterns along the quay';
    const newPassword = 'a different quiet evening';
    const up = await post('/api/auth/sign-up', {
      name: 'Smtp Merchant',
      email,
      password: oldPassword
    });
    expect(up.status).toBe(202);
    // The verification mail goes over SMTP too; its link signs in.
    await expect.poll(() => smtp.inbox.length, { timeout: 10_000 }).toBe(1);
    expect(smtp.inbox[0]!.raw).toMatch(/^Subject: Verify your email/m);
    const verifyLink = new URL(/(http\S+)/.exec(decodeBody(smtp.inbox[0]!.raw))?.[1] ?? '');
    const verified = await post('/api/auth/verify-email', {
      token: new URLSearchParams(verifyLink.hash.slice(1)).get('token')
    });
    expect(verified.status).toBe(200);
    const older = cookieOf(verified);
    expect(await sessionStatus(older)).toBe(200);
    // The real socket address reached the session row through getConnInfo.
    const row = await t.services.db.db
      .selectFrom('sessions')
      .select('ip')
      .executeTakeFirstOrThrow();
    expect(row.ip).toBe('127.0.0.1');

    const forgot = await post('/api/auth/forgot-password', { email });
    expect(forgot.status).toBe(202);
    await expect.poll(() => smtp.inbox.length, { timeout: 10_000 }).toBe(2);
    const mail = smtp.inbox[1]!;
    expect(mail.to).toEqual([email]);
    expect(mail.raw).toMatch(/^Subject: Reset your KS Pay password/m);
    const link = /(http\S+)/.exec(decodeBody(mail.raw))?.[1] ?? '';
    const url = new URL(link);
    expect(url.origin + url.pathname).toBe(`${testConfig().publicOrigin}/reset-password`);
    expect(url.search).toBe(''); // the token travels in the fragment only
    const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const reset = await post('/api/auth/reset-password', { token, password: newPassword });
    expect(reset.status).toBe(200);
    expect(await sessionStatus(cookieOf(reset))).toBe(200);
    expect(await sessionStatus(older)).toBe(401);

    expect((await post('/api/auth/sign-in', { email, password: newPassword })).status).toBe(200);
    const old = await post('/api/auth/sign-in', { email, password: oldPassword });
    expect(old.status).toBe(401);
    expect(
      (await post('/api/auth/reset-password', { token, password: 'third try passphrase' })).status
    ).toBe(410);
  });
});
