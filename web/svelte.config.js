import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // A pure SPA: every route renders in the browser; the server answers unknown paths with
    // the fallback page so deep links work.
    adapter: adapter({ fallback: 'index.html', strict: true }),
    serviceWorker: { register: false }
  }
};
