import { describe, expect, it } from 'vitest';
import { safeNext, signInPath } from './redirects';

describe('safeNext', () => {
  it('keeps a path on this site', () => {
    expect(safeNext('/apps/new')).toBe('/apps/new');
    expect(safeNext('/apps/ap_rtk2WdyQR/settings?tab=keys')).toBe(
      '/apps/ap_rtk2WdyQR/settings?tab=keys'
    );
  });

  it('refuses anything that could leave the site', () => {
    for (const next of [
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      '/\tfoo',
      'apps/new',
      '',
      null,
      undefined
    ]) {
      expect(safeNext(next)).toBe('/');
    }
  });
});

describe('signInPath', () => {
  it('remembers where a signed-out visitor was going', () => {
    expect(signInPath(new URL('http://x/apps/new?a=1'))).toBe(
      '/sign-in?next=%2Fapps%2Fnew%3Fa%3D1'
    );
    expect(signInPath(new URL('http://x/'))).toBe('/sign-in');
  });
});
