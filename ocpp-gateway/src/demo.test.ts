import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ocppRpc from 'ocpp-rpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, freePort, type PlatformProcess, startPlatformProcess } from './testing/processes.js';

const { RPCClient } = ocppRpc;

/** What the README promises a newcomer: their own charger on the demo hub, a session priced, paid and receipted. */
describe('the demo, end to end from a newcomer’s own charger', { timeout: 180_000 }, () => {
  let platform: PlatformProcess;
  beforeAll(async () => {
    platform = await startPlatformProcess(
      { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'voltshare-demo-')), VOLTSHARE_DEMO: 'true', LOG_LEVEL: 'warn' },
      await freePort(),
    );
  }, 150_000);
  afterAll(() => platform?.stop());

  it('charges on VOLTSHARE-DEMO-1 with the demo driver’s card: priced, paid and receipted', async () => {
    const credentials = (await api(platform.url, '/demo/credentials.json')).body;
    const hub = credentials.charge_points[0] as { identity: string; password: string; ocpp_url: string };
    const charger = new RPCClient({
      endpoint: hub.ocpp_url.replace(/\/[^/]+$/, ''),
      identity: hub.identity,
      password: hub.password,
      protocols: ['ocpp1.6'],
      strictMode: true,
    });
    await charger.connect();
    await charger.call('BootNotification', { chargePointVendor: 'Newcomer', chargePointModel: 'Own' });
    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    const start = new Date(Date.now() - 30 * 60_000);
    const started = (await charger.call('StartTransaction', { connectorId: 1, idTag: 'DEMO-DRIVER-CARD', meterStart: 0, timestamp: start.toISOString() })) as {
      transactionId: number;
      idTagInfo: { status: string };
    };
    expect(started.idTagInfo.status).toBe('Accepted');
    await charger.call('StopTransaction', { transactionId: started.transactionId, meterStop: 10_000, timestamp: new Date().toISOString() });
    await charger.close();

    const login = await api(platform.url, '/v1/auth/login', { body: credentials.driver });
    const token = login.body.access_token as string;
    const end = Date.now() + 20_000;
    let session: Record<string, unknown> | undefined;
    let payment: Record<string, unknown> = {};
    while (Date.now() < end) {
      const mine = await api(platform.url, '/v1/me/sessions', { token });
      session = mine.body.data.find((s: { transaction_id: number; charge_point_id: string }) => s.transaction_id === started.transactionId);
      if (session) payment = (await api(platform.url, `/v1/sessions/${session.id}/payment`, { token })).body;
      if (payment.payment_status === 'paid') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // The day tariff on weekdays 07–21, the off-peak one otherwise: either way 10 kWh has a price.
    expect(session).toMatchObject({ status: 'COMPLETED', energy_wh: 10_000, cost: { currency: 'EUR' } });
    const cost = (session as { cost: { amount: number } }).cost.amount;
    expect(payment).toMatchObject({
      provider: 'sandbox',
      status: 'captured',
      payment_status: 'paid',
      captured_amount: cost,
    });
    expect([350, 450]).toContain(cost);
    const receipt = await fetch(`${platform.url}/v1/sessions/${session?.id}/receipt`, { headers: { authorization: `Bearer ${token}` } });
    expect(receipt.status).toBe(200);
    expect(await receipt.text()).toContain('Voltshare Demo Hub');
  });
});
