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
 * With `SMTP_URL` mail goes over SMTP. Without it (local development) each mail is written to
 * `<dataDir>/mail/` and announced in the log, so a developer can click the reset link; that
 * log line is the one place a reset link is printed, and only when no SMTP server is set.
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
      // eslint-disable-next-line no-console -- development convenience: the link to click
      console.log(`\n--- mail to ${mail.to}: ${mail.subject}\n${mail.text}\n---\n`);
    }
  };
}
