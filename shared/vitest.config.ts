import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The property tests take a second or two alone; `pnpm test:unit` runs this suite beside the
    // server's and the web app's, where they may take several times that.
    testTimeout: 30_000
  }
});
