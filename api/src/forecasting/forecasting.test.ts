import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

const AC = { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 };
const HOUR = 3_600_000;
// Monday 2 November 2026, 00:00 in Luxembourg (UTC+1).
const MONDAY = Date.UTC(2026, 10, 1, 23, 0);

describe.each(backends())('station outlook on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let busy: string;
  let quiet: string;
  let driver: string;

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http);
    driver = (await registerDriver(t.http)).accessToken;
    const site = await t.http
      .post('/v1/locations')
      .set(bearer(net.accessToken))
      .send(siteBody('Office car park', [{ connectors: [AC] }, { connectors: [AC] }]))
      .expect(201);
    busy = site.body.id;
    const charger = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity: unique('FC'), location_id: busy, password: 'a-long-charge-point-secret' })
      .expect(201);
    // A third EVSE, on the charger the sessions come from.
    await t.http
      .post(`/v1/locations/${busy}/evses`)
      .set(bearer(net.accessToken))
      .send({ charge_point_id: charger.body.id, ocpp_connector_id: 1, connectors: [AC] })
      .expect(201);
    // Three weeks of office days: a car plugged in 09:00–17:00 local on every weekday.
    for (let day = 0; day < 21; day++) {
      const weekday = day % 7 < 5;
      if (!weekday) continue;
      const at = new Date(MONDAY + day * 24 * HOUR + 9 * HOUR);
      const { transactionId } = await t.services.charging.startSession(net.networkId, charger.body.id, {
        connectorId: 1,
        idTag: 'OFFICE',
        meterStartWh: 0,
        at,
      });
      await t.services.charging.stopSession(net.networkId, charger.body.id, { transactionId, meterStopWh: 20_000, at: new Date(at.getTime() + 8 * HOUR) });
    }
    quiet = (
      await t.http
        .post('/v1/locations')
        .set(bearer(net.accessToken))
        .send(siteBody('New site', [{ connectors: [AC] }]))
        .expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  it('forecasts the office hours busy and marks quiet hours best, in the station’s own time', async () => {
    // Monday of the fourth week, 06:00 local: the next 24 hours.
    const now = new Date(MONDAY + 21 * 24 * HOUR + 6 * HOUR);
    const outlook = await t.services.forecasting.outlook(undefined, busy, now);
    expect(outlook).toMatchObject({ location_id: busy, time_zone: 'Europe/Luxembourg', evses: 3, confidence: 'high', model: 'ensemble' });
    expect(outlook.hours).toHaveLength(24);
    expect(outlook.hours[0]?.starts_at.toISOString()).toBe(new Date(now.getTime()).toISOString());
    const at = (localHour: number) => outlook.hours[localHour - 6] as (typeof outlook.hours)[number];
    expect(at(12).expected_busy_evses).toBeGreaterThan(0.6);
    expect(at(20).expected_busy_evses).toBeLessThan(0.2);
    expect(at(12).expected_free_evses).toBeCloseTo(3 - at(12).expected_busy_evses, 5);
    const best = outlook.hours.filter((h) => h.best);
    expect(best).toHaveLength(3);
    for (const h of best) {
      const localHour = (new Date(h.starts_at).getUTCHours() + 1) % 24;
      expect(localHour < 9 || localHour >= 17).toBe(true);
    }
  });

  it('a station with no history says so and forecasts nothing; through the API with the usual errors', async () => {
    const none = await t.http.get(`/v1/locations/${quiet}/outlook`).set(bearer(driver)).expect(200);
    expect(none.body).toMatchObject({ confidence: 'none', history_days: 0, evses: 1 });
    expect(none.body.hours.every((h: { expected_busy_evses: number; best: boolean }) => h.expected_busy_evses === 0 && !h.best)).toBe(true);
    await t.http.get('/v1/locations/loc_does_not_exist/outlook').set(bearer(driver)).expect(404);
    await t.http.get(`/v1/locations/${quiet}/outlook`).expect(401);
  });
});
