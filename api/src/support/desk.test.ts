import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp } from '../test/harness.js';
import { onShift } from './desk.service.js';

const AC = { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 };
// Wednesday 2 December 2026 in Luxembourg (UTC+1).
const lux = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2026, 11, day, hour - 1, minute));

describe('on-call shifts, by the clock of their time zone', () => {
  const night = { weekdays: [3], starts_minute: 22 * 60, ends_minute: 6 * 60, time_zone: 'Europe/Luxembourg' };
  it('covers its evening, the morning after midnight, and nothing else', () => {
    expect(onShift(night, lux(2, 23, 30))).toBe(true);
    expect(onShift(night, lux(3, 5, 59))).toBe(true); // Thursday early morning: Wednesday's night
    expect(onShift(night, lux(3, 6, 0))).toBe(false);
    expect(onShift(night, lux(2, 21, 59))).toBe(false);
    expect(onShift(night, lux(3, 23, 0))).toBe(false); // Thursday evening is not on the shift's days
    expect(onShift({ weekdays: [3], starts_minute: 9 * 60, ends_minute: 1440, time_zone: 'America/New_York' }, new Date(Date.UTC(2026, 11, 3, 4, 59)))).toBe(
      true,
    );
  });
});

describe.each(backends())('the support desk on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let other: SignedUpNetwork;
  let evseUid: string;

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'Desk Network');
    other = await signUpNetwork(t.http, 'Other Desk');
    evseUid = (
      await t.http
        .post('/v1/locations')
        .set(bearer(net.accessToken))
        .send(siteBody('Desk Depot Lane', [{ connectors: [AC] }]))
        .expect(201)
    ).body.evses[0].uid;
  });
  afterAll(() => t.close());

  it('keeps a rota; an urgent ticket pages whoever is on call in its language, by webhook', async () => {
    const everyDay = [0, 1, 2, 3, 4, 5, 6];
    const day = await t.http
      .post('/v1/support/on-call')
      .set(bearer(net.accessToken))
      .send({ user_id: net.ownerId, weekdays: everyDay, starts: '00:00', ends: '24:00', time_zone: 'Europe/Luxembourg', languages: ['fr', 'de-LU'] })
      .expect(201);
    expect(day.body).toMatchObject({ name: 'Owner', starts: '00:00', ends: '24:00', languages: ['fr', 'de'] });
    const bad = await t.http
      .post('/v1/support/on-call')
      .set(bearer(net.accessToken))
      .send({ user_id: other.ownerId, weekdays: [9], starts: '08:00', ends: '08:00', time_zone: 'Mars/Olympus', languages: ['en'] })
      .expect(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.ends', 'body.time_zone', 'body.user_id', 'body.weekdays']);
    await t.http
      .post('/v1/support/on-call')
      .set(bearer(net.accessToken))
      .send({ user_id: net.ownerId, weekdays: [1], starts: '25:00', ends: '08:00', time_zone: 'UTC', languages: ['en'] })
      .expect(422);
    const midnight = await t.http
      .post('/v1/support/on-call')
      .set(bearer(net.accessToken))
      .send({ user_id: net.ownerId, weekdays: [1], starts: '24:00', ends: '00:00', time_zone: 'UTC', languages: ['en'] })
      .expect(422);
    expect(midnight.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.ends', 'body.starts']);
    const now = await t.http.get('/v1/support/on-call/now?language=de').set(bearer(net.accessToken)).expect(200);
    expect(now.body.map((s: { user_id: string }) => s.user_id)).toEqual([net.ownerId]);
    // Nobody speaks Italian: whoever is on shift still answers.
    expect((await t.http.get('/v1/support/on-call/now?language=it').set(bearer(net.accessToken)).expect(200)).body).toHaveLength(1);
    expect((await t.http.get('/v1/support/on-call').set(bearer(other.accessToken)).expect(200)).body).toEqual([]);

    await t.http
      .post('/v1/webhook-endpoints')
      .set(bearer(net.accessToken))
      .send({ url: 'http://127.0.0.1:9/pager', events: ['ticket.on_call'] })
      .expect(201);
    const receipt = (await t.http.post('/v1/support/fault-reports').send({ evse_ref: evseUid, symptom: 'damaged', language: 'fr' }).expect(201)).body;
    const pages = await t.services.scopes.tenant(net.networkId, (tx) =>
      tx.selectFrom('webhook_deliveries').select('payload').where('tenant_id', '=', net.networkId).where('event_type', '=', 'ticket.on_call').execute(),
    );
    expect(pages.map((p) => p.payload)).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({
          ticket_id: receipt.ticket_id,
          priority: 'urgent',
          language: 'fr',
          on_call: [expect.objectContaining({ user_id: net.ownerId })],
        }),
      }),
    ]);
    // A question is not urgent: nobody is paged.
    const driver = await registerDriver(t.http);
    await t.http
      .post('/v1/support/tickets')
      .set(bearer(driver.accessToken))
      .send({ kind: 'question', subject: 'Hours?', message: 'Open at night?', network_id: net.networkId })
      .expect(201);
    expect(
      await t.services.scopes.tenant(net.networkId, (tx) =>
        tx.selectFrom('webhook_deliveries').select('id').where('tenant_id', '=', net.networkId).where('event_type', '=', 'ticket.on_call').execute(),
      ),
    ).toHaveLength(1);
    await t.http.delete(`/v1/support/on-call/${day.body.id}`).set(bearer(other.accessToken)).expect(404);
    await t.http.delete(`/v1/support/on-call/${day.body.id}`).set(bearer(net.accessToken)).expect(204);
  });

  it('keeps canned replies per language', async () => {
    await t.http
      .post('/v1/support/canned-replies')
      .set(bearer(net.accessToken))
      .send({ language: 'fr', title: 'Redémarrage', body: 'Nous avons redémarré la borne.' })
      .expect(201);
    await t.http
      .post('/v1/support/canned-replies')
      .set(bearer(net.accessToken))
      .send({ language: 'en', title: 'Restart', body: 'We restarted the charger.' })
      .expect(201);
    const fr = (await t.http.get('/v1/support/canned-replies?language=fr-LU').set(bearer(net.accessToken)).expect(200)).body;
    expect(fr.map((r: { title: string }) => r.title)).toEqual(['Redémarrage']);
    expect((await t.http.get('/v1/support/canned-replies').set(bearer(other.accessToken)).expect(200)).body).toEqual([]);
    const bad = await t.http.post('/v1/support/canned-replies').set(bearer(net.accessToken)).send({ language: 'fr', title: '', body: 'x' }).expect(422);
    expect(bad.body.errors[0].field).toBe('body.title');
  });

  it('publishes help articles drivers read before writing in, in their language or else English', async () => {
    const driver = await registerDriver(t.http);
    await t.http
      .post('/v1/support/articles')
      .set(bearer(net.accessToken))
      .send({ language: 'de', topic: 'fault', title: 'Ladevorgang startet nicht', body: 'Stecker ganz einstecken …' })
      .expect(201);
    const en = (
      await t.http
        .post('/v1/support/articles')
        .set(bearer(net.accessToken))
        .send({ language: 'en', topic: 'fault', title: 'Charging does not start', body: 'Push the plug in fully …' })
        .expect(201)
    ).body;
    await t.http
      .post('/v1/support/articles')
      .set(bearer(net.accessToken))
      .send({ language: 'en', topic: 'billing', title: 'Your receipt', body: '…' })
      .expect(201);
    const de = (await t.http.get(`/v1/support/articles?network_id=${net.networkId}&language=de-DE&topic=fault`).set(bearer(driver.accessToken)).expect(200))
      .body;
    expect(de.map((a: { title: string }) => a.title)).toEqual(['Ladevorgang startet nicht']);
    const it = (await t.http.get(`/v1/support/articles?network_id=${net.networkId}&language=it&topic=fault`).set(bearer(driver.accessToken)).expect(200)).body;
    expect(it.map((a: { title: string }) => a.title)).toEqual(['Charging does not start']);
    // Only the network's staff publish or remove.
    await t.http.post('/v1/support/articles').set(bearer(driver.accessToken)).send({ language: 'en', topic: 'fault', title: 'x', body: 'y' }).expect(403);
    await t.http.delete(`/v1/support/articles/${en.id}`).set(bearer(other.accessToken)).expect(404);
    await t.http.delete(`/v1/support/articles/${en.id}`).set(bearer(net.accessToken)).expect(204);
    await t.http.get(`/v1/support/articles?network_id=${net.networkId}&language=x1`).set(bearer(driver.accessToken)).expect(422);
  });
});
