import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmt, type Report } from '../lib/report';
import { freePort, ROOT } from '../lib/server';

/** What `pnpm start` builds; removing them (and their stamps) makes a cold start. */
const BUILD_OUTPUTS = ['web/build', 'web/.svelte-kit/build-inputs.sha256', 'server/dist'];
const WARM_BUDGET_S = 5;
const DEADLINE_MS = 10 * 60_000;

/**
 * Seconds from `pnpm start` to the first 200 for the console's page, in a process group of
 * its own (pnpm, the build, the server) that is stopped afterwards.
 */
async function timeToFirstAnswer(): Promise<number> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-bench-start-'));
  const t0 = performance.now();
  const child = spawn('pnpm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: '' },
    stdio: 'ignore',
    detached: true
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`pnpm start exited (${child.exitCode})`);
      if (performance.now() - t0 > DEADLINE_MS) throw new Error('pnpm start did not answer');
      const ok = await fetch(`http://127.0.0.1:${port}/`).then(
        (r) => r.status === 200,
        () => false
      );
      if (ok) return (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Time to first answer of `pnpm start`: cold (no build outputs: the web app and the server
 * are built) and warm (an unchanged checkout: both builds are skipped). Leaves the checkout
 * built, as a cold `pnpm start` would.
 */
export async function startBench(report: Report): Promise<void> {
  for (const out of BUILD_OUTPUTS)
    fs.rmSync(path.join(ROOT, out), { recursive: true, force: true });
  const cold = await timeToFirstAnswer();
  const warm = await timeToFirstAnswer();
  const name = 'start time to first answer';
  report.add({
    bench: name,
    figure: 'pnpm start, cold (web and server built)',
    value: `${cold.toFixed(1)} s`
  });
  report.add({
    bench: name,
    figure: 'pnpm start, warm (unchanged checkout)',
    value: `${warm.toFixed(1)} s`,
    budget: `<= ${WARM_BUDGET_S} s`,
    pass: warm <= WARM_BUDGET_S
  });
  report.add({ bench: name, figure: 'cold / warm', value: fmt.ratio(cold / warm) });
}
