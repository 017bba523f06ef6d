import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const KEY_BYTES = 32;
const FILE = 'secrets.key';

/**
 * The key that encrypts secrets the server must read back (TOTP secrets): `SECRETS_KEY`
 * (32 random bytes, base64url: `openssl rand -base64 32 | tr '+/' '-_' | tr -d '=\n'`), else
 * `DATA_DIR/secrets.key`, created on first start with mode 0600. A copy of the database alone
 * cannot mint codes; the key must be kept (and backed up) apart from it.
 */
export function loadSecretsKey(fromEnv: string | undefined, dataDir: string): string {
  if (fromEnv) return checked(fromEnv, 'SECRETS_KEY');
  const file = path.join(dataDir, FILE);
  try {
    return checked(fs.readFileSync(file, 'utf8').trim(), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(KEY_BYTES).toString('base64url');
  // `wx`: two processes starting at once cannot both write a key; the loser reads the winner's.
  try {
    fs.writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return checked(fs.readFileSync(file, 'utf8').trim(), file);
  }
}

function checked(key: string, where: string): string {
  if (Buffer.from(key, 'base64url').length !== KEY_BYTES) {
    throw new Error(`${where} must hold 32 random bytes in base64url (43 characters)`);
  }
  return key;
}

/**
 * AES-256-GCM with a fresh 96-bit nonce per message; `context` (the owner's id) is bound as
 * associated data, so a ciphertext copied onto another account's row does not decrypt.
 * Output: `v1.<nonce>.<ciphertext+tag>`, base64url.
 */
export function secretBox(keyText: string) {
  const key = Buffer.from(keyText, 'base64url');
  return {
    seal(plain: string, context: string): string {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(Buffer.from(context));
      const body = Buffer.concat([
        cipher.update(plain, 'utf8'),
        cipher.final(),
        cipher.getAuthTag()
      ]);
      return `v1.${nonce.toString('base64url')}.${body.toString('base64url')}`;
    },
    open(sealed: string, context: string): string {
      const [version, nonce, data] = sealed.split('.');
      if (version !== 'v1' || !nonce || !data) throw new Error('unknown sealed secret format');
      const body = Buffer.from(data, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'))
        .setAAD(Buffer.from(context))
        .setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([
        decipher.update(body.subarray(0, body.length - 16)),
        decipher.final()
      ]).toString('utf8');
    }
  };
}
