import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO } from '@voltshare/api';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, OFFLINE_TILES, PK, startHarness } from './harness.js';

/** Text of the elements matching `selector` inside a widget element's shadow root. */
const texts = (page: Page, host: string, selector: string) =>
  page.evaluate(
    ([h, s]) =>
      [...(document.querySelector(h as string)?.shadowRoot?.querySelectorAll(s as string) ?? [])].map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()),
    [host, selector],
  );

const mapPage = `<voltshare-map publishable-key="${PK}" tile-url="${OFFLINE_TILES}" lat="49.61" lng="6.13" radius-km="80" locale="en"></voltshare-map>`;

describe('widget in headless Chromium against the real API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  it('renders the stations as markers and a list, and keeps working without map tiles', async () => {
    const page = await h.open(mapPage);
    await page.locator('voltshare-map .list button').first().waitFor();
    const items = await texts(page, 'voltshare-map', '.list button .name');
    const { body } = await h.api<{ data: unknown[] }>('GET', '/v1/locations?lat=49.61&lng=6.13&radius_m=80000&limit=100', PK);
    expect(items.length).toBe(body.data.length);
    expect(items.length).toBeGreaterThan(20);
    // Markers are vectors (or clusters), drawn whatever happens to the tiles (after the list, on a busy machine).
    await page.locator('voltshare-map path.marker, voltshare-map .cluster').first().waitFor();
    expect(await page.locator('voltshare-map path.marker, voltshare-map .cluster').count()).toBeGreaterThan(5);
    await page.locator('voltshare-map .tiles-offline').waitFor();
    await page.close();
  });

  it('filters by power and availability, and the list follows', async () => {
    const page = await h.open(mapPage);
    await page.locator('voltshare-map .list button').first().waitFor();
    const all = (await texts(page, 'voltshare-map', '.list button')).length;
    await page.locator('voltshare-map select').nth(1).selectOption('50');
    const fast = await page.evaluate(() =>
      (document.querySelector('voltshare-map') as unknown as { visible: { max_power_w: number }[] }).visible.map((l) => l.max_power_w),
    );
    expect(fast.length).toBeGreaterThan(0);
    expect(fast.length).toBeLessThan(all);
    expect(fast.every((w) => w >= 50_000)).toBe(true);
    expect((await texts(page, 'voltshare-map', '.list button')).length).toBe(fast.length);
    await page.locator('voltshare-map select').nth(1).selectOption('0');
    await page.locator('voltshare-map input[type=checkbox]').check();
    const free = await texts(page, 'voltshare-map', '.list .badge');
    expect(free.length).toBeGreaterThan(0);
    expect(free.every((b) => !b.startsWith('0/'))).toBe(true);
    await page.close();
  });

  it('is keyboard navigable: arrows move through the list, Enter picks a station', async () => {
    const page = await h.open(`${mapPage}<voltshare-station publishable-key="${PK}"></voltshare-station>`);
    await page.evaluate(() =>
      document.querySelector('voltshare-map')?.addEventListener('voltshare-select', (e) => {
        const station = document.querySelector('voltshare-station') as HTMLElement & { locationId?: string };
        station.locationId = (e as CustomEvent<{ location_id: string }>).detail.location_id;
      }),
    );
    const first = page.locator('voltshare-map .list button').first();
    await first.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const names = await texts(page, 'voltshare-map', '.list button .name');
    const focused = await page.evaluate(() => document.querySelector('voltshare-map')?.shadowRoot?.activeElement?.querySelector('.name')?.textContent);
    expect(focused).toBe(names[2]);
    await page.keyboard.press('Enter');
    await expect.poll(() => texts(page, 'voltshare-station', 'h2')).toEqual([names[2]]);
    expect((await texts(page, 'voltshare-station', '.evse')).length).toBeGreaterThan(0);
    await page.close();
  });

  it('shows a status change made through the API live, and announces it', async () => {
    const token = await h.ownerToken();
    const station = await h.quietStation();
    const page = await h.open(`<voltshare-station publishable-key="${PK}" location-id="${station.id}" locale="en"></voltshare-station>`);
    const badge = page.locator(`voltshare-station .evse[data-uid="${station.evseUid}"] .badge`);
    await badge.waitFor();
    // INOPERATIVE: a status the demo's simulated comings and goings never touch.
    expect((await h.api('PATCH', `/v1/evses/${station.evseUid}`, token, { status: 'INOPERATIVE' })).status).toBe(200);
    await expect.poll(() => badge.getAttribute('data-status'), { timeout: 10_000 }).toBe('INOPERATIVE');
    expect(await badge.textContent()).toBe('Out of order');
    expect(await texts(page, 'voltshare-station', '[aria-live]')).toEqual([expect.stringContaining('is now Out of order')]);
    await h.api('PATCH', `/v1/evses/${station.evseUid}`, token, { status: 'AVAILABLE' });
    await expect.poll(() => badge.getAttribute('data-status'), { timeout: 10_000 }).not.toBe('INOPERATIVE');
    await page.close();
  });

  it("shows what drivers say of a station, in the reader's language", async () => {
    const { body } = await h.api<{ data: { id: string }[] }>('GET', '/v1/locations?lat=49.61&lng=6.13&radius_m=80000&limit=100', PK);
    let reviewed: { id: string; reviews: { count: number; average_rating: number } } | undefined;
    for (const { id } of body.data) {
      const detail = await h.api<{ id: string; reviews: { count: number; average_rating: number } }>('GET', `/v1/locations/${id}`, PK);
      if (detail.body.reviews.count > 1) {
        reviewed = detail.body;
        break;
      }
    }
    if (!reviewed) throw new Error('the demo seeds reviews on its first stations');
    const { count, average_rating: rating } = reviewed.reviews;
    const page = await h.open(`<voltshare-station publishable-key="${PK}" location-id="${reviewed.id}" locale="en"></voltshare-station>`);
    await expect.poll(() => texts(page, 'voltshare-station', '[part="reviews"]')).toEqual([`★ Rated ${rating.toFixed(1)} out of 5 · ${count} reviews`]);
    await page.evaluate(() => document.querySelector('voltshare-station')?.setAttribute('locale', 'de'));
    await expect
      .poll(() => texts(page, 'voltshare-station', '[part="reviews"]'))
      .toEqual([`★ Bewertet mit ${rating.toFixed(1).replace('.', ',')} von 5 · ${count} Bewertungen`]);
    await page.close();
  });

  it('books a slot, moves it and cancels it against the real API', async () => {
    const email = `widget-${Date.now()}@example.com`;
    const { body: driver } = await h.api<{ tokens: { access_token: string } }>('POST', '/v1/drivers', undefined, {
      email,
      name: 'Widget Driver',
      password: 'widget driver password',
    });
    const token = driver.tokens.access_token;
    const location = await h.quietStation();
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const page = await h.open(`<voltshare-booking location-id="${location?.id}" token="${token}" date="${tomorrow}" locale="en"></voltshare-booking>`);
    const slot = (time: string) => page.locator('voltshare-booking .slot', { hasText: time });
    await slot('10:00').click();
    await page.locator('voltshare-booking button.primary').click();
    await page.locator('voltshare-booking .card', { hasText: 'Your reservation' }).waitFor();
    const mine = async () => (await h.api<{ data: { id: string; status: string; start: string }[] }>('GET', '/v1/me/reservations', token)).body.data;
    let [reservation] = await mine();
    expect(reservation?.status).toBe('CONFIRMED');
    const startOf = (r?: { start: string }) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Luxembourg', timeStyle: 'short' }).format(new Date(r?.start ?? 0));
    expect(startOf(reservation)).toBe('10:00');

    await slot('14:30').click();
    await page.locator('voltshare-booking button', { hasText: 'Move to the chosen time' }).click();
    await expect.poll(async () => startOf((await mine())[0])).toBe('14:30');
    // The server may hold the move a moment before the widget has read its answer.
    await expect.poll(() => texts(page, 'voltshare-booking', '[role=status]')).toEqual(['Moved to 14:30.']);

    await page.locator('voltshare-booking button', { hasText: 'Cancel reservation' }).click();
    await expect.poll(async () => (await mine())[0]?.status).toBe('CANCELLED');
    [reservation] = await mine();
    expect(reservation?.id).toBeDefined();
    await page.locator('voltshare-booking button.primary').waitFor();
    await page.close();
  });

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
    await page.close();
  });

  it('switches language: an explicit locale, a change at run time, and auto from the browser', async () => {
    const page = await h.open(mapPage.replace('locale="en"', 'locale="de"'));
    await page.locator('voltshare-map .list button').first().waitFor();
    await expect.poll(() => texts(page, 'voltshare-map', '.filters label')).toContain('Jetzt frei');
    await page.evaluate(() => document.querySelector('voltshare-map')?.setAttribute('locale', 'fr'));
    await expect.poll(() => texts(page, 'voltshare-map', '.filters label')).toContain('Disponible maintenant');
    // Prices follow the language's conventions.
    const badge = await texts(page, 'voltshare-map', '.list .muted');
    expect(badge.join(' ')).toMatch(/0,\d\d\s€\/kWh/);
    await page.close();

    const auto = await h.open(mapPage.replace('locale="en"', 'locale="auto"'), { locale: 'nl-NL' });
    await expect.poll(() => texts(auto, 'voltshare-map', '.filters label')).toContain('Nu beschikbaar');
    await auto.close();
    const chinese = await h.open(mapPage.replace('locale="en"', 'locale="auto"'), { locale: 'zh-CN' });
    await expect.poll(() => texts(chinese, 'voltshare-map', '.filters label')).toContain('当前可用');
    await chinese.close();
  });

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

  it('the operator console signs staff in and draws the network live', async () => {
    const context = await h.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${h.platform.url.replace('localhost', '127.0.0.1')}/operator/`);
    // Demo mode fills in the demo owner; a wrong password is refused with the API's words.
    await page.fill('#password', 'wrong password');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('#signin-error')).toMatch(/\S/);
    await page.fill('#password', DEMO.owner.password);
    await page.click('button[type=submit]');
    await page.locator('#statuses rect').first().waitFor();
    // The demo keeps changing statuses; the console follows them live, so the two meet.
    const owner = await h.ownerToken();
    await expect
      .poll(async () => {
        const { body: overview } = await h.api<{ evses: { total: number; by_status: Record<string, number> } }>('GET', '/v1/network/overview', owner);
        const shown = await page.textContent('#k-available');
        const bars = await page.locator('#statuses rect').count();
        return (
          shown === `${overview.evses.by_status.AVAILABLE ?? 0} / ${overview.evses.total}` &&
          bars === Object.values(overview.evses.by_status).filter((n) => n > 0).length
        );
      })
      .toBe(true);
    expect(await page.locator('#hourly rect').count()).toBe(24);
    expect(await page.isHidden('#signin')).toBe(true);

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
