import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.e2e.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // Two files at a time, each in its own process with its own server, SMTP receiver, data
    // directory, Chromium and ports (harness/ports.ts gives each worker its own block): nothing
    // is shared but the built app they serve, which no file writes. `--maxWorkers=1` runs them
    // one after another.
    pool: 'forks',
    maxWorkers: 2,
    expect: {
      // A condition polled for (a toast, a row, a count after a sync) may take a while on a
      // machine running two stacks at once; a poll passes as soon as it holds.
      poll: { timeout: 10_000 }
    }
  }
});
