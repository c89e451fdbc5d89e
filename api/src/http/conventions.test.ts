import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import openapi from '../generated/swagger.json' with { type: 'json' };
import { type Backend, backends, bearer, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

// biome-ignore lint/suspicious/noExplicitAny: a walk over arbitrary JSON Schema
type Schema = Record<string, any>;
interface Operation {
  parameters?: { in: string; name: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

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

describe('the OpenAPI document bounds every input', () => {
  it('gives every string a client can send (bodies, paths, queries, headers) a maxLength, an enum or a date format', () => {
    const schemas = openapi.components.schemas as Record<string, Schema>;
    const unbounded = new Set<string>();
    const seen = new Set<string>();
    const walk = (schema: Schema | undefined, at: string) => {
      if (!schema || typeof schema !== 'object') return;
      if (typeof schema.$ref === 'string') {
        const name = schema.$ref.split('/').pop() as string;
        if (!seen.has(name)) {
          seen.add(name);
          walk(schemas[name], name);
        }
        return;
      }
      if (schema.type === 'string' && schema.maxLength === undefined && !schema.enum && !['date', 'date-time'].includes(String(schema.format)))
        unbounded.add(at);
      for (const [key, inner] of Object.entries(schema)) if (inner && typeof inner === 'object') walk(inner as Schema, `${at}.${key}`);
    };
    for (const [route, operations] of Object.entries(openapi.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, op] of Object.entries(operations)) {
        for (const parameter of op.parameters ?? []) walk(parameter.schema, `${method} ${route} ${parameter.in}.${parameter.name}`);
        for (const content of Object.values(op.requestBody?.content ?? {})) walk(content.schema, `${method} ${route} body`);
      }
    }
    expect([...unbounded]).toEqual([]);
  });
});

describe.each(backends())('input bounds on %s', (backend: Backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  it('PATCH checks a location as POST does, money stays within its stated bounds, and long text is refused; nothing is stored', async () => {
    const owner = await signUpNetwork(t.http);
    const site = {
      name: 'Bounded',
      address: 'Rue 1',
      city: 'Luxembourg',
      country: 'LU',
      coordinates: { latitude: 49.6, longitude: 6.1 },
      time_zone: 'Europe/Luxembourg',
    };
    const created = await t.http.post('/v1/locations').set(bearer(owner.accessToken)).send(site).expect(201);
    const fields = (res: { body: { errors?: { field: string }[] } }) => res.body.errors?.map((e) => e.field);
    for (const [body, field] of [
      [{ country: 'Luxembourg' }, 'body.country'],
      [{ country: 'lu' }, 'body.country'],
      [{ state: 'x'.repeat(900_000) }, 'body.state'],
      [{ time_zone: 'x'.repeat(65) }, 'body.time_zone'],
    ] as const) {
      const res = await t.http.patch(`/v1/locations/${created.body.id}`).set(bearer(owner.accessToken)).send(body);
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(422);
      expect(fields(res)).toContain(field);
    }
    const stored = await t.http.get(`/v1/locations/${created.body.id}`).set(bearer(owner.accessToken)).expect(200);
    expect(stored.body).toMatchObject({ country: 'LU', time_zone: 'Europe/Luxembourg' });
    expect(stored.body.state ?? null).toBeNull();
    for (const price of [2 ** 63, 1e12, 10_000_001]) {
      const res = await t.http.post('/v1/tariffs').set(bearer(owner.accessToken)).send({ currency: 'EUR', vat_percent: 17, energy_price_per_kwh: price });
      expect(res.status, String(price)).toBe(422);
      expect(fields(res)).toContain('body.energy_price_per_kwh');
    }
    await t.http.post('/v1/tariffs').set(bearer(owner.accessToken)).send({ currency: 'EUR', vat_percent: 17, energy_price_per_kwh: 10_000_000 }).expect(201);
    const longId = await t.http.get(`/v1/tariffs/${'t'.repeat(65)}`).set(bearer(owner.accessToken));
    expect(longId.status).toBe(422);
    expect(fields(longId)).toEqual(['path.tariff_id']);
  });
});

describe('metrics', () => {
  it('need METRICS_TOKEN when one is set', async () => {
    const t = await startTestApp('pglite', { METRICS_TOKEN: 'metrics-token-0123456789' });
    try {
      expect((await t.http.get('/metrics')).status).toBe(403);
      expect((await t.http.get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789')).status).toBe(403);
      const ok = await t.http.get('/metrics').set('Authorization', 'Bearer metrics-token-0123456789').expect(200);
      expect(ok.text).toContain('voltshare_http_request_duration_seconds');
    } finally {
      await t.close();
    }
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
    // Other suites share the PostgreSQL database and publish locations meanwhile: count this network's own.
    const mine = `/v1/locations?limit=100&network_id=${owner.networkId}`;
    const before = (await t.http.get(mine).set(bearer(owner.accessToken)).expect(200)).body.data.length;
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
    expect((await t.http.get(mine).set(bearer(owner.accessToken)).expect(200)).body.data.length).toBe(before);
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
