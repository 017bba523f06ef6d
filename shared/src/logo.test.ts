import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  bytesToBase64,
  LOGO_MAX_BYTES,
  logoBytesError,
  logoUploadSchema,
  sniffImageType
} from './logo';

const SEED = 20260302;
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff, 0xe0];

const ascii = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0) & 0xff));

function file(signature: number[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(signature);
  return bytes;
}

describe('logo checks', () => {
  it('knows PNG and JPEG by their first bytes, whatever the file is called', () => {
    expect(sniffImageType(file(PNG, 100))).toBe('image/png');
    expect(sniffImageType(file(JPEG, 100))).toBe('image/jpeg');
    expect(sniffImageType(ascii('just text, renamed to logo.png'))).toBeNull();
    expect(sniffImageType(ascii('GIF89a…'))).toBeNull();
    expect(sniffImageType(new Uint8Array([0x89, 0x50]))).toBeNull();
  });

  it('allows 100 KB and refuses 101 KB, saying how large the file is', () => {
    expect(logoBytesError(file(PNG, LOGO_MAX_BYTES))).toBeNull();
    expect(logoBytesError(file(PNG, 101 * 1024))).toBe(
      'The logo must be 100 KB or smaller (this one is 101 KB)'
    );
    expect(logoBytesError(new Uint8Array())).toBe('The logo file is empty');
  });

  it('accepts an upload only when the bytes are the image type it claims', () => {
    const png = bytesToBase64(file(PNG, 500));
    expect(logoUploadSchema.safeParse({ type: 'image/png', data: png }).success).toBe(true);
    expect(logoUploadSchema.safeParse({ type: 'image/jpeg', data: png }).success).toBe(false);
    expect(logoUploadSchema.safeParse({ type: 'image/gif', data: png }).success).toBe(false);
    expect(logoUploadSchema.safeParse({ type: 'image/png', data: 'not base64!' }).success).toBe(
      false
    );
    const big = logoUploadSchema.safeParse({
      type: 'image/png',
      data: bytesToBase64(file(PNG, 101 * 1024))
    });
    expect(big.error?.issues[0]?.message).toBe('The logo must be 100 KB or smaller');
  });

  it('round-trips any bytes through base64 and refuses anything that is not base64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
      }),
      { seed: SEED, numRuns: 200 }
    );
    expect(base64ToBytes('abc')).toBeNull();
    expect(base64ToBytes('ab c=')).toBeNull();
  });

  it('calls nothing an image unless it starts with a PNG or JPEG signature', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), (bytes) => {
        const type = sniffImageType(bytes);
        const png = PNG.every((b, i) => bytes[i] === b);
        const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
        expect(type).toBe(png ? 'image/png' : jpeg ? 'image/jpeg' : null);
      }),
      { seed: SEED, numRuns: 500 }
    );
  });
});
