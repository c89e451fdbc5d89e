import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, registerDriver, startTestApp, type TestApp } from '../test/harness.js';

describe.each(backends())('problems in the caller’s language on %s', (backend: Backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  it('titles and fixed details follow Accept-Language; the type and the fields never change', async () => {
    const english = await t.http.post('/v1/auth/login').send({ email: 'not-an-email' }).expect(422);
    const german = await t.http.post('/v1/auth/login').set('Accept-Language', 'de-CH, en;q=0.5').send({ email: 'not-an-email' }).expect(422);
    const french = await t.http.post('/v1/auth/login').set('Accept-Language', 'fr').send({ email: 'not-an-email' }).expect(422);
    expect(english.body).toMatchObject({ title: 'Validation failed', detail: 'One or more fields are invalid.' });
    expect(english.headers['content-language']).toBe('en');
    expect(german.body).toMatchObject({ title: 'Ungültige Angaben', detail: 'Ein oder mehrere Felder sind ungültig.' });
    expect(german.headers['content-language']).toBe('de');
    expect(german.headers.vary).toMatch(/Accept-Language/);
    expect(french.body).toMatchObject({ title: 'Données non valides', detail: 'Un ou plusieurs champs ne sont pas valides.' });
    for (const res of [german, french]) {
      expect(res.body.type).toBe(english.body.type);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(english.body.errors.map((e: { field: string }) => e.field));
    }
  });

  it('every kind of refusal: unknown routes, missing credentials, a rule’s own conflict (its detail stays English)', async () => {
    const route = await t.http.get('/v1/nowhere').set('Accept-Language', 'zh-CN').expect(404);
    expect(route.body.title).toBe('未找到');
    expect(route.headers['content-language']).toBe('zh-Hans');
    const anonymous = await t.http.get('/v1/me').set('Accept-Language', 'ar').expect(401);
    expect(anonymous.body.title).toBe('المصادقة مطلوبة');
    const driver = await registerDriver(t.http);
    const taken = await t.http
      .post('/v1/drivers')
      .set('Accept-Language', 'it')
      .send({ email: driver.email, name: 'Again', password: 'another password 1' })
      .expect(409);
    expect(taken.body).toMatchObject({ title: 'Conflitto', detail: 'An account with this email exists; sign in instead.' });
    expect(taken.body.type).toMatch(/email-taken$/);
    // A language we do not write falls back to English.
    const finnish = await t.http.get('/v1/me').set('Accept-Language', 'fi').expect(401);
    expect(finnish.body.title).toBe('Authentication required');
    expect(finnish.headers['content-language']).toBe('en');
  });

  it('a locked account is told in Dutch, with the seconds', async () => {
    const driver = await registerDriver(t.http);
    for (let i = 0; i < 5; i++) await t.http.post('/v1/auth/login').send({ email: driver.email, password: 'wrong password 9' }).expect(401);
    const locked = await t.http.post('/v1/auth/login').set('Accept-Language', 'nl-BE').send({ email: driver.email, password: driver.password }).expect(429);
    expect(locked.body.title).toBe('Account tijdelijk geblokkeerd');
    expect(locked.body.detail).toMatch(/^Te veel verkeerde wachtwoorden voor dit account: probeer het over \d+ s opnieuw/);
  });
});
