import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

describe.each(backends())('staff reads of drivers’ personal data are in the audit trail on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let driver: Awaited<ReturnType<typeof registerDriver>>;
  let sessionId: string;

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'Read Audit Network');
    const site = await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Read Audit Site')).expect(201);
    const cp = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity: unique('RA').slice(0, 25), location_id: site.body.id, password: 'read-audit-password' })
      .expect(201);
    driver = await registerDriver(t.http);
    const tag = unique('RATAG').slice(0, 20);
    await t.http.post('/v1/me/id-tags').set(bearer(driver.accessToken)).send({ id_tag: tag }).expect(201);
    const started = await t.services.charging.startSession(net.networkId, cp.body.id, {
      connectorId: 1,
      idTag: tag,
      meterStartWh: 0,
      at: new Date(Date.now() - 3_600_000),
    });
    sessionId = started.session.id;
    // A session of nobody known (a card the platform never saw).
    await t.services.charging.startSession(net.networkId, cp.body.id, {
      connectorId: 2,
      idTag: 'UNKNOWN-CARD',
      meterStartWh: 0,
      at: new Date(Date.now() - 1_800_000),
    });
  });
  afterAll(() => t.close());

  const reads = async () =>
    (await t.http.get('/v1/audit-events').set(bearer(net.accessToken)).expect(200)).body.data.filter(
      (e: { action: string }) => e.action === 'personal_data.read',
    );

  it('records who opened a driver’s session and which drivers a list showed; the driver reading their own is not recorded', async () => {
    await t.http.get(`/v1/sessions/${sessionId}`).set(bearer(driver.accessToken)).expect(200);
    expect(await reads()).toEqual([]);
    await t.http.get(`/v1/sessions/${sessionId}`).set(bearer(net.accessToken)).expect(200);
    await t.http.get('/v1/sessions?limit=10').set(bearer(net.accessToken)).expect(200);
    const entries = await reads();
    expect(entries).toEqual([
      expect.objectContaining({ subject_type: 'session_list', subject_id: 'sessions', actor_user_id: net.ownerId, detail: { drivers: [driver.driverId] } }),
      expect.objectContaining({ subject_type: 'session', subject_id: sessionId, actor_user_id: net.ownerId, detail: { drivers: [driver.driverId] } }),
    ]);
    expect((await t.services.audit.verify(net.networkId)).intact).toBe(true);
  });
});
