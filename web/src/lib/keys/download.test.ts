import { describe, expect, it } from 'vitest';
import { envFile, fileName, jsonFile, type KeyFile } from './download';

const pair: KeyFile = {
  appId: 'ap_rtk2WdyQR',
  appName: 'Chai\nShop',
  mode: 'test',
  publicKey: 'kspk_test_abc',
  secretKey: 'kssk_test_def'
};

/** What dotenv-style loaders read: KEY=value lines, comments ignored. */
function parseEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m?.[1]) out[m[1]] = m[2] ?? '';
  }
  return out;
}

describe('key files', () => {
  it('the .env file holds the app id and both keys, one per line', () => {
    expect(parseEnv(envFile(pair))).toEqual({
      KSPAY_APP_ID: 'ap_rtk2WdyQR',
      KSPAY_PUBLIC_KEY: 'kspk_test_abc',
      KSPAY_SECRET_KEY: 'kssk_test_def'
    });
  });

  it('an app name with a line break cannot add a line to the .env file', () => {
    const lines = envFile(pair).split('\n');
    expect(lines.filter((l) => l.startsWith('#'))).toHaveLength(2);
    expect(lines.every((l) => l === '' || l.startsWith('#') || /^[A-Z_]+=/.test(l))).toBe(true);
  });

  it('the JSON file holds the same values and nothing else', () => {
    expect(JSON.parse(jsonFile(pair))).toEqual({
      appId: 'ap_rtk2WdyQR',
      mode: 'test',
      publicKey: 'kspk_test_abc',
      secretKey: 'kssk_test_def'
    });
  });

  it('file names have no leading dot and say the app and mode', () => {
    expect(fileName(pair, 'env')).toBe('kspay-ap_rtk2WdyQR-test.env');
    expect(fileName(pair, 'json')).toBe('kspay-ap_rtk2WdyQR-test.json');
  });
});
