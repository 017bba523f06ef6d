/**
 * `@kspay/server/testing`: what other packages of the workspace (the web app's sync tests, the
 * benchmarks) may use of the server besides `createApp`. They import this entry, never a path
 * inside `server/`, so the server's layout can change without breaking them.
 */
export { createApp } from '../src/app';
export { DEFAULT_PASSWORD_HASHING, loadConfig } from '../src/config';
export { openDb, type Db } from '../src/db';
export { hashPassword } from '../src/lib/password';
export { sessionCookieName } from '../src/console/middleware/session';
export { createServices } from '../src/services';
export { sessionStore } from '../src/store/sessions';
export { userStore } from '../src/store/users';
export { merchant, type TestMerchant } from './helpers/apps';
export { TEST_ORIGIN, testServer } from './helpers/services';
export { secretBox } from '../src/lib/secret-box';
export { recordEvent } from '../src/store/events';
export { newEndpointId, webhookStore } from '../src/store/webhooks';
export { newSigningSecret, signingKey, webhookHeaders } from '../src/webhooks/signing';
export { eventBody, webhookWorker } from '../src/webhooks/worker';
export {
  newClientId,
  pullAll,
  runBrowsers,
  type BrowserRun,
  type SyncBrowser
} from './helpers/sync-browsers';
