import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dearNowStation, type Harness, PK, startHarness, texts } from '../../test/harness.js';

describe('<voltshare-station> in headless Chromium against the real API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

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

  it('says from when the next 24 hours are cheapest, from the station’s own tariff', async () => {
    const siteId = await dearNowStation(h, 'Widget Tariff Corner', { latitude: -14.3456, longitude: 47.6789 });
    const page = await h.open(`<voltshare-station publishable-key="${PK}" location-id="${siteId}" locale="en"></voltshare-station>`);
    await page.locator('voltshare-station [data-cheapest]').waitFor();
    expect(await page.locator('voltshare-station [data-cheapest]').textContent()).toMatch(/^Cheapest from .+: €0\.30 \/ kWh\.$/);
    // A new station has no history: no busy-hours strip, no quiet hours claimed.
    expect(await page.locator('voltshare-station .strip').count()).toBe(0);
    await page.locator('voltshare-station').screenshot({ path: join(tmpdir(), 'voltshare-station-outlook.png') });
    await page.close();
  });
});
