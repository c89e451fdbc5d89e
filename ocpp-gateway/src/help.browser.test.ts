import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO, type RunningPlatform } from '@voltshare/api';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, launchChromium, signIn, startDemoForBrowser } from './testing/browser.js';

/** Screenshots of every step, to look at (the test prints where). */
const SHOTS = path.join(tmpdir(), 'voltshare-help-screens');

let platform: RunningPlatform;
let browser: Browser;
let base: string;
let owner: string;
let printedId: string;

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
  ({ platform, base } = await startDemoForBrowser('help'));
  browser = await launchChromium();
  console.log(`help screenshots: ${SHOTS}`);
  owner = await signIn(base, DEMO.owner);
  const [place] = (await api('GET', `/v1/places?q=${encodeURIComponent(DEMO.hubName)}`, owner)).body as { location_id: string }[];
  const hub = (await api('GET', `/v1/locations/${place?.location_id}`, owner)).body as { evses: { evse_id: string }[] };
  printedId = hub.evses[1]?.evse_id as string;
  // The demo driver writes in French.
  const driver = await signIn(base, DEMO.driver);
  expect((await api('PATCH', '/v1/me', driver, { locale: 'fr' })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

describe('help in the driver app', { timeout: 120_000 }, () => {
  it('a driver reports a fault at a charger and gets the answer live, in their language; then rates the help', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${base}/app/?demo#/help/report/${encodeURIComponent(printedId)}`);
    const form = page.locator('voltshare-help form.card');
    await form.waitFor();
    await expect.poll(() => page.locator('voltshare-help h1').textContent()).toBe('Aide');
    expect(await page.locator('voltshare-help #kind').inputValue()).toBe('fault');
    expect(await page.locator('voltshare-help #evse_ref').inputValue()).toBe(printedId);
    // Before writing: the network's article on this, in French.
    await page.locator('voltshare-help .articles summary', { hasText: 'La charge ne démarre pas' }).waitFor();
    await audit(page, 'help-form');
    await shot(page, '1-report-form');

    await page.locator('voltshare-help #symptom').selectOption('wont_start');
    await page.locator('voltshare-help #subject').fill('La charge ne démarre pas');
    await page.locator('voltshare-help #message').fill('Le voyant reste rouge quand je branche.');
    // A photo of the charger's screen goes with it.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await page.locator('voltshare-help #photo').setInputFiles({ name: 'screen.png', mimeType: 'image/png', buffer: png });
    await page.locator('voltshare-help form.card button[type=submit]').click();
    await page.locator('voltshare-help .thread .message').first().waitFor();
    expect(page.url()).toMatch(/#\/help\/tkt_/);
    const ticketId = decodeURIComponent(page.url().split('#/help/')[1] as string);

    await page.locator('voltshare-help .message button.link').click();
    await expect.poll(() => page.locator('voltshare-help img.photo').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
    // Support sees it in the queue with its EVSE, and answers; the answer appears without a reload.
    const queue = (await api('GET', '/v1/support/tickets?kind=fault', owner)).body.data as { id: string; evse_id: string; language: string }[];
    expect(queue.find((t) => t.id === ticketId)).toMatchObject({ evse_id: printedId, language: 'fr' });
    expect(
      (await api('POST', `/v1/support/tickets/${ticketId}/messages`, owner, { body: 'Nous avons redémarré la borne : pouvez-vous réessayer ?' })).status,
    ).toBe(201);
    await page.locator('voltshare-help .message.theirs', { hasText: 'redémarré' }).waitFor({ timeout: 5000 });
    // A note stays with staff.
    await api('POST', `/v1/support/tickets/${ticketId}/messages`, owner, { body: 'internal: reader firmware 6.1', internal: true });
    await page.locator('voltshare-help #body').fill('Ça marche, merci !');
    await page.locator('voltshare-help .composer button[type=submit]').click();
    await page.locator('voltshare-help .message.mine', { hasText: 'merci' }).waitFor();
    await page.waitForTimeout(300);
    expect(await page.locator('voltshare-help .thread').textContent()).not.toContain('firmware');
    await audit(page, 'help-conversation');
    await shot(page, '2-conversation');

    // Resolved by support: the driver is asked to rate, live.
    await api('PATCH', `/v1/support/tickets/${ticketId}`, owner, { status: 'resolved' });
    await page.locator('voltshare-help .star').first().waitFor({ timeout: 5000 });
    await page.locator('voltshare-help .star').nth(4).click();
    await expect.poll(async () => (await api('GET', `/v1/support/tickets/${ticketId}`, owner)).body.rating).toBe(5);
    await audit(page, 'help-rated');
    await shot(page, '3-rated');

    // The list of conversations, from the nav.
    await page.goto(`${base}/app/?demo#/help`);
    await page.locator('voltshare-help a.ticket').first().waitFor();
    expect(await page.locator('voltshare-help a.ticket').first().textContent()).toContain('Résolu');
    await audit(page, 'help-list');
    await shot(page, '4-list');
    // The same screen at desktop width (the app puts its navigation at the side).
    await page.setViewportSize({ width: 1280, height: 900 });
    await audit(page, 'help-list-desktop');
    await shot(page, '4-list-desktop');
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the charger's QR code: a fault reported without an account, in the browser's language, followed by its secret link", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'de-DE', isMobile: true, hasTouch: true, bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const owner = await signIn(base, DEMO.owner);
    const [place] = (await api('GET', `/v1/places?q=${encodeURIComponent(DEMO.hubName)}`, owner)).body as { location_id: string }[];
    const hub = (await api('GET', `/v1/locations/${place?.location_id}`, owner)).body as { evses: { uid: string; evse_id: string }[] };
    const evse = hub.evses[2] as { uid: string; evse_id: string };
    await page.goto(`${base}/pay/${evse.uid}`);
    await page.getByRole('link', { name: 'Report it' }).click();
    await page.locator('voltshare-help form.card').waitFor();
    await expect.poll(() => page.locator('voltshare-help h1').textContent()).toBe('Problem melden');
    expect(await page.locator('voltshare-help #evse_ref').inputValue()).toBe(evse.uid);
    await audit(page, 'qr-report');
    await shot(page, '5-qr-report');
    await page.locator('voltshare-help #symptom').selectOption('screen');
    await page.locator('voltshare-help #message').fill('Display ist schwarz.');
    await page.locator('voltshare-help form.card button[type=submit]').click();
    const follow = page.locator('voltshare-help a', { hasText: 'Deine Meldung verfolgen' });
    await follow.waitFor();
    const href = (await follow.getAttribute('href')) as string;
    const ticketId = decodeURIComponent(href.split('/follow/')[1]?.split('~')[0] as string);
    const queued = (await api('GET', `/v1/support/tickets/${ticketId}`, owner)).body as { channel: string; evse_id: string; language: string };
    expect(queued).toMatchObject({ channel: 'qr', evse_id: evse.evse_id, language: 'de' });
    await audit(page, 'qr-receipt', ['color-contrast']);
    await shot(page, '6-qr-receipt');
    await api('POST', `/v1/support/tickets/${ticketId}/messages`, owner, { body: 'Danke, wir tauschen das Display morgen.' });
    await follow.click();
    await page.locator('voltshare-help .message.theirs', { hasText: 'Display morgen' }).waitFor();
    await page.locator('voltshare-help #body').fill('Super, danke.');
    await page.locator('voltshare-help .composer button[type=submit]').click();
    await page.locator('voltshare-help .message.mine', { hasText: 'Super' }).waitFor();
    await audit(page, 'qr-follow');
    await shot(page, '7-qr-follow');
    await page.setViewportSize({ width: 1280, height: 900 });
    await shot(page, '7-qr-follow-desktop');
    // Without the token, nothing.
    expect((await fetch(`${base}/v1/support/fault-reports/${ticketId}?token=tfr_guess`)).status).toBe(404);
    expect(errors).toEqual([]);
    await context.close();
  });
});
