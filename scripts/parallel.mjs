// Runs root package scripts side by side — `node scripts/parallel.mjs lint typecheck` — for
// steps of `pnpm test` that share nothing. Each line of output is prefixed with its step's name;
// each step's time is printed when it ends. Exits non-zero when any step fails (after all end).
import { spawn } from 'node:child_process';
import readline from 'node:readline';

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('usage: node scripts/parallel.mjs <script> [<script>…]');
  process.exit(2);
}
const width = Math.max(...names.map((n) => n.length));

function run(name) {
  const started = Date.now();
  const child = spawn('pnpm', ['run', name], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' }
  });
  const prefix = `[${name.padEnd(width)}] `;
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr]
  ]) {
    readline
      .createInterface({ input: stream })
      .on('line', (line) => out.write(prefix + line + '\n'));
  }
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      const seconds = Math.round((Date.now() - started) / 1000);
      const how = code === 0 ? 'passed' : `FAILED (${signal ?? `exit ${code}`})`;
      console.log(`${prefix}${how} in ${seconds} s`);
      resolve(code === 0);
    });
  });
}

const results = await Promise.all(names.map(run));
if (results.includes(false)) process.exitCode = 1;
