import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO } from '@voltshare/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, texts } from '../../test/harness.js';

describe('<voltshare-session> in headless Chromium against the real API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  it('follows a live charging session: energy, power and battery as the charger reports them', async () => {
    const { services } = h.platform;
    const cp = await services.charging.findChargePoint(DEMO.chargePoints[0]);
    if (!cp) throw new Error('demo charge point missing');
    const started = new Date();
    const { session, transactionId } = await services.charging.startSession(cp.tenantId, cp.chargePointId, {
      connectorId: 1,
      idTag: DEMO.idTag,
      meterStartWh: 1_000,
      at: started,
    });
    const login = await h.api<{ access_token: string }>('POST', '/v1/auth/login', undefined, { email: DEMO.driver.email, password: DEMO.driver.password });
    const page = await h.open(`<voltshare-session session-id="${session.id}" token="${login.body.access_token}" locale="en"></voltshare-session>`);
    const figure = (name: string) => page.locator(`voltshare-session [data-figure=${name}]`);
    await expect.poll(() => figure('energy').textContent()).toBe('0\u00a0kWh');
    await services.charging.addMeterValues(cp.tenantId, cp.chargePointId, transactionId, [
      { at: new Date(started.getTime() + 60_000), energyWh: 8_500, powerW: 11_000, socPercent: 55 },
    ]);
    await expect.poll(() => figure('energy').textContent()).toBe('7.5\u00a0kWh');
    expect(await figure('power').textContent()).toBe('11\u00a0kW');
    expect(await texts(page, 'voltshare-session', 'label')).toEqual(['Battery 55%']);
    await services.charging.stopSession(cp.tenantId, cp.chargePointId, {
      transactionId,
      meterStopWh: 9_000,
      at: new Date(started.getTime() + 120_000),
      reason: 'EVDisconnected',
    });
    await expect.poll(() => texts(page, 'voltshare-session', 'h2')).toEqual(['Charging finished']);
    expect(await figure('energy').textContent()).toBe('8\u00a0kWh');
    // Accounted a moment later: its renewable share and the CO₂ it avoided against a petrol car.
    await expect.poll(() => figure('co2-avoided').count(), { timeout: 20_000 }).toBe(1);
    expect(await figure('co2-avoided').textContent()).toMatch(/^\d+(\.\d)?\s(g|kg)$/);
    expect(await figure('renewable').textContent()).toMatch(/^\d+%$/);
    await page.locator('voltshare-session').screenshot({ path: join(tmpdir(), 'voltshare-session-finished.png') });
    await page.close();
  });
});
