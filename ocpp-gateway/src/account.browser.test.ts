import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunningPlatform } from '@voltshare/api';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, launchChromium, startDemoForBrowser } from './testing/browser.js';

/** Screenshots of every step, to look at (the test prints where). */
const SHOTS = path.join(tmpdir(), 'voltshare-account-screens');

let platform: RunningPlatform;
let browser: Browser;
let base: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ platform, base } = await startDemoForBrowser('account'));
  browser = await launchChromium();
  console.log(`account screenshots: ${SHOTS}`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

describe('a forgotten password, in the driver app and by email', { timeout: 120_000 }, () => {
  it('a German driver asks for a link, reads it in the mailbox, sets a new password, signs in, and sees where they are signed in', async () => {
    const email = `vergesslich-${Date.now()}@example.com`;
    const registered = await fetch(`${base}/v1/drivers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, name: 'Greta', password: 'altes passwort 123', locale: 'de' }),
    });
    expect(registered.status).toBe(201);

    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'de-DE',
      bypassCSP: true,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${base}/app/#/signin`);
    await page.locator('voltshare-app a[href="#/forgot-password"]', { hasText: 'Passwort vergessen?' }).click();
    await page.locator('voltshare-account-security #email').fill(email);
    await page.locator('voltshare-account-security button[type=submit]').click();
    await expect.poll(() => page.locator('voltshare-account-security [data-message]').textContent()).toMatch(/^Wenn zu dieser Adresse ein Konto gehört/);
    await audit(page, 'forgot password');
    await shot(page, '1-forgot');

    // The mail, as the platform sent it (the embedded mailbox: no SMTP server configured).
    const mailbox = await context.newPage();
    await mailbox.goto(`${base}/dev/mail/`);
    const link = mailbox.locator('a', { hasText: 'Passwort zurücksetzen' }).first();
    await expect
      .poll(
        async () => {
          await mailbox.reload();
          return link.count();
        },
        { timeout: 10_000 },
      )
      .toBe(1);
    await audit(mailbox, 'mailbox', ['color-contrast']);
    await link.click();
    await mailbox.locator('a', { hasText: 'Neues Passwort wählen' }).waitFor();
    expect(await mailbox.locator('html').getAttribute('lang')).toBe('de');
    await shot(mailbox, '2-mail');
    const href = (await mailbox.locator('a', { hasText: 'Neues Passwort wählen' }).getAttribute('href')) as string;
    expect(href).toMatch(/\/app\/#\/reset-password\?token=pr_/);

    // A link that was never sent is refused in the driver's language.
    await page.goto(`${base}/app/#/reset-password?token=pr_made_up_token_0000000000`);
    await page.locator('voltshare-account-security #new_password').fill('neues passwort 456');
    await page.locator('voltshare-account-security #repeat').fill('neues passwort 456');
    await page.locator('voltshare-account-security button[type=submit]').click();
    await expect.poll(() => page.locator('voltshare-account-security [data-error]').textContent()).toMatch(/^Dieser Link gilt nicht mehr/);

    await page.goto(`${base}/app/#/reset-password?token=${new URL(href.replace('#/', '')).searchParams.get('token')}`);
    await expect.poll(() => page.locator('voltshare-account-security h1').textContent()).toBe('Neues Passwort wählen');
    await page.locator('voltshare-account-security #new_password').fill('neues passwort 456');
    await page.locator('voltshare-account-security #repeat').fill('neues passwort 45');
    await page.locator('voltshare-account-security button[type=submit]').click();
    await expect.poll(() => page.locator('voltshare-account-security [data-error]').textContent()).toBe('Die beiden Passwörter stimmen nicht überein.');
    await page.locator('voltshare-account-security #repeat').fill('neues passwort 456');
    await page.locator('voltshare-account-security button[type=submit]').click();
    await expect.poll(() => page.locator('voltshare-account-security [data-message]').textContent()).toMatch(/^Ihr neues Passwort ist gesetzt/);
    await audit(page, 'reset password');
    await shot(page, '3-reset');

    // The old password no longer works; the new one does.
    const old = await fetch(`${base}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'altes passwort 123' }),
    });
    expect(old.status).toBe(401);
    await page.goto(`${base}/app/#/signin`);
    await page.locator('voltshare-app #email').fill(email);
    await page.locator('voltshare-app #password').fill('neues passwort 456');
    await page.locator('voltshare-app #signin button[type=submit]').click();
    await page.locator('voltshare-app nav a[href="#/account"]').click();
    const security = page.locator('voltshare-account-security');
    // Following the emailed link proved the address.
    await security.locator('[data-email-verified]').waitFor();
    await expect.poll(() => security.locator('[data-logins] li').count()).toBe(1);
    expect(await security.locator('[data-logins] li').first().textContent()).toContain('dieses Gerät');
    // Privacy choices: all off at first, in German; one turned on is recorded.
    const history = security.locator('[data-consents] input[data-purpose=location_history]');
    await history.waitFor();
    expect(await history.isChecked()).toBe(false);
    expect(await security.locator('[data-consents] label:has(input[data-purpose=location_history])').textContent()).toContain(
      'Nutzen Sie, wo und wann ich geladen habe',
    );
    await history.check();
    await expect.poll(() => security.locator('[data-message]').textContent()).toBe('Gespeichert: Sie haben zugestimmt.');
    const signedIn = await fetch(`${base}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'neues passwort 456' }),
    });
    const token = ((await signedIn.json()) as { access_token: string }).access_token;
    const consents = (await (await fetch(`${base}/v1/me/consents`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      choices: { purpose: string; granted: boolean }[];
    };
    expect(consents.choices.find((c) => c.purpose === 'location_history')?.granted).toBe(true);
    // A copy of their data, by email.
    await security.locator('[data-action=export]').click();
    await expect.poll(() => security.locator('[data-message]').textContent()).toMatch(/^Wir stellen Ihre Daten zusammen/);
    await audit(page, 'account security');
    await security.scrollIntoViewIfNeeded();
    await shot(page, '4-account');
    const exportMail = mailbox.locator('a', { hasText: 'Ihre Daten stehen zum Download bereit' }).first();
    await mailbox.goto(`${base}/dev/mail/`);
    await expect
      .poll(
        async () => {
          await mailbox.reload();
          return exportMail.count();
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    await exportMail.click();
    const download = (await mailbox.locator('a', { hasText: 'Meine Daten herunterladen' }).getAttribute('href')) as string;
    const url = new URL(download);
    const zip = await fetch(`${base}${url.pathname}${url.search}`);
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect((await zip.arrayBuffer()).byteLength).toBeGreaterThan(500);
    expect((await fetch(`${base}${url.pathname}${url.search}`)).status).toBe(404);
    // Deleting the account: asked with the password, 14 days to change one's mind, kept after all.
    await security.locator('#delete_password').fill('neues passwort 456');
    await security.locator('[data-action=delete-account]').click();
    await expect.poll(() => security.locator('[data-message]').textContent()).toBe('Ihr Konto wird in 14 Tagen gelöscht. Bis dahin können Sie es behalten.');
    expect(await security.locator('[data-deletion=scheduled] p').textContent()).toMatch(/^Ihr Konto wird am \d{2}\.\d{2}\.\d{4}/);
    await audit(page, 'account deletion scheduled');
    await shot(page, '5-deletion-scheduled');
    await security.locator('[data-action=keep-account]').click();
    await expect.poll(() => security.locator('[data-message]').textContent()).toBe('Ihr Konto bleibt. Nichts wurde gelöscht.');
    await security.locator('[data-deletion=form]').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});
