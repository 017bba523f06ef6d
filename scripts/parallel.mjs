// Runs root package scripts side by side — `node scripts/parallel.mjs lint typecheck` — for
// steps of `pnpm test` that share nothing. Each line of output is prefixed with its step's name;
// each step's time is printed when it ends. Exits non-zero when any step fails (after all end).
import { runScript } from './run-script.mjs';

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('usage: node scripts/parallel.mjs <script> [<script>…]');
  process.exit(2);
}
const width = Math.max(...names.map((n) => n.length));

async function run(name) {
  const prefix = `[${name.padEnd(width)}] `;
  const { ok, how, seconds } = await runScript(name, (line, stream) =>
    (stream === 'stdout' ? process.stdout : process.stderr).write(prefix + line + '\n')
  );
  console.log(`${prefix}${how} in ${seconds} s`);
  return ok;
}

const results = await Promise.all(names.map(run));
if (results.includes(false)) process.exitCode = 1;
