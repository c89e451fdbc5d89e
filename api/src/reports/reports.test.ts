import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

const HOUR = 3_600_000;

describe.each(backends())('utilisation report on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let site: string;
  let hidden: string;
  let idle: string;
  let driver: string;
  // A two-hour period a day ago, on the hour.
  const from = new Date(Math.floor((Date.now() - 24 * HOUR) / HOUR) * HOUR);
  const to = new Date(from.getTime() + 2 * HOUR);
  const report = (query: string, token = driver) => t.http.get(`/v1/reports/utilisation?${query}`).set(bearer(token));

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'Reported Network');
    driver = (await registerDriver(t.http)).accessToken;
    site = (await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Busy Square', [])).expect(201)).body.id;
    hidden = (
      await t.http
        .post('/v1/locations')
        .set(bearer(net.accessToken))
        .send({ ...siteBody('Staff Depot', []), publish: false })
        .expect(201)
    ).body.id;
    idle = (await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Quiet Corner')).expect(201)).body.id;
    for (const location of [site, hidden]) {
      const cp = await t.http
        .post('/v1/charge-points')
        .set(bearer(net.accessToken))
        .send({ identity: unique('RPT').slice(0, 25), location_id: location, password: 'report-password-123' })
        .expect(201);
      for (const connector of [1, 2]) {
        await t.http
          .post(`/v1/locations/${location}/evses`)
          .set(bearer(net.accessToken))
          .send({
            charge_point_id: cp.body.id,
            ocpp_connector_id: connector,
            connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }],
          })
          .expect(201);
      }
      const session = async (connectorId: number, start: number, stop: number, wh: number) => {
        const { transactionId } = await t.services.charging.startSession(net.networkId, cp.body.id, {
          connectorId,
          idTag: unique('TAG').slice(-20),
          meterStartWh: 1_000,
          at: new Date(from.getTime() + start * HOUR),
        });
        await t.services.charging.stopSession(net.networkId, cp.body.id, {
          transactionId,
          meterStopWh: 1_000 + wh,
          at: new Date(from.getTime() + stop * HOUR),
        });
      };
      // Half an hour inside the period, one hour inside, and one entirely before it.
      await session(1, -0.5, 0.5, 10_000);
      await session(2, 1, 3, 22_000);
      await session(1, -5, -4, 7_000);
    }
  });
  afterAll(() => t.close());

  it('sums sessions, charging hours and energy per public station, clipping sessions to the period', async () => {
    const res = await report(`from=${from.toISOString()}&to=${to.toISOString()}&bbox=6.12,49.60,6.14,49.62&limit=100`).expect(200);
    const row = res.body.data.find((r: { location_id: string }) => r.location_id === site);
    expect(row).toEqual({
      location_id: site,
      network_id: net.networkId,
      name: 'Busy Square',
      city: 'Luxembourg',
      evses: 2,
      sessions: 2,
      charging_hours: 1.5,
      energy_kwh: 32,
      // 1.5 charging hours of 2 EVSEs × 2 hours.
      utilisation: 0.375,
    });
    // Unpublished sites are nobody's business outside their network.
    expect(res.body.data.map((r: { location_id: string }) => r.location_id)).not.toContain(hidden);
    const elsewhere = await report(`from=${from.toISOString()}&to=${to.toISOString()}&bbox=5.0,50.0,5.1,50.1`).expect(200);
    expect(elsewhere.body.data).toEqual([]);
  });

  it('reports a station without sessions as idle, not fully used', async () => {
    const res = await report(`from=${from.toISOString()}&to=${to.toISOString()}&bbox=6.12,49.60,6.14,49.62&limit=100`).expect(200);
    const row = res.body.data.find((r: { location_id: string }) => r.location_id === idle);
    expect(row.evses).toBeGreaterThan(0);
    expect(row).toMatchObject({ sessions: 0, charging_hours: 0, energy_kwh: 0, utilisation: 0 });
  });

  it('pages through every station with a cursor', async () => {
    const seen: string[] = [];
    let cursor = '';
    do {
      const res = await report(`from=${from.toISOString()}&to=${to.toISOString()}&limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      seen.push(...res.body.data.map((r: { location_id: string }) => r.location_id));
      cursor = res.body.next_cursor ?? '';
    } while (cursor);
    expect(seen).toContain(site);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses bad periods and boxes with field errors, and anonymous callers', async () => {
    const cases: [string, string][] = [
      [`from=${to.toISOString()}&to=${from.toISOString()}`, 'query.to'],
      [`from=${new Date(from.getTime() - 100 * 24 * HOUR).toISOString()}&to=${to.toISOString()}`, 'query.to'],
      [`from=${new Date(Date.now() + HOUR).toISOString()}&to=${new Date(Date.now() + 2 * HOUR).toISOString()}`, 'query.from'],
      [`from=${from.toISOString()}&to=${to.toISOString()}&bbox=1,2,3`, 'query.bbox'],
      [`from=yesterday&to=${to.toISOString()}`, 'query.from'],
      [`to=${to.toISOString()}`, 'query.from'],
    ];
    for (const [query, field] of cases) {
      const res = await report(query).expect(422);
      expect(
        res.body.errors.map((e: { field: string }) => e.field),
        query,
      ).toContain(field);
    }
    await t.http.get(`/v1/reports/utilisation?from=${from.toISOString()}&to=${to.toISOString()}`).expect(401);
  });
});
