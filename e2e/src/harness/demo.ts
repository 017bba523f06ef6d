import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { useStack } from './fixture';

/** What `pnpm demo` leaves in `demo.json`: its merchant's sign-in and apps. */
export interface DemoState {
  email: string;
  password: string;
  apps: { id: string; name: string }[];
}

/**
 * A stack whose server is `pnpm demo` itself (src/demo/main.ts) over a fresh data directory:
 * it signs a merchant up and makes `transactions` payments over the last `days` days through
 * the real API. `demo` holds what it wrote once the suite has started.
 */
export function useDemoStack(opts: { transactions: number; days: number }) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-e2e-demo-'));
  const stack = useStack({
    entry: 'demo',
    dataDir,
    env: {
      DEMO_DATA_DIR: dataDir,
      DEMO_TRANSACTIONS: String(opts.transactions),
      DEMO_DAYS: String(opts.days)
    }
  });
  const demo = {} as DemoState;
  beforeAll(() => {
    Object.assign(demo, JSON.parse(fs.readFileSync(path.join(dataDir, 'demo.json'), 'utf8')));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  return { stack, demo };
}

/** GETs `url` with the page's session; it must answer 200. */
export async function getJson<T>(page: Page, url: string): Promise<T> {
  const res = await page.request.get(url);
  expect(res.status(), url).toBe(200);
  return (await res.json()) as T;
}
