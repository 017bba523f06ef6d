import { SYNC_SCHEMA_VERSION, type Mutation } from '@kspay/shared';
import { bytesToBase64 } from '@kspay/shared/logo';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  create,
  fields,
  merchant,
  newAppId,
  newClientId,
  pngLogo,
  post,
  pull,
  push,
  syncTables,
  type T,
  type TestMerchant,
  serverWithMerchant
} from './helpers/apps';
import { expectError } from './helpers/security';
import { describeEachDialect } from './helpers/services';

const ascii = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));

describeEachDialect(
  'apps: bad input is refused field by field and nothing is stored',
  (dialect) => {
    let t: T;
    let m: TestMerchant;
    beforeAll(async () => {
      ({ t, m } = await serverWithMerchant(dialect));
    });
    afterAll(() => t.close());

    const appTables = async () => {
      const { apps, app_logos, merchant_versions } = await syncTables(t);
      return { apps, app_logos, merchant_versions };
    };

    /** Pushes one mutation that must be refused; returns the refusal. */
    async function refused(mutation: Mutation) {
      const before = await appTables();
      const res = await push(t, m, newClientId(), [mutation]);
      expect(res.lastMutationId).toBe(1);
      expect(res.rejections).toHaveLength(1);
      expect(await appTables()).toEqual(before);
      return res.rejections[0]!;
    }

    const cases: [string, () => Mutation, Record<string, string>][] = [
      [
        'a 101 KB PNG',
        () => create(1, newAppId(), fields(), pngLogo(101 * 1024)),
        { logo: 'The logo must be 100 KB or smaller' }
      ],
      [
        'a PNG renamed from a text file',
        () =>
          create(1, newAppId(), fields(), {
            type: 'image/png',
            data: bytesToBase64(ascii('I am a text file called logo.png'))
          }),
        { logo: 'The logo must be a JPG or PNG image' }
      ],
      [
        'a PNG sent as a JPEG',
        () => create(1, newAppId(), fields(), { ...pngLogo(), type: 'image/jpeg' }),
        { logo: 'The logo must be a JPG or PNG image' }
      ],
      [
        'an invalid phone number',
        () => create(1, newAppId(), fields({ phone: '+91 12' })),
        { phone: 'Enter a valid phone number, like +91 98765 43210' }
      ],
      [
        'a state from another country',
        () => create(1, newAppId(), fields({ country: 'IN', state: 'US-CA' })),
        { state: 'Choose a state of India' }
      ],
      [
        'a postcode that does not fit the country',
        () => create(1, newAppId(), fields({ country: 'US', state: null, postalCode: '400 001' })),
        { postalCode: 'This is not a valid postal code for United States' }
      ],
      [
        'a name that is too short and a missing email',
        () => create(1, newAppId(), { ...fields({ name: 'ab' }), email: undefined } as never),
        { name: 'Use at least 3 characters', email: 'Enter an email address' }
      ]
    ];

    for (const [what, mutation, expected] of cases) {
      it(`refuses ${what} with a field error`, async () => {
        const r = await refused(mutation());
        expect(r).toMatchObject({ code: 'validation_failed', fields: expected });
      });
    }

    it('refuses args that are no app at all, without a record id', async () => {
      const r = await refused({ id: 1, name: 'app.create', args: 'DROP TABLE apps' });
      expect(r).toMatchObject({ code: 'validation_failed', recordId: null });
    });

    it('answers 400 with field errors to a push body that breaks the protocol', async () => {
      const before = await syncTables(t);
      const res = await post(t, '/api/sync/push', m.cookie, {
        clientId: newClientId(),
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations: [{ id: 1, name: 'app.delete', args: {} }]
      });
      const body = await expectError(res, 400, 'validation_failed');
      expect(Object.keys(body?.error.fields ?? {})).toContain('mutations.0.name');
      expect(await syncTables(t)).toEqual(before);
    });

    it('stores HTML and script in a name verbatim and hands it back as text', async () => {
      const name = '<img src=x onerror=alert(1)><script>alert("x")</script>';
      const id = newAppId();
      const client = newClientId();
      expect((await push(t, m, client, [create(1, id, fields({ name }))])).rejections).toEqual([]);
      expect((await pull(t, m, client)).apps.find((a) => a.id === id)?.name).toBe(name);
    });

    it('refuses a second app with the same name in any case, but lets an app keep its own', async () => {
      const client = newClientId();
      const first = newAppId();
      await push(t, m, client, [create(1, first, fields({ name: 'Spice Market' }))]);
      const r = await refused(create(1, newAppId(), fields({ name: '  SPICE market ' })));
      expect(r).toMatchObject({
        code: 'app_name_taken',
        fields: { name: 'You already have an app with this name' }
      });
      const rename = await push(t, m, client, [
        {
          id: 2,
          name: 'app.update',
          args: { id: first, baseVersion: 0, fields: fields({ name: 'spice MARKET' }) }
        }
      ]);
      expect(rename.rejections).toEqual([]);
      const other = await merchant(t);
      const theirs = await push(t, other, newClientId(), [
        create(1, newAppId(), fields({ name: 'Spice Market' }))
      ]);
      expect(theirs.rejections).toEqual([]);
    });

    it('treats names that differ only by invisible, bidi-control or width characters as the same', async () => {
      const client = newClientId();
      const first = newAppId();
      await push(t, m, client, [create(1, first, fields({ name: 'Harbour Pay' }))]);
      for (const name of [
        'Harbour \u200bPay',
        'Harbour Pay\u200d',
        '\u202eHarbour Pay',
        'Harbour Pay\u00ad',
        'Ｈａｒｂｏｕｒ Ｐａｙ',
        '\u2066Harbour Pay\u2069'
      ]) {
        const r = await refused(create(1, newAppId(), fields({ name })));
        expect(r, JSON.stringify(name)).toMatchObject({ code: 'app_name_taken' });
      }
      // What is stored is the name as a person reads it: no hidden or direction characters.
      const id = newAppId();
      const other = newClientId();
      await push(t, m, other, [create(1, id, fields({ name: '\u202eTide\u200b Market' }))]);
      expect((await pull(t, m, other)).apps.find((a) => a.id === id)?.name).toBe('Tide Market');
    });

    it('has the database itself refuse a duplicate live name, but not beside a tombstone', async () => {
      const { db } = t.services.db;
      const row = await db
        .selectFrom('apps')
        .selectAll()
        .where('business_id', '=', m.businessId)
        .executeTakeFirstOrThrow();
      const copy = { ...row, id: newAppId(), version: 999_999 };
      await expect(db.insertInto('apps').values(copy).execute()).rejects.toThrow();
      await db
        .insertInto('apps')
        .values({ ...copy, deleted_at: row.created_at })
        .execute();
      await db.deleteFrom('apps').where('id', '=', copy.id).execute();
    });
  }
);
