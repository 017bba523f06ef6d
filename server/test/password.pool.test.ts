import fs from 'node:fs';
import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/lib/password';
import { POOL_SIZE, scryptInPool } from '../src/lib/scrypt-pool';

/**
 * Password hashing runs on worker threads below the event loop's priority, so a burst of
 * sign-ins cannot slow every other request (`pnpm bench`, benchmark 3, measures the effect).
 */
const OPTS = { N: 2 ** 10, r: 8, p: 1 };

/** Nice values of this process's threads (Linux: /proc/self/task/<tid>/stat, field 19). */
function threadNices(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(Number(tid), Number(fields[16]));
  }
  return out;
}

describe('scrypt on the low-priority worker pool', () => {
  it('derives exactly what crypto.scryptSync derives, for more concurrent hashes than workers', async () => {
    const salts = Array.from({ length: POOL_SIZE * 3 }, (_, i) => Buffer.alloc(16, i));
    const keys = await Promise.all(salts.map((s) => scryptInPool('pässword', s, 32, OPTS)));
    keys.forEach((k, i) => expect(k).toEqual(scryptSync('pässword', salts[i] ?? '', 32, OPTS)));
  });

  it('refuses impossible parameters with an error, and keeps hashing afterwards', async () => {
    await expect(
      scryptInPool('pw', Buffer.alloc(16), 32, { N: 2 ** 20, r: 8, p: 1, maxmem: 1024 })
    ).rejects.toThrow(/memory|maxmem|invalid/i);
    const hash = await hashPassword('correct horse battery staple', { ln: 10, r: 8, p: 1 });
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('wrong horse battery staple', hash)).toBe(false);
  });

  it.runIf(process.platform === 'linux')(
    'hashes on threads at nice 19 while the event loop thread keeps its priority',
    async () => {
      await Promise.all(
        Array.from({ length: POOL_SIZE }, (_, i) =>
          scryptInPool('pw', Buffer.alloc(16, i), 32, OPTS)
        )
      );
      const nices = threadNices();
      expect(nices.get(process.pid)).toBe(0);
      expect([...nices.values()].filter((n) => n === 19).length).toBeGreaterThanOrEqual(POOL_SIZE);
    }
  );
});
