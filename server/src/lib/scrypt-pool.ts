import os from 'node:os';
import type { ScryptOptions } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/**
 * Password hashing on a few dedicated worker threads at the lowest CPU priority.
 *
 * `crypto.scrypt` runs in libuv's 4-thread pool at the event loop's own priority: twenty
 * concurrent sign-ins (N=2^17, 128 MiB each) would take every core and stall every other
 * request, and queue the pool's file reads behind them. Here each hash runs on a worker thread whose
 * nice value is 19 (Linux nice is per thread), so the scheduler gives the event loop the CPU
 * whenever it has work and hashing takes what is left: the same throughput, no stall
 * (benchmark 3 guards the other requests' p99 during sign-ins).
 *
 * At most `POOL_SIZE` hashes run at once (the rest queue), which also bounds their memory.
 */
export const POOL_SIZE = Math.max(1, Math.min(4, os.availableParallelism()));

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
if (process.platform === 'linux') {
  try { require('node:os').setPriority(19); } catch {}
}
parentPort.on('message', ({ password, salt, length, options }) => {
  try {
    parentPort.postMessage({ key: scryptSync(password, salt, length, options) });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
});`;

interface Job {
  password: string;
  salt: Buffer;
  length: number;
  options: ScryptOptions;
  resolve(key: Buffer): void;
  reject(err: Error): void;
}

const idle: Worker[] = [];
const queue: Job[] = [];
let started = 0;

function spawnWorker(): Worker {
  started++;
  // Unreferenced while idle, so an idle pool never keeps a process (a test, a script) alive.
  const w = new Worker(WORKER_SOURCE, { eval: true });
  w.unref();
  return w;
}

function run(w: Worker, job: Job): void {
  w.ref();
  const done = (fn: () => void) => {
    w.removeAllListeners('message');
    w.removeAllListeners('error');
    w.removeAllListeners('exit');
    fn();
  };
  w.once('message', (msg: { key?: Uint8Array; error?: string }) =>
    done(() => {
      if (msg.key) job.resolve(Buffer.from(msg.key));
      else job.reject(new Error(msg.error ?? 'scrypt failed'));
      next(w);
    })
  );
  // A worker that dies takes only its own job with it; a fresh one takes its place.
  const lost = (err: Error) =>
    done(() => {
      started--;
      job.reject(err);
      void w.terminate();
      if (queue.length > 0) run(spawnWorker(), queue.shift() as Job);
    });
  w.once('error', lost);
  w.once('exit', (code) => lost(new Error(`scrypt worker exited with ${code}`)));
  w.postMessage({
    password: job.password,
    salt: job.salt,
    length: job.length,
    options: job.options
  });
}

function next(w: Worker): void {
  const job = queue.shift();
  if (job) return run(w, job);
  w.unref();
  idle.push(w);
}

/** `crypto.scrypt`, off the event loop's thread and below its priority. */
export function scryptInPool(
  password: string,
  salt: Buffer,
  length: number,
  options: ScryptOptions
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const job: Job = { password, salt, length, options, resolve, reject };
    const w = idle.pop() ?? (started < POOL_SIZE ? spawnWorker() : null);
    if (w) run(w, job);
    else queue.push(job);
  });
}
