import { serve } from '@hono/node-server';
import { createApp } from './app';
import { checkMailConfig, loadConfig } from './config';
import { createServices } from './services';
import { webhookWorker } from './webhooks/worker';

/** A misconfiguration stops the server with one plain line, before it opens anything. */
function startupConfig() {
  try {
    const config = loadConfig();
    checkMailConfig(config);
    return config;
  } catch (err) {
    // eslint-disable-next-line no-console -- the reason a person starting the app must read
    console.error(`KS Pay cannot start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

const config = startupConfig();
const services = await createServices(config);
const app = createApp(services);
if (config.webhooks.allowPrivateNetworks) {
  services.log.warn(
    'WEBHOOKS_ALLOW_PRIVATE_NETWORKS=1: webhooks may be sent over http and to loopback and private addresses (development and tests only)'
  );
}
const worker = config.webhooks.worker ? webhookWorker(services) : null;
worker?.start();

const server = serve(
  { fetch: app.fetch, port: config.port, hostname: process.env.HOST },
  (info) => {
    services.log.info({ port: info.port, database: services.db.dialect }, 'listening');
    // eslint-disable-next-line no-console -- the one line a person starting the app looks for
    console.log(`KS Pay developer portal: ${config.publicOrigin}`);
  }
);

/**
 * SIGTERM/SIGINT: stop accepting, let in-flight requests and webhook attempts finish, then
 * close the database.
 */
let stopping = false;
function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  services.log.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  // The worker finishes its attempts in flight (each within 10 s), and request logs still
  // buffered are written, before the database closes.
  const workerStopped = worker?.stop() ?? Promise.resolve();
  server.close(() => {
    void workerStopped
      .then(() => services.usage.close())
      .then(() => services.db.close())
      .then(() => process.exit(0));
  });
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
