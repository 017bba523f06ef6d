import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from './log';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/**
 * With `SMTP_URL` mail goes over SMTP. Without it (local development only: `checkMailConfig`
 * stops a server whose mail reaches real people) each mail is written to `<dataDir>/mail/`, and
 * the log and console name that file. Never the mail's text: a reset link is a password.
 */
export function createMailer(opts: {
  smtpUrl: string | undefined;
  from: string;
  dataDir: string;
  log: Logger;
}): Mailer {
  if (opts.smtpUrl) {
    const transport = nodemailer.createTransport(opts.smtpUrl);
    return {
      async send(mail) {
        await transport.sendMail({ from: opts.from, ...mail });
      }
    };
  }
  const dir = path.join(opts.dataDir, 'mail');
  return {
    async send(mail) {
      await fs.mkdir(dir, { recursive: true });
      const file = path.join(dir, `${Date.now()}-${mail.to.replace(/[^a-z0-9@._-]/gi, '_')}.txt`);
      await fs.writeFile(file, `To: ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text}\n`, {
        mode: 0o600
      });
      opts.log.info({ to: mail.to, subject: mail.subject, file }, 'mail written (no SMTP_URL set)');
      // eslint-disable-next-line no-console -- development convenience: where to find the mail
      console.log(`Mail to ${mail.to} written to ${file} (no SMTP_URL set)`);
    }
  };
}

/**
 * Sends without awaiting: the request answers at once, so whether a mail went out (and which)
 * cannot be told from how long the answer took. Failures are logged with `fields` (ids, never
 * the mail's text: links in it are secrets).
 */
export function sendInBackground(
  s: { mailer: Mailer; log: Logger },
  mail: Mail,
  what: string,
  fields: Record<string, string>
): void {
  s.mailer.send(mail).then(
    () => s.log.info(fields, `${what} mail sent`),
    (err: unknown) => s.log.error({ ...fields, reason: String(err) }, `${what} mail failed`)
  );
}
