import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The property tests take a second or two on a quiet machine and several times that on a
    // busy one; vitest's 5 s default failed them under load.
    testTimeout: 30_000
  }
});
