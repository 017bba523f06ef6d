import type { Role } from '@kspay/shared/roles';
import type { Config } from './config';
import type { Db } from './db';
import type { Clock } from './lib/clock';
import type { Logger } from './lib/log';
import type { Mailer } from './lib/mailer';

/** Everything a route needs, built once by `createServices` (or by a test) and handed in. */
export interface Services {
  config: Config;
  db: Db;
  log: Logger;
  clock: Clock;
  mailer: Mailer;
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

/** The caller's membership in the business a route acts on, read fresh on every request. */
export interface MemberContext {
  businessId: string;
  role: Role;
}

/** Routes that act on one business (`/api/businesses/:businessId/…`, `/api/apps/:appId/…`). */
export interface BusinessEnv extends AppEnv {
  Variables: AppEnv['Variables'] & { member: MemberContext };
}
