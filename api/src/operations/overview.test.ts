import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

const HOUR = 3_600_000;

describe.each(backends())('network overview on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let other: SignedUpNetwork;
  let siteId: string;

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'Overview Network');
    other = await signUpNetwork(t.http, 'Quiet Network');
    const site = await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Overview Site')).expect(201);
    siteId = site.body.id;
    const [first, second, third] = site.body.evses.map((e: { uid: string }) => e.uid);
    await t.http.patch(`/v1/evses/${first}`).set(bearer(net.accessToken)).send({ status: 'AVAILABLE' }).expect(200);
    await t.http.patch(`/v1/evses/${second}`).set(bearer(net.accessToken)).send({ status: 'OUTOFORDER' }).expect(200);
    void third;
    const identity = unique('OV').slice(0, 25);
    const cp = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity, location_id: site.body.id, password: 'overview-password-123' })
      .expect(201);
    // Two sessions an hour apart: one finished (5 kWh), one still charging.
    const now = Date.now();
    const done = await t.services.charging.startSession(net.networkId, cp.body.id, {
      connectorId: 1,
      idTag: 'CARD-1',
      meterStartWh: 10_000,
      at: new Date(now - 2 * HOUR),
    });
    await t.services.charging.stopSession(net.networkId, cp.body.id, { transactionId: done.transactionId, meterStopWh: 15_000, at: new Date(now - HOUR) });
    await t.services.charging.startSession(net.networkId, cp.body.id, { connectorId: 2, idTag: 'CARD-2', meterStartWh: 0, at: new Date(now - 10 * 60_000) });
  });
  afterAll(() => t.close());

  it('counts EVSEs by the status drivers see, chargers, sessions and energy per hour, and faults', async () => {
    const res = await t.http.get('/v1/network/overview').set(bearer(net.accessToken)).expect(200);
    const o = res.body;
    expect(o.evses.total).toBe(3);
    expect(o.evses.by_status).toMatchObject({ AVAILABLE: 1, OUTOFORDER: 1 });
    expect(o.charge_points).toMatchObject({ total: 1, online: 0 });
    expect(o.charge_points.offline).toHaveLength(1);
    // One figure for "charging now": the EVSEs charging, the same the status bar counts.
    expect(o.charging_now).toBe(o.evses.by_status.CHARGING ?? 0);
    expect(o.sessions).toEqual({ active: 1, started_last_24h: 2, energy_last_24h_wh: 5_000 });
    expect(o.hourly).toHaveLength(24);
    const hours = o.hourly.map((h: { hour: string }) => new Date(h.hour).getTime());
    expect(hours.every((h: number, i: number) => i === 0 || h - (hours[i - 1] as number) === HOUR)).toBe(true);
    expect(o.hourly.reduce((n: number, h: { sessions_started: number }) => n + h.sessions_started, 0)).toBe(2);
    expect(o.hourly.reduce((n: number, h: { energy_wh: number }) => n + h.energy_wh, 0)).toBe(5_000);
    expect(o.faults).toEqual([expect.objectContaining({ status: 'OUTOFORDER', location_name: 'Overview Site' })]);
  });

  it("shows one network nothing of another's, and is for staff only", async () => {
    const quiet = await t.http.get('/v1/network/overview').set(bearer(other.accessToken)).expect(200);
    expect(quiet.body).toMatchObject({ evses: { total: 0 }, charge_points: { total: 0 }, sessions: { active: 0, started_last_24h: 0 }, faults: [] });
    const driver = await registerDriver(t.http);
    const refused = await t.http.get('/v1/network/overview').set(bearer(driver.accessToken)).expect(403);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    await t.http.get('/v1/network/overview').expect(401);
  });

  it('charts sessions, energy, revenue and utilisation per hour and per local day over a chosen period', async () => {
    const to = new Date(Math.ceil(Date.now() / HOUR) * HOUR);
    const from = new Date(to.getTime() - 6 * HOUR);
    const hourly = (
      await t.http.get(`/v1/network/activity?from=${from.toISOString()}&to=${to.toISOString()}&bucket=hour`).set(bearer(net.accessToken)).expect(200)
    ).body;
    expect(hourly).toMatchObject({ bucket: 'hour', time_zone: 'UTC', evses: 3 });
    expect(hourly.buckets).toHaveLength(6);
    const sum = (key: string) => hourly.buckets.reduce((n: number, b: Record<string, number>) => n + (b[key] as number), 0);
    expect(sum('sessions_started')).toBe(2);
    expect(sum('energy_wh')).toBe(5_000);
    // One EVSE busy for the hour the first session lasted: a third of that hour's EVSE time, about.
    const busiest = Math.max(...hourly.buckets.map((b: { utilisation_percent: number }) => b.utilisation_percent));
    expect(busiest).toBeGreaterThan(0);
    expect(busiest).toBeLessThanOrEqual(100);
    const daily = (
      await t.http
        .get(`/v1/network/activity?from=${new Date(to.getTime() - 3 * 24 * HOUR).toISOString()}&to=${to.toISOString()}&bucket=day&time_zone=Europe/Paris`)
        .set(bearer(net.accessToken))
        .expect(200)
    ).body;
    // Paris days start at local midnight (23:00 or 22:00 UTC).
    expect(daily.buckets.every((b: { start: string }) => ['23:00', '22:00'].includes(b.start.slice(11, 16)))).toBe(true);
    expect(daily.buckets.reduce((n: number, b: { energy_wh: number }) => n + b.energy_wh, 0)).toBe(5_000);
    const quiet = (
      await t.http.get(`/v1/network/activity?from=${from.toISOString()}&to=${to.toISOString()}&bucket=hour`).set(bearer(other.accessToken)).expect(200)
    ).body;
    expect(quiet.buckets.every((b: { sessions_started: number }) => b.sessions_started === 0)).toBe(true);
  });

  it('refuses a backwards, too long or badly zoned period naming the field', async () => {
    const at = '2026-11-01T00:00:00Z';
    const field = async (query: string) => (await t.http.get(`/v1/network/activity?${query}`).set(bearer(net.accessToken)).expect(422)).body.errors[0].field;
    expect(await field(`from=${at}&to=2026-10-01T00:00:00Z`)).toBe('query.to');
    expect(await field(`from=${at}&to=2027-11-01T00:00:00Z&bucket=hour`)).toBe('query.to');
    expect(await field(`from=${at}&to=2026-11-02T00:00:00Z&time_zone=Nowhere/Land`)).toBe('query.time_zone');
    expect(await field(`from=yesterday&to=2026-11-02T00:00:00Z`)).toBe('query.from');
    expect(await field(`from=${at}&to=2026-11-02T00:00:00Z&bucket=week`)).toBe('query.bucket');
  });

  it('filters the network’s sessions by site and by when they started', async () => {
    const ids = async (query: string) =>
      (await t.http.get(`/v1/sessions?${query}`).set(bearer(net.accessToken)).expect(200)).body.data.map((s: { id: string }) => s.id);
    const atSite = await ids(`location_id=${siteId}`);
    expect(atSite).toHaveLength(2);
    const lastHour = await ids(`location_id=${siteId}&from=${new Date(Date.now() - HOUR).toISOString()}`);
    expect(lastHour).toHaveLength(1);
    const elsewhere = await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Overview Elsewhere')).expect(201);
    expect(await ids(`location_id=${elsewhere.body.id}`)).toEqual([]);
    // Another network's staff get nothing of this site.
    expect((await t.http.get(`/v1/sessions?location_id=${siteId}`).set(bearer(other.accessToken)).expect(200)).body.data).toEqual([]);
    const backwards = await t.http.get('/v1/sessions?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z').set(bearer(net.accessToken)).expect(422);
    expect(backwards.body.errors[0].field).toBe('query.to');
  });
});
