import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, bearer, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

describe.each(backends())('driver accounts on %s', (backend: Backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  const signUp = async (extra: Record<string, unknown> = {}) => {
    const res = await t.http
      .post('/v1/drivers')
      .send({ email: `${unique('app')}@example.com`, name: 'Ana', password: 'a long driver password', ...extra })
      .expect(201);
    return bearer(res.body.tokens.access_token);
  };

  it('records the terms accepted at sign-up, with the language chosen', async () => {
    const before = Date.now();
    const me = await t.http
      .get('/v1/me')
      .set(await signUp({ locale: 'ar', accepted_terms_version: '2026-11' }))
      .expect(200);
    expect(me.body.user).toMatchObject({ locale: 'ar', is_driver: true });
    expect(me.body.driver).toMatchObject({ terms_version: '2026-11', preferences: {} });
    expect(new Date(me.body.driver.terms_accepted_at).getTime()).toBeGreaterThanOrEqual(before - 1000);
    const old = await t.http
      .get('/v1/me')
      .set(await signUp())
      .expect(200);
    expect(old.body.driver).toMatchObject({ terms_version: null, terms_accepted_at: null });
    const bad = await t.http
      .post('/v1/drivers')
      .send({ email: `${unique('app')}@example.com`, name: 'Ana', password: 'a long driver password', accepted_terms_version: 'v1; drop' })
      .expect(422);
    expect(bad.body.errors[0].field).toContain('accepted_terms_version');
  });

  it('changes name, language and settings; settings merge, notification choices one by one', async () => {
    const me = await signUp();
    const first = await t.http
      .patch('/v1/me')
      .set(me)
      .send({
        name: 'Ana Silva',
        locale: 'fr',
        preferences: { units: 'imperial', default_connector: 'IEC_62196_T2', notifications: { queue_offers: true, session_end: false } },
      })
      .expect(200);
    expect(first.body.user).toMatchObject({ name: 'Ana Silva', locale: 'fr' });
    const second = await t.http
      .patch('/v1/me')
      .set(me)
      .send({ preferences: { vehicle: 'Renault Zoe 52 kWh', notifications: { session_end: true } } })
      .expect(200);
    expect(second.body.user.name).toBe('Ana Silva');
    expect(second.body.driver.preferences).toEqual({
      units: 'imperial',
      default_connector: 'IEC_62196_T2',
      vehicle: 'Renault Zoe 52 kWh',
      notifications: { queue_offers: true, session_end: true },
    });
    const cleared = await t.http
      .patch('/v1/me')
      .set(me)
      .send({ preferences: { default_connector: null } })
      .expect(200);
    expect(cleared.body.driver.preferences.default_connector).toBeNull();
  });

  it('refuses bad changes field by field and writes nothing of them', async () => {
    const me = await signUp();
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '' }, 'name'],
      [{ locale: 'xx-not-a-locale-at-all' }, 'locale'],
      [{ preferences: { units: 'furlongs' } }, 'units'],
      [{ preferences: { default_connector: 'USB' } }, 'default_connector'],
      [{ preferences: { vehicle: 'x'.repeat(81) } }, 'vehicle'],
      [{ preferences: { battery_kwh: 2 } }, 'battery_kwh'],
      [{ preferences: { battery_kwh: 'big' } }, 'battery_kwh'],
      [{ preferences: { notifications: { queue_offers: 'yes please' } } }, 'queue_offers'],
      [{ name: 'Fine', preferences: { units: 'furlongs' } }, 'units'],
    ];
    for (const [body, field] of cases) {
      const res = await t.http.patch('/v1/me').set(me).send(body);
      expect([field, res.status]).toEqual([field, 422]);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(JSON.stringify(res.body.errors)).toContain(field);
    }
    const after = await t.http.get('/v1/me').set(me).expect(200);
    expect(after.body.user.name).toBe('Ana');
    expect(after.body.driver.preferences).toEqual({});
  });

  it('staff cannot set driver settings, and API keys cannot change an account', async () => {
    const network = await signUpNetwork(t.http);
    const staff = await t.http
      .patch('/v1/me')
      .set(bearer(network.accessToken))
      .send({ preferences: { units: 'metric' } })
      .expect(422);
    expect(staff.body.errors[0].field).toBe('body.preferences');
    await t.http.patch('/v1/me').set(bearer(network.accessToken)).send({ name: 'Owner Renamed' }).expect(200);
    const key = await t.http.post('/v1/api-keys').set(bearer(network.accessToken)).send({ kind: 'secret', name: 'server' }).expect(201);
    await t.http.patch('/v1/me').set(bearer(key.body.key)).send({ name: 'Key' }).expect(403);
    await t.http.patch('/v1/me').send({ name: 'Nobody' }).expect(401);
  });
});
