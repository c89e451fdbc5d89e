import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChargerCommand } from '../charging/charger-commands.js';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

const AC = { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 };

describe.each(backends())('acting from a ticket on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let other: SignedUpNetwork;
  let identity: string;
  let chargePointId: string;
  let ticketId: string;
  let driver: { accessToken: string; driverId: string };
  const sent: ChargerCommand[] = [];
  let answer = { accepted: true, status: 'Accepted' };
  let unregister: () => void;

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'Acting Network');
    other = await signUpNetwork(t.http, 'Watching Network');
    const site = await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Acting Arcade', [])).expect(201);
    identity = unique('ACT');
    chargePointId = (
      await t.http
        .post('/v1/charge-points')
        .set(bearer(net.accessToken))
        .send({ identity, location_id: site.body.id, password: 'a-long-charge-point-secret' })
        .expect(201)
    ).body.id;
    const evseId = `LU*ACT*E${process.pid % 10000}${Date.now() % 100000}`;
    await t.http
      .post(`/v1/locations/${site.body.id}/evses`)
      .set(bearer(net.accessToken))
      .send({ charge_point_id: chargePointId, ocpp_connector_id: 2, evse_id: evseId, connectors: [AC] })
      .expect(201);
    // The charger as the gateway would hold it: every command it is sent, answered as we say.
    unregister = (t.services.commands.register as NonNullable<typeof t.services.commands.register>)(identity, async (command) => {
      sent.push(command);
      return answer;
    });
    driver = await registerDriver(t.http);
    ticketId = (
      await t.http
        .post('/v1/support/tickets')
        .set(bearer(driver.accessToken))
        .send({ kind: 'fault', subject: 'Cable stuck', message: 'Cannot unplug.', evse_ref: evseId, symptom: 'cable_stuck' })
        .expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  const act = (body: Record<string, unknown>, token = net.accessToken) => t.http.post(`/v1/support/tickets/${ticketId}/actions`).set(bearer(token)).send(body);

  it('sends the neutral command to the ticket’s charger, and notes it on the ticket and in the audit trail', async () => {
    const unlocked = await act({ action: 'unlock' }).expect(200);
    expect(unlocked.body).toMatchObject({ action: 'unlock', outcome: 'done', detail: 'Accepted' });
    expect(sent.at(-1)).toEqual({ kind: 'unlock', connector: 2 });
    await act({ action: 'reset', hard: true }).expect(200);
    expect(sent.at(-1)).toEqual({ kind: 'reset', hard: true });
    await act({ action: 'set_availability', operative: false }).expect(200);
    expect(sent.at(-1)).toEqual({ kind: 'changeAvailability', connector: 2, operative: false });
    await act({ action: 'remote_start' }).expect(200);
    const start = sent.at(-1) as Extract<ChargerCommand, { kind: 'remoteStart' }>;
    expect(start).toMatchObject({ kind: 'remoteStart', connector: 2 });
    // With the ticket's driver's own token, so the session is theirs.
    const tags = await t.services.scopes.system((tx) => tx.selectFrom('id_tags').select('driver_id').where('id_tag', '=', start.idToken).execute());
    expect(tags).toEqual([{ driver_id: driver.driverId }]);
    answer = { accepted: false, status: 'Rejected' };
    expect((await act({ action: 'unlock' }).expect(200)).body).toMatchObject({ outcome: 'refused', detail: 'Rejected' });
    answer = { accepted: true, status: 'Accepted' };

    const staffView = (await t.http.get(`/v1/support/tickets/${ticketId}`).set(bearer(net.accessToken)).expect(200)).body;
    const notes = staffView.messages.filter((m: { internal: boolean }) => m.internal).map((m: { body: string }) => m.body);
    expect(notes).toEqual([
      'unlock: done (Accepted)',
      'reset: done (Accepted)',
      'set availability: done (Accepted)',
      'remote start: done (Accepted)',
      'unlock: refused (Rejected)',
    ]);
    const driverView = (await t.http.get(`/v1/support/tickets/${ticketId}`).set(bearer(driver.accessToken)).expect(200)).body;
    expect(driverView.messages.some((m: { internal: boolean }) => m.internal)).toBe(false);
    const trail = (await t.http.get(`/v1/audit-events?subject_id=${chargePointId}`).set(bearer(net.accessToken)).expect(200)).body.data;
    expect(trail.map((e: { action: string; outcome: string }) => `${e.action} ${e.outcome}`)).toEqual([
      'ticket.unlock refused',
      'ticket.remote_start done',
      'ticket.set_availability done',
      'ticket.reset done',
      'ticket.unlock done',
    ]);
    expect(trail[0]).toMatchObject({ actor_user_id: net.ownerId, subject_type: 'charge_point', detail: { ticket_id: ticketId, answer: 'Rejected' } });
    expect((await t.http.get('/v1/audit-events').set(bearer(other.accessToken)).expect(200)).body.data).toEqual([]);
  });

  it('refuses what cannot be done, clearly, and records an offline charger', async () => {
    expect((await act({ action: 'remote_stop' }).expect(409)).body.type).toMatch(/no-active-session$/);
    expect((await act({ action: 'set_availability' }).expect(422)).body.errors[0].field).toBe('body.operative');
    expect((await act({ action: 'refund', amount: 100 }).expect(422)).body.errors[0].field).toBe('body.action');
    expect((await act({ action: 'explode' }).expect(422)).body.errors[0].field).toBe('body.action');
    await act({ action: 'unlock' }, other.accessToken).expect(404);
    await act({ action: 'unlock' }, driver.accessToken).expect(403);
    unregister();
    expect((await act({ action: 'unlock' }).expect(409)).body.type).toMatch(/charge-point-offline$/);
    const trail = (await t.http.get(`/v1/audit-events?subject_id=${chargePointId}&limit=1`).set(bearer(net.accessToken)).expect(200)).body.data;
    expect(trail[0]).toMatchObject({ action: 'ticket.unlock', outcome: 'refused' });
  });
});
