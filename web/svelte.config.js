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
    // The page's one inline script (SvelteKit's bootstrap) runs by its hash, not by
    // 'unsafe-inline': the build writes the hash into the page's CSP meta tag, and the server
    // (server/src/site/csp.ts) puts the hashes of the served page's inline scripts into its
    // Content-Security-Policy header, the policy that governs everything else.
    csp: { mode: 'hash', directives: { 'script-src': ['self'] } },
    serviceWorker: { register: false }
  }
};
