import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

/** The README's tariff: weekday peak, off-peak, idle fee after 30 free minutes; 17 % VAT included. */
const cityTariff = {
  currency: 'EUR',
  vat_percent: 17,
  display_text: '0.39 €/kWh weekdays 07–22, 0.29 €/kWh otherwise; 0.10 €/min idle after 30 min',
  elements: [
    {
      price_components: [{ type: 'ENERGY', price: 39 }],
      restrictions: { start_time: '07:00', end_time: '22:00', day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] },
    },
    { price_components: [{ type: 'ENERGY', price: 29 }] },
    { price_components: [{ type: 'PARKING_TIME', price: 600, grace_minutes: 30, step_size: 60 }] },
  ],
};

describe.each(backends())('tariffs, price preview and session cost on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let other: SignedUpNetwork;
  let tariffId: string;
  let evseUid: string;
  let chargePointId: string;

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'Priced Network');
    other = await signUpNetwork(t.http, 'Other Network');
    const site = await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Priced Site', [])).expect(201);
    const cp = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity: unique('PRICE').slice(0, 25), location_id: site.body.id, password: 'pricing-password-123' })
      .expect(201);
    chargePointId = cp.body.id;
    const withEvse = await t.http
      .post(`/v1/locations/${site.body.id}/evses`)
      .set(bearer(net.accessToken))
      .send({
        charge_point_id: chargePointId,
        ocpp_connector_id: 1,
        connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }],
      })
      .expect(201);
    evseUid = withEvse.body.evses.at(-1).uid;
  });
  afterAll(() => t.close());

  it('creates an OCPI tariff and shows it back', async () => {
    const created = await t.http.post('/v1/tariffs').set(bearer(net.accessToken)).send(cityTariff).expect(201);
    tariffId = created.body.id;
    expect(created.body).toMatchObject({ currency: 'EUR', vat_percent: 17, elements: cityTariff.elements, energy_price_per_kwh: 39, min_price: null });
    const read = await t.http.get(`/v1/tariffs/${tariffId}`).set(bearer(net.accessToken)).expect(200);
    expect(read.body.elements).toEqual(cityTariff.elements);
    await t.http.get(`/v1/tariffs/${tariffId}`).set(bearer(other.accessToken)).expect(404);
  });

  it.each([
    [{ ...cityTariff, energy_price_per_kwh: 30 }, 'body.elements'],
    [{ currency: 'EUR' }, 'body'],
    [{ currency: 'EUR', energy_price_per_kwh: 30, min_price: 500, max_price: 100 }, 'body.min_price'],
    [
      { currency: 'EUR', elements: [{ price_components: [{ type: 'ENERGY', price: 30, grace_minutes: 5 }] }] },
      'body.elements[0].price_components[0].grace_minutes',
    ],
    [
      {
        currency: 'EUR',
        elements: [
          {
            price_components: [
              { type: 'ENERGY', price: 30 },
              { type: 'ENERGY', price: 20 },
            ],
          },
        ],
      },
      'body.elements[0].price_components',
    ],
    [
      { currency: 'EUR', elements: [{ price_components: [{ type: 'ENERGY', price: 30 }], restrictions: { start_date: '2026-02-30' } }] },
      'body.elements[0].restrictions.start_date',
    ],
    [
      { currency: 'EUR', elements: [{ price_components: [{ type: 'ENERGY', price: 30 }], restrictions: { min_kwh: 20, max_kwh: 10 } }] },
      'body.elements[0].restrictions.min_kwh',
    ],
    [{ currency: 'EUR', elements: [{ price_components: [{ type: 'WATTS', price: 30 }] }] }, 'price_components[0].type'],
    [{ currency: 'EUR', elements: [{ price_components: [{ type: 'ENERGY', price: -1 }] }] }, 'price_components[0].price'],
    [{ currency: 'EUR', elements: [{ price_components: [{ type: 'ENERGY', price: 30 }], restrictions: { start_time: '7:00' } }] }, 'start_time'],
  ])('refuses an impossible tariff with the field that is wrong (%#) and stores nothing', async (body, field) => {
    const before = await t.http.get('/v1/tariffs?limit=100').set(bearer(net.accessToken)).expect(200);
    const res = await t.http.post('/v1/tariffs').set(bearer(net.accessToken)).send(body).expect(422);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    // Schema violations deep in arrays are named from the array item (a tsoa limit); the tail is exact.
    expect(res.body.errors.some((e: { field: string }) => e.field === field || e.field.endsWith(`.${field}`))).toBe(true);
    const after = await t.http.get('/v1/tariffs?limit=100').set(bearer(net.accessToken)).expect(200);
    expect(after.body.data).toHaveLength(before.body.data.length);
  });

  it('assigns the tariff to an EVSE, and refuses another network’s tariff', async () => {
    const foreign = await t.http.post('/v1/tariffs').set(bearer(other.accessToken)).send({ currency: 'EUR', energy_price_per_kwh: 10 }).expect(201);
    const refused = await t.http.patch(`/v1/evses/${evseUid}`).set(bearer(net.accessToken)).send({ tariff_id: foreign.body.id }).expect(422);
    expect(refused.body.errors[0].field).toBe('body.tariff_id');
    const done = await t.http.patch(`/v1/evses/${evseUid}`).set(bearer(net.accessToken)).send({ tariff_id: tariffId }).expect(200);
    const evse = done.body.evses.find((e: { uid: string }) => e.uid === evseUid);
    expect(evse.connectors[0].price).toMatchObject({ currency: 'EUR', energy_per_kwh: 39 });
  });

  it('previews every price component before start, by the local time of the site', async () => {
    const driver = await registerDriver(t.http);
    const peak = await t.http.get(`/v1/evses/${evseUid}/price-preview`).query({ at: '2026-12-01T09:00:00Z' }).set(bearer(driver.accessToken)).expect(200);
    expect(peak.body).toMatchObject({ tariff_id: tariffId, currency: 'EUR', vat_percent: 17, display_text: cityTariff.display_text });
    expect(peak.body.components).toEqual([
      { type: 'ENERGY', price: 39, unit: 'kWh', element: 0 },
      { type: 'PARKING_TIME', price: 600, unit: 'h', grace_minutes: 30, step_size: 60, element: 2 },
    ]);
    // 22:30 in Luxembourg on a Tuesday is off-peak; so is any Saturday.
    const evening = await t.http.get(`/v1/evses/${evseUid}/price-preview`).query({ at: '2026-12-01T21:30:00Z' }).set(bearer(driver.accessToken)).expect(200);
    expect(evening.body.components[0]).toMatchObject({ type: 'ENERGY', price: 29 });
    await t.http.get(`/v1/evses/${evseUid}/price-preview`).query({ at: 'tomorrow' }).set(bearer(driver.accessToken)).expect(422);
    await t.http.get('/v1/evses/evse_nope/price-preview').set(bearer(driver.accessToken)).expect(404);
    await t.http.get(`/v1/evses/${evseUid}/price-preview`).expect(401);
  });

  it('prices a session from its meter readings with the tariff in force at start, and shows the cost so far', async () => {
    const start = new Date('2026-12-01T20:30:00Z'); // Tuesday 21:30 in Luxembourg
    const { session, transactionId } = await t.services.charging.startSession(net.networkId, chargePointId, {
      connectorId: 1,
      idTag: 'PRICE-CARD',
      meterStartWh: 100_000,
      at: start,
    });
    await t.services.charging.addMeterValues(net.networkId, chargePointId, transactionId, [{ at: new Date('2026-12-01T21:00:00Z'), energyWh: 105_500 }]);
    const live = await t.http.get(`/v1/sessions/${session.id}`).set(bearer(net.accessToken)).expect(200);
    expect(live.body).toMatchObject({ status: 'ACTIVE', cost: { amount: 215, currency: 'EUR' } });

    // A new tariff on the EVSE does not reprice a session already running.
    const dearer = await t.http.post('/v1/tariffs').set(bearer(net.accessToken)).send({ currency: 'EUR', energy_price_per_kwh: 99 }).expect(201);
    await t.http.patch(`/v1/evses/${evseUid}`).set(bearer(net.accessToken)).send({ tariff_id: dearer.body.id }).expect(200);

    await t.services.charging.addMeterValues(net.networkId, chargePointId, transactionId, [{ at: new Date('2026-12-01T22:00:00Z'), energyWh: 116_500 }]);
    await t.services.charging.stopSession(net.networkId, chargePointId, { transactionId, meterStopWh: 116_500, at: new Date('2026-12-01T22:45:00Z') });
    const done = await t.http.get(`/v1/sessions/${session.id}`).set(bearer(net.accessToken)).expect(200);
    expect(done.body.cost).toEqual({ amount: 684, currency: 'EUR' });
    expect(done.body.cost_breakdown).toMatchObject({ amount: 684, vat_amount: 99, vat_percent: 17, totals: { energy_wh: 16_500, parking_seconds: 900 } });
    expect(done.body.cost_breakdown.lines.map((l: { type: string; amount: number }) => [l.type, l.amount])).toEqual([
      ['ENERGY', 215],
      ['ENERGY', 319],
      ['PARKING_TIME', 150],
    ]);
    // A StopTransaction sent again (the charger did not hear the answer) changes nothing.
    await t.services.charging.stopSession(net.networkId, chargePointId, { transactionId, meterStopWh: 120_000, at: new Date('2026-12-01T23:45:00Z') });
    const again = await t.http.get(`/v1/sessions/${session.id}`).set(bearer(net.accessToken)).expect(200);
    expect(again.body.cost).toEqual({ amount: 684, currency: 'EUR' });
  });

  it('quotes an example session under a draft tariff, and refuses a bad draft naming the field', async () => {
    // 20 kWh over an hour at 0.40 €/kWh, 1.00 € a session, then 30 minutes parked at 6.00 €/h after 15 free minutes.
    const tariff = {
      currency: 'EUR',
      vat_percent: 17,
      elements: [
        {
          price_components: [
            { type: 'ENERGY', price: 40, step_size: 1 },
            { type: 'FLAT', price: 100 },
          ],
        },
        { price_components: [{ type: 'PARKING_TIME', price: 600, step_size: 60, grace_minutes: 15 }] },
      ],
    };
    const body = { tariff, energy_kwh: 20, starts_at: '2026-12-02T18:00:00Z', charging_minutes: 60, parking_minutes: 30 };
    const res = await t.http.post('/v1/tariffs/quote').set(bearer(net.accessToken)).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const quote = res.body;
    expect(quote.currency).toBe('EUR');
    expect(quote.totals.energy_wh).toBe(20_000);
    const line = (type: string) => quote.lines.find((l: { type: string }) => l.type === type)?.amount;
    expect(line('ENERGY')).toBe(800);
    expect(line('FLAT')).toBe(100);
    expect(quote.amount).toBe(800 + 100 + (line('PARKING_TIME') ?? 0));
    const before = (await t.http.get('/v1/tariffs?limit=100').set(bearer(net.accessToken)).expect(200)).body.data.length;
    const bad = await t.http
      .post('/v1/tariffs/quote')
      .set(bearer(net.accessToken))
      .send({ ...body, tariff: { currency: 'EUR', energy_price_per_kwh: 30, elements: tariff.elements }, time_zone: 'Mars/Olympus' })
      .expect(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.tariff.elements', 'body.time_zone']);
    const negative = await t.http
      .post('/v1/tariffs/quote')
      .set(bearer(net.accessToken))
      .send({ ...body, energy_kwh: -1 })
      .expect(422);
    expect(negative.body.errors[0].field).toBe('body.energy_kwh');
    // A quote creates nothing.
    expect((await t.http.get('/v1/tariffs?limit=100').set(bearer(net.accessToken)).expect(200)).body.data).toHaveLength(before);
    const driver = await registerDriver(t.http);
    await t.http.post('/v1/tariffs/quote').set(bearer(driver.accessToken)).send(body).expect(403);
  });
});
