/**
 * The one Strict-Transport-Security policy, for the console and `/v1` alike: a year, with
 * subdomains. Only when the server is reached over https (`PUBLIC_ORIGIN`); browsers ignore it
 * over http, and sending it there would only confuse a reader of the headers.
 */
const HSTS = 'max-age=31536000; includeSubDomains';

export function hstsPolicy(publicOrigin: string): string | null {
  return publicOrigin.startsWith('https:') ? HSTS : null;
}
