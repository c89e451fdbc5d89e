import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvseStatus } from '../db/schema.js';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

const AC = { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 };
const MINUTE = 60_000;

describe.each(backends())('incidents on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let other: SignedUpNetwork;
  let slug: string;

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'Incident Network');
    other = await signUpNetwork(t.http, 'Quiet Network');
    slug = (await t.http.get('/v1/network').set(bearer(net.accessToken)).expect(200)).body.slug;
  });
  afterAll(() => t.close());

  /** A site with chargers, each with `connectors` EVSEs, all connected and available. */
  async function site(name: string, chargers: number[]): Promise<{ id: string; chargers: { id: string; evses: string[] }[] }> {
    const loc = await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody(name, [])).expect(201);
    const out: { id: string; evses: string[] }[] = [];
    for (const [i, connectors] of chargers.entries()) {
      const cp = await t.http
        .post('/v1/charge-points')
        .set(bearer(net.accessToken))
        .send({ identity: unique('INC'), location_id: loc.body.id, password: 'a-long-charge-point-secret' })
        .expect(201);
      const evses: string[] = [];
      for (let connector = 1; connector <= connectors; connector++) {
        const res = await t.http
          .post(`/v1/locations/${loc.body.id}/evses`)
          .set(bearer(net.accessToken))
          .send({
            charge_point_id: cp.body.id,
            ocpp_connector_id: connector,
            evse_id: `LU*INC*E${process.pid % 10000}${Date.now() % 100000}${i}${connector}`,
            connectors: [AC],
          })
          .expect(201);
        evses.push(
          res.body.evses.find(
            (e: { charge_point_id: string; ocpp_connector_id: number }) => e.charge_point_id === cp.body.id && e.ocpp_connector_id === connector,
          ).uid,
        );
      }
      await t.services.charging.setConnected(net.networkId, cp.body.id, true);
      for (let connector = 1; connector <= connectors; connector++) await status(cp.body.id, connector, 'AVAILABLE');
      out.push({ id: cp.body.id, evses });
    }
    return { id: loc.body.id, chargers: out };
  }
  const status = (chargePointId: string, connectorId: number, s: EvseStatus, errorCode?: string) =>
    t.services.charging.reportStatus(net.networkId, chargePointId, {
      connectorId,
      status: s,
      at: new Date(),
      ...(errorCode ? { fault: { errorCode, info: 'earth leakage 32 mA', vendorErrorCode: 'E-117' } } : {}),
    });
  const sweep = (offsetMs = 0) => t.services.incidents.sweep(net.networkId, new Date(Date.now() + offsetMs));
  const incidents = async (query = '') => (await t.http.get(`/v1/incidents?limit=100${query}`).set(bearer(net.accessToken)).expect(200)).body.data;
  const webhookTypes = async () =>
    (
      await t.services.scopes.tenant(net.networkId, (tx) =>
        tx
          .selectFrom('webhook_deliveries')
          .select(['event_type', 'payload'])
          .where('tenant_id', '=', net.networkId)
          .where('event_type', 'like', 'incident.%')
          .orderBy('created_at')
          .orderBy('id')
          .execute(),
      )
    ).map((d) => ({ type: d.event_type, id: (d.payload as { data: { incident_id: string } }).data.incident_id }));

  it('an OCPP fault opens one incident per EVSE, however often it is reported; a driver report joins it; recovery resolves it and says so on the ticket', async () => {
    await t.http
      .post('/v1/webhook-endpoints')
      .set(bearer(net.accessToken))
      .send({ url: 'http://127.0.0.1:9/hook', events: ['incident.*'] })
      .expect(201);
    const s = await site('Faulty Forecourt', [2]);
    const [cp] = s.chargers as [{ id: string; evses: string[] }];
    const [faulty, fine] = cp.evses as [string, string];
    await status(cp.id, 1, 'OUTOFORDER', 'GroundFailure');
    await sweep();
    await status(cp.id, 1, 'OUTOFORDER', 'GroundFailure');
    await sweep();
    await sweep();
    const open = (await incidents('&status=open')).filter((i: { location_id: string }) => i.location_id === s.id);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      scope: 'evse',
      evse_uid: faulty,
      causes: ['fault'],
      fault: { code: 'GroundFailure', name: 'Earth fault', info: 'earth leakage 32 mA', vendor_error_code: 'E-117' },
      tickets: 0,
    });
    expect(open[0].evse_id).toMatch(/^LU\*INC\*E/);
    expect(open[0].affected_evses.map((e: { evse_uid: string }) => e.evse_uid)).toEqual([faulty]);
    expect((await webhookTypes()).filter((w) => w.id === open[0].id).map((w) => w.type)).toEqual(['incident.opened']);
    // The charger's own list of faults, as operators read them; another network gets a 404.
    const faults = (await t.http.get(`/v1/charge-points/${cp.id}/faults`).set(bearer(net.accessToken)).expect(200)).body.data;
    expect(faults).toHaveLength(2);
    expect(faults[0]).toMatchObject({
      connector_id: 1,
      evse_uid: faulty,
      evse_id: open[0].evse_id,
      error_code: 'GroundFailure',
      name: 'Earth fault',
      vendor_error_code: 'E-117',
    });
    await t.http.get(`/v1/charge-points/${cp.id}/faults`).set(bearer(other.accessToken)).expect(404);

    // A driver at the charger reports it too: the same incident, not a second one.
    const driver = await registerDriver(t.http);
    const evseId = open[0].evse_id;
    const ticket = (
      await t.http
        .post('/v1/support/tickets')
        .set(bearer(driver.accessToken))
        .send({ kind: 'fault', subject: 'Dead', message: 'Red light, will not start.', evse_ref: evseId, symptom: 'wont_start' })
        .expect(201)
    ).body;
    expect(ticket.incident_id).toBe(open[0].id);
    // The fault is known: the driver is told at once.
    expect(ticket.messages.map((m: { author: string }) => m.author)).toEqual(['driver', 'system']);
    let detail = (await t.http.get(`/v1/incidents/${open[0].id}`).set(bearer(net.accessToken)).expect(200)).body;
    expect(detail.causes).toEqual(['driver_report', 'fault']);
    expect(detail.ticket_ids).toEqual([ticket.id]);
    // The other EVSE of the charger is fine and has none.
    expect((await incidents(`&evse_uid=${fine}&status=open`)).length).toBe(0);
    // Another network sees nothing of it.
    await t.http.get(`/v1/incidents/${open[0].id}`).set(bearer(other.accessToken)).expect(404);
    expect((await t.http.get('/v1/incidents').set(bearer(other.accessToken)).expect(200)).body.data).toEqual([]);
    await t.http.get('/v1/incidents').set(bearer(driver.accessToken)).expect(403);

    // The charger recovers: the incident resolves itself, and the driver's ticket says so.
    await status(cp.id, 1, 'AVAILABLE');
    await sweep();
    detail = (await t.http.get(`/v1/incidents/${open[0].id}`).set(bearer(net.accessToken)).expect(200)).body;
    expect(detail).toMatchObject({ status: 'resolved', resolution: 'recovered' });
    const seen = (await t.http.get(`/v1/support/tickets/${ticket.id}`).set(bearer(driver.accessToken)).expect(200)).body;
    expect(seen.messages.map((m: { author: string }) => m.author)).toEqual(['driver', 'system', 'system']);
    expect(seen.messages[2].body).toMatch(/working again/);
    expect((await webhookTypes()).filter((w) => w.id === open[0].id).map((w) => w.type)).toEqual(['incident.opened', 'incident.resolved']);
  });

  it('a charger offline past the threshold is an incident of its EVSEs; every charger of a site offline is one incident of the site, which absorbs them', async () => {
    const s = await site('Outage Lane', [1, 2]);
    const [a, b] = s.chargers as [{ id: string; evses: string[] }, { id: string; evses: string[] }];
    await t.services.charging.setConnected(net.networkId, a.id, false);
    // A reboot is not an incident.
    await sweep(MINUTE);
    expect((await incidents(`&location_id=${s.id}&status=open`)).length).toBe(0);
    await sweep(6 * MINUTE);
    const evseLevel = await incidents(`&location_id=${s.id}&status=open`);
    expect(evseLevel).toHaveLength(1);
    expect(evseLevel[0]).toMatchObject({ scope: 'evse', evse_uid: a.evses[0], causes: ['offline'] });

    await t.services.charging.setConnected(net.networkId, b.id, false);
    await sweep(6 * MINUTE);
    const siteLevel = await incidents(`&location_id=${s.id}&status=open`);
    expect(siteLevel).toHaveLength(1);
    expect(siteLevel[0]).toMatchObject({ scope: 'site', evse_uid: null, causes: ['offline'] });
    expect(siteLevel[0].affected_evses.map((e: { evse_uid: string }) => e.evse_uid).sort()).toEqual([...a.evses, ...b.evses].sort());
    const merged = (await t.http.get(`/v1/incidents/${evseLevel[0].id}`).set(bearer(net.accessToken)).expect(200)).body;
    expect(merged).toMatchObject({ status: 'resolved', resolution: 'merged' });

    // The public status page shows the outage, without tickets or people.
    const page = await t.http.get(`/v1/status/${slug}`).expect(200);
    expect(page.body.status).toBe('outage');
    expect(page.body.open_incidents).toContainEqual(expect.objectContaining({ location_id: s.id, scope: 'site', evses_affected: 3 }));
    expect(JSON.stringify(page.body)).not.toMatch(/ticket|driver|cause/);
    await t.http.get('/v1/status/no-such-network').expect(404);

    for (const cp of [a, b]) await t.services.charging.setConnected(net.networkId, cp.id, true);
    await sweep(7 * MINUTE);
    expect((await incidents(`&location_id=${s.id}&status=open`)).length).toBe(0);
  });

  it('a charger registered but never connected is being commissioned, not an incident', async () => {
    const loc = await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Commissioning Court', [])).expect(201);
    const cp = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity: unique('NEW'), location_id: loc.body.id, password: 'a-long-charge-point-secret' })
      .expect(201);
    await t.http
      .post(`/v1/locations/${loc.body.id}/evses`)
      .set(bearer(net.accessToken))
      .send({ charge_point_id: cp.body.id, ocpp_connector_id: 1, connectors: [AC] })
      .expect(201);
    await sweep(60 * MINUTE);
    expect(await incidents(`&location_id=${loc.body.id}`)).toEqual([]);
  });

  it('three failed starts in a row open an incident; a session that delivers closes it', async () => {
    const s = await site('Stubborn Stop', [1]);
    const [cp] = s.chargers as [{ id: string; evses: string[] }];
    const idTag = unique('TAG').slice(0, 20);
    const start = Date.now() - 30 * MINUTE;
    for (let i = 0; i < 3; i++) {
      const at = new Date(start + i * 5 * MINUTE);
      const { transactionId } = await t.services.charging.startSession(net.networkId, cp.id, { connectorId: 1, idTag, meterStartWh: 1000, at });
      await t.services.charging.stopSession(net.networkId, cp.id, {
        transactionId,
        meterStopWh: 1000,
        at: new Date(at.getTime() + 30_000),
        reason: 'EVDisconnected',
      });
    }
    await sweep();
    const open = await incidents(`&location_id=${s.id}&status=open`);
    expect(open).toHaveLength(1);
    expect(open[0].causes).toEqual(['failed_starts']);
    const { transactionId } = await t.services.charging.startSession(net.networkId, cp.id, {
      connectorId: 1,
      idTag,
      meterStartWh: 1000,
      at: new Date(Date.now() - 5 * MINUTE),
    });
    await t.services.charging.stopSession(net.networkId, cp.id, { transactionId, meterStopWh: 9000, at: new Date() });
    await sweep();
    expect((await incidents(`&location_id=${s.id}&status=open`)).length).toBe(0);
  });

  it('moves a booking off a faulty EVSE to a free one at the site, and tells the driver when there is none', async () => {
    const s = await site('Booked Bay', [2]);
    const [cp] = s.chargers as [{ id: string; evses: string[] }];
    const [first, second] = cp.evses as [string, string];
    const start = new Date(Math.ceil((Date.now() + 3 * 60 * MINUTE) / (15 * MINUTE)) * 15 * MINUTE);
    const end = new Date(start.getTime() + 60 * MINUTE);
    const alice = await registerDriver(t.http);
    const bob = await registerDriver(t.http);
    const movable = (await t.http.post('/v1/reservations').set(bearer(alice.accessToken)).send({ evse_id: first, start, end }).expect(201)).body;
    await status(cp.id, 1, 'OUTOFORDER', 'PowerSwitchFailure');
    await sweep();
    const [incident] = await incidents(`&location_id=${s.id}&status=open`);
    await t.services.jobs.drain(new Date(), net.networkId);
    const moved = (await t.http.get(`/v1/reservations/${movable.id}`).set(bearer(alice.accessToken)).expect(200)).body;
    expect(moved).toMatchObject({ status: 'CONFIRMED', evse_uid: second });

    // Now the second EVSE breaks too: Bob's booking there has nowhere to go at the site.
    const stuck = (
      await t.http
        .post('/v1/reservations')
        .set(bearer(bob.accessToken))
        .send({ evse_id: second, start: end, end: new Date(end.getTime() + 30 * MINUTE) })
        .expect(201)
    ).body;
    await status(cp.id, 2, 'OUTOFORDER', 'PowerSwitchFailure');
    await sweep();
    await t.services.jobs.drain(new Date(), net.networkId);
    expect((await t.http.get(`/v1/reservations/${stuck.id}`).set(bearer(bob.accessToken)).expect(200)).body.evse_uid).toBe(second);
    const told = await t.services.scopes.tenant(net.networkId, (tx) =>
      tx
        .selectFrom('notification_outbox')
        .select(['driver_id', 'template', 'data'])
        .where('tenant_id', '=', net.networkId)
        .where('template', '=', 'reservation.evse_out_of_order')
        .execute(),
    );
    expect(told.map((n) => (n.data as { reservation_id: string }).reservation_id)).toContain(stuck.id);
    expect(incident.causes).toEqual(['fault']);
  });

  it('a car drawing well over its share minutes after the charger was told is a charger ignoring its limit', async () => {
    const s = await site('Greedy Garage', [1]);
    const [cp] = s.chargers as [{ id: string; evses: string[] }];
    const evse = cp.evses[0] as string;
    const idTag = unique('TAG').slice(0, 20);
    const { transactionId } = await t.services.charging.startSession(net.networkId, cp.id, {
      connectorId: 1,
      idTag,
      meterStartWh: 0,
      at: new Date(Date.now() - 20 * MINUTE),
    });
    // The site's plan told this EVSE 3.7 kW ten minutes ago (as site-limits writes it).
    await t.services.scopes.tenant(net.networkId, (tx) =>
      tx
        .insertInto('evse_power_shares')
        .values({ tenant_id: net.networkId, evse_uid: evse, share_w: 3_700, told_at: new Date(Date.now() - 10 * MINUTE) })
        .execute(),
    );
    // Within its share: nothing.
    await t.services.charging.addMeterValues(net.networkId, cp.id, transactionId, [{ at: new Date(), energyWh: 1_000, powerW: 3_600 }]);
    await sweep();
    expect(await incidents(`&location_id=${s.id}&status=open`)).toEqual([]);
    // 11 kW against 3.7: it ignores the limit.
    await t.services.charging.addMeterValues(net.networkId, cp.id, transactionId, [{ at: new Date(), energyWh: 2_000, powerW: 11_000 }]);
    await sweep();
    expect((await incidents(`&location_id=${s.id}&status=open`)).map((i: { causes: string[] }) => i.causes)).toEqual([['power_limit_ignored']]);
    // It comes back under its share: resolved.
    await t.services.charging.addMeterValues(net.networkId, cp.id, transactionId, [{ at: new Date(), energyWh: 2_500, powerW: 3_500 }]);
    await sweep();
    expect(await incidents(`&location_id=${s.id}&status=open`)).toEqual([]);
  });

  it('the queue passes over an EVSE a driver reported, even while its charger says it is free', async () => {
    const s = await site('Reported Row', [1]);
    const [cp] = s.chargers as [{ id: string; evses: string[] }];
    const evseId = (await t.http.get(`/v1/locations/${s.id}`).set(bearer(net.accessToken)).expect(200)).body.evses[0].evse_id;
    const reporter = await registerDriver(t.http);
    const waiting = await registerDriver(t.http);
    // Free, so nobody may queue yet.
    expect(
      (await t.http.post(`/v1/locations/${s.id}/queue`).set(bearer(waiting.accessToken)).send({ connector_standard: AC.standard }).expect(409)).body.type,
    ).toMatch(/evse-available$/);
    await t.http
      .post('/v1/support/tickets')
      .set(bearer(reporter.accessToken))
      .send({ kind: 'fault', subject: 'Broken', message: 'Does not start.', evse_ref: evseId, symptom: 'wont_start' })
      .expect(201);
    expect((await incidents(`&location_id=${s.id}&status=open`))[0]).toMatchObject({ causes: ['driver_report'], evse_uid: cp.evses[0] });
    // Now the only EVSE is under an incident: drivers may queue for the next one instead of being sent to it.
    await t.http.post(`/v1/locations/${s.id}/queue`).set(bearer(waiting.accessToken)).send({ connector_standard: AC.standard }).expect(201);
  });

  it('staff resolve by hand; an unknown incident is a 404 and a resolved one a 409', async () => {
    const s = await site('Manual Mews', [1]);
    const [cp] = s.chargers as [{ id: string; evses: string[] }];
    await status(cp.id, 1, 'OUTOFORDER', 'HighTemperature');
    await sweep();
    const [incident] = await incidents(`&location_id=${s.id}&status=open`);
    const resolved = (await t.http.post(`/v1/incidents/${incident.id}/resolve`).set(bearer(net.accessToken)).expect(200)).body;
    expect(resolved).toMatchObject({ status: 'resolved', resolution: 'staff' });
    const again = await t.http.post(`/v1/incidents/${incident.id}/resolve`).set(bearer(net.accessToken)).expect(409);
    expect(again.body.type).toMatch(/incident-resolved$/);
    await t.http.post('/v1/incidents/inc_nope/resolve').set(bearer(net.accessToken)).expect(404);
    await t.http.post(`/v1/incidents/${incident.id}/resolve`).set(bearer(other.accessToken)).expect(404);
    // Still faulted: the next sweep opens it again, as a new incident.
    await sweep();
    const reopened = await incidents(`&location_id=${s.id}&status=open`);
    expect(reopened).toHaveLength(1);
    expect(reopened[0].id).not.toBe(incident.id);
  });
});
