import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, PK, startHarness, texts } from '../../test/harness.js';

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
    const { DEMO } = await import('@voltshare/api');
    const login = await h.api<{ access_token: string }>('POST', '/v1/auth/login', undefined, { email: DEMO.owner.email, password: DEMO.owner.password });
    const owner = login.body.access_token;
    // Dear from this local hour for two hours, every day; cheap otherwise.
    const hour = Number(new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: 'Europe/Luxembourg' }).format(new Date()));
    const pad = (n: number) => String(n % 24).padStart(2, '0');
    const tariff = await h.api<{ id: string }>('POST', '/v1/tariffs', owner, {
      currency: 'EUR',
      vat_percent: 17,
      elements: [
        {
          price_components: [{ type: 'ENERGY', price: 60 }],
          restrictions: { start_time: `${pad(hour)}:00`, end_time: hour + 2 >= 24 ? '23:59' : `${pad(hour + 2)}:00` },
        },
        { price_components: [{ type: 'ENERGY', price: 30 }] },
      ],
    });
    const site = await h.api<{ id: string; evses: { uid: string }[] }>('POST', '/v1/locations', owner, {
      name: 'Widget Tariff Corner',
      address: '4 Rue du Test',
      city: 'Luxembourg',
      country: 'LU',
      coordinates: { latitude: -14.3456, longitude: 47.6789 },
      time_zone: 'Europe/Luxembourg',
      evses: [{ connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 16 }] }],
    });
    await h.api('PATCH', `/v1/evses/${site.body.evses[0]?.uid}`, owner, { tariff_id: tariff.body.id });
    const page = await h.open(`<voltshare-station publishable-key="${PK}" location-id="${site.body.id}" locale="en"></voltshare-station>`);
    await page.locator('voltshare-station [data-cheapest]').waitFor();
    expect(await page.locator('voltshare-station [data-cheapest]').textContent()).toMatch(/^Cheapest from .+: €0\.30 \/ kWh\.$/);
    // A new station has no history: no busy-hours strip, no quiet hours claimed.
    expect(await page.locator('voltshare-station .strip').count()).toBe(0);
    await page.locator('voltshare-station').screenshot({ path: join(tmpdir(), 'voltshare-station-outlook.png') });
    await page.close();
  });
});
