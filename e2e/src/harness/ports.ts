import net from 'node:net';

/**
 * Loopback ports for the servers a test file starts. Files run in parallel workers
 * (vitest.config.ts), so each worker takes ports from its own block, below the kernel's
 * ephemeral range (32768–60999 on Linux): no two workers can be handed the same port, and no
 * outgoing connection (Chromium's, PostgreSQL's) can take a port between the moment it is
 * found free and the moment its server binds it. Within a block the ports go round in turn, so
 * a port is not handed out again while a stopped server's sockets may still linger.
 */
const FIRST_PORT = 20_000;
const BLOCK = 500;
/** Vitest numbers its workers 1…maxWorkers (`VITEST_POOL_ID`); a plain script is worker 1. */
const worker = Number(process.env.VITEST_POOL_ID ?? '1');
const blockStart = FIRST_PORT + ((worker - 1) % 24) * BLOCK;
/** Where this process starts in its block: a file's process reuses the worker's block. */
let next = (process.pid * 7) % BLOCK;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A free loopback TCP port of this worker's block (released just before the server binds). */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < BLOCK; tries++) {
    const port = blockStart + (next % BLOCK);
    next += 1;
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in ${blockStart}–${blockStart + BLOCK - 1}`);
}
