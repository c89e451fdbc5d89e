import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dearNowStation, type Harness, mapPage, OFFLINE_TILES, PK, startHarness, texts } from '../../test/harness.js';

describe('<voltshare-map> in headless Chromium against the real API', () => {
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

  it('with advice-kwh, says where and when that much energy is cheapest nearby, and picks the station', async () => {
    const siteId = await dearNowStation(h, 'Map Tariff Corner', { latitude: -16.3456, longitude: 49.6789 });
    const page = await h.open(
      `<voltshare-map publishable-key="${PK}" tile-url="${OFFLINE_TILES}" lat="-16.3456" lng="49.679" radius-km="5" advice-kwh="20" locale="en"></voltshare-map>`,
    );
    await page.locator('voltshare-map [part=advice] li').first().waitFor();
    expect(await page.locator('voltshare-map [part=advice] li').first().textContent()).toMatch(/Map Tariff Corner\s+from .+: €6\.00, €\d+\.\d\d less than now/);
    const picked = page.evaluate(
      () =>
        new Promise<string>((resolve) =>
          document.querySelector('voltshare-map')?.addEventListener('voltshare-select', (e) => resolve((e as CustomEvent<{ name: string }>).detail.name)),
        ),
    );
    await page.locator('voltshare-map [part=advice] button').first().click();
    expect(await picked).toBe('Map Tariff Corner');
    await page.locator('voltshare-map').screenshot({ path: `${(await import('node:os')).tmpdir()}/voltshare-map-advice.png` });
    await page.close();
  });
});
