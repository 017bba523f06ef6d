import type { Config } from './config';
import { openDb } from './db';
import type { Services } from './env';
import { systemClock } from './lib/clock';
import { createLogger, type Logger } from './lib/log';
import { createMailer } from './lib/mailer';
import { usageRecorder } from './usage/recorder';

export async function createServices(config: Config, log?: Logger): Promise<Services> {
  const logger = log ?? createLogger(config.logLevel);
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    dataDir: config.dataDir,
    log: logger
  });
  const usage = usageRecorder(db, systemClock, logger, { logs: config.requestLogs });
  return { config, db, log: logger, clock: systemClock, mailer, usage };
}
