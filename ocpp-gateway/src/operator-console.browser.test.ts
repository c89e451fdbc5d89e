import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO, type RunningPlatform } from '@voltshare/api';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedChargePoint } from './simulator/charge-point.js';
import { audit, launchChromium, signIn, startDemoForBrowser } from './testing/browser.js';

const SHOTS = path.join(tmpdir(), 'voltshare-console-screens');
let platform: RunningPlatform;
let browser: Browser;
let base: string;
let hub: string;
const sims: SimulatedChargePoint[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ platform, base } = await startDemoForBrowser('console'));
  browser = await launchChromium();
  console.log(`operator console screenshots: ${SHOTS}`);
}, 120_000);

afterAll(async () => {
  for (const sim of sims) await sim.stop();
  await browser?.close();
  await platform?.stop();
});

describe('the operator console: energy and site power', { timeout: 120_000 }, () => {
  it("charts a capped site's cap, plan and measured draw over the last day and says why each EVSE has its share", async () => {
    const owner = await signIn(base, DEMO.owner);
    const [place] = (await (
      await fetch(`${base}/v1/places?q=${encodeURIComponent('Voltshare Demo Hub')}`, { headers: { authorization: `Bearer ${owner}` } })
    ).json()) as { location_id: string }[];
    hub = place?.location_id as string;
    const capped = await fetch(`${base}/v1/locations/${hub}/power-limits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner}` },
      // In force since before the car came, so each past step below had the cap.
      body: JSON.stringify({ max_power_w: 30_000, starts_at: new Date(Date.now() - 5 * 3_600_000).toISOString() }),
    });
    expect(capped.status).toBe(201);
    // A car charging at the hub for the last few hours: the site is planned at every step.
    const detail = (await (await fetch(`${base}/v1/locations/${hub}`, { headers: { authorization: `Bearer ${owner}` } })).json()) as {
      network_id: string;
      evses: { charge_point_id: string; ocpp_connector_id: number }[];
    };
    // The demo's chargers online, so they take the site's profiles.
    for (const identity of DEMO.chargePoints) {
      const sim = new SimulatedChargePoint({
        url: `${base.replace('http', 'ws')}/ocpp`,
        identity,
        password: DEMO.chargePointPassword,
        connectors: 1,
        maxPowerW: 11_000,
        arrivalPerMinute: 0,
        faultPerMinute: 0,
      });
      await sim.connect();
      sims.push(sim);
    }
    const evse = detail.evses[0] as { charge_point_id: string; ocpp_connector_id: number };
    const started = Date.now() - 4 * 3_600_000;
    await platform.services.charging.startSession(detail.network_id, evse.charge_point_id, {
      connectorId: evse.ocpp_connector_id,
      idTag: DEMO.idTag,
      meterStartWh: 0,
      at: new Date(started),
    });
    // A sample from over a year ago: planning drops it (kept 400 days).
    const ancient = new Date(Date.now() - 401 * 86_400_000);
    await platform.services.scopes.system((tx) =>
      tx
        .insertInto('site_power_samples')
        .values({ tenant_id: detail.network_id, location_id: hub, at: ancient, cap_w: 1, planned_w: 0, measured_w: 0 })
        .execute(),
    );
    for (let step = 0; step <= 12; step++) {
      // What the car drew at each step, as its meter values would say.
      await platform.services.scopes.system((tx) =>
        tx
          .updateTable('charging_sessions')
          .set({ power_w: 14_000 + (step % 4) * 2_000 })
          .where('tenant_id', '=', detail.network_id)
          .where('status', '=', 'ACTIVE')
          .execute(),
      );
      await platform.services.siteLimits.apply(detail.network_id, hub, new Date(started + step * 20 * 60_000));
    }

    // axe is injected as a script: the console's CSP would refuse it.
    const kept = await platform.services.scopes.system((tx) =>
      tx.selectFrom('site_power_samples').select('at').where('location_id', '=', hub).where('at', '<=', ancient).execute(),
    );
    expect(kept).toEqual([]);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    await page.goto(`${base}/operator/energy/`);
    // The demo fills in the owner's sign-in.
    await page.getByRole('button', { name: 'Sign in' }).click();
    const chart = page.locator('#power-chart');
    await chart.locator('path').first().waitFor();
    expect(await page.locator('#power-site').inputValue()).toBe(hub);
    await expect.poll(() => page.locator('#power-summary').textContent()).toMatch(/Cap now 30 kW, drawing 14 kW; this month’s peak (14|16|18|20) kW/);
    // Cap, plan and draw are drawn: three paths, the cap dashed.
    expect(await chart.locator('path').count()).toBe(3);
    expect(await chart.locator('path[stroke-dasharray]').count()).toBe(1);
    const rows = await page.locator('#shares tr').allTextContents();
    expect(rows.length).toBe(detail.evses.length);
    // Chargers by the identity operators know them by, not internal ids.
    expect(rows.every((r) => r.startsWith('VOLTSHARE-DEMO-'))).toBe(true);
    expect(rows.some((r) => r.includes('nothing stated: shares alike'))).toBe(true);
    expect(rows.some((r) => r.includes('idle: keeps enough to start a car'))).toBe(true);
    await page.locator('#power-title').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'console.png'), fullPage: true });
    await page.locator('section[aria-labelledby="power-title"]').screenshot({ path: path.join(SHOTS, 'site-power.png') });
    await audit(page, 'operator console', ['color-contrast']);
    await page.close();
  });

  it("charts the network's energy by source and renewable share by month, and downloads the report", async () => {
    const owner = await signIn(base, DEMO.owner);
    const detail = (await (await fetch(`${base}/v1/locations/${hub}`, { headers: { authorization: `Bearer ${owner}` } })).json()) as {
      network_id: string;
      evses: { charge_point_id: string; ocpp_connector_id: number }[];
    };
    // The hub has 30 kWp on its roof; a car charged there at midday yesterday, half of it from the PV.
    await fetch(`${base}/v1/locations/${hub}/energy-assets`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner}` },
      body: JSON.stringify({ pv: { kwp: 30, tilt_deg: 25, azimuth_deg: 180 }, renewable_contract: { share: 0.4, name: 'Wind PPA' } }),
    });
    const noon = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 12 * 3_600_000);
    const pushed = await fetch(`${base}/v1/locations/${hub}/energy-readings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner}` },
      body: JSON.stringify({ readings: [0, 1].map((h) => ({ at: new Date(noon.getTime() + h * 3_600_000).toISOString(), pv_w: 5_000, site_load_w: 10_000 })) }),
    });
    expect(pushed.status).toBe(200);
    const evse = detail.evses[1] as { charge_point_id: string; ocpp_connector_id: number };
    const { transactionId } = await platform.services.charging.startSession(detail.network_id, evse.charge_point_id, {
      connectorId: evse.ocpp_connector_id,
      idTag: DEMO.idTag,
      meterStartWh: 0,
      at: noon,
    });
    await platform.services.charging.stopSession(detail.network_id, evse.charge_point_id, {
      transactionId,
      meterStopWh: 20_000,
      at: new Date(noon.getTime() + 2 * 3_600_000),
    });
    await platform.services.jobs.drain(new Date(), detail.network_id);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true, acceptDownloads: true });
    await page.goto(`${base}/operator/energy/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const chart = page.locator('#green-chart');
    await chart.locator('rect').first().waitFor();
    // This month's bar: PV and grid, and the renewable share's dot.
    expect(await chart.locator('rect[fill="#f0b429"]').count()).toBeGreaterThan(0);
    expect(await chart.locator('circle').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#green-summary').textContent()).toMatch(/kWh delivered, .* CO₂ emitted \(grid average\), .* CO₂ avoided/);
    const sites = await page.locator('#green-sites tr').allTextContents();
    expect(sites.some((r) => r.startsWith(DEMO.hubName))).toBe(true);
    // Sites without PV: what a carport would make, the assumptions said.
    await expect.poll(() => page.locator('#solar tr').first().textContent()).toMatch(/kWp.*kWh.*kg/);
    expect(await page.locator('#solar').textContent()).not.toContain(DEMO.hubName);
    expect(await page.locator('#solar-assumptions').textContent()).toMatch(/carport bay/);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('#green-csv').click()]);
    expect(csv.suggestedFilename()).toMatch(/^sustainability-\d{4}-\d{2}-\d{4}-\d{2}\.csv$/);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(await csv.path(), 'utf8').split('\n')[0]).toMatch(/^month,location_id,location_name,sessions,energy_kwh,on_site_pv_kwh/);
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.locator('#green-pdf').click()]);
    expect(
      readFileSync(await pdf.path())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    await page.locator('#green-title').scrollIntoViewIfNeeded();
    await page.locator('section[aria-labelledby="green-title"]').screenshot({ path: path.join(SHOTS, 'sustainability.png') });
    await audit(page, 'operator console sustainability', ['color-contrast']);
    await page.close();
  });

  it("previews tomorrow's dynamic prices per tariff and holds them", async () => {
    const owner = await signIn(base, DEMO.owner);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${owner}` };
    const tariffs = (await (await fetch(`${base}/v1/tariffs?limit=100`, { headers })).json()) as { data: { id: string }[] };
    const tariff = tariffs.data[0]?.id as string;
    const set = await fetch(`${base}/v1/tariffs/${tariff}/dynamic-pricing`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ quiet_discount_percent: 20, peak_surcharge_percent: 10 }),
    });
    expect(set.status).toBe(200);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    await page.goto(`${base}/operator/energy/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const block = page.locator(`#dynamic [data-tariff="${tariff}"]`);
    await block.waitFor();
    expect(await block.locator('h3').textContent()).toMatch(/^\S+ · \d{4}-\d{2}-\d{2}$/);
    expect(await block.locator('tbody tr').count()).toBeGreaterThan(0);
    await block.locator('button[data-hold]').click();
    await expect.poll(() => page.locator(`#dynamic [data-tariff="${tariff}"] h3`).textContent()).toMatch(/ · held$/);
    const rules = (await (await fetch(`${base}/v1/tariffs/${tariff}/dynamic-pricing`, { headers })).json()) as {
      held: boolean;
      quiet_discount_percent: number;
    };
    expect(rules).toMatchObject({ held: true, quiet_discount_percent: 20 });
    await page.locator('#dynamic-title').scrollIntoViewIfNeeded();
    await page.locator('section[aria-labelledby="dynamic-title"]').screenshot({ path: path.join(SHOTS, 'dynamic-prices.png') });
    await audit(page, 'operator console dynamic prices', ['color-contrast']);
    await page.close();
  });
});
