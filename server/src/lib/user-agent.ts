import Bowser from 'bowser';

/**
 * "Chrome on macOS": the browser and system a session signed in with, for "Active sessions".
 * The user agent is whatever the client sent, so this is a hint for the merchant, never a
 * security decision. Unknown parts read as "Unknown browser" / no system.
 */
export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) return 'Unknown browser';
  const parsed = Bowser.parse(userAgent);
  const browser = parsed.browser.name || 'Unknown browser';
  const os = parsed.os.name;
  return os ? `${browser} on ${os}` : browser;
}
