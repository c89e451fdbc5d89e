import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleJob } from '../jobs/job-runner.js';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

const DAY = 86_400_000;

describe.each(backends())('retention per network and class of data on %s', (backend: Backend) => {
  let t: TestApp;
  let strict: SignedUpNetwork;
  let lenient: SignedUpNetwork;
  const data = new Map<string, { sessionId: string; ticketId: string; chargePointId: string }>();

  /** A charger's frames 10 and 1 days old, a session that ended 100 days ago with readings, a ticket closed 100 days ago. */
  async function history(net: SignedUpNetwork, label: string) {
    const site = await t.http
      .post('/v1/locations')
      .set(bearer(net.accessToken))
      .send(siteBody(`${label} Site`))
      .expect(201);
    const cp = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity: unique(label).slice(0, 25), location_id: site.body.id, password: 'retention-password-1' })
      .expect(201);
    const db = t.services.database.db;
    const now = Date.now();
    for (const age of [10, 1])
      await sql`insert into ocpp_messages (tenant_id, charge_point_id, direction, frame, created_at)
        values (${net.networkId}, ${cp.body.id}, 'in', '[2,"1","Heartbeat",{}]', ${new Date(now - age * DAY)})`.execute(db);
    const at = new Date(now - 100 * DAY);
    const s = await t.services.charging.startSession(net.networkId, cp.body.id, { connectorId: 1, idTag: unique('RT').slice(0, 20), meterStartWh: 0, at });
    await t.services.charging.addMeterValues(net.networkId, cp.body.id, s.transactionId, [{ at: new Date(at.getTime() + 600_000), energyWh: 2_000 }]);
    await t.services.charging.stopSession(net.networkId, cp.body.id, {
      transactionId: s.transactionId,
      meterStopWh: 4_000,
      at: new Date(at.getTime() + 3_600_000),
    });
    const driver = await registerDriver(t.http);
    const ticket = await t.http
      .post('/v1/support/tickets')
      .set(bearer(driver.accessToken))
      .send({ kind: 'question', network_id: net.networkId, subject: 'Invoice', message: 'My address is 1 Rue Secrète.', language: 'en' })
      .expect(201);
    await t.http.patch(`/v1/support/tickets/${ticket.body.id}`).set(bearer(net.accessToken)).send({ status: 'closed' }).expect(200);
    await sql`update support_tickets set closed_at = ${at} where tenant_id = ${net.networkId} and id = ${ticket.body.id}`.execute(db);
    data.set(net.networkId, { sessionId: s.session.id, ticketId: ticket.body.id, chargePointId: cp.body.id });
  }

  const counts = async (net: SignedUpNetwork) => {
    const d = data.get(net.networkId) as { sessionId: string; ticketId: string; chargePointId: string };
    const db = t.services.database.db;
    const frames = await sql<{
      n: string;
    }>`select count(*) as n from ocpp_messages where tenant_id = ${net.networkId} and charge_point_id = ${d.chargePointId}`.execute(db);
    const readings = await sql<{
      n: string;
    }>`select count(*) as n from meter_samples where tenant_id = ${net.networkId} and session_id = ${d.sessionId}`.execute(db);
    const words = await sql<{
      body: string;
    }>`select body from support_messages where tenant_id = ${net.networkId} and ticket_id = ${d.ticketId} and author = 'driver'`.execute(db);
    const session = await t.services.charging.session(net.networkId, d.sessionId);
    return {
      frames: Number(frames.rows[0]?.n),
      readings: Number(readings.rows[0]?.n),
      words: words.rows[0]?.body,
      energy: session.energy_wh,
      cost: session.cost,
    };
  };

  beforeAll(async () => {
    t = await startTestApp(backend);
    strict = await signUpNetwork(t.http, 'Strict Network');
    lenient = await signUpNetwork(t.http, 'Lenient Network');
    await history(strict, 'STRICT');
    await history(lenient, 'LENIENT');
  });
  afterAll(() => t.close());

  it('each network keeps each class for its own days within bounds; the nightly job drops and wipes only what is past them', async () => {
    const defaults = await t.http.get('/v1/network/retention').set(bearer(strict.accessToken)).expect(200);
    expect(defaults.body).toEqual([
      { data_class: 'charger_messages', days: 30, default_days: 30, min_days: 7, max_days: 365 },
      { data_class: 'meter_readings', days: 400, default_days: 400, min_days: 90, max_days: 3650 },
      { data_class: 'closed_tickets', days: 730, default_days: 730, min_days: 90, max_days: 3650 },
    ]);
    for (const [dataClass, days] of [
      ['charger_messages', 7],
      ['meter_readings', 90],
      ['closed_tickets', 90],
    ] as const)
      await t.http.put('/v1/network/retention').set(bearer(strict.accessToken)).send({ data_class: dataClass, days }).expect(200);
    const before = { strict: await counts(strict), lenient: await counts(lenient) };
    expect(before.strict).toMatchObject({ frames: 2, readings: 1, words: 'My address is 1 Rue Secrète.' });

    // The nightly pass schedules one job per network: run the strict network's as it would.
    await t.services.scopes.system((tx) => scheduleJob(tx, { kind: 'privacy.retention', tenantId: strict.networkId }));
    expect(await t.services.jobs.drain(new Date(), strict.networkId, 5, ['privacy.retention'])).toBe(1);
    await t.services.retention.enforce(lenient.networkId);
    const after = { strict: await counts(strict), lenient: await counts(lenient) };
    // Strict: the 10-day-old frame, the 100-day-old readings and the closed ticket's words are gone; the session's energy and cost stay.
    expect(after.strict).toMatchObject({ frames: 1, readings: 0, words: '[removed after the retention period]', energy: 4_000 });
    expect(after.strict.cost).toEqual(before.strict.cost);
    // Lenient keeps the defaults: nothing it holds is past them.
    expect(after.lenient).toEqual(before.lenient);
    // The changes are in the strict network's audit trail.
    const audit = await t.http.get('/v1/audit-events').set(bearer(strict.accessToken)).expect(200);
    expect(audit.body.data.filter((e: { action: string }) => e.action === 'retention.changed')).toHaveLength(3);
  });

  it('refuses days out of bounds and unknown classes, naming the field, and is for the network’s admins', async () => {
    const short = await t.http.put('/v1/network/retention').set(bearer(lenient.accessToken)).send({ data_class: 'meter_readings', days: 30 }).expect(422);
    expect(short.body.errors[0]).toMatchObject({ field: 'body.days', message: 'must be a whole number from 90 to 3650 for meter_readings' });
    const unknown = await t.http.put('/v1/network/retention').set(bearer(lenient.accessToken)).send({ data_class: 'everything', days: 30 }).expect(422);
    expect(unknown.body.errors[0].field).toBe('body.data_class');
    const driver = await registerDriver(t.http);
    await t.http.put('/v1/network/retention').set(bearer(driver.accessToken)).send({ data_class: 'meter_readings', days: 100 }).expect(403);
    expect((await t.http.get('/v1/network/retention').set(bearer(lenient.accessToken)).expect(200)).body[1].days).toBe(400);
  });
});
