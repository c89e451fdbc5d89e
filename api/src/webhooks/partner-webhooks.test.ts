import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnersService } from '../partners/partners.service.js';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';
import { verifySignature } from './signature.js';

const AC = { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 };

describe.each(backends())('partner webhooks on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let receiver: Server;
  let url: string;
  const received: { path: string; body: string; signature: string | undefined }[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({ path: req.url ?? '', body, signature: req.headers['voltshare-signature'] as string | undefined });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'Shared Network');
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  /** A site (published or not) with one connected charger and EVSE. */
  async function site(name: string, publish: boolean): Promise<{ chargePointId: string; evseId: string }> {
    const loc = await t.http
      .post('/v1/locations')
      .set(bearer(net.accessToken))
      .send({ ...siteBody(name, []), publish })
      .expect(201);
    const cp = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity: unique('PWH'), location_id: loc.body.id, password: 'a-long-charge-point-secret' })
      .expect(201);
    const evseId = `LU*PWH*E${process.pid % 1000}${Date.now() % 100000}${publish ? 1 : 0}`;
    await t.http
      .post(`/v1/locations/${loc.body.id}/evses`)
      .set(bearer(net.accessToken))
      .send({ charge_point_id: cp.body.id, ocpp_connector_id: 1, evse_id: evseId, connectors: [AC] })
      .expect(201);
    await t.services.charging.setConnected(net.networkId, cp.body.id, true);
    await t.services.charging.reportStatus(net.networkId, cp.body.id, { connectorId: 1, status: 'AVAILABLE', at: new Date() });
    return { chargePointId: cp.body.id, evseId };
  }
  const fault = (chargePointId: string) =>
    t.services.charging.reportStatus(net.networkId, chargePointId, {
      connectorId: 1,
      status: 'OUTOFORDER',
      at: new Date(),
      fault: { errorCode: 'GroundFailure' },
    });
  const deliverAll = () => t.services.jobs.drain(new Date(Date.now() + 60_000), net.networkId);
  // Other networks' public incidents reach partners too (tests share the database): this network's only.
  const got = (path: string) =>
    received
      .filter((r) => r.path === path)
      .map((r) => JSON.parse(r.body) as { id: string; type: string; network_id: string; data: Record<string, unknown> })
      .filter((e) => e.network_id === net.networkId);

  it('tells an automaker of incidents at published stations, signed, and of nothing at a hidden one', async () => {
    const carmaker = await new PartnersService(t.services.scopes).create(unique('Carmaker'), 'automaker');
    const created = await t.http
      .post('/v1/partner/webhook-endpoints')
      .set(bearer(carmaker.secret_key))
      .send({ url: `${url}/carmaker`, events: ['incident.*'] })
      .expect(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    const open = await site('Public Forecourt', true);
    const hidden = await site('Depot Yard', false);
    await fault(open.chargePointId);
    await fault(hidden.chargePointId);
    await t.services.incidents.sweep(net.networkId);
    await deliverAll();
    const events = got('/carmaker');
    expect(events.map((e) => e.type)).toEqual(['incident.opened']);
    expect(events[0]).toMatchObject({ network_id: net.networkId, data: { scope: 'evse', causes: ['fault'] } });
    const delivery = received.find((r) => r.path === '/carmaker' && r.body.includes(net.networkId));
    expect(verifySignature(created.body.secret, delivery?.body ?? '', delivery?.signature)).toBe(true);
    // Its log, and no one else's.
    const log = await t.http.get(`/v1/partner/webhook-endpoints/${created.body.id}/deliveries`).set(bearer(carmaker.secret_key)).expect(200);
    expect(log.body.data).toContainEqual(
      expect.objectContaining({ event_id: events[0]?.id, event_type: 'incident.opened', status: 'DELIVERED', response_status: 204 }),
    );
    const city = await new PartnersService(t.services.scopes).create(unique('City'), 'city');
    await t.http.get(`/v1/partner/webhook-endpoints/${created.body.id}/deliveries`).set(bearer(city.secret_key)).expect(404);
    expect((await t.http.get('/v1/partner/webhook-endpoints').set(bearer(city.secret_key)).expect(200)).body.data).toEqual([]);
  });

  it('tells the partner who opened a ticket of its replies and changes, never the internal notes, and no other partner', async () => {
    const service = new PartnersService(t.services.scopes);
    const desk = await service.create(unique('Carmaker desk'), 'automaker');
    const bystander = await service.create(unique('Other carmaker'), 'automaker');
    for (const [partner, path] of [
      [desk, '/desk'],
      [bystander, '/bystander'],
    ] as const)
      await t.http
        .post('/v1/partner/webhook-endpoints')
        .set(bearer(partner.secret_key))
        .send({ url: `${url}${path}`, events: ['ticket.*'] })
        .expect(201);
    const { evseId } = await site('Ticket Forecourt', true);
    const ticket = await t.http
      .post('/v1/support/tickets')
      .set(bearer(desk.secret_key))
      .send({ kind: 'fault', subject: 'Customer stuck', message: 'The cable will not release.', evse_ref: evseId, symptom: 'cable_stuck' })
      .expect(201);
    await t.http
      .post(`/v1/support/tickets/${ticket.body.id}/messages`)
      .set(bearer(net.accessToken))
      .send({ body: 'Note: unlock remotely.', internal: true })
      .expect(201);
    await t.http.post(`/v1/support/tickets/${ticket.body.id}/messages`).set(bearer(net.accessToken)).send({ body: 'Unlocked it for you.' }).expect(201);
    await t.http.patch(`/v1/support/tickets/${ticket.body.id}`).set(bearer(net.accessToken)).send({ status: 'resolved' }).expect(200);
    await deliverAll();
    const types = got('/desk').map((e) => e.type);
    expect(types).toContain('ticket.created');
    expect(types).toContain('ticket.updated');
    // Its own first message and the staff's reply reached it, not the note (and no bodies travel in webhooks).
    const messages = got('/desk').filter((e) => e.type === 'ticket.message');
    expect(messages.map((m) => m.data.author).sort()).toEqual(['partner', 'staff']);
    expect(
      received
        .filter((r) => r.path === '/desk')
        .map((r) => r.body)
        .join(),
    ).not.toMatch(/unlock remotely|Unlocked it/);
    expect(got('/bystander')).toEqual([]);
  });

  it('refuses network staff and drivers, event types partners do not get, and bad URLs, naming the field', async () => {
    const partner = await new PartnersService(t.services.scopes).create(unique('Utility'), 'utility');
    const staff = await t.http
      .post('/v1/partner/webhook-endpoints')
      .set(bearer(net.accessToken))
      .send({ url: `${url}/x` })
      .expect(403);
    expect(staff.headers['content-type']).toMatch(/problem\+json/);
    const reservations = await t.http
      .post('/v1/partner/webhook-endpoints')
      .set(bearer(partner.secret_key))
      .send({ url: `${url}/x`, events: ['reservation.created'] })
      .expect(422);
    expect(reservations.body.errors[0].field).toBe('body.events');
    const bad = await t.http.post('/v1/partner/webhook-endpoints').set(bearer(partner.secret_key)).send({ url: 'ftp://example.org/x' }).expect(422);
    expect(bad.body.errors[0].field).toBe('body.url');
    expect((await t.http.get('/v1/partner/webhook-endpoints').set(bearer(partner.secret_key)).expect(200)).body.data).toEqual([]);
    // Disabled: nothing more is queued for it.
    const endpoint = await t.http
      .post('/v1/partner/webhook-endpoints')
      .set(bearer(partner.secret_key))
      .send({ url: `${url}/utility` })
      .expect(201);
    await t.http.post(`/v1/partner/webhook-endpoints/${endpoint.body.id}/disable`).set(bearer(partner.secret_key)).expect(200);
    const { chargePointId } = await site('Quiet Forecourt', true);
    await fault(chargePointId);
    await t.services.incidents.sweep(net.networkId);
    await deliverAll();
    expect(got('/utility')).toEqual([]);
  });
});
