import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryDelayMs } from '../jobs/job-runner.js';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp } from '../test/harness.js';
import { signPayload, verifySignature } from './signature.js';

interface Received {
  body: string;
  signature: string | undefined;
}

describe('webhook signatures', () => {
  it('verify with the right secret and body within the tolerance only', () => {
    const at = new Date('2026-11-25T10:00:00Z');
    const header = signPayload('whsec_a', '{"x":1}', at);
    expect(verifySignature('whsec_a', '{"x":1}', header, 300, at)).toBe(true);
    expect(verifySignature('whsec_b', '{"x":1}', header, 300, at)).toBe(false);
    expect(verifySignature('whsec_a', '{"x":2}', header, 300, at)).toBe(false);
    expect(verifySignature('whsec_a', '{"x":1}', header, 300, new Date(at.getTime() + 301_000))).toBe(false);
    expect(verifySignature('whsec_a', '{"x":1}', undefined)).toBe(false);
    expect(verifySignature('whsec_a', '{"x":1}', 't=abc,v1=zz')).toBe(false);
  });
});

describe.each(backends())('webhooks and notifications on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let other: SignedUpNetwork;
  let receiver: Server;
  let url: string;
  const received: Received[] = [];
  let failNext = 1;
  let evse: string;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({ body, signature: req.headers['voltshare-signature'] as string | undefined });
        if (failNext > 0) {
          failNext -= 1;
          res.writeHead(500).end('down for maintenance');
        } else res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'Hooked Network');
    other = await signUpNetwork(t.http, 'Nosy Network');
    const site = await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Hooked Site')).expect(201);
    evse = site.body.evses[0].uid;
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('delivers signed events, retries with backoff after a failure, and keeps a delivery log', async () => {
    const created = await t.http
      .post('/v1/webhook-endpoints')
      .set(bearer(net.accessToken))
      .send({ url, events: ['reservation.*'] })
      .expect(201);
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^whsec_/);
    const queueOnly = await t.http
      .post('/v1/webhook-endpoints')
      .set(bearer(net.accessToken))
      .send({ url: `${url}/queue`, events: ['queue.*'] })
      .expect(201);
    const listed = await t.http.get('/v1/webhook-endpoints').set(bearer(net.accessToken)).expect(200);
    expect(listed.body.data).toHaveLength(2);
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const driver = await registerDriver(t.http);
    const start = new Date(Date.now() + 3_600_000);
    const booked = await t.http
      .post('/v1/reservations')
      .set(bearer(driver.accessToken))
      .send({ evse_id: evse, start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString() })
      .expect(201);
    // A refused booking announces nothing.
    await t.http
      .post('/v1/reservations')
      .set(bearer(driver.accessToken))
      .send({ evse_id: evse, start: start.toISOString(), end: new Date(start.getTime() + 1_800_000).toISOString() })
      .expect(409);

    const now = new Date();
    await t.services.jobs.drain(now, net.networkId);
    expect(received).toHaveLength(1);
    let log = await t.http.get(`/v1/webhook-endpoints/${created.body.id}/deliveries`).set(bearer(net.accessToken)).expect(200);
    expect(log.body.data).toHaveLength(1);
    expect(log.body.data[0]).toMatchObject({ event_type: 'reservation.created', status: 'PENDING', attempts: 1, response_status: 500, last_error: 'HTTP 500' });

    await t.services.jobs.drain(new Date(now.getTime() + retryDelayMs(1) + 1000), net.networkId);
    expect(received).toHaveLength(2);
    log = await t.http.get(`/v1/webhook-endpoints/${created.body.id}/deliveries`).set(bearer(net.accessToken)).expect(200);
    expect(log.body.data[0]).toMatchObject({ status: 'DELIVERED', attempts: 2, response_status: 204, last_error: null });

    const delivered = received[1] as Received;
    expect(verifySignature(secret, delivered.body, delivered.signature)).toBe(true);
    expect(verifySignature(secret, delivered.body.replace('reservation', 'Reservation'), delivered.signature)).toBe(false);
    const event = JSON.parse(delivered.body);
    expect(event).toMatchObject({ type: 'reservation.created', network_id: net.networkId, data: { reservation_id: booked.body.id, status: 'CONFIRMED' } });
    // The retry carried the same event id: receivers deduplicate on it.
    expect(JSON.parse((received[0] as Received).body).id).toBe(event.id);
    const queueLog = await t.http.get(`/v1/webhook-endpoints/${queueOnly.body.id}/deliveries`).set(bearer(net.accessToken)).expect(200);
    expect(queueLog.body.data).toHaveLength(0);

    // The driver's email went through the outbox to the sender.
    const outbox = await t.services.scopes.tenant(net.networkId, (tx) =>
      tx.selectFrom('notification_outbox').select(['template', 'channel', 'status']).where('driver_id', '=', driver.driverId).execute(),
    );
    expect(outbox).toEqual([{ template: 'reservation.created', channel: 'email', status: 'SENT' }]);

    // Disabled endpoints get nothing more.
    await t.http.post(`/v1/webhook-endpoints/${created.body.id}/disable`).set(bearer(net.accessToken)).expect(200);
    await t.http.post(`/v1/reservations/${booked.body.id}/cancel`).set(bearer(driver.accessToken)).expect(200);
    await t.services.jobs.drain(new Date(), net.networkId);
    expect(received).toHaveLength(2);
  });

  it('validates endpoints and keeps them to their network', async () => {
    const bad = await t.http
      .post('/v1/webhook-endpoints')
      .set(bearer(net.accessToken))
      .send({ url: 'ftp://example.com', events: ['nope.*'] })
      .expect(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('body.url');
    const unknownEvent = await t.http
      .post('/v1/webhook-endpoints')
      .set(bearer(net.accessToken))
      .send({ url, events: ['reservation.exploded'] })
      .expect(422);
    expect(unknownEvent.body.errors[0].field).toBe('body.events');
    const mine = await t.http.get('/v1/webhook-endpoints').set(bearer(net.accessToken)).expect(200);
    const id = mine.body.data[0].id;
    await t.http.get(`/v1/webhook-endpoints/${id}/deliveries`).set(bearer(other.accessToken)).expect(404);
    await t.http.post(`/v1/webhook-endpoints/${id}/disable`).set(bearer(other.accessToken)).expect(404);
    const driver = await registerDriver(t.http);
    await t.http.post('/v1/webhook-endpoints').set(bearer(driver.accessToken)).send({ url }).expect(403);
  });
});
