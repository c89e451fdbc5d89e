import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp } from '../test/harness.js';
import { billingMonth, energyCosts, priceAt } from './energy-contracts.js';
import type { EnergyContract } from './site-limits.model.js';

const AC = { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 };
const TOU = {
  objective: 'least_cost',
  currency: 'EUR',
  base_price_per_kwh: 0.12,
  windows: [{ days: [1, 2, 3, 4, 5], start: '17:00', end: '21:00', price_per_kwh: 0.31 }],
  demand_charge_per_kw: 9.5,
  value_per_kwh: 0.45,
};

describe('a site energy contract on its local clock', () => {
  const contract = { ...TOU, location_id: 'x', updated_at: new Date() } as EnergyContract;
  it('prices by the local weekday and time, daylight saving included', () => {
    // Monday 30 March 2026, 17:30 in Luxembourg is 15:30 UTC (summer time began the day before).
    expect(priceAt(contract, new Date('2026-03-30T15:30:00Z'), 'Europe/Luxembourg')).toBe(0.31);
    expect(priceAt(contract, new Date('2026-03-30T19:00:00Z'), 'Europe/Luxembourg')).toBe(0.12);
    // Saturday: no window.
    expect(priceAt(contract, new Date('2026-03-28T17:30:00Z'), 'Europe/Luxembourg')).toBe(0.12);
  });

  it('bills the demand charge per local calendar month', () => {
    const { start, end } = billingMonth(new Date('2026-12-31T23:30:00Z'), 'Europe/Luxembourg');
    // 00:30 on 1 January in Luxembourg: January's month.
    expect(start.toISOString()).toBe('2026-12-31T23:00:00.000Z');
    expect(end.toISOString()).toBe('2027-01-31T23:00:00.000Z');
  });

  it('gives the scheduler the price steps over the horizon', () => {
    const now = new Date('2026-12-07T14:00:00Z'); // Monday 15:00 local
    const costs = energyCosts(contract, now, now.getTime() + 8 * 3_600_000, 'Europe/Luxembourg', 12_000);
    expect(costs.prices).toEqual([
      { fromMs: now.getTime(), perKwh: 0.12 },
      { fromMs: Date.parse('2026-12-07T16:00:00Z'), perKwh: 0.31 },
      { fromMs: Date.parse('2026-12-07T20:00:00Z'), perKwh: 0.12 },
    ]);
    expect(costs).toMatchObject({ demandChargePerKw: 9.5, peakSoFarW: 12_000, valuePerKwh: 0.45, billingPeriodEndMs: Date.parse('2026-12-31T23:00:00Z') });
  });
});

describe.each(backends())('site energy contracts and power history on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let site: string;

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http);
    site = (
      await t.http
        .post('/v1/locations')
        .set(bearer(net.accessToken))
        .send(siteBody('Depot', [{ connectors: [AC] }]))
        .expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  it('sets, reads and removes a contract; the defaults are said', async () => {
    await t.http.get(`/v1/locations/${site}/energy-contract`).set(bearer(net.accessToken)).expect(404);
    const set = await t.http.put(`/v1/locations/${site}/energy-contract`).set(bearer(net.accessToken)).send(TOU).expect(200);
    expect(set.body).toMatchObject({ ...TOU, location_id: site });
    const plain = await t.http
      .put(`/v1/locations/${site}/energy-contract`)
      .set(bearer(net.accessToken))
      .send({ objective: 'most_energy', currency: 'EUR', base_price_per_kwh: 0.2, value_per_kwh: 0.4 })
      .expect(200);
    expect(plain.body).toMatchObject({ windows: [], demand_charge_per_kw: 0, objective: 'most_energy' });
    const read = await t.http.get(`/v1/locations/${site}/energy-contract`).set(bearer(net.accessToken)).expect(200);
    expect(read.body.base_price_per_kwh).toBe(0.2);
    await t.http.delete(`/v1/locations/${site}/energy-contract`).set(bearer(net.accessToken)).expect(204);
    await t.http.delete(`/v1/locations/${site}/energy-contract`).set(bearer(net.accessToken)).expect(404);
  });

  it('refuses a bad contract naming the field, and keeps the one in place', async () => {
    await t.http.put(`/v1/locations/${site}/energy-contract`).set(bearer(net.accessToken)).send(TOU).expect(200);
    const cases: [Record<string, unknown>, string][] = [
      [{ ...TOU, windows: [{ ...TOU.windows[0], start: '21:00', end: '17:00' }] }, 'body.windows[0].end'],
      [{ ...TOU, windows: [{ ...TOU.windows[0], days: [1, 8] }] }, 'body.windows[0].days'],
      [{ ...TOU, windows: [{ ...TOU.windows[0], days: [2, 2] }] }, 'body.windows[0].days'],
      [{ ...TOU, windows: [{ ...TOU.windows[0], start: '7:00' }] }, 'body.windows[0].start'],
      [{ ...TOU, currency: 'euro' }, 'body.currency'],
      [{ ...TOU, objective: 'cheapest' }, 'body.objective'],
      [{ ...TOU, value_per_kwh: -1 }, 'body.value_per_kwh'],
      [{ ...TOU, demand_charge_per_kw: 5000 }, 'body.demand_charge_per_kw'],
    ];
    for (const [body, field] of cases) {
      const res = await t.http.put(`/v1/locations/${site}/energy-contract`).set(bearer(net.accessToken)).send(body).expect(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const kept = await t.http.get(`/v1/locations/${site}/energy-contract`).set(bearer(net.accessToken)).expect(200);
    expect(kept.body).toMatchObject(TOU);
  });

  it("is the network's own: another network neither sees nor sets it", async () => {
    const other = await signUpNetwork(t.http);
    await t.http.get(`/v1/locations/${site}/energy-contract`).set(bearer(other.accessToken)).expect(404);
    await t.http.put(`/v1/locations/${site}/energy-contract`).set(bearer(other.accessToken)).send(TOU).expect(404);
    await t.http.get(`/v1/locations/${site}/power-history`).set(bearer(other.accessToken)).expect(404);
  });

  it('answers the power history for a range, and refuses a backwards or too long one', async () => {
    const history = await t.http.get(`/v1/locations/${site}/power-history`).set(bearer(net.accessToken)).expect(200);
    expect(history.body).toEqual({ location_id: site, samples: [], peak_this_month_w: 0 });
    const backwards = await t.http
      .get(`/v1/locations/${site}/power-history?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z`)
      .set(bearer(net.accessToken))
      .expect(422);
    expect(backwards.body.errors[0].field).toBe('query.to');
    await t.http.get(`/v1/locations/${site}/power-history?from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z`).set(bearer(net.accessToken)).expect(422);
    await t.http.get(`/v1/locations/${site}/power-history?from=yesterday`).set(bearer(net.accessToken)).expect(422);
  });
});
