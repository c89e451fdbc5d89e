import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnersService } from '../partners/partners.service.js';
import { priceSession } from '../tariffs/pricing.js';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

const AC = { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 };
const HOUR = 3_600_000;
// Monday 2 November 2026, 00:00 in Luxembourg (UTC+1).
const MONDAY = Date.UTC(2026, 10, 1, 23, 0);
/** Monday of the fourth week, 19:00 local: tomorrow is Tuesday 24 November. */
const EVENING = new Date(MONDAY + 21 * 24 * HOUR + 19 * HOUR);
/** Local hour on Tuesday 24 November as an instant. */
const tuesday = (hour: number) => new Date(MONDAY + 22 * 24 * HOUR + hour * HOUR);

describe.each(backends())('dynamic off-peak pricing on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let tariff: string;
  let evse: string;
  let site: string;

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http);
    tariff = (
      await t.http
        .post('/v1/tariffs')
        .set(bearer(net.accessToken))
        .send({ currency: 'EUR', energy_price_per_kwh: 40, flat_price: 50, vat_percent: 17 })
        .expect(201)
    ).body.id;
    site = (await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Office car park', [])).expect(201)).body.id;
    const charger = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity: unique('DYN'), location_id: site, password: 'a-long-charge-point-secret' })
      .expect(201);
    const withEvse = await t.http
      .post(`/v1/locations/${site}/evses`)
      .set(bearer(net.accessToken))
      .send({ charge_point_id: charger.body.id, ocpp_connector_id: 1, connectors: [AC] })
      .expect(201);
    evse = withEvse.body.evses.at(-1).uid;
    await t.http.patch(`/v1/evses/${evse}`).set(bearer(net.accessToken)).send({ tariff_id: tariff }).expect(200);
    // Three weeks of office days: the one EVSE taken 09:00–17:00 local on every weekday.
    for (let day = 0; day < 21; day++) {
      if (day % 7 >= 5) continue;
      const at = new Date(MONDAY + day * 24 * HOUR + 9 * HOUR);
      const { transactionId } = await t.services.charging.startSession(net.networkId, charger.body.id, {
        connectorId: 1,
        idTag: 'OFFICE',
        meterStartWh: 0,
        at,
      });
      await t.services.charging.stopSession(net.networkId, charger.body.id, { transactionId, meterStopWh: 20_000, at: new Date(at.getTime() + 8 * HOUR) });
    }
  });
  afterAll(() => t.close());

  it('refuses rules out of bounds, naming the field', async () => {
    for (const [body, field] of [
      [{ quiet_discount_percent: 80, peak_surcharge_percent: 10 }, 'body.quiet_discount_percent'],
      [{ quiet_discount_percent: 10, peak_surcharge_percent: -1 }, 'body.peak_surcharge_percent'],
      [{ quiet_discount_percent: 10, peak_surcharge_percent: 10, quiet_free_share: 2 }, 'body.quiet_free_share'],
      [{ quiet_discount_percent: 10, peak_surcharge_percent: 10, min_energy_price: 50, max_energy_price: 30 }, 'body.min_energy_price'],
    ] as const) {
      const res = await t.http.put(`/v1/tariffs/${tariff}/dynamic-pricing`).set(bearer(net.accessToken)).send(body).expect(422);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    await t.http.get(`/v1/tariffs/${tariff}/dynamic-pricing`).set(bearer(net.accessToken)).expect(404);
    const other = await signUpNetwork(t.http, 'Other');
    await t.http
      .put(`/v1/tariffs/${tariff}/dynamic-pricing`)
      .set(bearer(other.accessToken))
      .send({ quiet_discount_percent: 10, peak_surcharge_percent: 10 })
      .expect(404);
  });

  it('publishes tomorrow ahead: cheaper at night, dearer in office hours, charged exactly as shown, today untouched', async () => {
    const set = await t.http
      .put(`/v1/tariffs/${tariff}/dynamic-pricing`)
      .set(bearer(net.accessToken))
      .send({ quiet_discount_percent: 25, peak_surcharge_percent: 10, peak_busy_share: 0.7, min_energy_price: 32 })
      .expect(200);
    expect(set.body).toMatchObject({
      quiet_discount_percent: 25,
      peak_surcharge_percent: 10,
      quiet_free_share: 0.6,
      peak_busy_share: 0.7,
      held: false,
      published_days: [],
    });
    const preview = await t.services.flows.dynamicPricing.preview(net.networkId, tariff, EVENING);
    expect(preview).toMatchObject({ day: '2026-11-24', time_zone: 'Europe/Luxembourg', confidence: 'high', published: false });
    const hour = (h: string) => preview.hours.find((x) => x.hour === h);
    // 40 less 25 % is 30, held up by the floor of 32; 40 plus 10 % is 44.
    expect(hour('03:00')).toMatchObject({ kind: 'quiet', base_price: 40, price: 32 });
    expect(hour('12:00')).toMatchObject({ kind: 'peak', base_price: 40, price: 44 });
    expect(preview.elements.every((e) => e.restrictions?.start_date === '2026-11-24' && e.restrictions?.end_date === '2026-11-25')).toBe(true);

    // Operators may publish it at once (otherwise the evening run does, below).
    const published = await t.services.flows.dynamicPricing.publish(net.networkId, tariff, EVENING);
    expect(published.published).toBe(true);
    const rules = await t.http.get(`/v1/tariffs/${tariff}/dynamic-pricing`).set(bearer(net.accessToken)).expect(200);
    expect(rules.body.published_days).toEqual(['2026-11-24']);
    // Before starting, a driver sees the day's price; the session is charged exactly that.
    const night = await t.services.tariffs.preview(undefined, evse, tuesday(3));
    expect(night.components.find((c) => c.type === 'ENERGY')?.price).toBe(32);
    const noon = await t.services.tariffs.preview(undefined, evse, tuesday(12));
    expect(noon.components.find((c) => c.type === 'ENERGY')?.price).toBe(44);
    const terms = await t.services.scopes.tenant(net.networkId, (tx) => t.services.tariffs.termsForEvse(tx, net.networkId, evse));
    const cost = priceSession(terms as NonNullable<typeof terms>, tuesday(3), tuesday(4), [
      { at: tuesday(3), energyWh: 0 },
      { at: tuesday(4), energyWh: 10_000 },
    ]);
    // 0.50 flat (unchanged: the day version only prices energy) + 10 kWh × 0.32.
    expect(cost.amount).toBe(50 + 10 * 32);
    // Today (Monday) keeps its price, as announced.
    const today = await t.services.tariffs.preview(undefined, evse, new Date(EVENING.getTime() + 2 * HOUR));
    expect(today.components.find((c) => c.type === 'ENERGY')?.price).toBe(40);
    // And Wednesday, not yet published, is at the base price.
    const wednesday = await t.services.tariffs.preview(undefined, evse, new Date(tuesday(24).getTime() + 3 * HOUR));
    expect(wednesday.components.find((c) => c.type === 'ENERGY')?.price).toBe(40);
  });

  it('surcharges the hours of a peak event the site’s utility signalled, whatever the forecast', async () => {
    const utility = await new PartnersService(t.services.scopes).create('Grid Co', 'utility');
    await t.http.put(`/v1/locations/${site}/grid-operator`).set(bearer(net.accessToken)).send({ partner_id: utility.id }).expect(204);
    // Tuesday 02:00–04:00 local, in the quiet night.
    await t.services.siteLimits.setByGridOperator(utility.id, { location_id: site, max_power_w: 3_700, starts_at: tuesday(2), ends_at: tuesday(4) }, EVENING);
    const preview = await t.services.flows.dynamicPricing.preview(net.networkId, tariff, EVENING);
    const hour = (h: string) => preview.hours.find((x) => x.hour === h);
    expect(hour('02:00')).toMatchObject({ kind: 'grid_event', price: 44 });
    expect(hour('03:00')).toMatchObject({ kind: 'grid_event', price: 44 });
    expect(hour('04:00')).toMatchObject({ kind: 'quiet', price: 32 });
  });

  it('runs every evening at 18:00 local, booking the next run each time', async () => {
    const runs = () =>
      t.services.scopes.system((tx) =>
        tx
          .selectFrom('jobs')
          .select(['run_at'])
          .where('kind', '=', 'tariffs.dynamic-day')
          .where('tenant_id', '=', net.networkId)
          .where('status', '=', 'pending')
          .execute(),
      );
    const next = (await runs())[0]?.run_at as Date;
    const local = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/Luxembourg' });
    expect(local.format(next)).toBe('18:00');
    await t.services.jobs.drain(new Date(next.getTime() + 60_000), net.networkId);
    const after = (await runs())[0]?.run_at as Date;
    // The next evening (23 or 25 hours later across a clock change).
    expect([23, 24, 25]).toContain((after.getTime() - next.getTime()) / HOUR);
    expect(local.format(after)).toBe('18:00');
  });

  it('publishes nothing while held, and never a day that has begun', async () => {
    await t.http
      .put(`/v1/tariffs/${tariff}/dynamic-pricing`)
      .set(bearer(net.accessToken))
      .send({ quiet_discount_percent: 25, peak_surcharge_percent: 10, held: true })
      .expect(200);
    const tuesdayEvening = new Date(tuesday(19).getTime());
    const before = await t.services.tariffs.get(net.networkId, tariff);
    await expect(t.services.flows.dynamicPricing.publish(net.networkId, tariff, tuesdayEvening)).rejects.toMatchObject({ code: 'dynamic-pricing-held' });
    await t.services.jobs.drain(new Date(tuesdayEvening.getTime() + 24 * HOUR), net.networkId);
    expect((await t.services.tariffs.get(net.networkId, tariff)).elements).toEqual(before.elements);
    await expect(t.services.tariffs.publishDay(net.networkId, tariff, '2026-11-24', [], tuesdayEvening)).rejects.toMatchObject({ code: 'day-not-ahead' });
  });
});
