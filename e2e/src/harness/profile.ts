import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { ACTION_TIMEOUT_MS, CHROMIUM, CHROMIUM_ARGS, chromium } from './browser';

export interface ProfileOptions {
  /** Start with the network cut (a cold start with no connection). */
  offline?: boolean;
  viewport?: { width: number; height: number };
}

/**
 * A browser with a profile on disk, as a merchant's installed browser: unlike `newContext`
 * (an incognito-like context, which Chromium never offers to install from), it can be closed
 * and opened again on the same profile, keeping the service worker, Cache Storage and
 * IndexedDB — a true cold start.
 */
export function browserProfile(baseURL: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-profile-'));
  return {
    dir,
    async open(opts: ProfileOptions = {}): Promise<BrowserContext> {
      const context = await chromium.launchPersistentContext(dir, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        baseURL,
        offline: opts.offline ?? false,
        viewport: opts.viewport ?? { width: 1280, height: 800 }
      });
      context.setDefaultTimeout(ACTION_TIMEOUT_MS);
      return context;
    },
    remove(): void {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}
