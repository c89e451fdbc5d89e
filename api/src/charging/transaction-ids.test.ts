import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

describe.each(backends())('transaction ids and token types beyond OCPP 1.6 on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let chargePointId: string;

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'Transaction Id Network');
    const site = await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Transaction Id Site')).expect(201);
    const cp = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity: unique('TX').slice(0, 25), location_id: site.body.id, password: 'transaction-password-1' })
      .expect(201);
    chargePointId = cp.body.id;
  });
  afterAll(() => t.close());

  it("a session started under the charger's string id is metered and stopped by that id, beside the platform's integer", async () => {
    const at = new Date(Date.now() - 30 * 60_000);
    const chargerTransactionId = 'c0ffee00-1234-4abc-8def-0123456789ab';
    const started = await t.services.charging.startSession(net.networkId, chargePointId, {
      connectorId: 1,
      idTag: 'CARD-201',
      meterStartWh: 1_000,
      at,
      chargerTransactionId,
    });
    expect(Number.isInteger(started.transactionId)).toBe(true);
    const metered = await t.services.charging.addMeterValues(net.networkId, chargePointId, chargerTransactionId, [
      { at: new Date(at.getTime() + 10 * 60_000), energyWh: 3_500 },
    ]);
    expect(metered?.energy_wh).toBe(2_500);
    // Another charger's id, or the platform's integer sent as a string, is not this session.
    expect(await t.services.charging.addMeterValues(net.networkId, chargePointId, String(started.transactionId), [{ at: new Date(), energyWh: 9_000 }])).toBe(
      undefined,
    );
    const stopped = await t.services.charging.stopSession(net.networkId, chargePointId, {
      transactionId: chargerTransactionId,
      meterStopWh: 4_000,
      at: new Date(at.getTime() + 20 * 60_000),
    });
    expect(stopped.known).toBe(true);
    const session = await t.services.charging.session(net.networkId, started.session.id);
    expect(session).toMatchObject({ status: 'COMPLETED', energy_wh: 3_000, transaction_id: started.transactionId });
  });

  it('refuses a second session under the same charger id at the same charger', async () => {
    const start = { connectorId: 2, idTag: 'CARD-202', meterStartWh: 0, chargerTransactionId: 'dup-tx-1' };
    await t.services.charging.startSession(net.networkId, chargePointId, { ...start, at: new Date(Date.now() - 60_000) });
    await expect(t.services.charging.startSession(net.networkId, chargePointId, { ...start, meterStartWh: 5, at: new Date() })).rejects.toThrow();
  });

  it('a session records the type of the token it started with; a 1.6 idTag has none', async () => {
    const typed = await t.services.charging.startSession(net.networkId, chargePointId, {
      connectorId: 3,
      idTag: 'EMAID-DE-VOL-1',
      idTokenType: 'eMAID',
      meterStartWh: 0,
      at: new Date(Date.now() - 5 * 60_000),
    });
    const untyped = await t.services.charging.startSession(net.networkId, chargePointId, { connectorId: 4, idTag: 'CARD-16', meterStartWh: 0, at: new Date() });
    const types = await t.services.scopes.tenant(net.networkId, (tx) =>
      tx.selectFrom('charging_sessions').select(['id', 'id_token_type']).where('id', 'in', [typed.session.id, untyped.session.id]).execute(),
    );
    expect(Object.fromEntries(types.map((r) => [r.id, r.id_token_type]))).toEqual({ [typed.session.id]: 'eMAID', [untyped.session.id]: null });
  });

  it('a token the platform issued is known under its own type or none, not as a card of another type', async () => {
    await t.services.idTags.issueOneOff('AHTYPEDTOKEN1', 60_000);
    expect((await t.services.charging.authorize('AHTYPEDTOKEN1')).status).toBe('Accepted');
    expect((await t.services.charging.authorize('AHTYPEDTOKEN1', 'Central')).status).toBe('Accepted');
    expect((await t.services.charging.authorize('AHTYPEDTOKEN1', 'ISO14443')).status).toBe('Invalid');
  });
});
