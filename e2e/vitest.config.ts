import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.e2e.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // One browser and one server per file; files run one after another so two Chromiums and
    // several servers do not fight over the machine's two cores.
    fileParallelism: false,
    pool: 'forks'
  }
});
