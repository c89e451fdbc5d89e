import { PartnersService, type RunningPlatform } from '@voltshare/api';
import ocppRpc from 'ocpp-rpc';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createSite, startGatewayTestPlatform, until } from './testing/platform.js';

const { RPCClient } = ocppRpc;
type RPCClient = InstanceType<typeof ocppRpc.RPCClient>;
const PASSWORD = 'a-long-charge-point-secret';
let platform: RunningPlatform;
let http: ReturnType<typeof supertest>;
let staff: string;
let ocppUrl: string;
let site: string;
let utilityKey: string;
let utilityId: string;
let otherUtilityKey: string;
let cityKey: string;

/** A charger at the site that keeps what the platform tells it, validated by the official 1.6 schemas (strict mode). */
interface Charger {
  id: string;
  identity: string;
  client: RPCClient;
  /** Watts per connector from the last SetChargingProfile; undefined once cleared. */
  limits: Map<number, number | undefined>;
  profiles: unknown[];
  /** Called after each change of a limit. */
  onChange?: () => void;
}

async function charger(connectors: number, location = site): Promise<Charger> {
  const identity = `LIM-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const cp = await http.post('/v1/charge-points').set(auth(staff)).send({ identity, location_id: location, password: PASSWORD }).expect(201);
  for (let n = 1; n <= connectors; n++) {
    await http
      .post(`/v1/locations/${location}/evses`)
      .set(auth(staff))
      .send({
        charge_point_id: cp.body.id,
        ocpp_connector_id: n,
        connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }],
      })
      .expect(201);
  }
  return online({ id: cp.body.id, identity, limits: new Map(), profiles: [] } as unknown as Charger);
}

async function online(c: Charger): Promise<Charger> {
  const client = new RPCClient({
    endpoint: ocppUrl,
    identity: c.identity,
    password: PASSWORD,
    protocols: ['ocpp1.6'],
    strictMode: true,
    reconnect: false,
  });
  client.handle(
    'SetChargingProfile',
    ({ params }: { params: { connectorId: number; csChargingProfiles: { chargingSchedule: { chargingSchedulePeriod: { limit: number }[] } } } }) => {
      c.profiles.push(params);
      c.limits.set(params.connectorId, params.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0]?.limit);
      c.onChange?.();
      return { status: 'Accepted' };
    },
  );
  client.handle('ClearChargingProfile', () => {
    for (const key of c.limits.keys()) c.limits.set(key, undefined);
    return { status: 'Accepted' };
  });
  await client.connect();
  c.client = client;
  return c;
}

beforeAll(async () => {
  ({ platform, http, staff, wsUrl: ocppUrl } = await startGatewayTestPlatform('limits-test'));
  site = await createSite(http, staff, 'Depot');
  const partners = new PartnersService(platform.services.scopes);
  const utility = await partners.create('Creos Grid', 'utility');
  utilityKey = utility.secret_key;
  utilityId = utility.id;
  otherUtilityKey = (await partners.create('Other Grid', 'utility')).secret_key;
  cityKey = (await partners.create('City of Luxembourg', 'city')).secret_key;
}, 60_000);

afterAll(() => platform.stop());

describe('site power limits over OCPP', () => {
  it('splits the lowest limit in force over the site’s chargers, from the network and from its grid operator, and lifts it', async () => {
    const a = await charger(2);
    const b = await charger(1);
    // The network caps the site at 33 kW: three EVSEs, 11 kW each.
    const set = await http.post(`/v1/locations/${site}/power-limits`).set(auth(staff)).send({ max_power_w: 33_000 }).expect(201);
    expect(set.body.max_power_w).toBe(33_000);
    expect(set.body.applied).toHaveLength(3);
    expect(set.body.applied.every((x: { result: string; max_power_w: number }) => x.result === 'Accepted' && x.max_power_w === 11_000)).toBe(true);
    expect([...a.limits.values(), ...b.limits.values()]).toEqual([11_000, 11_000, 11_000]);
    expect(a.profiles[0]).toMatchObject({
      csChargingProfiles: { chargingProfilePurpose: 'TxDefaultProfile', chargingSchedule: { chargingRateUnit: 'W' } },
    });

    // A utility may not signal for a site until the network names it grid operator.
    await http.post('/v1/grid/power-limits').set(auth(utilityKey)).send({ location_id: site, max_power_w: 12_000 }).expect(404);
    await http.put(`/v1/locations/${site}/grid-operator`).set(auth(staff)).send({ partner_id: utilityId }).expect(204);
    await http.post('/v1/grid/power-limits').set(auth(otherUtilityKey)).send({ location_id: site, max_power_w: 12_000 }).expect(404);
    await http.post('/v1/grid/power-limits').set(auth(cityKey)).send({ location_id: site, max_power_w: 12_000 }).expect(403);

    // The grid operator's lower limit wins: 4 kW each.
    const grid = await http.post('/v1/grid/power-limits').set(auth(utilityKey)).send({ location_id: site, max_power_w: 12_000 }).expect(201);
    expect(grid.body.max_power_w).toBe(12_000);
    expect([...a.limits.values(), ...b.limits.values()]).toEqual([4_000, 4_000, 4_000]);
    const state = await http.get(`/v1/locations/${site}/power-limits`).set(auth(staff)).expect(200);
    expect(state.body.limits.map((l: { source: string; max_power_w: number }) => [l.source, l.max_power_w])).toEqual([
      ['network', 33_000],
      ['grid', 12_000],
    ]);

    // The network's list across its sites names the site and says what is in force.
    const listed = await http.get('/v1/power-limits').set(auth(staff)).expect(200);
    expect(listed.body.map((l: { location_name: string; source: string; in_force: boolean }) => [l.location_name, l.source, l.in_force])).toEqual([
      ['Depot', 'network', true],
      ['Depot', 'grid', true],
    ]);
    await http.get('/v1/power-limits').set(auth(utilityKey)).expect(403);

    // The network ends its own: the grid's still holds. The utility ends its own: lifted.
    const [own, signal] = state.body.limits;
    await http.delete(`/v1/power-limits/${own.id}`).set(auth(staff)).expect(200);
    expect([...a.limits.values(), ...b.limits.values()]).toEqual([4_000, 4_000, 4_000]);
    await http.delete(`/v1/grid/power-limits/${own.id}`).set(auth(utilityKey)).expect(404);
    const lifted = await http.delete(`/v1/grid/power-limits/${signal.id}`).set(auth(utilityKey)).expect(200);
    expect(lifted.body.max_power_w).toBeNull();
    expect([...a.limits.values(), ...b.limits.values()]).toEqual([undefined, undefined, undefined]);

    // A charger that was away is told the limit in force when it comes back.
    await b.client.close({ force: true });
    for (let online = true; online; await new Promise((r) => setTimeout(r, 25))) {
      online = (await http.get(`/v1/charge-points/${b.id}`).set(auth(staff)).expect(200)).body.online;
    }
    const whileAway = await http.post(`/v1/locations/${site}/power-limits`).set(auth(staff)).send({ max_power_w: 9_000 }).expect(201);
    expect(whileAway.body.applied.map((x: { result: string }) => x.result).sort()).toEqual(['Accepted', 'Accepted', 'offline']);
    expect([...a.limits.values()]).toEqual([3_000, 3_000]);
    b.limits.clear();
    await online(b);
    await until(() => b.limits.get(1) === 3_000);
    await http.delete(`/v1/power-limits/${whileAway.body.limits[0].id}`).set(auth(staff)).expect(200);
    await a.client.close({ force: true });
    await b.client.close({ force: true });
  });

  it('shares the limit among the EVSEs charging as sessions start and end, keeping enough for an idle one to start', async () => {
    const depot = await createSite(http, staff, 'Bus depot', 49.61, 6.14);
    const driver = await http
      .post('/v1/drivers')
      .send({ email: `bus-${Date.now()}@example.com`, name: 'Bus Driver', password: 'driver password' })
      .expect(201);
    await http.post('/v1/me/id-tags').set(auth(driver.body.tokens.access_token)).send({ id_tag: 'BUS-CARD' }).expect(201);
    const [a, b, c] = [await charger(1, depot), await charger(1, depot), await charger(1, depot)] as [Charger, Charger, Charger];
    const first = (x: Charger) => x.limits.get(1);
    await http.post(`/v1/locations/${depot}/power-limits`).set(auth(staff)).send({ max_power_w: 22_000 }).expect(201);
    expect([first(a), first(b), first(c)]).toEqual([7_333, 7_333, 7_333]);
    // While chargers are told in turn, the site as a whole never goes over its limit.
    let peak = 0;
    for (const x of [a, b, c]) x.onChange = () => (peak = Math.max(peak, (first(a) ?? 0) + (first(b) ?? 0) + (first(c) ?? 0)));

    const started = (await a.client.call('StartTransaction', { connectorId: 1, idTag: 'BUS-CARD', meterStart: 0, timestamp: new Date().toISOString() })) as {
      transactionId: number;
    };
    // Each charger is told in turn.
    await until(() => first(a) === 22_000 - 2 * 1_380 && first(b) === 1_380 && first(c) === 1_380);

    await a.client.call('StopTransaction', { transactionId: started.transactionId, meterStop: 5_000, timestamp: new Date().toISOString() });
    await until(() => [first(a), first(b), first(c)].every((w) => w === 7_333));
    expect(peak).toBeLessThanOrEqual(22_000);
    expect(peak).toBeGreaterThan(21_000);
    for (const x of [a, b, c]) await x.client.close({ force: true });
  });

  it('starts and ends a limit on time', async () => {
    const c = await charger(1);
    const startsAt = new Date(Date.now() + 600);
    const endsAt = new Date(Date.now() + 1_600);
    const res = await http
      .post(`/v1/locations/${site}/power-limits`)
      .set(auth(staff))
      .send({ max_power_w: 7_400, starts_at: startsAt.toISOString(), ends_at: endsAt.toISOString() })
      .expect(201);
    // Not in force yet: nothing capped, and the list says so.
    expect(res.body.max_power_w).toBeNull();
    const ahead = (await http.get('/v1/power-limits').set(auth(staff)).expect(200)).body.find((l: { max_power_w: number }) => l.max_power_w === 7_400);
    expect(ahead).toMatchObject({ location_name: 'Depot', in_force: false });
    await until(() => c.limits.get(1) !== undefined, 5_000);
    expect(Date.now()).toBeGreaterThanOrEqual(startsAt.getTime() - 50);
    // Every EVSE of the site shares it, this charger's one included.
    expect(c.limits.get(1)).toBeGreaterThan(0);
    await until(() => c.limits.get(1) === undefined, 5_000);
    expect(Date.now()).toBeGreaterThanOrEqual(endsAt.getTime() - 50);
    await c.client.close({ force: true });
  });

  it('refuses bad limits with field errors and stores nothing', async () => {
    const before = (await http.get(`/v1/locations/${site}/power-limits`).set(auth(staff)).expect(200)).body.limits.length;
    const now = Date.now();
    for (const [body, field] of [
      [{ max_power_w: -1 }, 'body.max_power_w'],
      [{ max_power_w: 1.5 }, 'body.max_power_w'],
      [{}, 'body.max_power_w'],
      [{ max_power_w: 5000, ends_at: new Date(now - 60_000).toISOString() }, 'body.ends_at'],
      [{ max_power_w: 5000, starts_at: new Date(now + 7_200_000).toISOString(), ends_at: new Date(now + 3_600_000).toISOString() }, 'body.ends_at'],
      [{ max_power_w: 5000, starts_at: new Date(now + 400 * 86_400_000).toISOString() }, 'body.starts_at'],
      [{ max_power_w: 5000, starts_at: 'soon' }, 'body.starts_at'],
    ] as const) {
      const res = await http.post(`/v1/locations/${site}/power-limits`).set(auth(staff)).send(body).expect(422);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    await http.post('/v1/locations/loc_nope/power-limits').set(auth(staff)).send({ max_power_w: 5000 }).expect(404);
    await http.put(`/v1/locations/${site}/grid-operator`).set(auth(staff)).send({ partner_id: 'ptn_nope' }).expect(422);
    expect((await http.get(`/v1/locations/${site}/power-limits`).set(auth(staff)).expect(200)).body.limits).toHaveLength(before);
  });
});
