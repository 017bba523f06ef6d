import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './ports';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
}

/**
 * A real SMTP receiver on loopback: the server under test sends its mail here over SMTP
 * (nodemailer), exactly as it would to a provider, and tests read what arrived.
 */
export async function startSmtp() {
  const inbox: ReceivedMail[] = [];
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const to = session.envelope.rcptTo.map((r) => r.address).join(',');
          inbox.push({ to, subject: parsed.subject ?? '', text: parsed.text ?? '' });
          for (const w of waiters.splice(0)) w();
          callback();
        })
        .catch((err: Error) => callback(err));
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    inbox,
    /**
     * The latest mail to `to` (whose text holds `containing`, when given), waiting for it to
     * arrive: an account's inbox also holds its sign-up's verification mail.
     */
    async waitFor(to: string, containing = '', timeoutMs = 15_000): Promise<ReceivedMail> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = inbox.filter((m) => m.to.includes(to) && m.text.includes(containing)).at(-1);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    clear(): void {
      inbox.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  };
}
export type Smtp = Awaited<ReturnType<typeof startSmtp>>;
