import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, bearer, registerDriver, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

describe.each(backends())('networks and staff on %s', (backend: Backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  it('signs up a network with its owner, who is signed in', async () => {
    const owner = await signUpNetwork(t.http, 'Lux Charge');
    expect(owner.networkId).toMatch(/^net_[0-9a-z]{26}$/);
    const res = await t.http.get('/v1/network').set(bearer(owner.accessToken)).expect(200);
    expect(res.body).toMatchObject({ id: owner.networkId, name: 'Lux Charge', country: 'LU', currency: 'EUR', public_sharing: true });
    expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);
  });

  it('rejects bad sign-ups with per-field errors and writes nothing', async () => {
    const slug = unique('bad').toLowerCase();
    const res = await t.http
      .post('/v1/networks')
      .send({ network: { name: '', slug: 'Not A Slug', country: 'lux', currency: 'euro' }, owner: { email: 'x', name: 'O', password: 'short' } })
      .expect(422);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(
      ['body.network.country', 'body.network.currency', 'body.network.name', 'body.network.slug', 'body.owner.email', 'body.owner.password'].sort(),
    );
    await t.http
      .post('/v1/networks')
      .send({ network: { name: 'x', slug, country: 'LU', currency: 'EUR' } })
      .expect(422);
    const count = await t.services.scopes.system((tx) => tx.selectFrom('networks').select('id').where('slug', '=', slug).execute());
    expect(count).toEqual([]);
  });

  it('refuses a taken slug or email with 409 and leaves no half-created network', async () => {
    const first = await signUpNetwork(t.http);
    const slug = unique('fresh').toLowerCase();
    const dupEmail = await t.http
      .post('/v1/networks')
      .send({ network: { name: 'Dup', slug, country: 'LU', currency: 'EUR' }, owner: { email: first.ownerEmail, name: 'O', password: 'long enough pw' } })
      .expect(409);
    expect(dupEmail.body.type).toBe('https://voltshare.dev/problems/email-taken');
    const orphan = await t.services.scopes.system((tx) => tx.selectFrom('networks').select('id').where('slug', '=', slug).execute());
    expect(orphan).toEqual([]);
    const network = await t.http.get('/v1/network').set(bearer(first.accessToken)).expect(200);
    const dupSlug = await t.http
      .post('/v1/networks')
      .send({
        network: { name: 'Dup', slug: network.body.slug, country: 'LU', currency: 'EUR' },
        owner: { email: `${unique('o')}@example.com`, name: 'O', password: 'long enough pw' },
      })
      .expect(409);
    expect(dupSlug.body.type).toBe('https://voltshare.dev/problems/slug-taken');
  });

  it('updates the network; a viewer may read but not write', async () => {
    const owner = await signUpNetwork(t.http);
    const updated = await t.http.patch('/v1/network').set(bearer(owner.accessToken)).send({ name: 'Renamed', public_sharing: false }).expect(200);
    expect(updated.body).toMatchObject({ name: 'Renamed', public_sharing: false });
    await t.http.patch('/v1/network').set(bearer(owner.accessToken)).send({ currency: 'eur' }).expect(422);
    await t.http.patch('/v1/network').set(bearer(owner.accessToken)).send({ tenant_id: 'net_other' }).expect(422);

    const email = `${unique('viewer')}@example.com`;
    const invite = await t.http.post('/v1/network/invitations').set(bearer(owner.accessToken)).send({ email, role: 'viewer' }).expect(201);
    const viewer = await t.http.post('/v1/invitations/accept').send({ token: invite.body.token, name: 'Vera', password: 'viewer password' }).expect(200);
    await t.http.get('/v1/network').set(bearer(viewer.body.access_token)).expect(200);
    const forbidden = await t.http.patch('/v1/network').set(bearer(viewer.body.access_token)).send({ name: 'Hacked' }).expect(403);
    expect(forbidden.body.detail).toMatch(/network:write/);
    await t.http.post('/v1/network/invitations').set(bearer(viewer.body.access_token)).send({ email: 'a@example.com', role: 'viewer' }).expect(403);
  });

  it('switching public sharing gives every active location of the network a new version and event, however many', async () => {
    const owner = await signUpNetwork(t.http);
    // More locations than one audience query takes (it reads them in slices of 1,000), one of them removed.
    await t.services.scopes.tenant(owner.networkId, (tx) =>
      sql`insert into locations (tenant_id, id, name, address, city, country, latitude, longitude, time_zone, status)
          select ${owner.networkId}, 'loc_many' || n, 'Site ' || n, 'Street ' || n, 'Luxembourg', 'LU', 49.6 + n / 100000.0, 6.1, 'Europe/Luxembourg',
                 case when n = 1 then 'REMOVED' else 'ACTIVE' end
          from generate_series(1, 1201) n`.execute(tx),
    );
    const heard = new Map<string, { public: boolean; version: number }>();
    const unsubscribe = t.services.bus.subscribe((event) => {
      if (event.type === 'location.updated' && event.audience.tenant_id === owner.networkId) {
        heard.set(event.payload.location_id, { public: event.audience.public, version: event.payload.version });
      }
    });
    try {
      await t.http.patch('/v1/network').set(bearer(owner.accessToken)).send({ public_sharing: false }).expect(200);
      expect(heard.size).toBe(1200);
      expect(heard.has('loc_many1')).toBe(false);
      expect([...heard.values()].every((e) => !e.public)).toBe(true);
      const stored = await t.services.scopes.tenant(owner.networkId, (tx) =>
        tx.selectFrom('locations').select(['id', 'version']).where('tenant_id', '=', owner.networkId).where('status', '=', 'ACTIVE').execute(),
      );
      expect(stored.every((row) => heard.get(row.id)?.version === row.version)).toBe(true);
      // Setting it to what it already is changes nothing.
      heard.clear();
      await t.http.patch('/v1/network').set(bearer(owner.accessToken)).send({ public_sharing: false }).expect(200);
      expect(heard.size).toBe(0);
    } finally {
      unsubscribe();
    }
  });

  it('invites staff, accepts once, lists staff with cursor pagination', async () => {
    const owner = await signUpNetwork(t.http);
    const emails: string[] = [];
    for (const role of ['admin', 'operator', 'support'] as const) {
      const email = `${unique(role)}@example.com`;
      emails.push(email);
      const invite = await t.http.post('/v1/network/invitations').set(bearer(owner.accessToken)).send({ email, role }).expect(201);
      expect(invite.body).toMatchObject({ email, role });
      expect(invite.body.token).toMatch(/^inv_/);
      await t.http.post('/v1/invitations/accept').send({ token: invite.body.token, name: role, password: 'staff password 1' }).expect(200);
      await t.http.post('/v1/invitations/accept').send({ token: invite.body.token, name: role, password: 'staff password 1' }).expect(404);
    }
    const page1 = await t.http.get('/v1/network/staff?limit=3').set(bearer(owner.accessToken)).expect(200);
    expect(page1.body.data).toHaveLength(3);
    expect(page1.body.next_cursor).toEqual(expect.any(String));
    const page2 = await t.http.get(`/v1/network/staff?limit=3&cursor=${page1.body.next_cursor}`).set(bearer(owner.accessToken)).expect(200);
    expect(page2.body.data).toHaveLength(1);
    expect(page2.body.next_cursor).toBeNull();
    const all = [...page1.body.data, ...page2.body.data];
    expect(all.map((m: { email: string }) => m.email).sort()).toEqual([owner.ownerEmail, ...emails].sort());
    expect(all.every((m: Record<string, unknown>) => !('password_hash' in m))).toBe(true);
    await t.http.get('/v1/network/staff?limit=0').set(bearer(owner.accessToken)).expect(422);
    await t.http.get('/v1/network/staff?limit=101').set(bearer(owner.accessToken)).expect(422);
    await t.http.get('/v1/network/staff?cursor=garbage').set(bearer(owner.accessToken)).expect(422);
  });

  it('an admin cannot invite an owner; an owner can', async () => {
    const owner = await signUpNetwork(t.http);
    const email = `${unique('adm')}@example.com`;
    const invite = await t.http.post('/v1/network/invitations').set(bearer(owner.accessToken)).send({ email, role: 'admin' }).expect(201);
    const admin = await t.http.post('/v1/invitations/accept').send({ token: invite.body.token, name: 'Ada', password: 'admin password' }).expect(200);
    await t.http.post('/v1/network/invitations').set(bearer(admin.body.access_token)).send({ email: 'boss@example.com', role: 'owner' }).expect(403);
    await t.http
      .post('/v1/network/invitations')
      .set(bearer(owner.accessToken))
      .send({ email: `${unique('co')}@example.com`, role: 'owner' })
      .expect(201);
    await t.http.post('/v1/network/invitations').set(bearer(owner.accessToken)).send({ email: owner.ownerEmail, role: 'viewer' }).expect(409);
    await t.http.post('/v1/network/invitations').set(bearer(owner.accessToken)).send({ email, role: 'janitor' }).expect(422);
  });

  it('staff lists never show another network’s people, and a driver token is not staff', async () => {
    const a = await signUpNetwork(t.http);
    const b = await signUpNetwork(t.http);
    const list = await t.http.get('/v1/network/staff').set(bearer(a.accessToken)).expect(200);
    expect(list.body.data.map((m: { user_id: string }) => m.user_id)).toEqual([a.ownerId]);
    expect(list.body.data.some((m: { user_id: string }) => m.user_id === b.ownerId)).toBe(false);
    const driver = await registerDriver(t.http);
    await t.http.get('/v1/network/staff').set(bearer(driver.accessToken)).expect(403);
  });

  it('an invitation needs a name for a new account and the right password for an existing one', async () => {
    const owner = await signUpNetwork(t.http);
    const invite = await t.http
      .post('/v1/network/invitations')
      .set(bearer(owner.accessToken))
      .send({ email: `${unique('n')}@example.com`, role: 'viewer' })
      .expect(201);
    const noName = await t.http.post('/v1/invitations/accept').send({ token: invite.body.token, password: 'a fine password' }).expect(422);
    expect(noName.body.errors[0].field).toBe('body.name');
    const driver = await registerDriver(t.http);
    const forDriver = await t.http.post('/v1/network/invitations').set(bearer(owner.accessToken)).send({ email: driver.email, role: 'support' }).expect(201);
    await t.http.post('/v1/invitations/accept').send({ token: forDriver.body.token, password: 'wrong password' }).expect(401);
    const joined = await t.http.post('/v1/invitations/accept').send({ token: forDriver.body.token, password: driver.password }).expect(200);
    const me = await t.http.get('/v1/me').set(bearer(joined.body.access_token)).expect(200);
    expect(me.body).toMatchObject({ role: 'support', network_id: owner.networkId });
    expect(me.body.user.is_driver).toBe(true);
  });
});

describe.each(backends())('drivers on %s', (backend: Backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  it('registers a driver, refuses a second account with the same email in any case', async () => {
    const driver = await registerDriver(t.http);
    expect(driver.driverId).toMatch(/^usr_/);
    const dup = await t.http.post('/v1/drivers').send({ email: driver.email.toUpperCase(), name: 'Again', password: 'another password' }).expect(409);
    expect(dup.body.type).toBe('https://voltshare.dev/problems/email-taken');
  });

  it('rejects bad registrations', async () => {
    const res = await t.http.post('/v1/drivers').send({ email: 'a@b', name: '', password: '123', locale: 'english!' }).expect(422);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.email', 'body.locale', 'body.name', 'body.password']);
  });
});
