import path from 'node:path';
import { withLoopbackSpellings } from './lib/origins';
import { loadSecretsKey } from './lib/secret-box';

export interface Config {
  port: number;
  /** The origin merchants open in the browser; links in emails point here. */
  publicOrigin: string;
  /**
   * Origins allowed to make cookie-authenticated state-changing requests: the public origin first,
   * then ALLOWED_ORIGINS, each loopback one also under its other loopback spellings.
   */
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
  /** scrypt cost of NEW password hashes; stored hashes carry their own parameters. */
  passwordHashing: PasswordHashing;
  /** Abuse limits, counted in the database so every server process shares them. */
  rateLimits: RateLimits;
  /**
   * 32-byte AES-256-GCM key (base64url) that encrypts TOTP secrets at rest: `SECRETS_KEY`, or
   * one generated once into `DATA_DIR/secrets.key` (lib/secret-box.ts).
   */
  secretsKey: string;
}

/** scrypt parameters: N = 2^ln, block size r, parallelism p. */
export interface PasswordHashing {
  ln: number;
  r: number;
  p: number;
}

/** At most `max` requests per `windowMs` for one key (an IP, an email). */
export interface RateLimit {
  max: number;
  windowMs: number;
}

export interface RateLimits {
  /**
   * Failed passwords per (account, source) and per signed-in session's re-authentication:
   * `max` failures are free, then each attempt waits 2^(failures - max) s after the last
   * failure, never longer than `windowMs`. Never a lock of the account as a whole.
   */
  signInAccount: RateLimit;
  /** Sign-in attempts per client IP, successful or not. */
  signInIp: RateLimit;
  signUpIp: RateLimit;
  forgotPasswordEmail: RateLimit;
  forgotPasswordIp: RateLimit;
  /** Change-of-address links mailed per account (each one mails two inboxes). */
  emailChange: RateLimit;
  /** "Resend email" of the verification link, per account. */
  verificationResend: RateLimit;
  /** Invitations mailed per business (each one mails an address the business chose). */
  inviteBusiness: RateLimit;
  /** Invitation links opened (preview, accept) per client IP. */
  inviteLinkIp: RateLimit;
}

/** N=2^17, r=8, p=1: 128 MiB and ~0.4 s per hash on one core (OWASP's scrypt minimum). */
export const DEFAULT_PASSWORD_HASHING: PasswordHashing = { ln: 17, r: 8, p: 1 };

const MINUTE = 60 * 1000;
export const DEFAULT_RATE_LIMITS: RateLimits = {
  signInAccount: { max: 5, windowMs: 15 * MINUTE },
  signInIp: { max: 30, windowMs: 15 * MINUTE },
  signUpIp: { max: 20, windowMs: 60 * MINUTE },
  forgotPasswordEmail: { max: 3, windowMs: 60 * MINUTE },
  forgotPasswordIp: { max: 10, windowMs: 60 * MINUTE },
  emailChange: { max: 5, windowMs: 60 * MINUTE },
  verificationResend: { max: 3, windowMs: 60 * MINUTE },
  inviteBusiness: { max: 20, windowMs: 60 * MINUTE },
  inviteLinkIp: { max: 30, windowMs: 15 * MINUTE }
};

/** `RATE_LIMIT_SIGNIN_ACCOUNT=5`, `RATE_LIMIT_SIGNIN_ACCOUNT_WINDOW_SECONDS=900`, … */
const RATE_LIMIT_ENV: Record<keyof RateLimits, string> = {
  signInAccount: 'RATE_LIMIT_SIGNIN_ACCOUNT',
  signInIp: 'RATE_LIMIT_SIGNIN_IP',
  signUpIp: 'RATE_LIMIT_SIGNUP_IP',
  forgotPasswordEmail: 'RATE_LIMIT_FORGOT_PASSWORD_EMAIL',
  forgotPasswordIp: 'RATE_LIMIT_FORGOT_PASSWORD_IP',
  emailChange: 'RATE_LIMIT_EMAIL_CHANGE',
  verificationResend: 'RATE_LIMIT_VERIFICATION_RESEND',
  inviteBusiness: 'RATE_LIMIT_INVITE_BUSINESS',
  inviteLinkIp: 'RATE_LIMIT_INVITE_LINK_IP'
};

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
    allowedOrigins: withLoopbackSpellings([publicOrigin, ...extra]),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? 'KS Pay <no-reply@kspay.local>',
    logLevel: env.LOG_LEVEL ?? 'info',
    webRoot: env.WEB_ROOT === '' ? undefined : path.resolve(env.WEB_ROOT ?? defaultWebRoot()),
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    passwordHashing: {
      ln: positiveInt(env, 'PASSWORD_HASH_LN', DEFAULT_PASSWORD_HASHING.ln),
      r: DEFAULT_PASSWORD_HASHING.r,
      p: DEFAULT_PASSWORD_HASHING.p
    },
    rateLimits: loadRateLimits(env),
    secretsKey: loadSecretsKey(env.SECRETS_KEY, dataDir)
  };
}

/**
 * Without `SMTP_URL` mail is written to `DATA_DIR/mail/` (development). Where the mail reaches
 * real people (an https origin, or `NODE_ENV=production`) that would strand every reset link
 * on the server's disk: the server refuses to start instead.
 */
export function checkMailConfig(config: Config, env: NodeJS.ProcessEnv = process.env): void {
  if (config.smtpUrl) return;
  const reason = config.publicOrigin.startsWith('https:')
    ? `PUBLIC_ORIGIN is ${config.publicOrigin}`
    : env.NODE_ENV === 'production'
      ? 'NODE_ENV is production'
      : null;
  if (reason) {
    throw new Error(
      `SMTP_URL is required when ${reason}: set SMTP_URL (e.g. smtps://user:pass@smtp.example.com) so reset links reach merchants`
    );
  }
}

function loadRateLimits(env: NodeJS.ProcessEnv): RateLimits {
  const out = { ...DEFAULT_RATE_LIMITS };
  for (const key of Object.keys(RATE_LIMIT_ENV) as (keyof RateLimits)[]) {
    const name = RATE_LIMIT_ENV[key];
    const d = DEFAULT_RATE_LIMITS[key];
    out[key] = {
      max: positiveInt(env, name, d.max),
      windowMs: positiveInt(env, `${name}_WINDOW_SECONDS`, d.windowMs / 1000) * 1000
    };
  }
  return out;
}

/** A misspelt limit must stop the server, not silently turn a limit off. */
function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}

function defaultWebRoot(): string {
  return path.resolve(import.meta.dirname, '../../web/build');
}
