import {
  base64ToBytes,
  bytesToBase64,
  logoBytesError,
  sniffImageType,
  type LogoUpload
} from '@kspay/shared/logo';
import { LocalWriteError } from './errors';

/**
 * A logo Blob as the mutation carries it: base64 in JSON, because the outbox must hold the
 * bytes until the server has them (a Blob URL would not survive a reload). The type is the one
 * the bytes are (magic bytes), never the one the file name suggested; what the server would
 * refuse is refused here, before it can enter the outbox.
 */
export async function logoToUpload(blob: Blob): Promise<LogoUpload> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const error = logoBytesError(bytes);
  const type = sniffImageType(bytes);
  if (error || !type)
    throw new LocalWriteError(error ?? 'The logo could not be read', { logo: error ?? '' });
  return { type, data: bytesToBase64(bytes) };
}

export function uploadToBlob(upload: LogoUpload): Blob {
  const bytes = base64ToBytes(upload.data) ?? new Uint8Array();
  return new Blob([new Uint8Array(bytes)], { type: upload.type });
}
