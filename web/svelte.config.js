import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // A pure SPA: every route renders in the browser; the server answers unknown paths with
    // the fallback page so deep links work. precompress writes a .br and a .gz beside each text
    // file (html, js, css, svg, json…) for the server to send to browsers that accept them.
    adapter: adapter({ fallback: 'index.html', strict: true, precompress: true }),
    serviceWorker: { register: false }
  }
};
