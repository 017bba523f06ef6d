import path from 'node:path';

export interface Config {
  port: number;
  /** The origin merchants open in the browser; links in emails point here. */
  publicOrigin: string;
  /** Origins allowed to make cookie-authenticated state-changing requests. */
  allowedOrigins: string[];
  databaseUrl: string | undefined;
  dataDir: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: string;
  /** Directory of the built SPA; absent in tests that only exercise the API. */
  webRoot: string | undefined;
  /** Use X-Forwarded-For for the client IP (only behind a trusted proxy). */
  trustProxy: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8787);
  const publicOrigin = (env.PUBLIC_ORIGIN ?? `http://localhost:${port}`).replace(/\/$/, '');
  const extra = (env.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const dataDir = path.resolve(env.DATA_DIR ?? path.join(process.cwd(), 'data'));
  return {
    port,
    publicOrigin,
    allowedOrigins: [publicOrigin, ...extra],
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? 'KS Pay <no-reply@kspay.local>',
    logLevel: env.LOG_LEVEL ?? 'info',
    webRoot: env.WEB_ROOT === '' ? undefined : path.resolve(env.WEB_ROOT ?? defaultWebRoot()),
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true'
  };
}

function defaultWebRoot(): string {
  return path.resolve(import.meta.dirname, '../../web/build');
}
