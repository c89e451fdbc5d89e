import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, bearer, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

describe.each(backends())('HTTP conventions on %s', (backend: Backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  it('serves health, readiness, the OpenAPI document and the API reference', async () => {
    expect((await t.http.get('/health').expect(200)).body).toEqual({ status: 'ok' });
    // Not ready until started and the discovery index is loaded (startPlatform does both).
    expect((await t.http.get('/ready').expect(503)).body).toEqual({ status: 'starting', database: backend, discovery_index: 'loading' });
    t.services.started = true;
    expect((await t.http.get('/ready').expect(503)).body).toEqual({ status: 'discovery index loading', database: backend, discovery_index: 'loading' });
    await t.services.discoveryIndex.loadAll();
    expect((await t.http.get('/ready').expect(200)).body).toEqual({ status: 'ready', database: backend, discovery_index: 'ready' });
    const spec = await t.http.get('/v1/openapi.json').expect(200);
    expect(spec.body.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/v1/auth/login', '/v1/networks', '/v1/api-keys', '/v1/me']));
    expect(spec.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    // The SDK is generated from this document: operation ids must be unique.
    const ids = Object.values(spec.body.paths as Record<string, Record<string, { operationId: string }>>).flatMap((p) =>
      Object.values(p).map((op) => op.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    const docs = await t.http.get('/docs/api/').expect(200);
    expect(docs.text).toContain('swagger-ui');
    // The reference's assets are served locally, not from a CDN.
    expect(docs.text).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/);
    await t.http.get('/docs/api/swagger-ui-bundle.js').expect(200);
  });

  it('unknown routes are 404 problem+json', async () => {
    const res = await t.http.get('/v1/nope').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'https://voltshare.dev/problems/route-not-found', status: 404, instance: '/v1/nope' });
  });

  it('malformed JSON is a 400 problem, never a crash', async () => {
    const res = await t.http.post('/v1/auth/login').set('Content-Type', 'application/json').send('{"email": ').expect(400);
    expect(res.body.type).toBe('https://voltshare.dev/problems/bad-request');
  });

  it('echoes a sane X-Request-Id or makes one', async () => {
    const given = await t.http.get('/health').set('X-Request-Id', 'client-trace-123456').expect(200);
    expect(given.headers['x-request-id']).toBe('client-trace-123456');
    const hostile = await t.http.get('/health').set('X-Request-Id', 'bad id with spaces <script>').expect(200);
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('replays an idempotent request with the same key and body, and rejects the key with another body', async () => {
    const owner = await signUpNetwork(t.http);
    const key = unique('idem');
    const first = await t.http
      .post('/v1/api-keys')
      .set(bearer(owner.accessToken))
      .set('Idempotency-Key', key)
      .send({ kind: 'secret', name: 'once' })
      .expect(201);
    const replay = await t.http
      .post('/v1/api-keys')
      .set(bearer(owner.accessToken))
      .set('Idempotency-Key', key)
      .send({ kind: 'secret', name: 'once' })
      .expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const list = await t.http.get('/v1/api-keys').set(bearer(owner.accessToken)).expect(200);
    expect(list.body.data).toHaveLength(1);
    const other = await t.http
      .post('/v1/api-keys')
      .set(bearer(owner.accessToken))
      .set('Idempotency-Key', key)
      .send({ kind: 'secret', name: 'twice' })
      .expect(422);
    expect(other.body.type).toBe('https://voltshare.dev/problems/idempotency-key-reused');
    // The same key from other credentials is another request altogether.
    const stranger = await signUpNetwork(t.http);
    const theirs = await t.http
      .post('/v1/api-keys')
      .set(bearer(stranger.accessToken))
      .set('Idempotency-Key', key)
      .send({ kind: 'secret', name: 'once' })
      .expect(201);
    expect(theirs.body.id).not.toBe(first.body.id);
  });

  it('replays error answers too, but a bad key is refused', async () => {
    const owner = await signUpNetwork(t.http);
    const key = unique('idem');
    await t.http
      .post('/v1/api-keys')
      .set(bearer(owner.accessToken))
      .set('Idempotency-Key', key)
      .send({ kind: 'secret', name: 'x', scopes: ['network:own'] })
      .expect(422);
    const replay = await t.http
      .post('/v1/api-keys')
      .set(bearer(owner.accessToken))
      .set('Idempotency-Key', key)
      .send({ kind: 'secret', name: 'x', scopes: ['network:own'] })
      .expect(422);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers['content-type']).toMatch(/problem\+json/);
    await t.http.post('/v1/api-keys').set(bearer(owner.accessToken)).set('Idempotency-Key', 'x'.repeat(300)).send({ kind: 'secret', name: 'x' }).expect(422);
  });

  it('a network that signs up twice with the same Idempotency-Key gets one network', async () => {
    const key = unique('signup');
    const slug = unique('idem-net').toLowerCase();
    const body = {
      network: { name: 'Once', slug, country: 'LU', currency: 'EUR' },
      owner: { email: `${slug}@example.com`, name: 'O', password: 'long enough pw' },
    };
    const first = await t.http.post('/v1/networks').set('Idempotency-Key', key).send(body).expect(201);
    const second = await t.http.post('/v1/networks').set('Idempotency-Key', key).send(body).expect(201);
    expect(second.body.network.id).toBe(first.body.network.id);
  });
});

describe.each(backends())('NUL characters on %s', (backend: Backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  it('are refused at the edge in paths, queries and JSON strings, naming the field, and nothing is written', async () => {
    const owner = await signUpNetwork(t.http);
    const nul = async (res: { status: number; body: { errors?: { field: string }[] } }, field: string) => {
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([{ field, message: 'must not contain NUL characters' }]);
    };
    await nul(await t.http.get('/v1/tariffs/%00').set(bearer(owner.accessToken)), 'path');
    await nul(await t.http.get('/v1/locations?lat=49.6&lng=6.1&q=a%00').set(bearer(owner.accessToken)), 'query.q');
    const before = (await t.http.get('/v1/locations?limit=100').set(bearer(owner.accessToken)).expect(200)).body.data.length;
    const site = {
      name: 'Nul\u0000Site',
      address: 'Rue 1',
      city: 'Luxembourg',
      country: 'LU',
      coordinates: { latitude: 49.6, longitude: 6.1 },
      time_zone: 'Europe/Luxembourg',
    };
    await nul(await t.http.post('/v1/locations').set(bearer(owner.accessToken)).send(site), 'body.name');
    await nul(
      await t.http
        .post('/v1/tariffs')
        .set(bearer(owner.accessToken))
        .send({ currency: 'EUR', vat_percent: 17, energy_price_per_kwh: 40, elements: [{ note: 'x\u0000' }] }),
      'body.elements[0].note',
    );
    expect((await t.http.get('/v1/locations?limit=100').set(bearer(owner.accessToken)).expect(200)).body.data.length).toBe(before);
    await t.http.get('/v1/tariffs/%zz').set(bearer(owner.accessToken)).expect(400);
  });
});

describe('failures inside the server', () => {
  it('a broken database gives a 500 with a request id and no stack trace, and /ready says 503', async () => {
    const t = await startTestApp('pglite');
    const owner = await signUpNetwork(t.http);
    await t.close();
    const res = await t.http.get('/v1/network').set(bearer(owner.accessToken)).expect(500);
    expect(res.body).toMatchObject({ type: 'https://voltshare.dev/problems/internal', status: 500 });
    expect(res.body.request_id).toBe(res.headers['x-request-id']);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
    await t.http.get('/ready').expect(503);
  });
});
