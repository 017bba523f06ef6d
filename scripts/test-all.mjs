// `pnpm test`: every step of the test run, each started as soon as the steps it must follow
// have ended, so the two cores stay busy. The server's suites (much of their time spent
// waiting on PostgreSQL and on the processes they spawn) run from the start, beside lint and
// the type checks, then the production build, then the web suites, then the end-to-end files.
//
// Each step's output is kept whole in test-results/steps/<step>.log and printed as one block
// when the step ends (never interleaved with another's). A failed step does not stop the
// others; the run ends with each step's result and time, then scripts/test-summary.mjs's test
// counts, and exits non-zero naming every step that failed.
//
// TEST_STEPS=serial runs the same steps one at a time, in the order listed (on a machine that
// other work keeps busy, or to rule out one step slowing another).
import fs from 'node:fs';
import path from 'node:path';
import { runScript } from './run-script.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const LOGS = path.join(ROOT, 'test-results/steps');

/**
 * `after`: steps that must have ended first (passed or not). Why each edge exists:
 * - lint and typecheck read the `.svelte-kit` files `sync` writes;
 * - the build and the web suites rewrite `.svelte-kit`, which svelte-check must not see half-done;
 * - e2e serves the build; it waits for the web suites only so that no more than two suites
 *   share the two cores at a time.
 */
const STEPS = [
  { name: 'sync', script: 'test:sync', after: [] },
  { name: 'lint', script: 'lint', after: ['sync'] },
  { name: 'typecheck', script: 'typecheck', after: ['sync'] },
  { name: 'shared', script: 'test:shared', after: [] },
  { name: 'server', script: 'test:server', after: ['shared'] },
  { name: 'build', script: 'build', after: ['lint', 'typecheck'] },
  { name: 'web', script: 'test:web', after: ['build'] },
  { name: 'e2e', script: 'test:e2e', after: ['build', 'web'] }
];

if (process.env.TEST_STEPS === 'serial') {
  STEPS.forEach((step, i) => (step.after = i === 0 ? [] : [STEPS[i - 1].name]));
}

const width = Math.max(...STEPS.map((s) => s.name.length));
const started = Date.now();
const clock = () => {
  const s = Math.round((Date.now() - started) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

fs.rmSync(LOGS, { recursive: true, force: true });
fs.mkdirSync(LOGS, { recursive: true });

/** @type {Map<string, Promise<{ ok: boolean, seconds: number, how: string }>>} */
const runs = new Map();
function run(step) {
  let result = runs.get(step.name);
  if (result) return result;
  result = (async () => {
    await Promise.all(step.after.map((name) => run(STEPS.find((s) => s.name === name))));
    console.log(`${clock()} ${step.name.padEnd(width)} started`);
    const log = path.join(LOGS, `${step.name}.log`);
    const out = fs.openSync(log, 'w');
    const outcome = await runScript(step.script, (line) => fs.writeSync(out, line + '\n'));
    fs.closeSync(out);
    const rule = `── ${step.name} `.padEnd(72, '─');
    process.stdout.write(`${rule}\n${fs.readFileSync(log, 'utf8')}${rule}\n`);
    console.log(`${clock()} ${step.name.padEnd(width)} ${outcome.how} in ${outcome.seconds} s`);
    return outcome;
  })();
  runs.set(step.name, result);
  return result;
}

const outcomes = await Promise.all(STEPS.map(run));
console.log(`\nSteps (wall ${clock()}; logs in ${path.relative(ROOT, LOGS)}/):`);
STEPS.forEach((step, i) => {
  const { how, seconds } = outcomes[i];
  console.log(`  ${step.name.padEnd(width)}  ${how.padEnd(20)} ${String(seconds).padStart(5)} s`);
});
const summary = await runScript('test:summary', (line) => console.log(line));
const failed = STEPS.filter((_, i) => !outcomes[i].ok).map((s) => s.name);
if (failed.length > 0 || !summary.ok) {
  console.error(`\nFAILED: ${failed.length > 0 ? failed.join(', ') : 'test summary'}`);
  process.exitCode = 1;
}
