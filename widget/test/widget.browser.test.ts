import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO } from '@voltshare/api';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, mapPage, OFFLINE_TILES, PK, startHarness, texts } from './harness.js';

describe('pages and embedding in headless Chromium against the real API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  it('has no serious accessibility violations (axe)', async () => {
    const email = `axe-${Date.now()}@example.com`;
    const { body: driver } = await h.api<{ tokens: { access_token: string } }>('POST', '/v1/drivers', undefined, {
      email,
      name: 'Axe Driver',
      password: 'axe driver password',
    });
    const { body: near } = await h.api<{ data: { id: string }[] }>('GET', '/v1/locations?lat=49.61&lng=6.13&radius_m=5000&limit=1', PK);
    const id = near.data[0]?.id;
    const page = await h.open(
      `<main><h1>Charging</h1>${mapPage}<voltshare-station publishable-key="${PK}" location-id="${id}"></voltshare-station><voltshare-booking location-id="${id}" token="${driver.tokens.access_token}"></voltshare-booking></main>`,
    );
    await page.locator('voltshare-map .list button').first().waitFor();
    await page.locator('voltshare-station .evse').first().waitFor();
    await page.locator('voltshare-booking .slot').first().waitFor();
    await page.addScriptTag({ url: '/test-pages/axe.min.js' });
    const audit = await page.evaluate(async () => {
      type Rule = { id: string; impact: string; nodes: { target: unknown }[] };
      const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Rule[]; passes: Rule[] }> } }).axe;
      const result = await axe.run(document, { exclude: [['.leaflet-control-attribution']] });
      return {
        passed: result.passes.map((r) => r.id),
        violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target) })),
      };
    });
    // axe looked inside the shadow roots: contrast, names and labels were checked, not skipped.
    expect(audit.passed).toEqual(expect.arrayContaining(['color-contrast', 'button-name', 'label', 'aria-allowed-attr']));
    expect(audit.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    await page.close();
  });

  it('the operator console signs staff in and draws the network live; the energy page caps a site', async () => {
    const context = await h.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const base = h.platform.url.replace('localhost', '127.0.0.1');
    await page.goto(`${base}/operator/`);
    // Demo mode fills in the demo owner; a wrong password is refused in words.
    await page.fill('voltshare-console input[name=password]', 'wrong password');
    await page.click('voltshare-console button[type=submit]');
    await expect.poll(() => page.locator('voltshare-console [role=alert]').textContent()).toMatch(/\S/);
    await page.fill('voltshare-console input[name=password]', DEMO.owner.password);
    await page.click('voltshare-console button[type=submit]');
    const free = page.locator('voltshare-console-overview .tiles dd').first();
    await free.waitFor();
    // The demo keeps changing statuses; the overview follows them live, so the two meet.
    const owner = await h.ownerToken();
    await expect
      .poll(async () => {
        const { body: overview } = await h.api<{ evses: { by_status: Record<string, number> }; charging_now: number }>('GET', '/v1/network/overview', owner);
        const shown = await free.textContent();
        const charging = await page.locator('voltshare-console-overview [data-figure=charging-now]').textContent();
        return shown === String(overview.evses.by_status.AVAILABLE ?? 0) && charging === String(overview.charging_now);
      })
      .toBe(true);
    // 7 days, hour by hour: a bar per hour (169 when the period starts and ends within an hour).
    await expect.poll(() => page.locator('voltshare-console-overview figure').first().locator('rect').count()).toBeGreaterThanOrEqual(168);
    expect(await page.locator('voltshare-console-overview figure').first().locator('rect').count()).toBeLessThanOrEqual(169);

    await page.goto(`${base}/operator/energy/`);
    await page.click('button[type=submit]');
    // Cap a site with OCPP chargers. This harness runs no gateway, so they are offline and will be
    // told when they connect (the gateway's own tests see them answer); the console says so.
    const { body: chargers } = await h.api<{ data: { identity: string; location_id: string }[] }>('GET', '/v1/charge-points?limit=100', owner);
    const simulated = chargers.data.find((c) => c.identity === `${DEMO.simulated.prefix}1`);
    if (!simulated) throw new Error('the demo simulates LU-SIM-1');
    await expect.poll(() => page.locator('#limits').textContent()).toContain('No site is capped.');
    await page.selectOption('#limit-site', simulated.location_id);
    await page.fill('#limit-kw', '11');
    await page.fill('#limit-hours', '2');
    await page.click('#limit-form button[type=submit]');
    await expect.poll(() => page.textContent('#limit-result')).toMatch(/^Told [1-9]\d* EVSEs: \d+ offline\.$/);
    await expect.poll(() => page.locator('#limits').textContent()).toContain('11.0 kW');
    await page.screenshot({ path: path.join(tmpdir(), 'voltshare-operator.png'), fullPage: true });
    await page.click('#limits button[data-end]');
    await expect.poll(() => page.locator('#limits').textContent()).toContain('No site is capped.');
    await context.close();
  });

  it('the demo page shows the widget on the Luxembourg stations (screenshot)', async () => {
    const context = await h.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(h.platform.url.replace('localhost', '127.0.0.1'));
    await page.locator('voltshare-map .list button').first().waitFor();
    await page.locator('voltshare-map .list button').first().click();
    await page.locator('voltshare-station .evse').first().waitFor();
    await page.locator('voltshare-booking .slot').first().waitFor();
    // The exact price before start (AFIR), with the demo tariff's idle fee and its free minutes.
    await expect.poll(() => texts(page, 'voltshare-station', '.prices dt')).toContain('Idle fee');
    expect((await texts(page, 'voltshare-station', '.prices dd')).join(' ')).toMatch(/after (15|60) free minutes/);
    const file = path.join(tmpdir(), 'voltshare-demo.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(50_000);
    console.log(`demo page screenshot: ${file}`);
    await context.close();
  });

  it("the guide's snippet works verbatim from another origin with a key locked to it", async () => {
    // The partner's page is served by its own server, on another origin.
    let html = '';
    const partner = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
    const partnerOrigin = `http://127.0.0.1:${(partner.address() as AddressInfo).port}`;
    const created = await h.api<{ key: string }>('POST', '/v1/api-keys', await h.ownerToken(), {
      name: 'Website',
      kind: 'publishable',
      allowed_origins: [partnerOrigin],
    });
    expect(created.status).toBe(201);

    const guide = readFileSync(new URL('../../docs/guides/embed-the-widget.md', import.meta.url), 'utf8');
    const snippet = /## 2\. One script tag\n\n```html\n([\s\S]+?)```/.exec(guide)?.[1];
    expect(snippet).toContain('<voltshare-map');
    const apiOrigin = h.platform.url.replace('localhost', '127.0.0.1');
    html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner</title></head><body>${(snippet ?? '')
      .replaceAll('http://localhost:3000', apiOrigin)
      .replaceAll('pk_…', created.body.key)}</body></html>`;

    const context = await h.browser.newContext();
    const page = await context.newPage();
    await page.goto(partnerOrigin);
    await page.locator('voltshare-map .list button').first().waitFor();
    await page.locator('voltshare-map .list button').nth(1).click();
    await page.locator('voltshare-station .evse').first().waitFor();
    expect((await texts(page, 'voltshare-station', 'h2'))[0]).toBe((await texts(page, 'voltshare-map', '.list button .name'))[1]);
    await context.close();

    // The same snippet on a page the key was not made for shows the refusal, not stations.
    const stranger = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
    const other = await h.browser.newPage();
    await other.goto(`http://127.0.0.1:${(stranger.address() as AddressInfo).port}`);
    await expect.poll(() => texts(other, 'voltshare-map', '[role=alert]')).toEqual([expect.stringMatching(/not allowed/)]);
    expect(await texts(other, 'voltshare-map', '.list button')).toEqual([]);
    await other.close();
    stranger.close();
    partner.close();
  });
});
