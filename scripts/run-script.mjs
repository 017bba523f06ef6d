// Runs one root package script (`pnpm run <name>`) as a step of a larger run: each line of its
// output goes to `onLine` (to prefix it on the console, or keep it for a log), and the promise
// resolves with whether it passed and how long it took. Shared by scripts/parallel.mjs and
// scripts/test-all.mjs.
import { spawn } from 'node:child_process';
import readline from 'node:readline';

/**
 * @param {string} name a script of the root package.json
 * @param {(line: string, stream: 'stdout' | 'stderr') => void} onLine
 * @returns {Promise<{ ok: boolean, seconds: number, how: string }>}
 */
export function runScript(name, onLine) {
  const started = Date.now();
  const child = spawn('pnpm', ['run', name], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' }
  });
  for (const stream of /** @type {const} */ (['stdout', 'stderr'])) {
    readline.createInterface({ input: child[stream] }).on('line', (line) => onLine(line, stream));
  }
  return new Promise((resolve) => {
    const end = (/** @type {boolean} */ ok, /** @type {string} */ how) =>
      resolve({ ok, how, seconds: Math.round((Date.now() - started) / 1000) });
    child.on('error', (err) => end(false, `FAILED (${err.message})`));
    child.on('close', (code, signal) =>
      end(code === 0, code === 0 ? 'passed' : `FAILED (${signal ?? `exit ${code}`})`)
    );
  });
}
