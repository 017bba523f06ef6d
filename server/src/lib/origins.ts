/** The host names that all mean "this machine"; a browser treats each as a different site. */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The allowed origins plus, for each one that is itself loopback, the same scheme and port under
 * the other loopback spellings: a console served at `http://localhost:8787` is as often opened
 * at `http://127.0.0.1:8787`. A public origin gains nothing: loopback is never implied by it.
 */
export function withLoopbackSpellings(origins: readonly string[]): string[] {
  const out = new Set<string>();
  for (const origin of origins) {
    out.add(origin);
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      continue;
    }
    if (!LOOPBACK_HOSTS.includes(url.hostname)) continue;
    const port = url.port ? `:${url.port}` : '';
    for (const host of LOOPBACK_HOSTS) out.add(`${url.protocol}//${host}${port}`);
  }
  return [...out];
}
