import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, bearer, registerDriver, signUpNetwork, startTestApp, type TestApp } from '../test/harness.js';

describe.each(backends())('auth on %s', (backend: Backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  it('logs in with email and password and the token works for /v1/me', async () => {
    const owner = await signUpNetwork(t.http);
    const login = await t.http.post('/v1/auth/login').send({ email: owner.ownerEmail.toUpperCase(), password: owner.password }).expect(200);
    expect(login.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(login.body.refresh_token).toMatch(/^rt_/);
    const me = await t.http.get('/v1/me').set(bearer(login.body.access_token)).expect(200);
    expect(me.body).toMatchObject({ kind: 'user', network_id: owner.networkId, role: 'owner' });
    expect(me.body.user.email).toBe(owner.ownerEmail);
    expect(me.body.permissions).toContain('keys:manage');
    expect(me.body.user.memberships).toEqual([{ network_id: owner.networkId, network_name: 'Test Network', role: 'owner' }]);
  });

  it('rejects a wrong password and an unknown email the same way', async () => {
    const owner = await signUpNetwork(t.http);
    const wrong = await t.http.post('/v1/auth/login').send({ email: owner.ownerEmail, password: 'not the password' }).expect(401);
    const unknown = await t.http.post('/v1/auth/login').send({ email: 'nobody@example.com', password: 'whatever123' }).expect(401);
    expect(wrong.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(wrong.body).toMatchObject({ type: 'https://voltshare.dev/problems/unauthenticated', status: 401 });
    expect(unknown.body.detail).toBe(wrong.body.detail);
  });

  it('validates the login body with per-field errors', async () => {
    const res = await t.http.post('/v1/auth/login').send({ email: 'not-an-email', extra: 1 }).expect(422);
    expect(res.body.type).toBe('https://voltshare.dev/problems/validation-error');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.email', 'body.password']));
  });

  it('staff of several networks choose one at login; a network they are not in is refused', async () => {
    const first = await signUpNetwork(t.http, 'First');
    const second = await signUpNetwork(t.http, 'Second');
    const invite = await t.http.post('/v1/network/invitations').set(bearer(second.accessToken)).send({ email: first.ownerEmail, role: 'viewer' }).expect(201);
    await t.http.post('/v1/invitations/accept').send({ token: invite.body.token, password: first.password }).expect(200);
    const asViewer = await t.http.post('/v1/auth/login').send({ email: first.ownerEmail, password: first.password, network_id: second.networkId }).expect(200);
    const me = await t.http.get('/v1/me').set(bearer(asViewer.body.access_token)).expect(200);
    expect(me.body).toMatchObject({ network_id: second.networkId, role: 'viewer' });
    expect(me.body.user.memberships).toHaveLength(2);
    const outsider = await signUpNetwork(t.http, 'Outsider');
    await t.http.post('/v1/auth/login').send({ email: first.ownerEmail, password: first.password, network_id: outsider.networkId }).expect(403);
  });

  it('rotates refresh tokens; a reused one revokes the whole login', async () => {
    const driver = await registerDriver(t.http);
    const first = await t.http.post('/v1/auth/refresh').send({ refresh_token: driver.refreshToken }).expect(200);
    expect(first.body.refresh_token).not.toBe(driver.refreshToken);
    const second = await t.http.post('/v1/auth/refresh').send({ refresh_token: first.body.refresh_token }).expect(200);
    // Replaying the first, already rotated token: treated as theft.
    await t.http.post('/v1/auth/refresh').send({ refresh_token: driver.refreshToken }).expect(401);
    // ... so the newest token of that login stops working too.
    await t.http.post('/v1/auth/refresh').send({ refresh_token: second.body.refresh_token }).expect(401);
  });

  it('logout revokes the refresh token and is idempotent', async () => {
    const driver = await registerDriver(t.http);
    await t.http.post('/v1/auth/logout').send({ refresh_token: driver.refreshToken }).expect(204);
    await t.http.post('/v1/auth/logout').send({ refresh_token: driver.refreshToken }).expect(204);
    await t.http.post('/v1/auth/refresh').send({ refresh_token: driver.refreshToken }).expect(401);
    await t.http.post('/v1/auth/refresh').send({ refresh_token: 'rt_madeup' }).expect(401);
  });

  it('401s for missing, malformed, forged and expired access tokens', async () => {
    await t.http.get('/v1/me').expect(401);
    const malformed = await t.http.get('/v1/me').set('Authorization', 'Basic abc').expect(401);
    expect(malformed.headers['www-authenticate']).toMatch(/Bearer/);
    await t.http.get('/v1/me').set(bearer('not.a.jwt')).expect(401);
    const forged = await new SignJWT({ typ: 'access', drv: true })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('usr_x')
      .setIssuer('voltshare')
      .setAudience('voltshare-api')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('some-other-secret-some-other-secret-000'));
    await t.http.get('/v1/me').set(bearer(forged)).expect(401);
    const expired = await new SignJWT({ typ: 'access', drv: true })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('usr_x')
      .setIssuer('voltshare')
      .setAudience('voltshare-api')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(t.services.config.jwtSecret));
    await t.http.get('/v1/me').set(bearer(expired)).expect(401);
  });

  it('a driver token has driver permissions and no network', async () => {
    const driver = await registerDriver(t.http);
    const me = await t.http.get('/v1/me').set(bearer(driver.accessToken)).expect(200);
    expect(me.body).toMatchObject({ kind: 'user', network_id: null, role: null, permissions: ['driver', 'public:read'] });
    expect(me.body.user.is_driver).toBe(true);
    await t.http.get('/v1/network').set(bearer(driver.accessToken)).expect(403);
  });
});

describe('auth rate limiting', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite', { AUTH_RATE_LIMIT_MAX: '3', AUTH_RATE_LIMIT_WINDOW_MS: '60000' });
  });
  afterAll(() => t.close());

  it('answers 429 problem+json with Retry-After once the limit is used up', async () => {
    for (let i = 0; i < 3; i++) await t.http.post('/v1/auth/login').send({ email: 'x@example.com', password: 'wrong-password' }).expect(401);
    const limited = await t.http.post('/v1/auth/login').send({ email: 'x@example.com', password: 'wrong-password' }).expect(429);
    expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.body.type).toBe('https://voltshare.dev/problems/rate-limited');
    // Authenticated, non-auth endpoints are not limited by the auth limiter.
    await t.http.get('/health').expect(200);
  });
});
