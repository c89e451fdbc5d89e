import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvseStatus } from '../db/schema.js';
import type { DomainEvent } from '../realtime/events.js';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

const AC = { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 };

describe.each(backends())('status reports written together on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  const chargers: { id: string; evses: string[] }[] = [];
  const events: DomainEvent[] = [];

  beforeAll(async () => {
    t = await startTestApp(backend);
    t.services.bus.subscribe((e) => events.push(e));
    net = await signUpNetwork(t.http, 'Busy Chargers');
    const site = await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Charger Park', [])).expect(201);
    for (let i = 0; i < 10; i++) {
      const cp = await t.http
        .post('/v1/charge-points')
        .set(bearer(net.accessToken))
        .send({ identity: unique('CP'), location_id: site.body.id, password: 'a-long-charge-point-secret' })
        .expect(201);
      const evses: string[] = [];
      for (const connector of [1, 2]) {
        const loc = await t.http
          .post(`/v1/locations/${site.body.id}/evses`)
          .set(bearer(net.accessToken))
          .send({ charge_point_id: cp.body.id, ocpp_connector_id: connector, connectors: [AC] })
          .expect(201);
        evses.push(
          loc.body.evses.find(
            (e: { charge_point_id: string; ocpp_connector_id: number }) => e.charge_point_id === cp.body.id && e.ocpp_connector_id === connector,
          ).uid,
        );
      }
      await t.services.charging.setConnected(net.networkId, cp.body.id, true);
      chargers.push({ id: cp.body.id, evses });
    }
  });
  afterAll(() => t.close());

  const statusOf = async (uid: string): Promise<EvseStatus> =>
    (await t.services.scopes.tenant(net.networkId, (tx) => tx.selectFrom('evses').select('availability').where('id', '=', uid).executeTakeFirstOrThrow()))
      .availability;

  it('applies many concurrent reports, the newest per connector winning whatever the arrival order', async () => {
    // Later than the EVSEs' creation, which counts as their last report.
    const now = Date.now() + 60_000;
    const report = (connectorId: number, status: EvseStatus, ageMs: number) => ({ connectorId, status, at: new Date(now - ageMs) });
    events.length = 0;
    await Promise.all(
      chargers.flatMap((cp) => [
        // The newer report arrives first; the older one must not overwrite it.
        t.services.charging.reportStatus(net.networkId, cp.id, report(1, 'CHARGING', 1_000)),
        t.services.charging.reportStatus(net.networkId, cp.id, report(1, 'AVAILABLE', 5_000)),
        t.services.charging.reportStatus(net.networkId, cp.id, report(2, 'OUTOFORDER', 2_000)),
        // Connector 0 speaks for the charge point only when it is out of service.
        t.services.charging.reportStatus(net.networkId, cp.id, report(0, 'AVAILABLE', 500)),
      ]),
    );
    for (const cp of chargers) {
      expect(await statusOf(cp.evses[0] as string)).toBe('CHARGING');
      expect(await statusOf(cp.evses[1] as string)).toBe('OUTOFORDER');
    }
    // One event per EVSE whose availability changed, each with its own version.
    const statusEvents = events.filter((e) => e.type === 'evse.status');
    expect(statusEvents).toHaveLength(20);
    expect(new Set(statusEvents.map((e) => (e.payload as { version: number }).version)).size).toBe(20);
  });

  it('keeps faults, and a report that cannot be written fails alone', async () => {
    const [first, second] = chargers as [{ id: string; evses: string[] }, { id: string; evses: string[] }];
    const results = await Promise.allSettled([
      t.services.charging.reportStatus(net.networkId, first.id, {
        connectorId: 1,
        status: 'OUTOFORDER',
        fault: { errorCode: 'GroundFailure', info: 'RCD tripped' },
        at: new Date(Date.now() + 120_000),
      }),
      // A charge point that does not exist: its fault row cannot be written.
      t.services.charging.reportStatus(net.networkId, 'cp_missing', {
        connectorId: 1,
        status: 'FAULTED' as never,
        fault: { errorCode: 'OtherError' },
        at: new Date(),
      }),
      t.services.charging.reportStatus(net.networkId, second.id, { connectorId: 2, status: 'AVAILABLE', at: new Date(Date.now() + 120_000) }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await statusOf(first.evses[0] as string)).toBe('OUTOFORDER');
    expect(await statusOf(second.evses[1] as string)).toBe('AVAILABLE');
    const faults = await t.services.scopes.tenant(net.networkId, (tx) =>
      tx.selectFrom('evse_faults').select(['error_code', 'info']).where('charge_point_id', '=', first.id).execute(),
    );
    expect(faults).toEqual([{ error_code: 'GroundFailure', info: 'RCD tripped' }]);
  });
});
