import { MAX_ROWS_PER_PULL } from '@kspay/shared';
import { appRecordSchema, pullResponseSchema } from '@kspay/shared/apps';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  create,
  fields,
  merchant,
  newAppId,
  newClientId,
  pngLogo,
  pull,
  push,
  type T,
  type TestMerchant,
  serverWithMerchant
} from './helpers/apps';
import { describeEachDialect } from './helpers/services';

describeEachDialect('sync: registering and editing apps', (dialect) => {
  let t: T;
  let m: TestMerchant;
  beforeAll(async () => {
    ({ t, m } = await serverWithMerchant(dialect));
  });
  afterAll(() => t.close());

  it('registers an app from a push and hands it, normalised, to a pull', async () => {
    const client = newClientId();
    const appId = newAppId();
    const f = fields({ name: '  Tea Stall ', phone: '+91 (98765) 43210', state: 'in-mh' });
    const res = await push(t, m, client, [create(1, appId, f, pngLogo())]);
    expect(res).toEqual({ lastMutationId: 1, rejections: [] });

    const page = pullResponseSchema.parse(await pull(t, m, newClientId()));
    const app = page.apps.find((a) => a.id === appId);
    expect(app).toMatchObject({
      name: 'Tea Stall',
      phone: '+919876543210',
      state: 'IN-MH',
      status: 'active',
      deleted: false,
      logoHash: expect.stringMatching(/^[0-9a-f]{64}$/) as string
    });
    expect(appRecordSchema.parse(app).version).toBeGreaterThan(0);
    expect(page.cursor).toBe(Math.max(...page.apps.map((a) => a.version)));
  });

  it('answers a pull from a cursor with only what changed since, in version order', async () => {
    const client = newClientId();
    const a = newAppId();
    const b = newAppId();
    await push(t, m, client, [create(1, a), create(2, b)]);
    const before = await pull(t, m, client);
    const rowA = before.apps.find((x) => x.id === a)!;

    await push(t, m, client, [
      {
        id: 3,
        name: 'app.setStatus',
        args: { id: a, baseVersion: rowA.version, status: 'disabled' }
      }
    ]);
    const after = await pull(t, m, client, before.cursor);
    expect(after.apps.map((x) => [x.id, x.status])).toEqual([[a, 'disabled']]);
    expect(after.lastMutationId).toBe(3);
    expect(after.apps[0]!.version).toBeGreaterThan(before.cursor);

    const nothing = await pull(t, m, client, after.cursor);
    expect(nothing).toMatchObject({ apps: [], cursor: after.cursor, hasMore: false });
  });

  it('lets a client create and then edit an app offline before it ever pulled it', async () => {
    const client = newClientId();
    const id = newAppId();
    const res = await push(t, m, client, [
      create(1, id, fields({ name: 'Draft Name' })),
      {
        id: 2,
        name: 'app.update',
        args: { id, baseVersion: 0, fields: fields({ name: 'Final Name' }) }
      },
      { id: 3, name: 'app.setStatus', args: { id, baseVersion: 0, status: 'disabled' } }
    ]);
    expect(res.rejections).toEqual([]);
    const app = (await pull(t, m, client)).apps.find((x) => x.id === id);
    expect(app).toMatchObject({ name: 'Final Name', status: 'disabled' });
  });

  it('refuses a stale edit from another device as a conflict carrying the server row', async () => {
    const phone = newClientId();
    const laptop = newClientId();
    const id = newAppId();
    await push(t, m, phone, [create(1, id, fields({ name: 'Original' }))]);
    const seen = (await pull(t, m, laptop)).apps.find((x) => x.id === id)!;
    await push(t, m, phone, [
      {
        id: 2,
        name: 'app.update',
        args: { id, baseVersion: 0, fields: fields({ name: 'From phone' }) }
      }
    ]);

    const stale = {
      id: 1,
      name: 'app.update' as const,
      args: { id, baseVersion: seen.version, fields: fields({ name: 'From laptop' }) }
    };
    const res = await push(t, m, laptop, [stale]);
    expect(res.lastMutationId).toBe(1);
    expect(res.rejections).toEqual([
      expect.objectContaining({
        mutationId: 1,
        code: 'conflict',
        recordId: id,
        record: expect.objectContaining({ name: 'From phone' }) as unknown
      })
    ]);
    const later = await pull(t, m, laptop, seen.version);
    expect(later.rejections[0]).toMatchObject({ code: 'conflict', record: { name: 'From phone' } });
    expect(later.apps.find((x) => x.id === id)?.name).toBe('From phone');
  });

  it('pages a long history with hasMore, never skipping or repeating a row', async () => {
    const other = await merchant(t);
    const client = newClientId();
    const total = MAX_ROWS_PER_PULL + 7;
    for (let start = 1; start <= total; start += 50) {
      const batch = [];
      for (let id = start; id < Math.min(start + 50, total + 1); id++) batch.push(create(id));
      await push(t, other, client, batch);
    }
    const first = await pull(t, other, client);
    expect(first.apps).toHaveLength(MAX_ROWS_PER_PULL);
    expect(first.hasMore).toBe(true);
    const second = await pull(t, other, client, first.cursor);
    expect(second.hasMore).toBe(false);
    const ids = [...first.apps, ...second.apps].map((a) => a.id);
    expect(new Set(ids).size).toBe(total);
    expect(ids).toHaveLength(total);
  });
});
