import type { AppFieldsInput } from '@kspay/shared/apps';

export function appInput(overrides: Partial<AppFieldsInput> = {}): AppFieldsInput {
  return {
    name: 'Corner Shop',
    email: 'shop@example.com',
    address: '1 Main Street',
    phone: '',
    country: 'IN',
    state: 'IN-MH',
    city: 'Mumbai',
    postalCode: '400001',
    ...overrides
  };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Bytes that start like a PNG (all the logo checks read), padded to `size`. */
export function pngBlob(size = 64, fill = 7): Blob {
  const bytes = new Uint8Array(size).fill(fill);
  bytes.set(PNG_SIGNATURE);
  return new Blob([bytes], { type: 'image/png' });
}
