import { serve } from '@hono/node-server';
import { demoBanner, startDemo } from './setup';

const started = Date.now();
const demo = await startDemo(process.env, {
  onProgress: (done, total) => process.stderr.write(`demo: ${done} of ${total} payments made\n`)
});
const server = serve(
  { fetch: demo.app.fetch, port: demo.config.port, hostname: process.env.HOST },
  () => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    // eslint-disable-next-line no-console -- the credentials a person starting the demo needs
    console.log(`${demoBanner(demo)}  Ready in ${seconds} s. Ctrl+C stops it.\n`);
  }
);

function shutdown() {
  server.close(() => {
    void demo.close().then(() => process.exit(0));
  });
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
