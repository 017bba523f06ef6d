import type { Config } from './config';
import type { Db } from './db';
import type { Clock } from './lib/clock';
import type { Logger } from './lib/log';
import type { Mailer } from './lib/mailer';
import type { UsageRecorder } from './usage/recorder';

/** Everything a route needs, built once by `createServices` (or by a test) and handed in. */
export interface Services {
  config: Config;
  db: Db;
  log: Logger;
  clock: Clock;
  mailer: Mailer;
  /** Request logs and key last-used of `/v1` calls, written in batches. */
  usage: UsageRecorder;
}

export interface SessionContext {
  userId: string;
  email: string;
  name: string;
  tokenHash: string;
  authenticatedAt: string;
  expiresAt: string;
  createdAt: string;
  /** When the account's address was proven; null: key generation is refused. */
  emailVerifiedAt: string | null;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    /** Set by `requireSession` on protected routes. */
    session: SessionContext;
  };
}
