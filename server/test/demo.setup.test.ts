import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoBanner, startDemo } from '../src/demo/setup';

/** `pnpm demo`'s start-up on SQLite in its own directory, with a small seed. */
describe('demo start-up: seeds once, then reuses', () => {
  let dir: string;
  const env = () => ({
    DEMO_DATA_DIR: dir,
    DEMO_TRANSACTIONS: '30',
    PASSWORD_HASH_LN: '10',
    WEB_ROOT: ''
  });
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-demo-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(extra: Record<string, string> = {}) {
    const demo = await startDemo({ ...env(), ...extra });
    const count = await demo.services.db.db
      .selectFrom('transactions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const users = await demo.services.db.db.selectFrom('users').select('email').execute();
    const banner = demoBanner(demo);
    await demo.close();
    return { demo, transactions: Number(count.n), users, banner };
  }

  it('seeds a merchant, two apps and the payments, and prints how to sign in', async () => {
    const first = await run();
    expect(first.demo.seeded).not.toBeNull();
    expect(first.transactions).toBe(30);
    expect(first.users).toHaveLength(1);
    expect(first.demo.state.apps).toHaveLength(2);
    expect(first.banner).toContain(first.demo.state.email);
    expect(first.banner).toContain(first.demo.state.password);
    // The secret keys are printed on the run that made them, and stored nowhere.
    const secrets = first.demo.seeded?.apps.map((a) => a.secretKey) ?? [];
    expect(secrets).toHaveLength(2);
    for (const s of secrets) expect(first.banner).toContain(s);
    const marker = fs.readFileSync(path.join(dir, 'demo.json'), 'utf8');
    for (const s of secrets) expect(marker).not.toContain(s);
    expect(fs.statSync(path.join(dir, 'demo.json')).mode & 0o077).toBe(0);

    const again = await run();
    expect(again.demo.seeded).toBeNull();
    expect(again.demo.state).toEqual(first.demo.state);
    expect(again.transactions).toBe(30);
    expect(again.users).toHaveLength(1);
    for (const s of secrets) expect(again.banner).not.toContain(s);
  });

  it('starts over after an interrupted seed (no marker) or with DEMO_RESET=1', async () => {
    const before = await run();
    fs.rmSync(path.join(dir, 'demo.json'));
    const resumed = await run();
    expect(resumed.demo.seeded).not.toBeNull();
    expect(resumed.transactions).toBe(30);
    expect(resumed.demo.state.password).not.toBe(before.demo.state.password);

    const reset = await run({ DEMO_RESET: '1' });
    expect(reset.demo.seeded).not.toBeNull();
    expect(reset.transactions).toBe(30);
    expect(reset.users).toHaveLength(1);
  });
});
