import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../server/start.js';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, openTestDatabase, registerDriver, signUpNetwork, testConfig } from '../test/harness.js';

/** Headers that differ per response or per path by design. */
const DYNAMIC = new Set(['date', 'x-request-id', 'ratelimit', 'connection', 'keep-alive', 'access-control-allow-origin', 'vary']);
const stable = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).filter(([k]) => !DYNAMIC.has(k)));

describe.each(backends())('discovery fast path on %s', (backend: Backend) => {
  let platform: RunningPlatform;
  let http: TestAgent;
  let driver: string;
  let staff: string;
  let search: string;
  let networkId: string;

  beforeAll(async () => {
    platform = await startPlatform(testConfig({ PORT: '0', HOST: '127.0.0.1', PUBLIC_RATE_LIMIT_MAX: '20', JOBS: 'false' }), await openTestDatabase(backend));
    http = supertest(platform.server);
    const net = await signUpNetwork(http, 'Fast Network');
    staff = net.accessToken;
    networkId = net.networkId;
    search = `/v1/locations?lat=49.61&lng=6.13&radius_m=2000&connector_standard=IEC_62196_T2_COMBO&network_id=${net.networkId}&limit=2`;
    for (const name of ['Fast One', 'Fast Two', 'Fast Three']) await http.post('/v1/locations').set(bearer(staff)).send(siteBody(name)).expect(201);
    await http
      .post('/v1/locations')
      .set(bearer(staff))
      .send({ ...siteBody('Fast Hidden'), publish: false })
      .expect(201);
    await platform.indexLoaded;
    await platform.services.discoveryIndex.settled();
    driver = (await registerDriver(http)).accessToken;
  });
  afterAll(() => platform.stop());

  it('answers public searches before Express with the same body and headers Express gives', async () => {
    const before = platform.fastDiscovery.served;
    const fast = await http.get(search).set(bearer(driver)).expect(200);
    expect(platform.fastDiscovery.served).toBe(before + 1);
    // A browser request (with an Origin) goes through Express.
    const viaExpress = await http.get(search).set(bearer(driver)).set('Origin', 'http://example.com').expect(200);
    expect(platform.fastDiscovery.served).toBe(before + 1);
    expect(fast.body).toEqual(viaExpress.body);
    expect(fast.body.data.map((l: { name: string }) => l.name)).toHaveLength(2);
    expect(fast.body.next_cursor).toEqual(expect.any(String));
    expect(stable(fast.headers)).toEqual(stable(viaExpress.headers));
    expect(fast.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(fast.headers.ratelimit).toMatch(/^limit=20, remaining=\d+, reset=\d+$/);
    // Following the cursor works on either path.
    const next = await http.get(`${search}&cursor=${fast.body.next_cursor}`).set(bearer(driver)).expect(200);
    expect(next.body.data.map((l: { name: string }) => l.name)).toHaveLength(1);
  });

  it("answers a network's staff from memory once their own layer is loaded, unpublished sites included", async () => {
    const served = platform.fastDiscovery.served;
    // Other suites share the server database: stay within this network.
    const mine = `/v1/locations?lat=49.61&lng=6.13&radius_m=2000&limit=10&network_id=${networkId}`;
    // The first search of a network starts loading its own locations and goes to the database.
    const first = await http.get(mine).set(bearer(staff)).expect(200);
    expect(platform.fastDiscovery.served).toBe(served);
    await platform.services.discoveryIndex.settled();
    const fast = await http.get(mine).set(bearer(staff)).expect(200);
    expect(platform.fastDiscovery.served).toBe(served + 1);
    const viaExpress = await http.get(mine).set(bearer(staff)).set('Origin', 'http://example.com').expect(200);
    expect(fast.body).toEqual(first.body);
    expect(viaExpress.body).toEqual(first.body);
    expect(fast.body.data.map((l: { name: string }) => l.name)).toContain('Fast Hidden');
    // Drivers never see it.
    const public_ = await http.get(mine).set(bearer(driver)).expect(200);
    expect(public_.body.data.map((l: { name: string }) => l.name)).not.toContain('Fast Hidden');
  });

  it("answers a server's secret key, first after looking it up and then straight from the cache, until it is revoked", async () => {
    const key = (
      await http
        .post('/v1/api-keys')
        .set(bearer(staff))
        .send({ kind: 'secret', name: 'Fleet app', scopes: ['public:read'] })
        .expect(201)
    ).body;
    const mine = `/v1/locations?lat=49.61&lng=6.13&radius_m=2000&limit=10&network_id=${networkId}`;
    const expected = (await http.get(mine).set(bearer(staff)).set('Origin', 'http://example.com').expect(200)).body;
    const served = platform.fastDiscovery.served;
    expect(platform.services.auth.cachedSecretKey(key.key)).toBeUndefined();
    const looked = await http.get(mine).set(bearer(key.key)).expect(200);
    expect(platform.services.auth.cachedSecretKey(key.key)?.permissions).toEqual(new Set(['public:read']));
    const cached = await http.get(mine).set(bearer(key.key)).expect(200);
    expect(platform.fastDiscovery.served).toBe(served + 2);
    expect(looked.body).toEqual(expected);
    expect(cached.body).toEqual(expected);
    expect(cached.headers.etag).toBe(looked.headers.etag);
    await http.post(`/v1/api-keys/${key.id}/revoke`).set(bearer(staff)).expect(200);
    expect(platform.services.auth.cachedSecretKey(key.key)).toBeUndefined();
    await http.get(mine).set(bearer(key.key)).expect(401);
    expect(platform.fastDiscovery.served).toBe(served + 2);
  });

  it('leaves everything unusual to Express: errors, unknown parameters, and clients over their limit', async () => {
    const served = platform.fastDiscovery.served;
    const bad = await http.get('/v1/locations?lat=100&lng=6').set(bearer(driver)).expect(422);
    expect(bad.body.errors[0].field).toBe('query.lat');
    await http.get('/v1/locations?lat=49.6&lng=6.1&connector_standard=NOPE').set(bearer(driver)).expect(422);
    await http.get('/v1/locations?lat=49.6&lng=6.1').set(bearer('not-a-token')).expect(401);
    await http.get('/v1/locations?lat=49.6&lng=6.1').expect(401);
    expect(platform.fastDiscovery.served).toBe(served);
    // One budget for both paths: keep calling until the limit answers.
    let last = 200;
    for (let i = 0; i < 30 && last === 200; i++) last = (await http.get(search).set(bearer(driver))).status;
    expect(last).toBe(429);
  });

  it('counts clients behind the local proxy by their forwarded address, as Express does', async () => {
    const forwardedFor = (ip: string) => http.get(search).set(bearer(driver)).set('X-Forwarded-For', ip);
    const served = platform.fastDiscovery.served;
    let last = 200;
    let answered = 0;
    for (; answered < 30 && last === 200; answered++) last = (await forwardedFor('203.0.113.7')).status;
    expect(last).toBe(429);
    expect(answered).toBe(21);
    // Another client behind the same proxy has its own budget, served by the fast path.
    const other = await forwardedFor('198.51.100.9').expect(200);
    expect(other.headers.ratelimit).toMatch(/^limit=20, remaining=19, reset=\d+$/);
    expect(platform.fastDiscovery.served).toBe(served + 21);
  });
});
