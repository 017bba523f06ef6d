import { ksPayErrors } from '@kspay/shared';

/**
 * The prose of the reference, once: the OpenAPI `info.description` (Markdown) and the `/docs`
 * page are both built from it. `code` spans are written with backticks.
 */
export const DOC_SECTIONS: { title: string; body: string[] }[] = [
  {
    title: 'Overview',
    body: [
      "A sandbox of the KS Pay payments API, in the shape of KS Pay's public reference. Every answer is the envelope `{status, message, result}`; an error is `{status, code, message, result: null}` with KS Pay's numeric `code` (validation failures add `fields`). Bodies are JSON (at most 16 KiB). No cookies are read under `/v1`."
    ]
  },
  {
    title: 'Keys and tokens',
    body: [
      'Generate a key pair in the console (App → Settings). The public key looks like `kspk_test_…`, the secret key like `kssk_test_…`: a prefix naming kind and mode, 22 random base62 characters (131 bits) and a 6-character base62 CRC32 checksum of everything before it, so a mistyped key is refused without a database lookup (9005).',
      'Exchange the pair with `POST /v1/auth/generate-token/{appId}` `{accessKey, secretKey}` for an access token (15 minutes) and a refresh token (24 hours, single use). Send `Authorization: Bearer <accessToken>`. Every request re-checks the key pair and the app: a disabled or replaced pair answers 11002 at once, a disabled app 11011. Token exchange is limited to 30 per minute per public key and client address (11005, with Retry-After).'
    ]
  },
  {
    title: 'x-signature',
    body: [
      '`x-signature = hex(HMAC-SHA256(key, payload))` where `key = SHA-256(secretKey)` (the 32 raw bytes) and `payload = pe_txnId + "|" + referenceNumber + "|" + amount with two decimals + "|" + currency code`, e.g. `tx_UOVynlQ0j|order-17|345.67|INR`. The server never stores the secret, only its SHA-256, so that digest is the HMAC key; your backend derives it from the secret. `POST /v1/transaction/initiate` also answers the signature (as KS Pay\'s NPM flow does), computed for the pair whose token made the call.'
    ]
  },
  {
    title: 'Sandbox outcomes',
    body: [
      'Processing settles a transaction by the cents of its amount: .00–.79 success, .80–.89 failed, .90–.99 pending (10.00 succeeds, 10.85 fails, 10.95 stays pending). Processing again answers the settled transaction unchanged.'
    ]
  },
  {
    title: 'Browsers and the public key',
    body: [
      'A web page may hold only the public key. With it in an `x-access-key` header, a browser may call `GET /v1/currencies` and `GET /v1/{currencyId}/payment-methods` from an origin listed under Settings → Domain; the answer then carries `Access-Control-Allow-Origin`. Any other origin gets 13007. Everything else needs an access token and is meant for your backend.'
    ]
  }
];

export const ERROR_ROWS = Object.values(ksPayErrors).map((e) => ({
  code: e.code,
  status: e.status,
  message: e.message
}));

export const API_DESCRIPTION = [
  ...DOC_SECTIONS.map((s) => `## ${s.title}\n\n${s.body.join('\n\n')}`),
  `## Error codes\n\n| code | HTTP | message |\n|---|---|---|\n${ERROR_ROWS.map((r) => `| ${r.code} | ${r.status} | ${r.message} |`).join('\n')}`
].join('\n\n');
