import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Statements of one batch: SQL text and its values, run in one transaction. */
export type Statements = readonly (readonly [sql: string, values: readonly unknown[]])[];

/**
 * The request log's SQLite writes, on a worker thread with a connection of its own to the
 * same file: inserting a batch (and the WAL checkpoints its commits trigger) costs the
 * server's event loop nothing but handing the values over (benchmark 1's logs on/off ratio
 * guards it). SQLite lets one connection write at a time; the worker waits for the lock
 * (`busy_timeout`) on its own thread. Only the log's own inserts run here.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
const prepared = new Map();
const statement = (sql) => {
  let s = prepared.get(sql);
  if (!s) prepared.set(sql, (s = db.prepare(sql)));
  return s;
};
const runAll = db.transaction((statements) => {
  for (const [sql, values] of statements) statement(sql).run(values);
});
parentPort.on('message', (msg) => {
  if (msg === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    runAll(msg.statements);
    parentPort.postMessage({ id: msg.id });
  } catch (err) {
    parentPort.postMessage({ id: msg.id, error: String((err && err.message) || err) });
  }
});`;

export interface LogWriter {
  /** Runs `statements` in one transaction on the worker; resolves once committed. */
  run(statements: Statements): Promise<void>;
  close(): Promise<void>;
}

export function sqliteLogWriter(file: string): LogWriter {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  let worker: Worker | null = null;
  let next = 0;
  const pending = new Map<number, { resolve(): void; reject(err: Error): void }>();

  function failAll(err: Error) {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    worker = null;
  }

  /** Started on the first batch; unreferenced while idle, so it never keeps a process alive. */
  function started(): Worker {
    if (worker) return worker;
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file } });
    w.unref();
    w.on('message', (msg: { id: number; error?: string }) => {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (pending.size === 0) w.unref();
      if (msg.error) p?.reject(new Error(msg.error));
      else p?.resolve();
    });
    w.on('error', (err) => failAll(err));
    w.on('exit', (code) => failAll(new Error(`request log writer exited with ${code}`)));
    worker = w;
    return w;
  }

  return {
    run(statements) {
      const w = started();
      const id = next++;
      w.ref();
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ id, statements });
      });
    },
    async close() {
      const w = worker;
      if (!w) return;
      const exited = new Promise((resolve) => w.once('exit', resolve));
      w.postMessage('close');
      await exited;
    }
  };
}
