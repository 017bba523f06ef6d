import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vitest/config';

const apiTarget = process.env.API_ORIGIN ?? 'http://localhost:8787';

export default defineConfig({
  plugins: [tailwindcss(), sveltekit()],
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/v1': { target: apiTarget, changeOrigin: false }
    }
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // On a busy machine a test may take several times as long as on a quiet one.
    testTimeout: 30_000,
    setupFiles: ['src/lib/device/sync/testing/setup.ts']
  }
});
