import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnersService } from '../partners/partners.service.js';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

const DAY = 86_400_000;

describe.each(backends())('deleting an account on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let siteId: string;
  let chargePointId: string;
  let automaker: { id: string; key: string };
  const erase = (at: Date) => t.services.jobs.drain(at, undefined, 10, ['privacy.erase']);

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'Erasure Network');
    siteId = (await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Erasure Site')).expect(201)).body.id;
    const cp = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity: unique('ER').slice(0, 25), location_id: siteId, password: 'erasure-password-1' })
      .expect(201);
    chargePointId = cp.body.id;
    const p = await new PartnersService(t.services.scopes).create(unique('Erasmotors').slice(0, 40), 'automaker');
    automaker = { id: p.id, key: p.secret_key };
  });
  afterAll(() => t.close());

  async function driverWithHistory() {
    // Letters only: digits could read as a phone number, and a held review is not listed.
    const driver = {
      ...(await registerDriver(t.http)),
      comment: `Slow charger, ${Math.random()
        .toString(36)
        .replace(/[^a-z]/g, '')} cable`,
    };
    const tag = unique('ERT').slice(0, 20);
    await t.http.post('/v1/me/id-tags').set(bearer(driver.accessToken)).send({ id_tag: tag }).expect(201);
    const sessions: string[] = [];
    for (let i = 0; i < 2; i++) {
      const at = new Date(Date.now() - (i + 2) * 3_600_000);
      const s = await t.services.charging.startSession(net.networkId, chargePointId, { connectorId: 1 + i, idTag: tag, meterStartWh: 0, at });
      await t.services.charging.stopSession(net.networkId, chargePointId, {
        transactionId: s.transactionId,
        meterStopWh: 5_000,
        at: new Date(at.getTime() + 3_600_000),
      });
      sessions.push(s.session.id);
    }
    await t.http.put(`/v1/locations/${siteId}/reviews/mine`).set(bearer(driver.accessToken)).send({ rating: 2, comment: driver.comment }).expect(201);
    const { choices } = (await t.http.get('/v1/me/consents').set(bearer(driver.accessToken)).expect(200)).body;
    const sharing = choices.find((c: { partner_id: string }) => c.partner_id === automaker.id);
    await t.http
      .post('/v1/me/consents')
      .set(bearer(driver.accessToken))
      .send({ purpose: 'partner_sharing', partner_id: automaker.id, granted: true, text_version: sharing.text_version })
      .expect(200);
    return { ...driver, tag, sessions };
  }

  const sharedWithAutomaker = async () =>
    ((await t.http.get('/v1/partner/shared-sessions?limit=100').set(bearer(automaker.key)).expect(200)).body.data as { driver_id: string }[]).map(
      (s) => s.driver_id,
    );
  const reviewsOfSite = async () =>
    (await t.http.get(`/v1/locations/${siteId}/reviews`).set(bearer(net.accessToken)).expect(200)).body.data as { comment: string | null }[];

  it('needs the password, waits out a 14-day grace period that can be cancelled, then erases the person and keeps what the law needs', async () => {
    const driver = await driverWithHistory();
    expect(await sharedWithAutomaker()).toContain(driver.driverId);
    const wrong = await t.http.post('/v1/me/deletion').set(bearer(driver.accessToken)).send({ password: 'not my password', contributions: 'keep' }).expect(422);
    expect(wrong.body.errors[0].field).toBe('body.password');
    await t.http.post('/v1/me/deletion').set(bearer(driver.accessToken)).send({ password: driver.password, contributions: 'maybe' }).expect(422);

    // Asked, then changed their mind.
    const first = await t.http.post('/v1/me/deletion').set(bearer(driver.accessToken)).send({ password: driver.password, contributions: 'keep' }).expect(202);
    expect(new Date(first.body.due_at).getTime() - Date.now()).toBeGreaterThan(13.9 * DAY);
    await t.http.delete('/v1/me/deletion').set(bearer(driver.accessToken)).expect(200);
    await erase(new Date(Date.now() + 15 * DAY));
    expect((await t.http.post('/v1/auth/login').send({ email: driver.email, password: driver.password })).status).toBe(200);
    await t.http.delete('/v1/me/deletion').set(bearer(driver.accessToken)).expect(404);

    // Asked again: nothing happens during the grace period, everything at its end.
    await t.http.post('/v1/me/deletion').set(bearer(driver.accessToken)).send({ password: driver.password, contributions: 'keep' }).expect(202);
    await erase(new Date(Date.now() + 13 * DAY));
    expect((await t.http.post('/v1/auth/login').send({ email: driver.email, password: driver.password })).status).toBe(200);
    await erase(new Date(Date.now() + 15 * DAY));

    // Signing in fails, and the token in hand stops at once.
    expect((await t.http.post('/v1/auth/login').send({ email: driver.email, password: driver.password })).status).toBe(401);
    await t.http.get('/v1/me').set(bearer(driver.accessToken)).expect(401);
    const account = await t.services.auth.account(driver.driverId);
    expect(account.user).toMatchObject({ name: '', email: `erased+${driver.driverId}@erased.invalid` });
    // The sessions stay for the network's books, without the card; the card itself is unknown now.
    const sessions = (await t.http.get(`/v1/sessions?location_id=${siteId}&limit=100`).set(bearer(net.accessToken)).expect(200)).body.data as {
      id: string;
      id_tag: string;
    }[];
    for (const id of driver.sessions) expect(sessions.find((s) => s.id === id)).toMatchObject({ id_tag: 'erased' });
    expect((await t.services.charging.authorize(driver.tag)).status).not.toBe('Accepted');
    // The review stays, as a former driver's (the account has no name any more); the partner sees nothing.
    expect((await reviewsOfSite()).map((r) => r.comment)).toContain(driver.comment);
    expect(await sharedWithAutomaker()).not.toContain(driver.driverId);
    expect((await t.services.consents.history(driver.driverId)).at(-1)).toMatchObject({ purpose: 'partner_sharing', granted: false });
    expect((await t.services.accountDeletion.current(driver.driverId))?.status).toBe('done');
  });

  it('removes the contributions when the person chooses so', async () => {
    const driver = await driverWithHistory();
    expect((await reviewsOfSite()).map((r) => r.comment)).toContain(driver.comment);
    await t.http.post('/v1/me/deletion').set(bearer(driver.accessToken)).send({ password: driver.password, contributions: 'remove' }).expect(202);
    await erase(new Date(Date.now() + 15 * DAY));
    expect((await reviewsOfSite()).map((r) => r.comment)).not.toContain(driver.comment);
  });
});
