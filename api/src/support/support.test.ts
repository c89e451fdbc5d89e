import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnersService } from '../partners/partners.service.js';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp } from '../test/harness.js';

const AC = { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 };
let printed = 0;
/** A printed EVSE id no other suite on the shared database uses. */
const printedId = (net: string) => `LU*${net}*E${process.pid % 100000}${Date.now() % 100000}${++printed}`;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);

describe.each(backends())('support tickets on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let other: SignedUpNetwork;
  let evseId: string;
  let evseUid: string;
  let otherEvseId: string;
  let alice: { accessToken: string; driverId: string };
  let bob: { accessToken: string };

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'Helpdesk Network');
    other = await signUpNetwork(t.http, 'Elsewhere Network');
    evseId = printedId('HLP');
    otherEvseId = printedId('ELS');
    const site = await t.http
      .post('/v1/locations')
      .set(bearer(net.accessToken))
      .send(siteBody('Helpdesk Plaza', [{ evse_id: evseId, connectors: [AC] }]))
      .expect(201);
    evseUid = site.body.evses[0].uid;
    await t.http
      .post('/v1/locations')
      .set(bearer(other.accessToken))
      .send(siteBody('Elsewhere Yard', [{ evse_id: otherEvseId, connectors: [AC] }]))
      .expect(201);
    alice = await registerDriver(t.http);
    bob = await registerDriver(t.http);
  });
  afterAll(() => t.close());

  const openFault = (token: string, body: Record<string, unknown> = {}) =>
    t.http
      .post('/v1/support/tickets')
      .set(bearer(token))
      .send({
        kind: 'fault',
        subject: 'Will not start',
        message: 'Plugged in, nothing happens.',
        evse_ref: evseId,
        symptom: 'wont_start',
        language: 'de',
        ...body,
      });

  it('a driver reports a fault at the EVSE printed on the charger; it reaches that network only, and only its driver sees it', async () => {
    const res = await openFault(alice.accessToken, { evse_ref: evseId.toLowerCase().replaceAll('*', ' ') }).expect(201);
    expect(res.body).toMatchObject({
      network_id: net.networkId,
      kind: 'fault',
      status: 'open',
      priority: 'high',
      channel: 'app',
      evse_uid: evseUid,
      evse_id: evseId,
      language: 'de',
      sla: 'on_track',
    });
    expect(res.body.messages).toEqual([
      expect.objectContaining({ author: 'driver', body: 'Plugged in, nothing happens.', internal: false, author_name: null }),
    ]);
    const id = res.body.id;
    // A high-priority fault is answered within the hour by default.
    expect(new Date(res.body.first_response_due_at).getTime() - new Date(res.body.created_at).getTime()).toBe(60 * 60_000);

    const queue = await t.http.get('/v1/support/tickets?status=open&kind=fault').set(bearer(net.accessToken)).expect(200);
    expect(queue.body.data.map((x: { id: string }) => x.id)).toContain(id);
    // Another network's staff see nothing of it.
    const theirs = await t.http.get('/v1/support/tickets').set(bearer(other.accessToken)).expect(200);
    expect(theirs.body.data.map((x: { id: string }) => x.id)).not.toContain(id);
    await t.http.get(`/v1/support/tickets/${id}`).set(bearer(other.accessToken)).expect(404);
    await t.http.patch(`/v1/support/tickets/${id}`).set(bearer(other.accessToken)).send({ status: 'resolved' }).expect(404);
    // Another driver neither.
    await t.http.get(`/v1/support/tickets/${id}`).set(bearer(bob.accessToken)).expect(404);
    await t.http.post(`/v1/support/tickets/${id}/messages`).set(bearer(bob.accessToken)).send({ body: 'me too' }).expect(404);
    const mine = await t.http.get('/v1/me/support/tickets').set(bearer(alice.accessToken)).expect(200);
    expect(mine.body.data.map((x: { id: string }) => x.id)).toEqual([id]);
    expect((await t.http.get('/v1/me/support/tickets').set(bearer(bob.accessToken)).expect(200)).body.data).toEqual([]);
    // Staff are not drivers: no personal list.
    await t.http.get('/v1/me/support/tickets').set(bearer(net.accessToken)).expect(403);
  });

  it('staff answer and note; the driver sees the answer, never the note; resolved, rated, closed', async () => {
    const id = (await openFault(alice.accessToken).expect(201)).body.id;
    await t.http
      .post(`/v1/support/tickets/${id}/messages`)
      .set(bearer(net.accessToken))
      .send({ body: 'Looks like a bad RFID reader.', internal: true })
      .expect(201);
    let seen = await t.http.get(`/v1/support/tickets/${id}`).set(bearer(alice.accessToken)).expect(200);
    // Another report of the same EVSE is already open, so the platform said at once that the fault is known.
    expect(seen.body.messages.map((m: { author: string }) => m.author)).toEqual(['driver', 'system']);
    const people = (messages: { author: string }[]) => messages.filter((m) => m.author !== 'system');
    expect(seen.body.first_responded_at).toBeNull(); // a note is not an answer

    const reply = await t.http
      .post(`/v1/support/tickets/${id}/messages`)
      .set(bearer(net.accessToken))
      .send({ body: 'We restarted it: try again?' })
      .expect(201);
    expect(reply.body).toMatchObject({ author: 'staff', author_name: 'Owner', internal: false });
    seen = await t.http.get(`/v1/support/tickets/${id}`).set(bearer(alice.accessToken)).expect(200);
    expect(seen.body.status).toBe('waiting');
    expect(seen.body.first_responded_at).not.toBeNull();
    expect(people(seen.body.messages).map((m) => (m as unknown as { body: string }).body)).toEqual([
      'Plugged in, nothing happens.',
      'We restarted it: try again?',
    ]);
    const staffView = await t.http.get(`/v1/support/tickets/${id}`).set(bearer(net.accessToken)).expect(200);
    expect(people(staffView.body.messages)).toHaveLength(3);
    expect(people(staffView.body.messages)[1]).toMatchObject({ internal: true, body: 'Looks like a bad RFID reader.' });

    // The driver writes back: the ticket is open again for staff.
    await t.http.post(`/v1/support/tickets/${id}/messages`).set(bearer(alice.accessToken)).send({ body: 'Still nothing.' }).expect(201);
    expect((await t.http.get(`/v1/support/tickets/${id}`).set(bearer(net.accessToken)).expect(200)).body.status).toBe('open');
    // Drivers cannot write notes or set the status.
    const refused = await t.http.post(`/v1/support/tickets/${id}/messages`).set(bearer(alice.accessToken)).send({ body: 'x', internal: true }).expect(422);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain('body.internal');

    await t.http.put(`/v1/support/tickets/${id}/rating`).set(bearer(alice.accessToken)).send({ rating: 5 }).expect(409);
    await t.http.post(`/v1/support/tickets/${id}/messages`).set(bearer(net.accessToken)).send({ body: 'Replaced the reader.', status: 'resolved' }).expect(201);
    const resolved = await t.http.get(`/v1/support/tickets/${id}`).set(bearer(alice.accessToken)).expect(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', sla: 'met' });
    const rated = await t.http.put(`/v1/support/tickets/${id}/rating`).set(bearer(alice.accessToken)).send({ rating: 4, comment: 'Quick.' }).expect(200);
    expect(rated.body.rating).toBe(4);
    await t.http.put(`/v1/support/tickets/${id}/rating`).set(bearer(alice.accessToken)).send({ rating: 6 }).expect(422);
    await t.http.patch(`/v1/support/tickets/${id}`).set(bearer(net.accessToken)).send({ status: 'closed' }).expect(200);
    const closed = await t.http.post(`/v1/support/tickets/${id}/messages`).set(bearer(alice.accessToken)).send({ body: 'One more thing' }).expect(409);
    expect(closed.body.type).toMatch(/ticket-closed$/);
  });

  it('staff assign to support staff only, tag, and change priority (the targets follow)', async () => {
    const id = (await openFault(alice.accessToken).expect(201)).body.id;
    const assigned = await t.http
      .patch(`/v1/support/tickets/${id}`)
      .set(bearer(net.accessToken))
      .send({ assignee_id: net.ownerId, tags: ['RFID', 'reader'], priority: 'urgent' })
      .expect(200);
    expect(assigned.body).toMatchObject({ assignee_id: net.ownerId, tags: ['rfid', 'reader'], priority: 'urgent' });
    expect(new Date(assigned.body.first_response_due_at).getTime() - new Date(assigned.body.created_at).getTime()).toBe(15 * 60_000);
    const bad = await t.http
      .patch(`/v1/support/tickets/${id}`)
      .set(bearer(net.accessToken))
      .send({ assignee_id: other.ownerId, tags: ['ok', 'not ok!'] })
      .expect(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.assignee_id', 'body.tags[1]']);
    const after = await t.http.get(`/v1/support/tickets/${id}`).set(bearer(net.accessToken)).expect(200);
    expect(after.body.assignee_id).toBe(net.ownerId); // nothing of the bad change was written
    // Drivers cannot change tickets.
    await t.http.patch(`/v1/support/tickets/${id}`).set(bearer(alice.accessToken)).send({ status: 'closed' }).expect(403);
  });

  it("an automaker's partner key opens a ticket at a public charger for its driver; it reads nothing of the network's queue", async () => {
    const partner = await new PartnersService(t.services.scopes).create('Carmaker Support Desk', 'automaker');
    const opened = await openFault(partner.secret_key, { channel: 'api' }).expect(201);
    expect(opened.body).toMatchObject({ network_id: net.networkId, channel: 'partner', evse_uid: evseUid });
    expect((await t.http.get('/v1/support/tickets').set(bearer(net.accessToken)).expect(200)).body.data.map((x: { id: string }) => x.id)).toContain(
      opened.body.id,
    );
    await t.http.get('/v1/support/tickets').set(bearer(partner.secret_key)).expect(403);
    await t.http.get(`/v1/support/tickets/${opened.body.id}`).set(bearer(partner.secret_key)).expect(403);
    // A partner names a public charger; a session or booking is the driver's own business.
    const billing = await openFault(partner.secret_key, { kind: 'billing', evse_ref: undefined, symptom: undefined, session_id: 'ses_any' }).expect(422);
    expect(billing.body.errors.map((e: { field: string }) => e.field)).toContain('body.session_id');
  });

  it('refuses bad tickets field by field and opens nothing', async () => {
    const before = (await t.http.get('/v1/support/tickets?limit=100').set(bearer(net.accessToken)).expect(200)).body.data.length;
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'complaint' }, 'body.kind'],
      [{ evse_ref: undefined }, 'body.evse_ref'],
      [{ evse_ref: 'LU*NOPE*E404' }, 'body.evse_ref'],
      [{ symptom: 'on_fire' }, 'body.symptom'],
      [{ symptom: undefined }, 'body.symptom'],
      [{ subject: '' }, 'body.subject'],
      [{ message: 'x'.repeat(5001) }, 'body.message'],
      [{ kind: 'billing', evse_ref: undefined, symptom: undefined }, 'body.session_id'],
      [{ kind: 'billing', evse_ref: undefined, symptom: undefined, session_id: 'ses_not_yours' }, 'body.session_id'],
      [{ kind: 'booking', evse_ref: undefined, symptom: undefined, reservation_id: 'res_nope' }, 'body.reservation_id'],
      [{ kind: 'question', evse_ref: undefined, symptom: undefined }, 'body.network_id'],
      [{ kind: 'question', evse_ref: undefined, symptom: undefined, network_id: 'net_nope' }, 'body.network_id'],
      [{ language: 'not a language' }, 'body.language'],
    ];
    for (const [change, field] of cases) {
      const res = await openFault(alice.accessToken, change).expect(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    // Staff cannot file a fault on another network's EVSE.
    const foreign = await openFault(net.accessToken, { evse_ref: otherEvseId }).expect(422);
    expect(foreign.body.errors).toEqual([expect.objectContaining({ field: 'body.evse_ref' })]);
    const after = (await t.http.get('/v1/support/tickets?limit=100').set(bearer(net.accessToken)).expect(200)).body.data.length;
    expect(after).toBe(before);
    expect((await t.http.get('/v1/support/tickets').set(bearer(other.accessToken)).expect(200)).body.data).toEqual([]);
  });

  it('takes a photo of the fault, refuses a 20 MB one, a wrong type and someone else', async () => {
    const id = (await openFault(alice.accessToken).expect(201)).body.id;
    const photo = await t.http
      .post(`/v1/support/tickets/${id}/attachments`)
      .set(bearer(alice.accessToken))
      .set('Content-Type', 'image/png')
      .send(PNG)
      .expect(201);
    expect(photo.body).toMatchObject({ content_type: 'image/png', size_bytes: PNG.length });
    await t.http
      .post(`/v1/support/tickets/${id}/messages`)
      .set(bearer(alice.accessToken))
      .send({ body: 'See the screen.', attachment_id: photo.body.id })
      .expect(201);
    const back = await t.http.get(`/v1/support/tickets/${id}/attachments/${photo.body.id}`).set(bearer(net.accessToken)).expect(200);
    expect(back.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(back.body as Buffer, PNG)).toBe(0);

    const huge = await t.http
      .post(`/v1/support/tickets/${id}/attachments`)
      .set(bearer(alice.accessToken))
      .set('Content-Type', 'image/jpeg')
      .send(Buffer.alloc(20 * 1024 * 1024, 0xff))
      .expect(413);
    expect(huge.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(huge.body.detail).toMatch(/5 MB/);
    const fake = await t.http
      .post(`/v1/support/tickets/${id}/attachments`)
      .set(bearer(alice.accessToken))
      .set('Content-Type', 'image/jpeg')
      .send(PNG)
      .expect(422);
    expect(fake.body.errors[0].field).toBe('body');
    await t.http.post(`/v1/support/tickets/${id}/attachments`).set(bearer(bob.accessToken)).set('Content-Type', 'image/png').send(PNG).expect(404);
    await t.http.get(`/v1/support/tickets/${id}/attachments/${photo.body.id}`).set(bearer(bob.accessToken)).expect(404);
    const badRef = await t.http
      .post(`/v1/support/tickets/${id}/messages`)
      .set(bearer(alice.accessToken))
      .send({ body: 'x', attachment_id: 'att_nope' })
      .expect(422);
    expect(badRef.body.errors[0].field).toBe('body.attachment_id');
  });

  it('takes a fault from the QR form without an account; the reporter follows it with the secret token only', async () => {
    const receipt = await t.http
      .post('/v1/support/fault-reports')
      .send({
        evse_ref: `https://voltshare.example/pay/${evseUid}`,
        symptom: 'cable_stuck',
        message: 'The cable will not come out.',
        email: 'Someone@Example.com',
      })
      .expect(201);
    expect(receipt.body.follow_token).toMatch(/^tfr_/);
    const queue = await t.http.get('/v1/support/tickets?kind=fault&priority=urgent').set(bearer(net.accessToken)).expect(200);
    const ticket = queue.body.data.find((x: { id: string }) => x.id === receipt.body.ticket_id);
    expect(ticket).toMatchObject({ channel: 'qr', priority: 'urgent', evse_uid: evseUid });
    await t.http.post(`/v1/support/tickets/${ticket.id}/messages`).set(bearer(net.accessToken)).send({ body: 'Someone is on the way.' }).expect(201);
    const followed = await t.http.get(`/v1/support/fault-reports/${ticket.id}?token=${receipt.body.follow_token}`).expect(200);
    expect(followed.body.messages.map((m: { author: string }) => m.author)).toEqual(['reporter', 'system', 'staff']);
    expect(JSON.stringify(followed.body)).not.toContain('someone@example.com');
    await t.http.get(`/v1/support/fault-reports/${ticket.id}?token=tfr_wrong`).expect(404);
    await t.http.post(`/v1/support/fault-reports/${ticket.id}/messages?token=${receipt.body.follow_token}`).send({ body: 'Thanks, it is out.' }).expect(201);
    const bad = await t.http.post('/v1/support/fault-reports').send({ evse_ref: 'nothing-here', symptom: 'wont_start' }).expect(422);
    expect(bad.body.errors[0].field).toBe('body.evse_ref');
    await t.http.post('/v1/support/fault-reports').send({ evse_ref: evseId, symptom: 'wont_start', email: 'not-an-email' }).expect(422);
  });

  it('runs the SLA clock: warns near the first-response target, escalates on a miss, and an answer in time stops it', async () => {
    await t.http
      .put('/v1/support/sla-policies')
      .set(bearer(net.accessToken))
      .send({ policies: [{ priority: 'high', first_response_minutes: 40, resolution_minutes: 600 }] })
      .expect(200);
    const bad = await t.http
      .put('/v1/support/sla-policies')
      .set(bearer(net.accessToken))
      .send({ policies: [{ priority: 'low', first_response_minutes: 60, resolution_minutes: 30 }] })
      .expect(422);
    expect(bad.body.errors[0].field).toBe('body.policies[0].resolution_minutes');
    const policies = await t.http.get('/v1/support/sla-policies').set(bearer(net.accessToken)).expect(200);
    expect(policies.body.policies.find((p: { priority: string }) => p.priority === 'high')).toEqual({
      priority: 'high',
      first_response_minutes: 40,
      resolution_minutes: 600,
    });
    expect(policies.body.policies.find((p: { priority: string }) => p.priority === 'low').resolution_minutes).toBe(7 * 24 * 60);

    const hook = await t.http
      .post('/v1/webhook-endpoints')
      .set(bearer(net.accessToken))
      .send({ url: 'http://127.0.0.1:9/hook', events: ['ticket.*'] })
      .expect(201);
    expect(hook.body.events).toEqual(['ticket.*']);
    const late = (await openFault(alice.accessToken).expect(201)).body;
    const answered = (await openFault(bob.accessToken).expect(201)).body;
    const opened = new Date(late.created_at).getTime();
    expect(new Date(late.first_response_due_at).getTime() - opened).toBe(40 * 60_000);
    await t.http.post(`/v1/support/tickets/${answered.id}/messages`).set(bearer(net.accessToken)).send({ body: 'On it.' }).expect(201);

    await t.services.jobs.drain(new Date(opened + 31 * 60_000), net.networkId);
    let now = await t.http.get(`/v1/support/tickets/${late.id}`).set(bearer(net.accessToken)).expect(200);
    expect(now.body).toMatchObject({ priority: 'high' });
    const deliveries = await t.services.scopes.tenant(net.networkId, (tx) =>
      tx.selectFrom('webhook_deliveries').select(['event_type', 'payload']).where('tenant_id', '=', net.networkId).execute(),
    );
    const warnings = deliveries.filter((d) => d.event_type === 'ticket.sla_warning');
    const warned = warnings.map((d) => (d.payload as { data: { ticket_id: string } }).data.ticket_id);
    expect(warned).toContain(late.id);
    expect(warned).not.toContain(answered.id);
    // No message bodies or people in webhooks.
    expect(JSON.stringify(deliveries)).not.toContain('nothing happens');

    await t.services.jobs.drain(new Date(opened + 41 * 60_000), net.networkId);
    now = await t.http.get(`/v1/support/tickets/${late.id}`).set(bearer(net.accessToken)).expect(200);
    expect(now.body).toMatchObject({ priority: 'urgent', sla: 'breached' });
    expect(now.body.messages.at(-1)).toMatchObject({ author: 'system', internal: true, body: expect.stringMatching(/escalated to urgent/) });
    const answeredNow = await t.http.get(`/v1/support/tickets/${answered.id}`).set(bearer(net.accessToken)).expect(200);
    expect(answeredNow.body).toMatchObject({ priority: 'high' });
    const escalations = (
      await t.services.scopes.tenant(net.networkId, (tx) =>
        tx.selectFrom('webhook_deliveries').select('payload').where('tenant_id', '=', net.networkId).where('event_type', '=', 'ticket.escalated').execute(),
      )
    ).map((d) => (d.payload as { data: { ticket_id: string } }).data.ticket_id);
    expect(escalations).toContain(late.id);
    expect(escalations).not.toContain(answered.id);
    // The driver sees none of the internal escalation note.
    const driverView = await t.http.get(`/v1/support/tickets/${late.id}`).set(bearer(alice.accessToken)).expect(200);
    expect(driverView.body.messages.every((m: { internal: boolean }) => !m.internal)).toBe(true);
  });

  it('emails a staff reply the driver has not read in the app, and not one they have', async () => {
    const unread = (await openFault(alice.accessToken).expect(201)).body.id;
    const read = (await openFault(bob.accessToken).expect(201)).body.id;
    for (const id of [unread, read]) await t.http.post(`/v1/support/tickets/${id}/messages`).set(bearer(net.accessToken)).send({ body: 'Answer' }).expect(201);
    await t.http.post(`/v1/support/tickets/${read}/read`).set(bearer(bob.accessToken)).expect(204);
    await t.services.jobs.drain(new Date(Date.now() + 3 * 60_000), net.networkId);
    const emails = await t.services.scopes.tenant(net.networkId, (tx) =>
      tx
        .selectFrom('notification_outbox')
        .select(['driver_id', 'data'])
        .where('tenant_id', '=', net.networkId)
        .where('template', '=', 'support.reply')
        .execute(),
    );
    const tickets = emails.map((e) => (e.data as { ticket_id: string }).ticket_id);
    expect(tickets).toContain(unread);
    expect(tickets).not.toContain(read);
  });
});
