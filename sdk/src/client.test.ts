import { createHmac } from 'node:crypto';
import { loadConfig, openDatabase, PartnersService, type RunningPlatform, startPlatform } from '@voltshare/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, unwrap, VoltshareError, verifyWebhook } from './index.js';

describe('SDK against the real API server', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      JWT_SECRET: 'sdk-test-secret-sdk-test-secret-0123456',
      VOLTSHARE_DEMO: 'true',
      DATA_DIR: '/tmp/voltshare-sdk-test',
    });
    platform = await startPlatform(config, await openDatabase({}));
  }, 60_000);
  afterAll(() => platform.stop());

  it('signs in with the demo owner and reads the network with typed results', async () => {
    const anonymous = createClient({ baseUrl: platform.url });
    const tokens = unwrap(await anonymous.POST('/v1/auth/login', { body: { email: 'owner@demo.voltshare.dev', password: 'demo-owner-password' } }));
    const client = createClient({ baseUrl: platform.url, credential: tokens.access_token });
    const network = unwrap(await client.GET('/v1/network'));
    expect(network.slug).toBe('voltshare-demo');
    const me = unwrap(await client.GET('/v1/me'));
    expect(me.role).toBe('owner');
  });

  it('throws a VoltshareError carrying the problem and its field errors', async () => {
    const client = createClient({ baseUrl: platform.url });
    const error = await client
      .POST('/v1/drivers', { body: { email: 'nope', name: 'x', password: 'short' } })
      .then(unwrap)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VoltshareError);
    expect((error as VoltshareError).status).toBe(422);
    expect((error as VoltshareError).problem.errors?.map((e) => e.field).sort()).toEqual(['body.email', 'body.password']);
  });

  it('asks for problems in the reader’s language', async () => {
    let language = 'es';
    const client = createClient({ baseUrl: platform.url, language: () => language });
    const refused = async () =>
      (await client
        .POST('/v1/drivers', { body: { email: 'nope', name: 'x', password: 'short' } })
        .then(unwrap)
        .catch((e: unknown) => e)) as VoltshareError;
    expect((await refused()).problem.title).toBe('Datos no válidos');
    language = 'zh-Hans';
    expect((await refused()).problem.title).toBe('数据无效');
  });

  const newDriver = async () => {
    const email = `sdk-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
    const anonymous = createClient({ baseUrl: platform.url });
    const created = unwrap(await anonymous.POST('/v1/drivers', { body: { email, name: 'SDK Driver', password: 'sdk driver password' } }));
    return { email, tokens: created.tokens };
  };

  it('iterates every page of a search with for await', async () => {
    const { tokens } = await newDriver();
    const client = createClient({ baseUrl: platform.url, credential: tokens.access_token });
    const query = { lat: 49.6, lng: 6.13, radius_m: 5000 };
    const names: string[] = [];
    for await (const location of client.locations.list({ ...query, limit: 3 })) names.push(location.name);
    const single = unwrap(await client.GET('/v1/locations', { params: { query: { ...query, limit: 100 } } }));
    expect(names.length).toBeGreaterThan(6);
    expect(names).toEqual(single.data.map((l) => l.name));
  });

  it('reads a station outlook and recommendations, and a driver’s year and green stations, typed', async () => {
    const { tokens } = await newDriver();
    const client = createClient({ baseUrl: platform.url, credential: tokens.access_token });
    const [place] = unwrap(await client.GET('/v1/places', { params: { query: { q: 'Voltshare Demo Hub' } } }));
    const outlook = unwrap(await client.GET('/v1/locations/{location_id}/outlook', { params: { path: { location_id: place?.location_id as string } } }));
    expect(outlook.hours).toHaveLength(24);
    const hour = outlook.hours[0];
    // Typed as the API answers: free EVSEs, CO₂ and the published price side by side.
    expect(typeof hour?.expected_free_evses).toBe('number');
    expect(typeof hour?.co2_g_per_kwh).toBe('number');
    expect(hour?.energy_price_per_kwh === null || typeof hour?.energy_price_per_kwh === 'number').toBe(true);
    const advice = unwrap(await client.GET('/v1/recommendations', { params: { query: { lat: 49.6, lng: 6.13, energy_kwh: 20 } } }));
    expect(advice.options.length).toBeGreaterThan(0);
    expect(advice.options.every((o) => typeof o.saves === 'number' && typeof o.saves_co2_g === 'number')).toBe(true);
    const year = unwrap(await client.GET('/v1/me/sustainability', {}));
    expect(year).toMatchObject({ sessions: 0, energy_kwh: 0 });
    const green = unwrap(await client.GET('/v1/locations', { params: { query: { lat: 49.6, lng: 6.13, radius_m: 50_000, green: true } } }));
    expect(green.data.every((l) => l.green)).toBe(true);
    // A bad query is a typed problem naming the field.
    const error = await client
      .GET('/v1/recommendations', { params: { query: { lat: 49.6, lng: 6.13, energy_kwh: 0 } } })
      .then(unwrap)
      .catch((e: unknown) => e);
    expect((error as VoltshareError).problem.errors?.[0]?.field).toBe('query.energy_kwh');
  });

  it('refreshes an expired access token once and stores the rotated pair', async () => {
    const { tokens } = await newDriver();
    const stored: string[] = [];
    const session = {
      access_token: 'expired-or-garbage',
      refresh_token: tokens.refresh_token,
      onTokens: (t: { refresh_token: string }) => stored.push(t.refresh_token),
    };
    const client = createClient({ baseUrl: platform.url, session });
    const [me, again] = await Promise.all([client.GET('/v1/me').then(unwrap), client.GET('/v1/me').then(unwrap)]);
    expect(me.user?.is_driver).toBe(true);
    expect(again.user?.id).toBe(me.user?.id);
    expect(stored).toHaveLength(1);
    expect(session.refresh_token).not.toBe(tokens.refresh_token);
    // A session whose refresh token is gone gets the 401.
    const lost = createClient({ baseUrl: platform.url, session: { access_token: 'x', refresh_token: 'not-a-refresh-token' } });
    const error = await lost
      .GET('/v1/me')
      .then(unwrap)
      .catch((e: unknown) => e);
    expect((error as VoltshareError).status).toBe(401);
  });

  it('retries a mutation whose answer was lost with the same Idempotency-Key, so it happens once', async () => {
    const keys: (string | null)[] = [];
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      keys.push(request.headers.get('Idempotency-Key'));
      calls += 1;
      const response = await fetch(request);
      // The first answer is lost on the way back.
      return calls === 1 ? new Response('bad gateway', { status: 502 }) : response;
    };
    const client = createClient({ baseUrl: platform.url, fetch: flaky, retry: { retries: 2, minDelayMs: 10 } });
    const email = `sdk-retry-${Date.now()}@example.com`;
    const created = unwrap(await client.POST('/v1/drivers', { body: { email, name: 'Retry', password: 'sdk driver password' } }));
    expect(calls).toBe(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(created.driver_id).toMatch(/^usr_/);
    // Without the key the second registration would have been a 409 (email taken).
    const plain = createClient({ baseUrl: platform.url, retry: false });
    const twice = await plain
      .POST('/v1/drivers', { body: { email, name: 'Retry', password: 'sdk driver password' } })
      .then(unwrap)
      .catch((e: unknown) => e);
    expect((twice as VoltshareError).status).toBe(409);
  });

  it('follows a location over realtime and hears its status changes', async () => {
    const { tokens } = await newDriver();
    const owner = unwrap(
      await createClient({ baseUrl: platform.url }).POST('/v1/auth/login', { body: { email: 'owner@demo.voltshare.dev', password: 'demo-owner-password' } }),
    );
    const staff = createClient({ baseUrl: platform.url, credential: owner.access_token });
    // A site without an OCPP charger, so staff set its status.
    const detail = unwrap(
      await staff.POST('/v1/locations', {
        body: {
          name: 'SDK Live Site',
          address: '2 Rue du SDK',
          city: 'Luxembourg',
          country: 'LU',
          coordinates: { latitude: 49.61, longitude: 6.13 },
          time_zone: 'Europe/Luxembourg',
          evses: [{ connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }] }],
        },
      }),
    );
    const evse = detail.evses[0];
    const driver = createClient({ baseUrl: platform.url, credential: tokens.access_token });
    const live = driver.realtime();
    try {
      const heard: { evse_uid: string; status: string }[] = [];
      live.on<{ evse_uid: string; status: string }>('evse.status', (e) => heard.push(e));
      const { version } = await live.subscribe({ location_id: detail.id });
      expect(version).toBeGreaterThan(0);
      unwrap(await staff.PATCH('/v1/evses/{evse_uid}', { params: { path: { evse_uid: evse?.uid as string } }, body: { status: 'AVAILABLE' } }));
      await expect.poll(() => heard.find((e) => e.evse_uid === evse?.uid)?.status, { timeout: 5000 }).toBe('AVAILABLE');
    } finally {
      live.close();
    }
  }, 15_000);

  it('verifies webhook signatures made with the endpoint secret, and nothing else', async () => {
    const body = JSON.stringify({ id: 'evt_1', type: 'reservation.created' });
    const t = Math.floor(Date.now() / 1000);
    const header = `t=${t},v1=${createHmac('sha256', 'whsec_test').update(`${t}.${body}`).digest('hex')}`;
    expect(await verifyWebhook('whsec_test', body, header)).toBe(true);
    expect(await verifyWebhook('whsec_other', body, header)).toBe(false);
    expect(await verifyWebhook('whsec_test', body.replace('evt_1', 'evt_2'), header)).toBe(false);
    expect(await verifyWebhook('whsec_test', body, header, 300, (t + 301) * 1000)).toBe(false);
    expect(await verifyWebhook('whsec_test', body, 'garbage')).toBe(false);
  });

  it("runs the README's city and utility examples: the utilisation report and a grid signal", async () => {
    const partners = new PartnersService(platform.services.scopes);
    const city = createClient({ baseUrl: platform.url, credential: (await partners.create('City of Luxembourg', 'city')).secret_key });
    const utility = await partners.create('Grid Operator', 'utility');
    const grid = createClient({ baseUrl: platform.url, credential: utility.secret_key });

    const from = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const report = unwrap(
      await city.GET('/v1/reports/utilisation', { params: { query: { from, to: new Date().toISOString(), bbox: '5.7,49.4,6.6,50.2', limit: 100 } } }),
    );
    expect(report.data.length).toBeGreaterThan(10);
    for (const row of report.data) expect(row.utilisation).toBeGreaterThanOrEqual(0);

    // The demo network names the utility grid operator of one of its sites.
    const owner = unwrap(
      await createClient({ baseUrl: platform.url }).POST('/v1/auth/login', { body: { email: 'owner@demo.voltshare.dev', password: 'demo-owner-password' } }),
    );
    const staff = createClient({ baseUrl: platform.url, credential: owner.access_token });
    const siteId = report.data[0]?.location_id as string;
    const denied = await grid
      .POST('/v1/grid/power-limits', { body: { location_id: siteId, max_power_w: 50_000 } })
      .then(unwrap)
      .catch((e: unknown) => e);
    expect((denied as VoltshareError).status).toBe(404);
    unwrap(await staff.PUT('/v1/locations/{location_id}/grid-operator', { params: { path: { location_id: siteId } }, body: { partner_id: utility.id } }));

    const startsAt = new Date(Date.now() + 3_600_000);
    const capped = unwrap(
      await grid.POST('/v1/grid/power-limits', {
        body: {
          location_id: siteId,
          max_power_w: 50_000,
          starts_at: startsAt.toISOString(),
          ends_at: new Date(startsAt.getTime() + 3 * 3_600_000).toISOString(),
        },
      }),
    );
    const limit = capped.limits.find((l) => l.source === 'grid' && l.max_power_w === 50_000);
    expect(limit?.partner_id).toBe(utility.id);
    // Not in force yet, so nothing is capped now.
    expect(capped.max_power_w).toBeNull();
    unwrap(await grid.DELETE('/v1/grid/power-limits/{limit_id}', { params: { path: { limit_id: limit?.id as string } } }));
    const after = unwrap(await staff.GET('/v1/locations/{location_id}/power-limits', { params: { path: { location_id: siteId } } }));
    expect(after.limits.find((l) => l.id === limit?.id)).toBeUndefined();
  });
});
