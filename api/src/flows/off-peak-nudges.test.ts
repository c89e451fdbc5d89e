import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

const AC = { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 };
const HOUR = 3_600_000;
// Monday 2 November 2026, 00:00 in Luxembourg (UTC+1).
const MONDAY = Date.UTC(2026, 10, 1, 23, 0);
/** Monday of the fourth week, 07:30 local: the usual 09:00 arrival is an hour and a half away. */
const MORNING = new Date(MONDAY + 21 * 24 * HOUR + 7.5 * HOUR);

describe.each(backends())('off-peak nudges on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let consenting: { driverId: string; accessToken: string };
  let silent: { driverId: string; accessToken: string };
  let site: string;

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http);
    site = (await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Office', [])).expect(201)).body.id;
    const cp = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity: unique('NUDGE'), location_id: site, password: 'a-long-charge-point-secret' })
      .expect(201);
    await t.http
      .post(`/v1/locations/${site}/evses`)
      .set(bearer(net.accessToken))
      .send({ charge_point_id: cp.body.id, ocpp_connector_id: 1, connectors: [AC] })
      .expect(201);
    consenting = await registerDriver(t.http);
    silent = await registerDriver(t.http);
    const tags = { consenting: unique('NA').slice(-20), silent: unique('NB').slice(-20) };
    await t.http.post('/v1/me/id-tags').set(bearer(consenting.accessToken)).send({ id_tag: tags.consenting }).expect(201);
    await t.http.post('/v1/me/id-tags').set(bearer(silent.accessToken)).send({ id_tag: tags.silent }).expect(201);
    await t.http
      .patch('/v1/me')
      .set(bearer(consenting.accessToken))
      .send({ preferences: { notifications: { off_peak_nudges: true } } })
      .expect(200);
    // Three weeks of weekdays: the office's one EVSE taken 09:00–17:00, by one driver or the other.
    for (let day = 0; day < 21; day++) {
      if (day % 7 >= 5) continue;
      const at = new Date(MONDAY + day * 24 * HOUR + 9 * HOUR);
      const idTag = day % 2 ? tags.silent : tags.consenting;
      const { transactionId } = await t.services.charging.startSession(net.networkId, cp.body.id, { connectorId: 1, idTag, meterStartWh: 0, at });
      await t.services.charging.stopSession(net.networkId, cp.body.id, { transactionId, meterStopWh: 20_000, at: new Date(at.getTime() + 8 * HOUR) });
    }
    await t.services.forecasting.train(net.networkId, site, MORNING);
  });
  afterAll(() => t.close());

  const nudgesOf = (driverId: string) =>
    t.services.scopes.system((tx) =>
      tx
        .selectFrom('notification_outbox')
        .select(['template', 'channel', 'data'])
        .where('driver_id', '=', driverId)
        .where('template', '=', 'guidance.nudge')
        .execute(),
    );

  it('tells a driver who asked, before their usual busy hour, when it is quieter — once a day — and nobody who did not', async () => {
    const ids = [consenting.driverId, silent.driverId];
    expect(await t.services.flows.offPeakNudges.run(MORNING, ids)).toEqual([consenting.driverId]);
    const [nudge] = await nudgesOf(consenting.driverId);
    expect(nudge).toMatchObject({ channel: 'push' });
    const data = nudge?.data as { location_id: string; busy_from: string; quieter_from: string };
    expect(data.location_id).toBe(site);
    expect(new Date(data.busy_from).getTime()).toBe(MONDAY + 21 * 24 * HOUR + 9 * HOUR);
    // Quieter before the office opens.
    expect(new Date(data.quieter_from).getTime()).toBeLessThan(new Date(data.busy_from).getTime());
    // Once a day: the next round sends nothing more.
    expect(await t.services.flows.offPeakNudges.run(new Date(MORNING.getTime() + 10 * 60_000), ids)).toEqual([]);
    expect(await nudgesOf(consenting.driverId)).toHaveLength(1);
    expect(await nudgesOf(silent.driverId)).toHaveLength(0);
  });

  it('says nothing far from the usual hour', async () => {
    expect(await t.services.flows.offPeakNudges.run(new Date(MORNING.getTime() - 3 * HOUR), [silent.driverId])).toEqual([]);
  });
});
