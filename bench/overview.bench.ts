/**
 * Issue 5's benchmark on its own: `pnpm --filter @kspay/bench exec tsx overview.bench.ts`
 * (or from the repository root: `pnpm --dir bench exec tsx overview.bench.ts`).
 * BENCH_OVERVIEW_LARGE (default 1000000) and BENCH_OVERVIEW_ROUNDS (default 300) make it
 * smaller or longer. Exits non-zero when a ratio breaks its 3x budget.
 */
import { overviewBench } from './src/benches/overview';

const rows: { pass?: boolean }[] = [];
const started = Date.now();
const large = Number(process.env.BENCH_OVERVIEW_LARGE ?? 1_000_000);
const { overviewRatio, pageRatio } = await overviewBench(
  {
    add(row) {
      rows.push(row);
      const budget = row.budget ? `  (budget ${row.budget})` : '';
      const verdict = row.pass === undefined ? '' : row.pass ? '  PASS' : '  FAIL';
      console.log(`  ${row.figure}: ${row.value}${budget}${verdict}`);
    }
  },
  {
    large,
    rounds: Number(process.env.BENCH_OVERVIEW_ROUNDS ?? 300),
    log: (s) => console.log(s)
  }
);
console.log(
  `\noverview ${large}/1000 ratio: ${overviewRatio.toFixed(2)}x · history page 500/page 1 ratio: ${pageRatio.toFixed(2)}x` +
    ` · ${((Date.now() - started) / 1000).toFixed(0)} s`
);
if (rows.some((r) => r.pass === false)) process.exitCode = 1;
