import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnersService } from '../partners/partners.service.js';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

describe.each(backends())('consents on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let automaker: { id: string; key: string };
  let otherMaker: { id: string; key: string };
  let chargePointId: string;

  const partner = async (name: string) => {
    const p = await new PartnersService(t.services.scopes).create(unique(name).slice(0, 40), 'automaker');
    return { id: p.id, key: p.secret_key };
  };

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'Consent Network');
    const site = await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Consent Site')).expect(201);
    const cp = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity: unique('CNS').slice(0, 25), location_id: site.body.id, password: 'consent-password-1' })
      .expect(201);
    chargePointId = cp.body.id;
    automaker = await partner('Autoco');
    otherMaker = await partner('Othermotors');
  });
  afterAll(() => t.close());

  async function driverWithSession() {
    const driver = await registerDriver(t.http);
    const tag = unique('CT').slice(0, 20);
    await t.http.post('/v1/me/id-tags').set(bearer(driver.accessToken)).send({ id_tag: tag }).expect(201);
    const at = new Date(Date.now() - 2 * 3_600_000);
    const s = await t.services.charging.startSession(net.networkId, chargePointId, { connectorId: 1, idTag: tag, meterStartWh: 0, at });
    await t.services.charging.stopSession(net.networkId, chargePointId, {
      transactionId: s.transactionId,
      meterStopWh: 7_000,
      at: new Date(at.getTime() + 3_600_000),
    });
    return { ...driver, sessionId: s.session.id };
  }

  const choices = async (token: string, language = 'en') =>
    (await t.http.get('/v1/me/consents').set(bearer(token)).set('Accept-Language', language).expect(200)).body;

  it('starts with every purpose off, shows the words in the person’s language, and records each choice with the words shown', async () => {
    const driver = await registerDriver(t.http);
    await t.http.patch('/v1/me').set(bearer(driver.accessToken)).send({ locale: 'de' }).expect(200);
    const first = await choices(driver.accessToken);
    expect(first.history).toEqual([]);
    expect(first.choices.every((c: { granted: boolean; decided_at: null }) => !c.granted && c.decided_at === null)).toBe(true);
    const marketing = first.choices.find((c: { purpose: string }) => c.purpose === 'marketing');
    expect(marketing.text).toMatch(/^Schicken Sie mir Neuigkeiten/);
    const sharing = first.choices.find((c: { partner_id: string }) => c.partner_id === automaker.id);
    expect(sharing.text).toContain(sharing.partner_name);

    await t.http
      .post('/v1/me/consents')
      .set(bearer(driver.accessToken))
      .send({ purpose: 'marketing', granted: true, text_version: marketing.text_version })
      .expect(200);
    const after = await t.http
      .post('/v1/me/consents')
      .set(bearer(driver.accessToken))
      .send({ purpose: 'marketing', granted: false, text_version: marketing.text_version })
      .expect(200);
    expect(after.body.choices.find((c: { purpose: string }) => c.purpose === 'marketing')).toMatchObject({ granted: false });
    expect(after.body.history).toEqual([
      expect.objectContaining({ purpose: 'marketing', granted: true, language: 'de', text_shown: marketing.text, text_version: marketing.text_version }),
      expect.objectContaining({ purpose: 'marketing', granted: false }),
    ]);
  });

  it('refuses stale words, unknown partners and a partner on a purpose without one, naming the field', async () => {
    const driver = await registerDriver(t.http);
    const stale = await t.http
      .post('/v1/me/consents')
      .set(bearer(driver.accessToken))
      .send({ purpose: 'marketing', granted: true, text_version: '2020-01-01' })
      .expect(409);
    expect(stale.body.type).toMatch(/consent-text-changed$/);
    const { choices: list } = await choices(driver.accessToken);
    const version = list[0].text_version;
    const cases: [object, string][] = [
      [{ purpose: 'partner_sharing', granted: true, text_version: version }, 'body.partner_id'],
      [{ purpose: 'partner_sharing', partner_id: 'ptn_nope', granted: true, text_version: version }, 'body.partner_id'],
      [{ purpose: 'marketing', partner_id: automaker.id, granted: true, text_version: version }, 'body.partner_id'],
      [{ purpose: 'selling_my_soul', granted: true, text_version: version }, 'body.purpose'],
    ];
    for (const [body, field] of cases) {
      const res = await t.http.post('/v1/me/consents').set(bearer(driver.accessToken)).send(body).expect(422);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await choices(driver.accessToken)).history).toEqual([]);
  });

  it('an automaker sees the sessions of the drivers who share with it, and nobody else’s; a withdrawal applies at once', async () => {
    const sharer = await driverWithSession();
    const keeper = await driverWithSession();
    const read = async (key: string) =>
      (await t.http.get('/v1/partner/shared-sessions').set(bearer(key)).expect(200)).body.data as { id: string; driver_id: string }[];
    expect((await read(automaker.key)).map((s) => s.id)).not.toContain(sharer.sessionId);
    const version = (await choices(sharer.accessToken)).choices.find((c: { purpose: string }) => c.purpose === 'partner_sharing').text_version;
    await t.http
      .post('/v1/me/consents')
      .set(bearer(sharer.accessToken))
      .send({ purpose: 'partner_sharing', partner_id: automaker.id, granted: true, text_version: version })
      .expect(200);
    const seen = await read(automaker.key);
    expect(seen).toEqual([expect.objectContaining({ id: sharer.sessionId, driver_id: sharer.driverId, energy_wh: 7_000 })]);
    expect(JSON.stringify(seen)).not.toContain('id_tag');
    expect((await read(otherMaker.key)).map((s) => s.driver_id)).not.toContain(sharer.driverId);
    expect(seen.map((s) => s.driver_id)).not.toContain(keeper.driverId);
    // The read is in the network's audit trail.
    const audit = await t.http.get('/v1/audit-events').set(bearer(net.accessToken)).expect(200);
    expect(audit.body.data).toContainEqual(
      expect.objectContaining({ action: 'personal_data.read', subject_type: 'partner_shared_sessions', subject_id: automaker.id }),
    );
    // Staff and drivers are not partners.
    await t.http.get('/v1/partner/shared-sessions').set(bearer(net.accessToken)).expect(403);
    await t.http
      .post('/v1/me/consents')
      .set(bearer(sharer.accessToken))
      .send({ purpose: 'partner_sharing', partner_id: automaker.id, granted: false, text_version: version })
      .expect(200);
    expect(await read(automaker.key)).toEqual([]);
  });
});
