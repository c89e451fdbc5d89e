import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO, type RunningPlatform } from '@voltshare/api';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, launchChromium, signIn, startDemoForBrowser } from './testing/browser.js';

/** Screenshots of every step, to look at (the test prints where). */
const SHOTS = path.join(tmpdir(), 'voltshare-community-screens');

let platform: RunningPlatform;
let browser: Browser;
let base: string;
let owner: string;
let hubId: string;
let networkId: string;
let tipId: string;
let heldId: string;

const api = async (method: string, route: string, token: string, body?: unknown) => {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
};

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ platform, base } = await startDemoForBrowser('community'));
  browser = await launchChromium();
  console.log(`community screenshots: ${SHOTS}`);
  owner = await signIn(base, DEMO.owner);
  const [place] = (await api('GET', `/v1/places?q=${encodeURIComponent(DEMO.hubName)}`, owner)).body as { location_id: string }[];
  hubId = place?.location_id as string;
  networkId = ((await api('GET', `/v1/locations/${hubId}`, owner)).body as { network_id: string }).network_id;
  // Another driver was here before: a tip, a question, and a tip held for its phone number.
  const other = (await (
    await fetch(`${base}/v1/drivers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `community-${Date.now()}@example.com`, name: 'Other', password: 'another long password' }),
    })
  ).json()) as { tokens: { access_token: string } };
  const token = other.tokens.access_token;
  tipId = (await api('POST', `/v1/locations/${hubId}/posts`, token, { kind: 'TIP', body: 'The fast charger is at the back, past the barrier.' })).body.id;
  await api('POST', `/v1/locations/${hubId}/posts`, token, { kind: 'QUESTION', body: 'Is the car park free while charging?' });
  heldId = (await api('POST', `/v1/locations/${hubId}/posts`, token, { kind: 'TIP', body: 'Blocked? Call me on +352 621 555 123' })).body.id;
  expect(
    (await api('POST', `/v1/locations/${hubId}/check-ins`, token, { outcome: 'CHARGED', vehicle_model: 'Renault Zoe', comment: 'Quick and easy.' })).status,
  ).toBe(201);
  // The demo driver reads the app in German.
  expect((await api('PATCH', '/v1/me', await signIn(base, DEMO.driver), { locale: 'de' })).status).toBe(200);
  // The demo hub's sessions and check-ins, scored.
  await platform.services.reliability.compute(networkId, hubId);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

describe('the community on a station page', { timeout: 120_000 }, () => {
  it('shows the explained score, check-ins, tips and questions; the driver checks in, votes, answers, adds a photo and follows — in German', async () => {
    const hub = (await api('GET', `/v1/locations/${hubId}`, owner)).body as { coordinates: { latitude: number; longitude: number } };
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      bypassCSP: true,
      locale: 'de-DE',
      // The driver stands at the hub.
      geolocation: hub.coordinates,
      permissions: ['geolocation'],
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Around the city: what drivers shared lately, first.
    await page.goto(`${base}/app/?demo#/find`);
    await page.locator('voltshare-find button.secondary', { hasText: 'In meiner Nähe' }).click();
    const feed = page.locator('voltshare-find [data-feed]');
    await feed.waitFor();
    await expect.poll(() => feed.locator('h2').textContent()).toBe('Neu in Ihrer Nähe');
    expect(await feed.textContent()).toContain('Quick and easy.');
    await shot(page, '0-find-feed-de');

    await page.goto(`${base}/app/?demo#/station/${hubId}`);
    const community = page.locator('voltshare-community');
    await community.locator('[data-reliability]').waitFor();
    await expect.poll(() => community.locator('[data-reliability] h3').textContent()).toBe('Zuverlässigkeit');
    // The score with what it rests on, beside it.
    expect(await community.locator('[data-because]').textContent()).toMatch(/^Aus \d+ Ladevorgängen und \d+ Check-ins der letzten 30 Tage\./);
    // The other driver's tip and question show; the held one does not.
    await expect.poll(() => community.locator(`[data-post="${tipId}"]`).count()).toBe(1);
    expect(await community.locator(`[data-post="${heldId}"]`).count()).toBe(0);
    await audit(page, 'community');
    await shot(page, '1-station-community-de');

    // Check in by hand (the demo driver has no fresh session here to check in for).
    await community.locator('#check-in select[name=outcome]').selectOption('CHARGED');
    await community.locator('#check-in input[name=vehicle_model]').fill('Kia EV6');
    await community.locator('#check-in input[name=power_kw]').fill('48');
    await community.locator('#check-in textarea[name=comment]').fill('Hinten rechts, alles gut.');
    await community.locator('#check-in button[type=submit]').click();
    await expect.poll(() => community.locator('[role=status]').first().textContent()).toBe('Danke fürs Einchecken.');
    const mine = community.locator('li.item', { hasText: 'Hinten rechts, alles gut.' });
    await expect.poll(() => mine.count()).toBe(1);
    expect(await mine.textContent()).toContain('Kia EV6 · 48 kW');

    // Helpful once; answering the question.
    await community.locator(`[data-post="${tipId}"] button.secondary`).click();
    await expect.poll(() => community.locator(`[data-post="${tipId}"] button.secondary`).getAttribute('aria-pressed')).toBe('true');
    expect(await community.locator(`[data-post="${tipId}"] button.secondary`).textContent()).toContain('Hilfreich (1)');
    const question = community.locator('[part=questions] li.item').first();
    await question.locator('input[name=body]').fill('Ja, die ersten drei Stunden.');
    await question.locator('button[type=submit]').click();
    await expect.poll(() => question.locator('.answers [data-post]').count()).toBe(1);

    // A photo from the phone: it comes back as a thumbnail the page shows.
    const photo = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#3a7' } })
      .jpeg()
      .toBuffer();
    await community.locator('[part=photos] input[type=file]').setInputFiles({ name: 'spot.jpg', mimeType: 'image/jpeg', buffer: photo });
    await expect.poll(() => community.locator('[part=photos] img').count()).toBe(1);
    await expect.poll(() => community.locator('[part=photos] img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(320);

    // Follow: told when it is free again, of fixes and new tips.
    await community.locator('[data-action=follow]').click();
    await expect.poll(() => community.locator('[data-action=follow]').getAttribute('aria-pressed')).toBe('true');
    await audit(page, 'community-after');
    await shot(page, '2-station-community-after-de');

    // The account screen: the name other drivers see, contributions and badges.
    await page.goto(`${base}/app/?demo#/account`);
    const profile = page.locator('voltshare-app #community-profile');
    await profile.waitFor();
    expect(await profile.locator('[data-contributions]').textContent()).toMatch(/^1 Check-ins \(0 bestätigt\), 0 Tipps, 1 Fotos/);
    expect(await profile.textContent()).toContain('Erster Check-in');
    await profile.locator('#pseudonym').fill(`Lade Fuchs ${Date.now().toString(36).slice(-4)}`);
    await profile.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('voltshare-app p.notice').textContent()).toContain('Ihr Community-Name ist gespeichert.');
    await audit(page, 'community-profile');
    await shot(page, '2b-account-community-de');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the operator hides the held tip from the console’s moderation page, with a reason for the audit trail', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, locale: 'en-GB' });
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept('Personal phone number'));
    await page.goto(`${base}/operator/`);
    // The demo fills in the owner's sign-in.
    await page.locator('voltshare-console button[type=submit]').click();
    await page.locator('voltshare-console nav').waitFor();
    await page.goto(`${base}/operator/#/reviews`);
    const row = page.locator(`voltshare-console-reviews tr[data-target="${heldId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Held: a phone number');
    await audit(page, 'console-moderation', ['color-contrast']);
    await shot(page, '3-console-moderation');
    await row.locator('button[data-moderate=hide]').click();
    await expect.poll(() => row.count()).toBe(0);
    const trail = (await api('GET', `/v1/audit-events?subject_id=${heldId}`, owner)).body as { data: { action: string; detail: { reason: string } }[] };
    expect(trail.data[0]).toMatchObject({ action: 'community.hide', detail: expect.objectContaining({ reason: 'Personal phone number' }) });
    await context.close();
  });
});
