import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The sign-in page imports `@kspay/shared`; the app registration data (ISO 3166 tables, phone
 * metadata, postcode rules) must stay behind `@kspay/shared/apps` so that page stays small.
 * Checked on the source import graph of shared's index (shared itself has no Node types).
 */
const sharedSrc = path.resolve(import.meta.dirname, '../../shared/src');

function importGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = fs.readFileSync(path.join(sharedSrc, `${file}.ts`), 'utf8');
    for (const m of source.matchAll(/from '([^']+)'/g)) {
      const target = m[1]!;
      if (target.startsWith('./')) visit(target.slice(2));
      else seen.add(`pkg:${target}`);
    }
  };
  visit(entry);
  return seen;
}

describe('shared bundle split', () => {
  it('keeps country, phone and postcode data out of the index the sign-in page imports', () => {
    const index = importGraph('index');
    for (const heavy of ['apps', 'app-fields', 'countries', 'phone', 'postcode']) {
      expect(index).not.toContain(heavy);
    }
    const packages = [...index].filter((s) => s.startsWith('pkg:'));
    for (const heavy of ['iso-3166', 'libphonenumber-js', 'postcode-validator']) {
      expect(packages.some((p) => p.startsWith(`pkg:${heavy}`))).toBe(false);
    }
  });

  it('reaches that data through @kspay/shared/apps (the check above can see it)', () => {
    const apps = importGraph('apps');
    expect(apps).toContain('countries');
    expect(apps).toContain('pkg:libphonenumber-js/min');
  });
});
