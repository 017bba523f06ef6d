import type { ResolvedPathname } from '$app/types';

/**
 * Where to go after signing in. Only a path on this origin is accepted (`/apps/new`), never
 * `//evil.example`, `/\evil.example` or `https://…`, so a crafted sign-in link cannot send a
 * merchant to another site.
 */
export function safeNext(next: string | null | undefined): ResolvedPathname {
  const ok =
    !!next &&
    next.startsWith('/') &&
    !next.startsWith('//') &&
    !next.startsWith('/\\') &&
    ![...next].some((ch) => ch.charCodeAt(0) < 0x20);
  // A same-origin path taken from a URL's pathname, base path included: already resolved.
  return (ok ? next : '/') as ResolvedPathname;
}

/** The sign-in page, remembering the page a signed-out visitor asked for. */
export function signInPath(from: URL): string {
  const next = from.pathname + from.search;
  return next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`;
}
