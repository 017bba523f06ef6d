const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Uniform random base62 (rejection sampling: 256 is not a multiple of 62). */
export function randomBase62(length: number): string {
  let out = '';
  const bytes = new Uint8Array(length * 2);
  while (out.length < length) {
    crypto.getRandomValues(bytes);
    for (const b of bytes) {
      if (b < 248 && out.length < length) out += ALPHABET[b % 62];
    }
  }
  return out;
}

/** App ids are made in the browser so an app created offline already has its final id. */
export const newAppId = () => `ap_${randomBase62(9)}`;
export const newClientId = () => `cl_${randomBase62(22)}`;
export const newDraftId = () => `dr_${randomBase62(12)}`;
