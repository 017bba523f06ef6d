import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** An inline `<script>` (one without `src`) and its text, which is what a browser hashes. */
const INLINE_SCRIPT = /<script(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script\s*>/gi;

/** `'sha256-…'` of every inline script in `html`, for a CSP `script-src`. */
export function inlineScriptHashes(html: string): string[] {
  const hashes = [...html.matchAll(INLINE_SCRIPT)].map(
    (m) =>
      `'sha256-${createHash('sha256')
        .update(m[1] ?? '', 'utf8')
        .digest('base64')}'`
  );
  return [...new Set(hashes)];
}

/**
 * The hashes the Content-Security-Policy header must allow for the built SPA: those of the
 * inline scripts in the page the server sends (`index.html`, which is also the fallback of every
 * app route). SvelteKit (`kit.csp`, mode 'hash') writes the same hashes into the page's meta
 * policy; both policies apply, so the header has to allow them too.
 *
 * Read once, when the app is built: the web build and the server ship and restart together, so
 * a new `index.html` comes with a new process. No build (API-only tests) means no hash, and
 * `script-src 'self'` alone.
 */
export function spaScriptHashes(webRoot: string | undefined): string[] {
  if (!webRoot) return [];
  const file = path.join(webRoot, 'index.html');
  return fs.existsSync(file) ? inlineScriptHashes(fs.readFileSync(file, 'utf8')) : [];
}
