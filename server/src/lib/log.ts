import pino, { type Logger } from 'pino';

/**
 * Paths that may carry secrets are redacted wherever they appear in a log object. Request
 * bodies are never logged at all; this list is the second line of defence.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'newPassword',
  'token',
  '*.token',
  'secretKey',
  '*.secretKey',
  'refreshToken',
  '*.refreshToken',
  'accessToken',
  '*.accessToken',
  'cookie',
  '*.cookie',
  'headers.cookie',
  'headers.authorization',
  'req.headers.cookie',
  'req.headers.authorization',
  'set-cookie',
  '*["set-cookie"]'
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}

export type { Logger };
