import type { RunningPlatform } from '@voltshare/api';
import ocppRpc from 'ocpp-rpc';
import type supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createSite, startGatewayTestPlatform, until } from './testing/platform.js';

const { RPCClient } = ocppRpc;
type RPCClient = InstanceType<typeof ocppRpc.RPCClient>;
const PASSWORD = 'a-long-charge-point-secret';
const AC = { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 };

let platform: RunningPlatform;
let http: ReturnType<typeof supertest>;
let staff: string;
let ocppUrl: string;
let networkId: string;
let counter = 0;

beforeAll(async () => {
  ({ platform, http, staff, wsUrl: ocppUrl } = await startGatewayTestPlatform('incidents-test'));
  networkId = (await http.get('/v1/network').set(auth(staff)).expect(200)).body.id;
}, 60_000);
afterAll(() => platform.stop());

async function charger(locationId: string, connectors: number): Promise<{ id: string; identity: string; evses: string[]; client: RPCClient }> {
  counter += 1;
  const identity = `INC-${process.pid}-${counter}`;
  const cp = await http.post('/v1/charge-points').set(auth(staff)).send({ identity, location_id: locationId, password: PASSWORD }).expect(201);
  const evses: string[] = [];
  for (let n = 1; n <= connectors; n++) {
    const res = await http
      .post(`/v1/locations/${locationId}/evses`)
      .set(auth(staff))
      .send({ charge_point_id: cp.body.id, ocpp_connector_id: n, evse_id: `LU*GWI*E${counter}${n}`, connectors: [AC] })
      .expect(201);
    evses.push(
      res.body.evses.find((e: { charge_point_id: string; ocpp_connector_id: number }) => e.charge_point_id === cp.body.id && e.ocpp_connector_id === n).uid,
    );
  }
  const client = new RPCClient({ endpoint: ocppUrl, identity, password: PASSWORD, protocols: ['ocpp1.6'], strictMode: true, reconnect: false });
  await client.connect();
  await client.call('BootNotification', { chargePointVendor: 'Alfen', chargePointModel: 'Eve' });
  for (let n = 1; n <= connectors; n++)
    await client.call('StatusNotification', { connectorId: n, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() });
  return { id: cp.body.id, identity, evses, client };
}

const openAt = async (locationId: string) =>
  (await http.get(`/v1/incidents?status=open&location_id=${locationId}`).set(auth(staff)).expect(200)).body.data as {
    id: string;
    scope: string;
    causes: string[];
    evse_id: string | null;
    fault: { code: string; name: string } | null;
  }[];

describe('incidents from raw OCPP', () => {
  it('a Faulted StatusNotification, sent again as chargers retry, opens one incident by itself with the messages before it, and Available resolves it', async () => {
    const site = await createSite(http, staff, 'Gateway Fault Garage');
    const cp = await charger(site, 2);
    const fault = { connectorId: 1, errorCode: 'GroundFailure', status: 'Faulted', info: 'RCD tripped', vendorErrorCode: 'E17' };
    for (let i = 0; i < 3; i++) await cp.client.call('StatusNotification', { ...fault, timestamp: new Date().toISOString() });
    // No sweep is called here: the EVSE's change asks for one, and the job runner does it.
    await until(async () => (await openAt(site)).length > 0, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    const open = await openAt(site);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      scope: 'evse',
      causes: ['fault'],
      evse_id: expect.stringMatching(/^LU\*GWI\*E/),
      fault: { code: 'GroundFailure', name: 'Earth fault' },
    });
    const detail = (await http.get(`/v1/incidents/${open[0]?.id}`).set(auth(staff)).expect(200)).body;
    const frames = detail.message_log.map((m: { frame: unknown[] }) => m.frame);
    expect(frames.some((f: unknown[]) => f[2] === 'StatusNotification' && (f[3] as { errorCode: string }).errorCode === 'GroundFailure')).toBe(true);
    expect(frames.some((f: unknown[]) => f[2] === 'BootNotification')).toBe(true);

    await cp.client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() });
    await until(async () => (await openAt(site)).length === 0, 10_000);
    expect((await http.get(`/v1/incidents/${open[0]?.id}`).set(auth(staff)).expect(200)).body).toMatchObject({ status: 'resolved', resolution: 'recovered' });
    await cp.client.close({ force: true });
  });

  it('a small grid outage: every charger of three sites drops; one incident per site, none per charger; all resolve on reconnection', async () => {
    const sites = [
      await createSite(http, staff, 'Outage North', 49.7, 6.1),
      await createSite(http, staff, 'Outage South', 49.5, 6.1),
      await createSite(http, staff, 'Outage East', 49.6, 6.3),
    ];
    const chargers = [];
    for (const site of sites) for (let i = 0; i < 4; i++) chargers.push({ site, ...(await charger(site, 1)) });
    await Promise.all(chargers.map((c) => c.client.close({ force: true })));
    await until(async () => {
      const rows = await platform.services.scopes.tenant(networkId, (tx) =>
        tx.selectFrom('charge_points').select('online').where('tenant_id', '=', networkId).where('location_id', 'in', sites).execute(),
      );
      return rows.every((r) => !r.online);
    });
    // Past the offline threshold (five minutes by default): the sweep as the job runner would run it then, and
    // again on its next tick (a prompt sweep the disconnections asked for may be running at that moment).
    await until(async () => {
      await platform.services.incidents.sweep(networkId, new Date(Date.now() + 6 * 60_000));
      return (await Promise.all(sites.map(openAt))).every((open) => open.length > 0);
    });
    for (const site of sites) {
      const open = await openAt(site);
      expect(open).toHaveLength(1);
      expect(open[0]).toMatchObject({ scope: 'site', causes: ['offline'] });
    }
    const tickets = (await http.get('/v1/support/tickets').set(auth(staff)).expect(200)).body.data;
    expect(tickets).toEqual([]);

    const back = await Promise.all(
      chargers.map(async (c) => {
        const client = new RPCClient({
          endpoint: ocppUrl,
          identity: c.identity,
          password: PASSWORD,
          protocols: ['ocpp1.6'],
          strictMode: true,
          reconnect: false,
        });
        await client.connect();
        await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() });
        return client;
      }),
    );
    await until(async () => (await Promise.all(sites.map(openAt))).every((o) => o.length === 0), 10_000);
    await Promise.all(back.map((c) => c.close({ force: true })));
  });
});
