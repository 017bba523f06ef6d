import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Files run in parallel workers; each test file makes its own databases (a SQLite file in
    // its own directory, a PostgreSQL database named by its process) and its own ports. Two
    // workers even on 2 cores (vitest's default would be one): much of a file's time is spent
    // waiting on PostgreSQL, child processes and password hashing on worker threads.
    pool: 'forks',
    maxWorkers: 2
  }
});
