import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnersService } from '../partners/partners.service.js';
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
    // The chance of a wait: higher in office hours than at night.
    expect(at(12).chance_none_free).toBeGreaterThan(at(20).chance_none_free);
    expect(at(20).chance_none_free).toBeGreaterThanOrEqual(0);
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

  it('gives cities and utilities the area’s demand summed per hour, and nobody else', async () => {
    const city = await new PartnersService(t.services.scopes).create('City of Luxembourg', 'city');
    const automaker = await new PartnersService(t.services.scopes).create('Carmaker', 'automaker');
    const box = '6.12,49.60,6.14,49.62';
    const area = await t.http.get(`/v1/forecasts/area?bbox=${box}`).set(bearer(city.secret_key)).expect(200);
    expect(area.body.hours).toHaveLength(24);
    expect(area.body.stations).toBeGreaterThanOrEqual(2);
    expect(area.body.evses).toBeGreaterThanOrEqual(4);
    // Aggregates only: no station, session or driver in the answer.
    expect(JSON.stringify(area.body)).not.toContain(busy);
    expect(Object.keys(area.body.hours[0]).sort()).toEqual(['expected_busy_evses', 'expected_free_evses', 'starts_at']);
    // The sum over the area holds the office's outlook hour by hour (other networks' stations may add to it).
    const now = new Date();
    const office = await t.services.forecasting.outlook(undefined, busy, now);
    const direct = await t.services.forecasting.areaForecast([6.12, 49.6, 6.14, 49.62], now);
    direct.hours.forEach((h, i) => {
      expect(h.expected_busy_evses).toBeGreaterThanOrEqual((office.hours[i]?.expected_busy_evses ?? 0) - 0.05);
    });
    const utility = await new PartnersService(t.services.scopes).create('Grid Co', 'utility');
    await t.http.get(`/v1/forecasts/area?bbox=${box}`).set(bearer(utility.secret_key)).expect(200);
    await t.http.get(`/v1/forecasts/area?bbox=${box}`).set(bearer(automaker.secret_key)).expect(403);
    await t.http.get(`/v1/forecasts/area?bbox=${box}`).set(bearer(net.accessToken)).expect(403);
    await t.http.get(`/v1/forecasts/area?bbox=${box}`).set(bearer(driver)).expect(403);
    for (const bad of ['6.14,49.60,6.12,49.62', 'nowhere', '6,49,7']) {
      const res = await t.http.get(`/v1/forecasts/area?bbox=${bad}`).set(bearer(city.secret_key)).expect(422);
      expect(res.body.errors[0].field).toBe('query.bbox');
    }
  });
});
