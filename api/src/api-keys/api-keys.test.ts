import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, bearer, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

describe.each(backends())('API keys on %s', (backend: Backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  it('creates a secret key shown once, stored hashed, usable as a bearer', async () => {
    const owner = await signUpNetwork(t.http);
    const created = await t.http
      .post('/v1/api-keys')
      .set(bearer(owner.accessToken))
      .send({ kind: 'secret', name: 'Billing server', scopes: ['network:read'] })
      .expect(201);
    expect(created.body.key).toMatch(/^sk_live_[0-9A-Za-z]{32}$/);
    expect(created.body.prefix).toBe(created.body.key.slice(0, 12));
    const stored = await t.services.scopes.system((tx) => tx.selectFrom('api_keys').selectAll().where('id', '=', created.body.id).executeTakeFirstOrThrow());
    expect(stored.key_hash).not.toContain(created.body.key);
    expect(JSON.stringify(stored)).not.toContain(created.body.key);

    const me = await t.http.get('/v1/me').set(bearer(created.body.key)).expect(200);
    expect(me.body).toMatchObject({ kind: 'secret_key', key_id: created.body.id, network_id: owner.networkId, permissions: ['network:read'] });
    await t.http.get('/v1/network').set(bearer(created.body.key)).expect(200);
    await t.http.patch('/v1/network').set(bearer(created.body.key)).send({ name: 'x' }).expect(403);

    const list = await t.http.get('/v1/api-keys').set(bearer(owner.accessToken)).expect(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).not.toHaveProperty('key');
    expect(list.body.data[0].last_used_at).not.toBeNull();
  });

  it('revokes a key at once, and revoking again is harmless', async () => {
    const owner = await signUpNetwork(t.http);
    const created = await t.http.post('/v1/api-keys').set(bearer(owner.accessToken)).send({ kind: 'secret', name: 'temp' }).expect(201);
    await t.http.get('/v1/network').set(bearer(created.body.key)).expect(200);
    const revoked = await t.http.post(`/v1/api-keys/${created.body.id}/revoke`).set(bearer(owner.accessToken)).expect(200);
    expect(revoked.body.revoked_at).not.toBeNull();
    await t.http.get('/v1/network').set(bearer(created.body.key)).expect(401);
    const again = await t.http.post(`/v1/api-keys/${created.body.id}/revoke`).set(bearer(owner.accessToken)).expect(200);
    expect(again.body.revoked_at).toBe(revoked.body.revoked_at);
  });

  it('another network’s key id is a 404 and stays untouched', async () => {
    const a = await signUpNetwork(t.http);
    const b = await signUpNetwork(t.http);
    const bKey = await t.http.post('/v1/api-keys').set(bearer(b.accessToken)).send({ kind: 'secret', name: 'b' }).expect(201);
    const res = await t.http.post(`/v1/api-keys/${bKey.body.id}/revoke`).set(bearer(a.accessToken)).expect(404);
    expect(res.body).not.toHaveProperty('name');
    await t.http.get('/v1/network').set(bearer(bKey.body.key)).expect(200);
    const aList = await t.http.get('/v1/api-keys').set(bearer(a.accessToken)).expect(200);
    expect(aList.body.data).toEqual([]);
  });

  it('refuses scopes a secret key may not have, and keys cannot mint keys', async () => {
    const owner = await signUpNetwork(t.http);
    const bad = await t.http
      .post('/v1/api-keys')
      .set(bearer(owner.accessToken))
      .send({ kind: 'secret', name: 'x', scopes: ['keys:manage', 'driver'] })
      .expect(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.scopes[0]', 'body.scopes[1]']);
    await t.http
      .post('/v1/api-keys')
      .set(bearer(owner.accessToken))
      .send({ kind: 'secret', name: 'x', scopes: ['fly'] })
      .expect(422);
    const key = await t.http
      .post('/v1/api-keys')
      .set(bearer(owner.accessToken))
      .send({ kind: 'secret', name: 'x', scopes: ['network:write', 'network:read'] })
      .expect(201);
    await t.http.post('/v1/api-keys').set(bearer(key.body.key)).send({ kind: 'secret', name: 'child' }).expect(403);
  });

  it('publishable keys work only from their allowed origins and only for public reads', async () => {
    const owner = await signUpNetwork(t.http);
    const missing = await t.http.post('/v1/api-keys').set(bearer(owner.accessToken)).send({ kind: 'publishable', name: 'widget' }).expect(422);
    expect(missing.body.errors[0].field).toBe('body.allowed_origins');
    await t.http
      .post('/v1/api-keys')
      .set(bearer(owner.accessToken))
      .send({ kind: 'publishable', name: 'widget', allowed_origins: ['https://cars.example.com/path'] })
      .expect(422);
    const pk = await t.http
      .post('/v1/api-keys')
      .set(bearer(owner.accessToken))
      .send({ kind: 'publishable', name: 'widget', allowed_origins: ['https://cars.example.com'] })
      .expect(201);
    expect(pk.body.key).toMatch(/^pk_live_/);
    const me = await t.http.get('/v1/me').set(bearer(pk.body.key)).set('Origin', 'https://cars.example.com').expect(200);
    expect(me.body).toMatchObject({ kind: 'publishable_key', permissions: ['public:read'] });
    await t.http.get('/v1/me').set(bearer(pk.body.key)).set('Referer', 'https://cars.example.com/map').expect(200);
    const wrongOrigin = await t.http.get('/v1/me').set(bearer(pk.body.key)).set('Origin', 'https://evil.example.com').expect(403);
    expect(wrongOrigin.body.detail).toMatch(/origin/);
    await t.http.get('/v1/me').set(bearer(pk.body.key)).expect(403);
    await t.http.get('/v1/network').set(bearer(pk.body.key)).set('Origin', 'https://cars.example.com').expect(403);
  });

  it('only staff with keys:manage may manage keys', async () => {
    const owner = await signUpNetwork(t.http);
    const invite = await t.http
      .post('/v1/network/invitations')
      .set(bearer(owner.accessToken))
      .send({ email: `${unique('op')}@example.com`, role: 'operator' })
      .expect(201);
    const operator = await t.http.post('/v1/invitations/accept').send({ token: invite.body.token, name: 'Op', password: 'operator password' }).expect(200);
    await t.http.get('/v1/api-keys').set(bearer(operator.body.access_token)).expect(403);
    await t.http.post('/v1/api-keys').set(bearer(operator.body.access_token)).send({ kind: 'secret', name: 'x' }).expect(403);
    await t.http.get('/v1/api-keys').expect(401);
  });
});
