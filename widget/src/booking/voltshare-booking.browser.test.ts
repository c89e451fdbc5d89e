import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, texts } from '../../test/harness.js';

describe('<voltshare-booking> in headless Chromium against the real API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

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
    // Slots read as every element reads times: English here, so `10:00 AM` (the card and the slots alike).
    const slot = (time: string) => page.locator('voltshare-booking .slot', { hasText: new RegExp(`^\\s*${time.replace(' ', '\\s')}\\s*$`) });
    await slot('10:00 AM').click();
    await page.locator('voltshare-booking button.primary').click();
    await page.locator('voltshare-booking .card', { hasText: 'Your reservation' }).waitFor();
    const mine = async () => (await h.api<{ data: { id: string; status: string; start: string }[] }>('GET', '/v1/me/reservations', token)).body.data;
    let [reservation] = await mine();
    expect(reservation?.status).toBe('CONFIRMED');
    const startOf = (r?: { start: string }) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Luxembourg', timeStyle: 'short' }).format(new Date(r?.start ?? 0));
    expect(startOf(reservation)).toBe('10:00');

    await slot('2:30 PM').click();
    await page.locator('voltshare-booking button', { hasText: 'Move to the chosen time' }).click();
    await expect.poll(async () => startOf((await mine())[0])).toBe('14:30');
    // The server may hold the move a moment before the widget has read its answer.
    await expect.poll(async () => (await texts(page, 'voltshare-booking', '[role=status]')).join()).toMatch(/^Moved to 2:30\sPM\.$/);

    await page.locator('voltshare-booking button', { hasText: 'Cancel reservation' }).click();
    await expect.poll(async () => (await mine())[0]?.status).toBe('CANCELLED');
    [reservation] = await mine();
    expect(reservation?.id).toBeDefined();
    await page.locator('voltshare-booking button.primary').waitFor();
    await page.close();
  });
});
