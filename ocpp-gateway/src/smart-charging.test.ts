import type { RunningPlatform } from '@voltshare/api';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedChargePoint } from './simulator/charge-point.js';
import { auth, createSite, startGatewayTestPlatform, until } from './testing/platform.js';

const PASSWORD = 'a-long-charge-point-secret';
const CAP_W = 50_000;
const MIN_W = 3 * 6 * 230;
let platform: RunningPlatform;
let http: ReturnType<typeof supertest>;
let staff: string;
let ocppUrl: string;

beforeAll(async () => {
  ({ platform, http, staff, wsUrl: ocppUrl } = await startGatewayTestPlatform('smart-charging'));
}, 60_000);
afterAll(() => platform.stop());

/** A driver with an account (their id tags are registered by `depotCharger`). */
async function fleetDriver(label: string): Promise<string> {
  const res = await http
    .post('/v1/drivers')
    .send({ email: `${label}-${Date.now()}@example.com`, name: label, password: `${label} driver password` })
    .expect(201);
  return res.body.tokens.access_token as string;
}

/** A one-EVSE charge point at the site (22 kW, three-phase), the driver's card for it, and a simulator connected as it. */
async function depotCharger(
  site: string,
  identity: string,
  driverToken: string,
  idTag: string,
  options: Partial<ConstructorParameters<typeof SimulatedChargePoint>[0]> = {},
): Promise<{ chargePointId: string; sim: SimulatedChargePoint }> {
  const cp = await http.post('/v1/charge-points').set(auth(staff)).send({ identity, location_id: site, password: PASSWORD }).expect(201);
  await http
    .post(`/v1/locations/${site}/evses`)
    .set(auth(staff))
    .send({
      charge_point_id: cp.body.id,
      ocpp_connector_id: 1,
      connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }],
    })
    .expect(201);
  await http.post('/v1/me/id-tags').set(auth(driverToken)).send({ id_tag: idTag }).expect(201);
  const sim = new SimulatedChargePoint({
    url: ocppUrl,
    identity,
    password: PASSWORD,
    connectors: 1,
    maxPowerW: 22_000,
    idTags: [idTag],
    arrivalPerMinute: 0,
    faultPerMinute: 0,
    ...options,
  });
  await sim.connect();
  return { chargePointId: cp.body.id, sim };
}

describe('the site optimiser through OCPP', { timeout: 60_000 }, () => {
  it('ten simulated chargers on one site: the measured site power never exceeds the cap, the urgent car goes first, a car leaving frees its share', async () => {
    const site = await createSite(http, staff, 'Smart depot');
    const network = (await http.get('/v1/network').set(auth(staff)).expect(200)).body.id as string;
    const driverToken = await fleetDriver('fleet');
    const sims: SimulatedChargePoint[] = [];
    const chargePointIds: string[] = [];
    for (let n = 0; n < 10; n++) {
      const { chargePointId, sim } = await depotCharger(site, `SMART-${process.pid}-${n}`, driverToken, `FLEET-${n}`);
      chargePointIds.push(chargePointId);
      sims.push(sim);
    }
    const connector = (i: number) => sims[i]?.connectors[0] as SimulatedChargePoint['connectors'][number];
    const drawing = () => sims.map((sim, i) => (connector(i).transactionId !== undefined ? sim.powerW(connector(i)) : 0));
    const sitePower = () => drawing().reduce((a, b) => a + b, 0);
    // The site's measured power, sampled all along: it must never go over the cap, even while chargers are told in turn.
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, sitePower())), 1);

    await http.post(`/v1/locations/${site}/power-limits`).set(auth(staff)).send({ max_power_w: CAP_W }).expect(201);
    for (let i = 0; i < 10; i++) await sims[i]?.arrive(connector(i));
    // Nothing said about the cars: they share alike.
    await until(() => drawing().every((w) => w === CAP_W / 10), 10_000);

    // One driver must leave in an hour with 10 kWh more: that car goes first, the others share the rest, none below 6 A.
    const sessions = (await http.get(`/v1/sessions?status=ACTIVE&limit=50`).set(auth(staff)).expect(200)).body.data as {
      id: string;
      charge_point_id: string;
    }[];
    const first = sessions[0] as { id: string; charge_point_id: string };
    await platform.services.scopes.system((tx) =>
      tx
        .updateTable('charging_sessions')
        .set({ energy_wanted_wh: 10_000, departure_at: new Date(Date.now() + 3_600_000) })
        .where('id', '=', first.id)
        .execute(),
    );
    const departure = new Date(Date.now() + 3_600_000);
    await platform.services.scopes.system((tx) => tx.updateTable('charging_sessions').set({ departure_at: departure }).where('id', '=', first.id).execute());
    await platform.services.siteLimits.apply(network, site);
    // The driver sees the plan: all 10 kWh by the departure they gave.
    const plan = await http.get(`/v1/me/sessions/${first.id}/plan`).set(auth(driverToken)).expect(200);
    expect(plan.body).toMatchObject({ limited: true, by: departure.toISOString() });
    // The EVSE's own maximum (32 A on three phases at 400 V); the car takes 22 kW of it.
    expect(plan.body.power_w).toBeGreaterThanOrEqual(22_000);
    expect(plan.body.planned_wh).toBeGreaterThanOrEqual(9_990);
    const stranger = await http
      .post('/v1/drivers')
      .send({ email: `nosy-${Date.now()}@example.com`, name: 'Nosy', password: 'nosy driver password' })
      .expect(201);
    await http.get(`/v1/me/sessions/${first.id}/plan`).set(auth(stranger.body.tokens.access_token)).expect(404);
    const urgentIndex = chargePointIds.indexOf(first.charge_point_id);
    expect(urgentIndex).toBeGreaterThanOrEqual(0);
    await until(() => drawing()[urgentIndex] === 22_000, 10_000);
    const others = drawing().filter((_, i) => i !== urgentIndex);
    for (const w of others) expect(w === 0 || w >= MIN_W).toBe(true);
    expect(sitePower()).toBeLessThanOrEqual(CAP_W);
    expect(sitePower()).toBeGreaterThan(CAP_W - 22_000 / 2);

    // A car leaves early: at the next step the others get its share (less what its idle EVSE keeps to start the next car).
    const before = drawing();
    const leaving = before.findIndex((w, i) => i !== urgentIndex && w > 0);
    const othersBefore = before.reduce((sum, w, i) => (i === leaving ? sum : sum + w), 0);
    await sims[leaving]?.stopTransaction(connector(leaving), 'EVDisconnected');
    await until(() => {
      const now = drawing();
      const othersNow = now.reduce((sum, w, i) => (i === leaving ? sum : sum + w), 0);
      // The minimum-current rule moves power in steps of one car's minimum.
      return now[leaving] === 0 && othersNow >= othersBefore + (before[leaving] as number) - 1_380 - MIN_W;
    }, 10_000).catch((error) => {
      throw new Error(`${error.message}: before ${before.join(' ')}, after ${drawing().join(' ')}`);
    });
    for (const w of drawing()) expect(w === 0 || w >= MIN_W).toBe(true);

    clearInterval(sampler);
    expect(peak).toBeLessThanOrEqual(CAP_W);
    expect(peak).toBeGreaterThan(CAP_W * 0.9);
    for (const sim of sims) await sim.stop();
  });
});

describe('a charger that ignores its limit', { timeout: 60_000 }, () => {
  it('is flagged as a fault and the others are reduced so the site stays under the cap', async () => {
    const site = await createSite(http, staff, 'Rogue depot');
    const network = (await http.get('/v1/network').set(auth(staff)).expect(200)).body.id as string;
    const driverToken = await fleetDriver('rogue');
    const sims: SimulatedChargePoint[] = [];
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) {
      const { chargePointId, sim } = await depotCharger(site, `ROGUE-${process.pid}-${n}`, driverToken, `ROGUE-${n}`, { ignoreLimits: n === 0 });
      ids.push(chargePointId);
      sims.push(sim);
    }
    const connector = (i: number) => sims[i]?.connectors[0] as SimulatedChargePoint['connectors'][number];
    await http.post(`/v1/locations/${site}/power-limits`).set(auth(staff)).send({ max_power_w: 36_000 }).expect(201);
    for (let i = 0; i < 3; i++) await sims[i]?.arrive(connector(i));
    await until(() => sims.slice(1).every((sim, i) => sim.powerW(connector(i + 1)) === 12_000), 10_000);
    // A minute later the chargers report what they draw: the first one takes its full 22 kW.
    await platform.services.scopes.system((tx) =>
      tx
        .updateTable('evse_power_shares')
        .set({ told_at: new Date(Date.now() - 120_000) })
        .where('tenant_id', '=', network)
        .execute(),
    );
    for (let i = 0; i < 3; i++) await sims[i]?.charge(connector(i), 60);
    const drawn = () => sims.reduce((sum, sim, i) => sum + sim.powerW(connector(i)), 0);
    expect(drawn()).toBeGreaterThan(36_000);
    await platform.services.siteLimits.apply(network, site);
    await until(() => drawn() <= 36_000, 10_000);
    expect(sims[0]?.powerW(connector(0))).toBe(22_000);
    const faults = await platform.services.scopes.system((tx) =>
      tx
        .selectFrom('evse_faults')
        .select(['charge_point_id', 'error_code', 'vendor_id'])
        .where('tenant_id', '=', network)
        .where('error_code', '=', 'PowerLimitIgnored')
        .execute(),
    );
    expect(faults).toEqual([{ charge_point_id: ids[0], error_code: 'PowerLimitIgnored', vendor_id: 'voltshare' }]);
    // The operator sees each EVSE's share and why, and what the site draws.
    for (let i = 0; i < 3; i++) await sims[i]?.charge(connector(i), 60);
    const view = await http.get(`/v1/locations/${site}/power-limits`).set(auth(staff)).expect(200);
    const reasons = Object.fromEntries(view.body.shares.map((x: { charge_point_id: string; reason: string }) => [x.charge_point_id, x.reason]));
    expect(reasons).toEqual({ [ids[0] as string]: 'ignores_limit', [ids[1] as string]: 'shared_alike', [ids[2] as string]: 'shared_alike' });
    expect(view.body.measured_w).toBeLessThanOrEqual(36_000);
    expect(view.body.shares.find((x: { charge_point_id: string }) => x.charge_point_id === ids[0]).measured_w).toBe(22_000);
    // Planned again a step later: flagged once, not at every step.
    await platform.services.siteLimits.apply(network, site);
    const again = await platform.services.scopes.system((tx) => tx.selectFrom('evse_faults').select('id').where('tenant_id', '=', network).execute());
    expect(again).toHaveLength(1);
    for (const sim of sims) await sim.stop();
  });
});

describe('departures nobody stated', { timeout: 60_000 }, () => {
  it('are estimated from how long cars usually stay at the site', async () => {
    const site = await createSite(http, staff, 'Commuter car park');
    const network = (await http.get('/v1/network').set(auth(staff)).expect(200)).body.id as string;
    const driverToken = await fleetDriver('commuter');
    const { chargePointId, sim } = await depotCharger(site, `STAY-${process.pid}`, driverToken, 'COMMUTER-1');
    // Twelve past sessions of about two hours each (one of 9 h does not move the median).
    for (let day = 1; day <= 12; day++) {
      const at = new Date(Date.now() - day * 86_400_000);
      const hours = day === 5 ? 9 : 2 + (day % 3) / 60;
      const { transactionId } = await platform.services.charging.startSession(network, chargePointId, {
        connectorId: 1,
        idTag: 'COMMUTER-1',
        meterStartWh: 0,
        at,
      });
      await platform.services.charging.stopSession(network, chargePointId, {
        transactionId,
        meterStopWh: 10_000,
        at: new Date(at.getTime() + hours * 3_600_000),
      });
    }
    await http.post(`/v1/locations/${site}/power-limits`).set(auth(staff)).send({ max_power_w: 11_000 }).expect(201);
    await sim.arrive(sim.connectors[0] as SimulatedChargePoint['connectors'][number]);
    const live = (await http.get('/v1/me/sessions').set(auth(driverToken)).expect(200)).body.data.find((s: { status: string }) => s.status === 'ACTIVE');
    await until(async () => (await http.get(`/v1/me/sessions/${live.id}/plan`).set(auth(driverToken))).body.limited === true, 10_000);
    const plan = (await http.get(`/v1/me/sessions/${live.id}/plan`).set(auth(driverToken)).expect(200)).body;
    const stayH = (new Date(plan.by).getTime() - new Date(live.started_at).getTime()) / 3_600_000;
    expect(stayH).toBeGreaterThan(1.9);
    expect(stayH).toBeLessThan(2.1);
    await sim.stop();
  });
});

describe('a least-cost site', { timeout: 60_000 }, () => {
  it('charges the car that must leave now and holds the flexible one for the cheap hours; the operator sees cap, plan and draw per step', async () => {
    const site = await createSite(http, staff, 'Cost-aware depot');
    const network = (await http.get('/v1/network').set(auth(staff)).expect(200)).body.id as string;
    const driverToken = await fleetDriver('thrifty');
    const sims: SimulatedChargePoint[] = [];
    const ids: string[] = [];
    for (let n = 0; n < 2; n++) {
      const { chargePointId, sim } = await depotCharger(site, `THRIFT-${process.pid}-${n}`, driverToken, `THRIFT-${n}`);
      ids.push(chargePointId);
      sims.push(sim);
    }
    const connector = (i: number) => sims[i]?.connectors[0] as SimulatedChargePoint['connectors'][number];
    // Expensive from this local hour for two hours (every day), cheap otherwise: charging now earns 0.05/kWh, later 0.25.
    const hour = Number(new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: 'Europe/Luxembourg' }).format(new Date()));
    const end = hour + 2 >= 24 ? '24:00' : `${String(hour + 2).padStart(2, '0')}:00`;
    await http
      .put(`/v1/locations/${site}/energy-contract`)
      .set(auth(staff))
      .send({
        objective: 'least_cost',
        currency: 'EUR',
        base_price_per_kwh: 0.05,
        windows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: `${String(hour).padStart(2, '0')}:00`, end, price_per_kwh: 0.25 }],
        value_per_kwh: 0.3,
      })
      .expect(200);
    await http.post(`/v1/locations/${site}/power-limits`).set(auth(staff)).send({ max_power_w: 44_000 }).expect(201);
    for (let i = 0; i < 2; i++) await sims[i]?.arrive(connector(i));
    const live = (await http.get('/v1/me/sessions').set(auth(driverToken)).expect(200)).body.data.filter((s: { status: string }) => s.status === 'ACTIVE') as {
      id: string;
      charge_point_id: string;
    }[];
    expect(live).toHaveLength(2);
    // The first charger's car must leave soon; the second's is flexible.
    const [leaving, patient] = ids.map((id) => live.find((s) => s.charge_point_id === id)) as [{ id: string }, { id: string }];
    await http
      .patch(`/v1/me/sessions/${leaving.id}`)
      .set(auth(driverToken))
      .send({ departure_at: new Date(Date.now() + 30 * 60_000).toISOString(), energy_wanted_wh: 10_000 })
      .expect(200);
    const flexible = await http
      .patch(`/v1/me/sessions/${patient.id}`)
      .set(auth(driverToken))
      .send({ departure_at: new Date(Date.now() + 8 * 3_600_000).toISOString(), energy_wanted_wh: 10_000, flexible: true })
      .expect(200);
    expect(flexible.body.flexible).toBe(true);
    await platform.services.siteLimits.apply(network, site);
    const plans = async () =>
      Promise.all([leaving, patient].map(async (s) => (await http.get(`/v1/me/sessions/${s.id}/plan`).set(auth(driverToken)).expect(200)).body));
    await until(async () => {
      const [now, later] = await plans();
      return now.power_w >= 22_000 && later.power_w === 0;
    }, 10_000).catch(async (error) => {
      throw new Error(`${error.message}: plans ${JSON.stringify(await plans())}`);
    });
    const [, later] = await plans();
    // The flexible car still gets its 10 kWh, in the cheap hours before it leaves.
    expect(later.planned_wh).toBeGreaterThanOrEqual(9_990);
    await until(() => sims[1]?.powerW(connector(1)) === 0 && sims[0]?.powerW(connector(0)) === 22_000, 10_000).catch((error) => {
      throw new Error(`${error.message}: drawing ${sims.map((sim, i) => sim.powerW(connector(i))).join(' ')}`);
    });

    const history = await http.get(`/v1/locations/${site}/power-history`).set(auth(staff)).expect(200);
    const last = history.body.samples.at(-1);
    expect(last).toMatchObject({ cap_w: 44_000 });
    expect(last.planned_w).toBeGreaterThanOrEqual(22_000);
    expect(last.planned_w).toBeLessThanOrEqual(44_000);

    // Without the contract the site plans for the most energy: both cars charge now.
    await http.delete(`/v1/locations/${site}/energy-contract`).set(auth(staff)).expect(204);
    await until(() => (sims[1]?.powerW(connector(1)) ?? 0) > 0, 10_000);
    for (const sim of sims) await sim.stop();
  });
});

describe('a least-carbon site', { timeout: 60_000 }, () => {
  it("holds the flexible car for the grid's clean hours (the network's own hourly intensity), and accounts each session's CO₂ when it ends", async () => {
    const site = await createSite(http, staff, 'Green depot');
    const network = (await http.get('/v1/network').set(auth(staff)).expect(200)).body.id as string;
    const driverToken = await fleetDriver('green');
    const sims: SimulatedChargePoint[] = [];
    const ids: string[] = [];
    for (let n = 0; n < 2; n++) {
      const { chargePointId, sim } = await depotCharger(site, `GREEN-${process.pid}-${n}`, driverToken, `GREEN-${n}`);
      ids.push(chargePointId);
      sims.push(sim);
    }
    const connector = (i: number) => sims[i]?.connectors[0] as SimulatedChargePoint['connectors'][number];
    // Dirty this hour and the next two, clean for the rest of the day.
    const hour0 = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const rows = Array.from({ length: 12 }, (_, h) => `${new Date(hour0 + h * 3_600_000).toISOString()},${h < 3 ? 500 : 40}`);
    await http
      .put('/v1/grid-intensity/LU')
      .set(auth(staff))
      .send({ csv: `starts_at,g_per_kwh\n${rows.join('\n')}\n`, source: 'Depot test grid' })
      .expect(200);
    await http
      .put(`/v1/locations/${site}/energy-contract`)
      .set(auth(staff))
      .send({ objective: 'least_carbon', currency: 'EUR', base_price_per_kwh: 0.2, value_per_kwh: 0.4 })
      .expect(200);
    await http.post(`/v1/locations/${site}/power-limits`).set(auth(staff)).send({ max_power_w: 44_000 }).expect(201);
    for (let i = 0; i < 2; i++) await sims[i]?.arrive(connector(i));
    const live = (await http.get('/v1/me/sessions').set(auth(driverToken)).expect(200)).body.data.filter((s: { status: string }) => s.status === 'ACTIVE') as {
      id: string;
      charge_point_id: string;
    }[];
    const [leaving, patient] = ids.map((id) => live.find((s) => s.charge_point_id === id)) as [{ id: string }, { id: string }];
    await http
      .patch(`/v1/me/sessions/${leaving.id}`)
      .set(auth(driverToken))
      .send({ departure_at: new Date(Date.now() + 30 * 60_000).toISOString(), energy_wanted_wh: 10_000 })
      .expect(200);
    await http
      .patch(`/v1/me/sessions/${patient.id}`)
      .set(auth(driverToken))
      .send({ departure_at: new Date(Date.now() + 9 * 3_600_000).toISOString(), energy_wanted_wh: 10_000, flexible: true })
      .expect(200);
    await platform.services.siteLimits.apply(network, site);
    await until(() => sims[1]?.powerW(connector(1)) === 0 && sims[0]?.powerW(connector(0)) === 22_000, 10_000).catch((error) => {
      throw new Error(`${error.message}: drawing ${sims.map((sim, i) => sim.powerW(connector(i))).join(' ')}`);
    });
    const later = (await http.get(`/v1/me/sessions/${patient.id}/plan`).set(auth(driverToken)).expect(200)).body;
    expect(later.planned_wh).toBeGreaterThanOrEqual(9_990);

    // The car that charged now leaves: its session is accounted at this hour's intensity.
    await sims[0]?.charge(connector(0), 600);
    await sims[0]?.stopTransaction(connector(0), 'EVDisconnected');
    let carbon: { method: { intensity_sources: string[] }; energy_wh: { total: number; grid: number }; co2_g: { location_based: number } } | null = null;
    await until(async () => {
      carbon = (await http.get(`/v1/sessions/${leaving.id}`).set(auth(staff)).expect(200)).body.carbon;
      return carbon !== null;
    }, 10_000);
    if (!carbon) throw new Error('no carbon account');
    const account = carbon as NonNullable<typeof carbon>;
    expect(account.method.intensity_sources).toEqual(['Depot test grid']);
    expect(account.energy_wh.total).toBeGreaterThan(0);
    expect(account.energy_wh.grid).toBe(account.energy_wh.total);
    expect(account.co2_g.location_based).toBeCloseTo((account.energy_wh.total / 1000) * 500, 0);
    for (const sim of sims) await sim.stop();
  });
});

describe('energy wanted, unsaid', { timeout: 60_000 }, () => {
  it("is planned from the charger's state of charge and the car's battery the driver named", async () => {
    const site = await createSite(http, staff, 'Battery-aware depot');
    const driverToken = await fleetDriver('battery');
    await http
      .patch('/v1/me')
      .set(auth(driverToken))
      .send({ preferences: { battery_kwh: 60 } })
      .expect(200);
    const { sim } = await depotCharger(site, `BATTERY-${process.pid}`, driverToken, 'BATTERY-1');
    const connector = sim.connectors[0] as SimulatedChargePoint['connectors'][number];
    await http.post(`/v1/locations/${site}/power-limits`).set(auth(staff)).send({ max_power_w: 22_000 }).expect(201);
    await sim.arrive(connector);
    // A meter value with the SoC: the session now knows how full the car is.
    await sim.charge(connector, 10);
    const current = async () =>
      (await http.get('/v1/me/sessions').set(auth(driverToken)).expect(200)).body.data.find((s: { status: string }) => s.status === 'ACTIVE') as {
        id: string;
        soc_percent: number | null;
        energy_wanted_wh: number | null;
      };
    await until(async () => (await current()).soc_percent !== null, 10_000);
    const session = await current();
    const live = session;
    expect(session.energy_wanted_wh).toBeNull();
    const network = (await http.get('/v1/network').set(auth(staff)).expect(200)).body.id as string;
    await platform.services.siteLimits.apply(network, site);
    const plan = (await http.get(`/v1/me/sessions/${live.id}/plan`).set(auth(driverToken)).expect(200)).body;
    // What fills a 60 kWh battery from the reported SoC (the default 4-hour stay at 22 kW has room for it).
    expect(plan.planned_wh).toBeCloseTo((60_000 * (100 - session.soc_percent)) / 100, -2);
    await sim.stop();
  });
});
