import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkMailConfig, loadConfig } from '../src/config';
import { createLogger } from '../src/lib/log';
import { createMailer } from '../src/lib/mailer';
import { spawnServer } from './helpers/spawned-server';

const TOKEN = 'Qm9vdHN0cmFwLXRva2VuLW5vdC1hLXJlYWwtb25lLXh5';
const LINK = `http://localhost:8787/reset-password#token=${TOKEN}`;

describe('mail without SMTP_URL (the development outbox)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes the mail to DATA_DIR/mail and prints its path, never the link or token', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-outbox-'));
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      }
    });
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
    const mailer = createMailer({
      smtpUrl: undefined,
      from: 'KS Pay <no-reply@kspay.test>',
      dataDir,
      log: createLogger('debug', sink)
    });
    await mailer.send({ to: 'dev@example.com', subject: 'Reset', text: `Open ${LINK}` });

    const files = fs.readdirSync(path.join(dataDir, 'mail'));
    expect(files).toHaveLength(1);
    const file = path.join(dataDir, 'mail', files[0]!);
    expect(fs.readFileSync(file, 'utf8')).toContain(LINK);
    const everything = [...lines, ...printed].join('\n');
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain('reset-password');
    expect(printed.join('\n')).toContain(file);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('start-up: SMTP is required where mail reaches real people', () => {
  it('refuses an https PUBLIC_ORIGIN or NODE_ENV=production without SMTP_URL', () => {
    const refuse = /SMTP_URL is required/;
    expect(() => checkMailConfig(loadConfig({ PUBLIC_ORIGIN: 'https://pay.example.com' }))).toThrow(
      refuse
    );
    expect(() =>
      checkMailConfig(loadConfig({ NODE_ENV: 'production' }), { NODE_ENV: 'production' })
    ).toThrow(refuse);
    expect(() => checkMailConfig(loadConfig({}), {})).not.toThrow();
    const withSmtp = { PUBLIC_ORIGIN: 'https://pay.example.com', SMTP_URL: 'smtp://mail:25' };
    expect(() =>
      checkMailConfig(loadConfig(withSmtp), { ...withSmtp, NODE_ENV: 'production' })
    ).not.toThrow();
  });

  it('stops the real server with a clear message, before it listens', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-nosmtp-'));
    await expect(
      spawnServer({ DATA_DIR: dataDir, PUBLIC_ORIGIN: 'https://pay.example.com', SMTP_URL: '' })
    ).rejects.toThrow(/SMTP_URL is required/);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);
});
