import { businessListSchema } from '@kspay/shared/businesses';
import { companyProfileSchema } from '@kspay/shared/company';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeServer, createMerchant, type Merchant, type TestServer } from './helpers/payments';
import { call, expectError, snapshot } from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

/** The company profile on the Profile page, on SQLite and PostgreSQL. */
describeEachDialect('company profile', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect);
  });
  afterAll(() => closeServer(t));

  const company = (m: Merchant) => `/api/businesses/${m.businessId}/company`;
  const read = async (m: Merchant) => {
    const res = await call(t, 'GET', company(m), { cookie: m.cookie });
    expect(res.status).toBe(200);
    return companyProfileSchema.parse(await res.json());
  };

  it('is empty until saved, then keeps the normalised fields; a field left out is cleared', async () => {
    const m = await createMerchant(t);
    // The business's name is the profile's until one is saved (one name, not two).
    const [own] = await businessesOf(m);
    expect(await read(m)).toEqual({
      businessName: own?.name,
      website: null,
      address: null,
      country: null,
      state: null,
      city: null,
      postalCode: null,
      updatedAt: null
    });
    const res = await call(t, 'PATCH', company(m), {
      cookie: m.cookie,
      body: {
        businessName: ' Asha Traders ',
        website: 'Asha.Example.com',
        address: '12 MG Road\nBengaluru',
        country: 'in',
        state: 'in-ka',
        city: 'Bengaluru',
        postalCode: ' 560001 '
      }
    });
    expect(res.status).toBe(200);
    const saved = {
      businessName: 'Asha Traders',
      website: 'https://asha.example.com/',
      address: '12 MG Road\nBengaluru',
      country: 'IN',
      state: 'IN-KA',
      city: 'Bengaluru',
      postalCode: '560001'
    };
    expect(companyProfileSchema.parse(await res.json())).toMatchObject(saved);
    expect(await read(m)).toMatchObject({
      ...saved,
      updatedAt: t.clock.now().toISOString()
    });

    await call(t, 'PATCH', company(m), { cookie: m.cookie, body: { businessName: 'Asha' } });
    expect(await read(m)).toMatchObject({
      businessName: 'Asha',
      website: null,
      country: null
    });
  });

  const businessesOf = async (m: Merchant) => {
    const res = await call(t, 'GET', '/api/businesses', { cookie: m.cookie });
    expect(res.status).toBe(200);
    return businessListSchema.parse(await res.json()).businesses;
  };

  it('renames the business: the switcher, the Team page and invitations show the company name', async () => {
    const m = await createMerchant(t);
    const res = await call(t, 'PATCH', company(m), {
      cookie: m.cookie,
      body: { businessName: 'Chai & Co. Pvt Ltd' }
    });
    expect(res.status).toBe(200);
    expect(await businessesOf(m)).toEqual([
      { id: m.businessId, name: 'Chai & Co. Pvt Ltd', role: 'owner' }
    ]);
    // Clearing the field keeps the name: a business always has one, and the profile shows it.
    const cleared = await call(t, 'PATCH', company(m), { cookie: m.cookie, body: {} });
    expect(companyProfileSchema.parse(await cleared.json()).businessName).toBe(
      'Chai & Co. Pvt Ltd'
    );
    expect((await businessesOf(m))[0]?.name).toBe('Chai & Co. Pvt Ltd');
    expect((await read(m)).businessName).toBe('Chai & Co. Pvt Ltd');
  });

  it('refuses a website that is not https, a state of another country and a bad postcode, changing nothing', async () => {
    const m = await createMerchant(t);
    const cases: [Record<string, unknown>, string][] = [
      [{ website: 'http://example.com' }, 'website'],
      [{ website: 'javascript:alert(1)' }, 'website'],
      [{ website: 'https://user:pw@example.com' }, 'website'],
      [{ website: 'https://localhost' }, 'website'],
      [{ country: 'IN', state: 'US-CA' }, 'state'],
      [{ state: 'IN-KA' }, 'state'],
      [{ country: 'XX' }, 'country'],
      [{ country: 'IN', postalCode: '12' }, 'postalCode'],
      [{ businessName: 'Asha\u0000Traders' }, 'businessName'],
      [{ city: 'x'.repeat(101) }, 'city'],
      [{ address: 'a\tb' }, 'address']
    ];
    for (const [body, field] of cases) {
      const before = await snapshot(t);
      const res = await call(t, 'PATCH', company(m), { cookie: m.cookie, body });
      const error = await expectError(res, 400, 'validation_failed');
      expect(error?.error.fields?.[field], JSON.stringify(body)).toBeTruthy();
      expect(await snapshot(t)).toEqual(before);
    }
  });

  it("is each merchant's own: another merchant neither reads nor changes it", async () => {
    const owner = await createMerchant(t);
    const other = await createMerchant(t);
    await call(t, 'PATCH', company(owner), {
      cookie: owner.cookie,
      body: { businessName: 'Owner Exports', country: 'GB', postalCode: 'sw1a 1aa' }
    });
    const seen = await call(t, 'GET', company(other), { cookie: other.cookie });
    expect(await seen.text()).not.toContain('Owner Exports');
    // Aimed at the owner's business: not a member, nothing read, nothing changed.
    const probe = await call(t, 'GET', company(owner), { cookie: other.cookie });
    expect(await probe.text()).not.toContain('Owner Exports');
    await expectError(
      await call(t, 'PATCH', company(owner), { cookie: other.cookie, body: { businessName: 'X' } }),
      403,
      'not_a_member'
    );
    await call(t, 'PATCH', company(other), {
      cookie: other.cookie,
      body: { businessName: 'Other Ltd' }
    });
    expect(await read(owner)).toMatchObject({
      businessName: 'Owner Exports',
      country: 'GB',
      postalCode: 'SW1A 1AA'
    });
    expect((await read(other)).businessName).toBe('Other Ltd');
  });
});
