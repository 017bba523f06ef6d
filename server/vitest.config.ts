import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Files run in parallel workers; each test file makes its own databases. Two at a time even
    // on two cores (vitest's default there is one): a file spends much of its time waiting on
    // PostgreSQL or on the server processes it spawns, and the other file uses that time.
    pool: 'forks',
    maxWorkers: 2
  }
});
