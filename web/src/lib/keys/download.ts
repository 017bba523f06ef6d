/**
 * The key pair as files the merchant saves, built in the browser from the values on screen:
 * nothing is fetched again (the server cannot answer the secret twice) and nothing is stored.
 */
export interface KeyFile {
  appId: string;
  appName: string;
  mode: 'test' | 'live';
  publicKey: string;
  secretKey: string;
}

/** Keys and ids are base62 with `_`; a name is quoted so any character stays one line. */
export function envFile(k: KeyFile): string {
  const name = k.appName.replace(/[\r\n]+/g, ' ');
  return [
    `# KS Pay API keys for ${name} (${k.mode} mode).`,
    '# The secret key belongs on your server only: keep this file out of version control.',
    `KSPAY_APP_ID=${k.appId}`,
    `KSPAY_PUBLIC_KEY=${k.publicKey}`,
    `KSPAY_SECRET_KEY=${k.secretKey}`,
    ''
  ].join('\n');
}

export function jsonFile(k: KeyFile): string {
  const { appId, mode, publicKey, secretKey } = k;
  return `${JSON.stringify({ appId, mode, publicKey, secretKey }, null, 2)}\n`;
}

/** `kspay-ap_x-test.env`: a name without a leading dot, which browsers would rename anyway. */
export function fileName(k: Pick<KeyFile, 'appId' | 'mode'>, ext: 'env' | 'json'): string {
  return `kspay-${k.appId}-${k.mode}.${ext}`;
}

/** Saves text through a short-lived object URL, revoked once the click has been handled. */
export function saveText(text: string, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
