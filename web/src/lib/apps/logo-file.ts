import { LOGO_MAX_BYTES, sniffImageType, type LogoType } from '@kspay/shared/logo';
import type { DraftLogo } from '../device/db/types';

/**
 * Logo files as the merchant picks them. The bytes decide (magic bytes, shared with the
 * server), never the file name or the type the browser guessed from it: a text file renamed
 * `logo.png` is refused here, before it can reach a draft or the outbox.
 */
const NOT_AN_IMAGE = 'This file is not a JPG or PNG image';
export const MAX_KB = Math.round(LOGO_MAX_BYTES / 1024);

export type LogoCheck =
  | { ok: true; logo: DraftLogo }
  | { ok: false; message: string; tooLarge?: { file: Blob; name: string; type: LogoType } };

const kb = (bytes: number) => `${Math.ceil(bytes / 1024)} KB`;

export async function checkLogoFile(file: File): Promise<LogoCheck> {
  if (file.size === 0) return { ok: false, message: 'This file is empty' };
  // The first bytes decide the type; reading 16 of them spares reading a huge wrong file.
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  const type = sniffImageType(head);
  if (!type) return { ok: false, message: NOT_AN_IMAGE };
  if (file.size > LOGO_MAX_BYTES) {
    return {
      ok: false,
      message: `This image is ${kb(file.size)}. A logo can be at most ${MAX_KB} KB.`,
      tooLarge: { file, name: file.name, type }
    };
  }
  return { ok: true, logo: { blob: file.slice(0, file.size, type), name: file.name, type } };
}

function encode(canvas: HTMLCanvasElement, type: LogoType, quality?: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
}

/**
 * Re-encodes an image in the browser until it fits the limit: its own format first (PNG keeps
 * transparency), then JPEG at falling quality, shrinking the dimensions by a quarter each round.
 * Null when the image cannot be decoded or will not fit even small.
 */
export async function shrinkToFit(
  source: Blob,
  name: string,
  type: LogoType,
  maxBytes = LOGO_MAX_BYTES
): Promise<DraftLogo | null> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(source);
  } catch {
    return null;
  }
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  // A logo is shown at most a few hundred pixels wide: starting at 1024 saves rounds.
  let scale = Math.min(1, 1024 / Math.max(bitmap.width, bitmap.height));
  const base = name.replace(/\.[^.]*$/, '') || 'logo';
  try {
    for (let round = 0; round < 12; round++) {
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      const attempts: [LogoType, number | undefined][] =
        type === 'image/png' ? [['image/png', undefined]] : [];
      attempts.push(['image/jpeg', 0.9], ['image/jpeg', 0.75], ['image/jpeg', 0.6]);
      for (const [out, quality] of attempts) {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        if (out === 'image/jpeg') {
          // JPEG has no transparency: transparent pixels would turn black.
          ctx.fillStyle = '#ffffff';
          ctx.fillRect(0, 0, canvas.width, canvas.height);
        }
        ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        const blob = await encode(canvas, out, quality);
        if (blob && blob.size > 0 && blob.size <= maxBytes) {
          const ext = out === 'image/png' ? 'png' : 'jpg';
          return { blob, name: `${base}.${ext}`, type: out };
        }
      }
      scale *= 0.75;
    }
    return null;
  } finally {
    bitmap.close();
  }
}
