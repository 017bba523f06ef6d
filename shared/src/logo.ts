import { z } from 'zod';

/**
 * App logo rules, shared by the browser (file picker, draft, outbox) and the server (which
 * checks again). The type is decided by the file's first bytes, never by its name or the type
 * a browser guessed from the extension: a text file renamed `logo.png` is not a PNG.
 */
export const LOGO_MAX_BYTES = 100 * 1024;
export const logoTypes = ['image/png', 'image/jpeg'] as const;
export type LogoType = (typeof logoTypes)[number];
/** For `<input type="file" accept=…>`: a hint to the picker only, the bytes decide. */
export const LOGO_ACCEPT = '.png,.jpg,.jpeg,image/png,image/jpeg';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** SOI marker followed by the first byte of the next marker. */
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

const startsWith = (bytes: Uint8Array, sig: readonly number[]) =>
  bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);

/** The image type the bytes really are (PNG or JPEG), or null for anything else. */
export function sniffImageType(bytes: Uint8Array): LogoType | null {
  if (startsWith(bytes, PNG_SIGNATURE)) return 'image/png';
  if (startsWith(bytes, JPEG_SIGNATURE)) return 'image/jpeg';
  return null;
}

export const LOGO_NOT_AN_IMAGE = 'The logo must be a JPG or PNG image';

function kb(bytes: number): string {
  return `${Math.ceil(bytes / 1024)} KB`;
}

/** What is wrong with these logo bytes, in a merchant's words, or null when they are fine. */
export function logoBytesError(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return 'The logo file is empty';
  if (sniffImageType(bytes) === null) return LOGO_NOT_AN_IMAGE;
  if (bytes.length > LOGO_MAX_BYTES) {
    return `The logo must be ${kb(LOGO_MAX_BYTES)} or smaller (this one is ${kb(bytes.length)})`;
  }
  return null;
}

// Both browsers and Node (>= 16) have these globals; shared/ compiles without DOM or Node types.
declare const atob: (data: string) => string;
declare const btoa: (data: string) => string;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 (padded, no whitespace) to bytes; null when it is not base64. */
export function base64ToBytes(data: string): Uint8Array | null {
  if (!BASE64.test(data)) return null;
  const bin = atob(data);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  // Chunks keep String.fromCharCode under the engines' argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/** Longest base64 text a logo within the limit can take. */
export const LOGO_MAX_BASE64 = Math.ceil(LOGO_MAX_BYTES / 3) * 4;

/**
 * A logo travels inside a mutation as base64 so it can wait in the offline outbox. Valid only
 * when the bytes are a PNG or JPEG within the limit and `type` says what the bytes are.
 */
export const logoUploadSchema = z
  .strictObject({
    type: z.enum(logoTypes, { error: LOGO_NOT_AN_IMAGE }),
    data: z
      .string({ error: 'Choose a logo file' })
      .max(LOGO_MAX_BASE64 + 4, `The logo must be ${kb(LOGO_MAX_BYTES)} or smaller`)
  })
  .superRefine((logo, ctx) => {
    const bytes = base64ToBytes(logo.data);
    const error = bytes ? logoBytesError(bytes) : 'The logo could not be read';
    if (error) ctx.addIssue({ code: 'custom', message: error, path: ['data'] });
    else if (bytes && sniffImageType(bytes) !== logo.type) {
      ctx.addIssue({ code: 'custom', message: LOGO_NOT_AN_IMAGE, path: ['type'] });
    }
  });
export type LogoUpload = z.infer<typeof logoUploadSchema>;
