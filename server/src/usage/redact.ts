/**
 * What a request log may keep of a `/v1` body. Secrets are found twice over: by the field's
 * name (anything naming a token, secret, signature, password, authorization or cookie) and by
 * the value's shape wherever it appears (access and refresh tokens, secret keys, webhook
 * secrets, 64-hex HMAC signatures), so a secret under an unexpected name or inside another
 * string is replaced too. Public keys keep only their beginning, as the log's key column does.
 */
export const REDACTED = '[redacted]';

/** Bodies longer than this are cut (they are at most 16 KiB on the way in). */
export const MAX_LOGGED_BODY_CHARS = 8 * 1024;

const SECRET_FIELD = /token|secret|signature|password|passwd|authori[sz]ation|cookie|whsec|otp/i;
const SECRET_VALUE =
  /(?:ksat|ksrt)_[A-Za-z0-9_-]+|kssk_(?:test|live)_[A-Za-z0-9]+|whsec_[A-Za-z0-9+/=_-]+|(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/gi;
const PUBLIC_KEY = /(kspk_(?:test|live)_[A-Za-z0-9]{6})[A-Za-z0-9]+/g;

export function redactText(text: string): string {
  return text.replace(SECRET_VALUE, REDACTED).replace(PUBLIC_KEY, '$1…');
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[redactText(k)] = SECRET_FIELD.test(k) && v !== null ? REDACTED : redactValue(v);
    }
    return out;
  }
  return value;
}

function cut(text: string): string {
  return text.length > MAX_LOGGED_BODY_CHARS
    ? `${text.slice(0, MAX_LOGGED_BODY_CHARS)}…[truncated]`
    : text;
}

/**
 * A body as the log stores it: JSON text with secrets replaced, or (a body that is not JSON)
 * the text with every secret-shaped value replaced. `body` is the parsed JSON the route read,
 * or the raw text.
 */
export function redactBody(body: unknown): string | null {
  if (body === undefined || body === null || body === '') return null;
  if (typeof body !== 'string') return cut(JSON.stringify(redactValue(body)));
  // Most bodies (every answer of a read) name no secret field anywhere and escape nothing:
  // then every key and string value appears in the text exactly as parsed, and replacing
  // secret-shaped values in the text is what parsing, redacting and serialising again would
  // give, at a fraction of the cost (the request log's batches; bench 1 guards them).
  if (!SECRET_FIELD.test(body) && !body.includes('\\')) return cut(redactText(body));
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return cut(redactText(body));
  }
  return cut(JSON.stringify(redactValue(parsed)));
}

/** KS Pay's numeric code of an error answer (`{status, code, message}`), else null. */
export function ksCodeOf(status: number, responseJson: string | null): number | null {
  if (status < 400 || !responseJson) return null;
  const m = /"code":(-?\d+)/.exec(responseJson);
  return m?.[1] ? Number(m[1]) : null;
}
