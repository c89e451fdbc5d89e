import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../shared/ids.js';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';
import { ForecastingService } from './forecasting.service.js';
import { seasonalNaive } from './models.js';
import { chanceNoneFree } from './site-training.js';

const AC = { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 };
const DC = { standard: 'IEC_62196_T2_COMBO', format: 'CABLE', power_type: 'DC', max_voltage: 920, max_amperage: 500, max_electric_power: 150_000 };
const HOUR = 3_600_000;
// Monday 2 November 2026, 00:00 in Luxembourg (UTC+1).
const MONDAY = Date.UTC(2026, 10, 1, 23, 0);
/** Monday of the fourth week, 06:00 local. */
const NOW = new Date(MONDAY + 21 * 24 * HOUR + 6 * HOUR);
const localHour = (at: Date) => (at.getUTCHours() + 1) % 24;

describe('the chance no EVSE is free', () => {
  it('follows the Poisson tail: certain with no EVSE, none with no car, rising with demand', () => {
    expect(chanceNoneFree(3, 0)).toBe(1);
    expect(chanceNoneFree(0, 4)).toBe(0);
    expect(chanceNoneFree(1, 1)).toBeCloseTo(1 - Math.exp(-1), 10);
    expect(chanceNoneFree(2, 4)).toBeLessThan(chanceNoneFree(3, 4));
    expect(chanceNoneFree(3, 4)).toBeLessThan(chanceNoneFree(3, 3));
  });
});

describe.each(backends())('trained site forecasts on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let office: string;
  let fresh: string;
  let freshEvse: string;
  let fast: string;
  let forecasting: ForecastingService;

  const site = async (name: string, connectors: unknown) => {
    const id = (await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody(name, [])).expect(201)).body.id as string;
    const cp = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity: unique('FCST'), location_id: id, password: 'a-long-charge-point-secret' })
      .expect(201);
    const evse = await t.http
      .post(`/v1/locations/${id}/evses`)
      .set(bearer(net.accessToken))
      .send({ charge_point_id: cp.body.id, ocpp_connector_id: 1, connectors: [connectors] })
      .expect(201);
    return { id, chargePointId: cp.body.id as string, evse: evse.body.evses.at(-1).uid as string };
  };

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http);
    const a = await site('Office', AC);
    office = a.id;
    const b = await site('New office', AC);
    fresh = b.id;
    freshEvse = b.evse;
    fast = (await site('Motorway', DC)).id;
    // Three weeks of office days at the first: 09:00–17:00 local, 20 kWh each.
    for (let day = 0; day < 21; day++) {
      if (day % 7 >= 5) continue;
      const at = new Date(MONDAY + day * 24 * HOUR + 9 * HOUR);
      const { transactionId } = await t.services.charging.startSession(net.networkId, a.chargePointId, {
        connectorId: 1,
        idTag: 'OFFICE',
        meterStartWh: 0,
        at,
      });
      await t.services.charging.stopSession(net.networkId, a.chargePointId, { transactionId, meterStopWh: 20_000, at: new Date(at.getTime() + 8 * HOUR) });
    }
    // A fixed model, so the figures can be worked out by hand: the same hour last week.
    forecasting = new ForecastingService(t.services.scopes, t.services.discovery, seasonalNaive);
  });
  afterAll(() => t.close());

  it('forecasts arrivals, busy EVSEs, energy and the chance none is free for seven days, and stores it', async () => {
    const f = await forecasting.train(net.networkId, office, NOW);
    expect(f).toMatchObject({ location_id: office, evses: 1, confidence: 'high', model: 'seasonal-naive' });
    expect(f.hours).toHaveLength(168);
    const at = (h: number) => f.hours.find((x) => localHour(x.starts_at) === h && x.starts_at.getTime() < NOW.getTime() + 24 * HOUR);
    expect(at(9)).toMatchObject({
      expected_arrivals: 1,
      expected_busy_evses: 1,
      expected_energy_kwh: 2.5,
      chance_none_free: Number((1 - Math.exp(-1)).toFixed(3)),
    });
    expect(at(20)).toMatchObject({ expected_arrivals: 0, expected_busy_evses: 0, chance_none_free: 0 });
    // Saturday: nobody.
    const saturday = f.hours.filter((x) => new Date(x.starts_at.getTime() + HOUR).getUTCDay() === 6);
    expect(saturday.every((x) => x.expected_busy_evses === 0)).toBe(true);
    // Stored: read back as trained.
    const stored = await forecasting.forecast(net.networkId, office, NOW);
    expect(stored.trained_at?.getTime()).toBe(NOW.getTime());
    expect(stored.hours.map((h) => h.expected_busy_evses)).toEqual(f.hours.map((h) => h.expected_busy_evses));
  });

  it('lets a site without history borrow per EVSE from similar sites, and says so; never across power classes', async () => {
    const borrowed = await forecasting.train(net.networkId, fresh, NOW);
    expect(borrowed.confidence).toBe('borrowed');
    const office9 = (await forecasting.forecast(net.networkId, office, NOW)).hours.map((h) => h.expected_busy_evses);
    expect(borrowed.hours.map((h) => h.expected_busy_evses)).toEqual(office9);
    const motorway = await forecasting.train(net.networkId, fast, NOW);
    expect(motorway.confidence).toBe('none');
    expect(motorway.hours.every((h) => h.expected_busy_evses === 0 && h.chance_none_free === 0)).toBe(true);
  });

  it('never forecasts below the bookings', async () => {
    const driver = await registerDriver(t.http);
    // Tuesday 03:00–04:00 local, when nobody usually comes.
    const starts = new Date(MONDAY + 22 * 24 * HOUR + 3 * HOUR);
    await t.services.scopes.system((tx) =>
      tx
        .insertInto('reservations')
        .values({
          tenant_id: net.networkId,
          id: newId('res'),
          driver_id: driver.driverId,
          location_id: fresh,
          evse_uid: freshEvse,
          starts_at: starts,
          ends_at: new Date(starts.getTime() + HOUR),
          grace_until: new Date(starts.getTime() + 15 * 60_000),
          status: 'CONFIRMED',
          currency: 'EUR',
        })
        .execute(),
    );
    const f = await forecasting.train(net.networkId, fresh, NOW);
    const hour = f.hours.find((h) => h.starts_at.getTime() === starts.getTime());
    expect(hour).toMatchObject({ booked_evses: 1, expected_busy_evses: 1 });
    expect(hour?.chance_none_free).toBeGreaterThan(0.5);
  });

  it('serves the network its sites only, and trains every site in the nightly run', async () => {
    const res = await t.http.get(`/v1/locations/${office}/forecast`).set(bearer(net.accessToken)).expect(200);
    expect(res.body.hours).toHaveLength(168);
    const other = await signUpNetwork(t.http, 'Other');
    await t.http.get(`/v1/locations/${office}/forecast`).set(bearer(other.accessToken)).expect(404);
    // The nightly run: a training job per network, which trains every site again.
    await t.services.scopes.tenant(net.networkId, (tx) => tx.deleteFrom('site_forecasts').where('tenant_id', '=', net.networkId).execute());
    await t.services.forecasting.fanOutNightly(NOW, net.networkId);
    await t.services.jobs.drain(NOW, net.networkId);
    const trained = await t.services.scopes.tenant(net.networkId, (tx) =>
      tx.selectFrom('site_forecasts').select('location_id').distinct().where('tenant_id', '=', net.networkId).execute(),
    );
    expect(trained.map((r) => r.location_id).sort()).toEqual([office, fresh, fast].sort());
  });
});
