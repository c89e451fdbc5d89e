import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

const AC = { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 16 };
// Far from every other test's sites, so the search near it finds only these two.
const PLACE = { latitude: -33.1234, longitude: -140.5678 };
// Tuesday 10 November 2026, 20:00 in Luxembourg.
const NOW = new Date('2026-11-10T19:00:00Z');
const NIGHT_TARIFF = {
  currency: 'EUR',
  vat_percent: 17,
  elements: [
    { price_components: [{ type: 'ENERGY', price: 40 }], restrictions: { start_time: '07:00', end_time: '22:00' } },
    { price_components: [{ type: 'ENERGY', price: 25 }] },
  ],
};

describe.each(backends())('charging advice on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  const sites = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http);
    const night = await t.http.post('/v1/tariffs').set(bearer(net.accessToken)).send(NIGHT_TARIFF).expect(201);
    const flat = await t.http.post('/v1/tariffs').set(bearer(net.accessToken)).send({ currency: 'EUR', vat_percent: 17, energy_price_per_kwh: 35 }).expect(201);
    for (const [name, tariff, offset] of [
      ['Nearest, dear by day', night.body.id, 0],
      ['Round the corner, flat', flat.body.id, 0.002],
    ] as const) {
      const created = await t.http
        .post('/v1/locations')
        .set(bearer(net.accessToken))
        .send({ ...siteBody(name, [{ connectors: [AC] }]), coordinates: { latitude: PLACE.latitude + offset, longitude: PLACE.longitude } });
      expect(created.status).toBe(201);
      sites.set(name, created.body.id);
      await t.http.patch(`/v1/evses/${created.body.evses[0].uid}`).set(bearer(net.accessToken)).send({ tariff_id: tariff }).expect(200);
    }
  });
  afterAll(() => t.close());

  it('ranks station × hour by the price of the energy asked for, with what each saves against charging now nearby', async () => {
    const advice = await t.services.flows.chargingAdvice.advise(
      undefined,
      { lat: PLACE.latitude, lng: PLACE.longitude, radiusM: 1_000, energyWh: 20_000, from: NOW, to: new Date(NOW.getTime() + 6 * 3_600_000) },
      NOW,
    );
    // Now, at the nearest station: 20 kWh at 0.40 €.
    expect(advice.now).toMatchObject({ name: 'Nearest, dear by day', price: { amount: 800, currency: 'EUR' }, saves: 0 });
    const best = advice.options[0];
    // From 22:00 local the nearest is 0.25 €/kWh: 5 € for 20 kWh, 3 € saved.
    expect(best).toMatchObject({ name: 'Nearest, dear by day', price: { amount: 500 }, saves: 300 });
    expect(best?.starts_at.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-11-10T21:00:00Z'));
    // The flat-priced station is an option too, cheaper than now but dearer than the night.
    const flat = advice.options.find((o) => o.name === 'Round the corner, flat');
    expect(flat?.price.amount).toBe(700);
    expect(advice.options.map((o) => o.price.amount)).toEqual([...advice.options.map((o) => o.price.amount)].sort((a, b) => a - b));
    expect(advice.options.length).toBeLessThanOrEqual(5);
    // CO₂ against now: the energy at each hour's intensity (flat here, the country's yearly average).
    for (const o of advice.options) expect(o.saves_co2_g).toBe((advice.now?.co2_g ?? 0) - o.co2_g);
    // Waiting: the chance of finding no EVSE free, against now (no history here: nobody expected).
    for (const o of advice.options) {
      expect(o.chance_none_free).toBeGreaterThanOrEqual(0);
      expect(o.chance_none_free).toBeLessThanOrEqual(1);
      expect(o.saves_chance_none_free).toBeCloseTo((advice.now?.chance_none_free ?? 0) - o.chance_none_free, 3);
    }
    expect(advice.now?.co2_g).toBeGreaterThan(0);
  });

  it('advises a driver on their usual station, against charging now there', async () => {
    const driver = await registerDriver(t.http);
    const tag = unique('USUAL').slice(-20);
    await t.http.post('/v1/me/id-tags').set(bearer(driver.accessToken)).send({ id_tag: tag }).expect(201);
    const flatSite = sites.get('Round the corner, flat') as string;
    const cp = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity: unique('USUAL'), location_id: flatSite, password: 'a-long-charge-point-secret' })
      .expect(201);
    await t.http
      .post(`/v1/locations/${flatSite}/evses`)
      .set(bearer(net.accessToken))
      .send({ charge_point_id: cp.body.id, ocpp_connector_id: 1, connectors: [AC] })
      .expect(201);
    for (let day = 1; day <= 3; day++) {
      const at = new Date(Date.now() - day * 86_400_000);
      const { transactionId } = await t.services.charging.startSession(net.networkId, cp.body.id, { connectorId: 1, idTag: tag, meterStartWh: 0, at });
      await t.services.charging.stopSession(net.networkId, cp.body.id, { transactionId, meterStopWh: 10_000, at: new Date(at.getTime() + 3_600_000) });
    }
    // Without consent to use their charging history, none of it is used.
    const refused = await t.http.get('/v1/me/recommendations?energy_kwh=20').set(bearer(driver.accessToken)).expect(403);
    expect(refused.body.type).toMatch(/consent-required$/);
    const grant = async (token: string) => {
      const { choices } = (await t.http.get('/v1/me/consents').set(bearer(token)).expect(200)).body;
      const version = choices.find((c: { purpose: string }) => c.purpose === 'location_history').text_version;
      await t.http.post('/v1/me/consents').set(bearer(token)).send({ purpose: 'location_history', granted: true, text_version: version }).expect(200);
    };
    await grant(driver.accessToken);
    const mine = await t.http.get('/v1/me/recommendations?energy_kwh=20').set(bearer(driver.accessToken)).expect(200);
    // Only their usual (flat-priced) station: every hour costs the same, so nothing saves against now.
    expect(mine.body.now).toMatchObject({ location_id: flatSite, price: { amount: 700 } });
    expect(mine.body.options.every((o: { location_id: string; saves: number }) => o.location_id === flatSite && o.saves === 0)).toBe(true);
    // A driver with no sessions gets nothing to compare; bad input is named; staff keys are refused.
    const stranger = await registerDriver(t.http);
    await grant(stranger.accessToken);
    expect((await t.http.get('/v1/me/recommendations?energy_kwh=20').set(bearer(stranger.accessToken)).expect(200)).body).toEqual({ now: null, options: [] });
    const bad = await t.http.get('/v1/me/recommendations?energy_kwh=0').set(bearer(driver.accessToken)).expect(422);
    expect(bad.body.errors[0].field).toBe('query.energy_kwh');
    await t.http.get('/v1/me/recommendations?energy_kwh=20').set(bearer(net.accessToken)).expect(403);
  });

  it('prices each hour of a station’s outlook by its published tariff', async () => {
    const nearest = (await t.services.discovery.search(undefined, { lat: PLACE.latitude, lng: PLACE.longitude, radius_m: 100 }, { limit: 1 })).data[0];
    const outlook = await t.services.flows.chargingAdvice.stationOutlook(undefined, nearest?.id as string, NOW);
    expect(outlook.currency).toBe('EUR');
    expect(outlook.hours).toHaveLength(24);
    const local = (at: Date) => Number(new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: 'Europe/Luxembourg' }).format(at));
    for (const h of outlook.hours) expect(h.energy_price_per_kwh).toBe(local(h.starts_at) >= 7 && local(h.starts_at) < 22 ? 40 : 25);
  });

  it('answers through the API, and refuses a bad place, energy or window naming the field', async () => {
    const ok = await t.http
      .get(`/v1/recommendations?lat=${PLACE.latitude}&lng=${PLACE.longitude}&energy_kwh=10&radius_m=1000`)
      .set(bearer(net.accessToken))
      .expect(200);
    expect(ok.body.options.length).toBeGreaterThan(0);
    const bad: [string, string][] = [
      ['energy_kwh=0', 'query.energy_kwh'],
      ['energy_kwh=5000', 'query.energy_kwh'],
      ['energy_kwh=10&lat=100', 'query.lat'],
      ['energy_kwh=10&from=2026-11-10T20:00:00Z&to=2026-11-10T19:00:00Z', 'query.to'],
      ['energy_kwh=10&to=2020-01-01T00:00:00Z&from=2019-12-31T23:00:00Z', 'query.to'],
      [`energy_kwh=10&from=${new Date(Date.now() + 3 * 86_400_000).toISOString()}`, 'query.from'],
      ['energy_kwh=10&radius_m=900000', 'query.radius_m'],
    ];
    for (const [query, field] of bad) {
      const lat = query.includes('lat=') ? '' : `lat=${PLACE.latitude}&`;
      const res = await t.http.get(`/v1/recommendations?${lat}lng=${PLACE.longitude}&${query}`).set(bearer(net.accessToken));
      expect([query, res.status]).toEqual([query, 422]);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });
});
