import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: `pnpm test` runs these suites beside other steps (scripts/test-all.mjs), and
    // the password-hashing property tests ran past 30 s on a machine busy with other work.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Files run in parallel workers; each test file makes its own databases. vitest's default
    // (one worker fewer than the cores: one, on two) is kept on purpose: `pnpm test` already
    // runs these suites beside lint, the type checks, the build and the other suites
    // (scripts/test-all.mjs); with a second worker there, on a machine busy with other work too,
    // hostile.routes' 1,000-run properties ran past 30 s. `--maxWorkers=2` runs two files at a
    // time when nothing else runs.
    pool: 'forks'
  }
});
