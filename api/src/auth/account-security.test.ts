import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDriverEvent } from '../notifications/outbox.js';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';
import { startSmtp } from '../test/smtp.js';

const tokenIn = (mail: ParsedMail) => /[?&]token=([A-Za-z0-9_]+)/.exec(mail.text ?? '')?.[1] as string;

describe.each(backends())('accounts: verification, reset, password change and logins, with email over SMTP, on %s', (backend: Backend) => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  /** Sends what the account mails need, and nothing of other suites sharing the database. */
  const deliver = () => t.services.jobs.drain(new Date(), undefined, 10, ['account.mail']);
  const login = (email: string, password: string, device = 'test-agent') => t.http.post('/v1/auth/login').set('User-Agent', device).send({ email, password });

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp(backend, { SMTP_URL: smtp.url, MAIL_FROM: 'Voltshare <no-reply@voltshare.test>', PUBLIC_URL: 'https://charge.example' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('confirms an address with a single-use link mailed in the driver’s language', async () => {
    const driver = await registerDriver(t.http);
    await t.http.patch('/v1/me').set(bearer(driver.accessToken)).send({ locale: 'fr' }).expect(200);
    expect((await t.http.get('/v1/me').set(bearer(driver.accessToken)).expect(200)).body.user.email_verified).toBe(false);
    const asked = await t.http.post('/v1/me/email-verification').set(bearer(driver.accessToken)).expect(202);
    expect(asked.body).toEqual({ already_verified: false });
    await deliver();
    const mail = await smtp.next(driver.email);
    expect(mail.subject).toBe('Confirmez votre adresse e-mail');
    expect(mail.headers.get('content-language')).toBe('fr');
    expect(mail.from?.value).toEqual([{ name: 'Voltshare', address: 'no-reply@voltshare.test' }]);
    expect(mail.text).toContain(`Veuillez confirmer que ${driver.email}`);
    expect(mail.text).toMatch(/https:\/\/charge\.example\/app\/#\/verify-email\?token=ev_/);
    expect(mail.html).toContain('lang="fr"');

    await t.http
      .post('/v1/auth/verify-email')
      .send({ token: tokenIn(mail) })
      .expect(204);
    expect((await t.http.get('/v1/me').set(bearer(driver.accessToken)).expect(200)).body.user.email_verified).toBe(true);
    const again = await t.http
      .post('/v1/auth/verify-email')
      .send({ token: tokenIn(mail) })
      .expect(422);
    expect(again.body.errors).toEqual([expect.objectContaining({ field: 'body.token' })]);
    expect((await t.http.post('/v1/me/email-verification').set(bearer(driver.accessToken)).expect(202)).body).toEqual({ already_verified: true });
  });

  it('a verification link expires after 24 hours, and a newer link voids the older', async () => {
    const driver = await registerDriver(t.http);
    await t.http.post('/v1/me/email-verification').set(bearer(driver.accessToken)).expect(202);
    await deliver();
    const first = tokenIn(await smtp.next(driver.email));
    await t.http.post('/v1/me/email-verification').set(bearer(driver.accessToken)).expect(202);
    await deliver();
    const second = tokenIn(await smtp.next(driver.email));
    expect((await t.http.post('/v1/auth/verify-email').send({ token: first }).expect(422)).body.errors[0].field).toBe('body.token');
    await expect(t.services.accountSecurity.verifyEmail(second, new Date(Date.now() + 25 * 3_600_000))).rejects.toMatchObject({ kind: 'invalid' });
    await t.http.post('/v1/auth/verify-email').send({ token: second }).expect(204);
  });

  it('resets a forgotten password by an emailed link (English and German), ends every login at once, and tells the owner', async () => {
    const english = await registerDriver(t.http);
    const german = await registerDriver(t.http);
    await t.http.patch('/v1/me').set(bearer(german.accessToken)).send({ locale: 'de-DE' }).expect(200);
    // An unknown address gets the same answer and no mail.
    const before = smtp.inbox.length;
    await t.http
      .post('/v1/auth/password-reset/request')
      .send({ email: `${unique('nobody')}@example.com` })
      .expect(202);
    await t.http.post('/v1/auth/password-reset/request').send({ email: english.email.toUpperCase() }).expect(202);
    await t.http.post('/v1/auth/password-reset/request').send({ email: german.email }).expect(202);
    await deliver();
    const en = await smtp.next(english.email);
    const de = await smtp.next(german.email);
    expect(smtp.inbox.length - before).toBe(2);
    expect(en.subject).toBe('Choose a new password');
    expect(en.text).toContain('The link works once, for 60 minutes.');
    expect(de.subject).toBe('Passwort zurücksetzen');
    expect(de.text).toContain('Neues Passwort wählen: https://charge.example/app/#/reset-password?token=pr_');
    expect(de.headers.get('content-language')).toBe('de');

    const tooShort = await t.http
      .post('/v1/auth/password-reset')
      .send({ token: tokenIn(en), new_password: 'short' })
      .expect(422);
    expect(tooShort.body.errors[0].field).toBe('body.new_password');
    await t.http
      .post('/v1/auth/password-reset')
      .send({ token: tokenIn(en), new_password: 'a brand new passphrase' })
      .expect(204);
    // Every login ended: the old access token at once, the refresh token too.
    await t.http.get('/v1/me').set(bearer(english.accessToken)).expect(401);
    await t.http.post('/v1/auth/refresh').send({ refresh_token: english.refreshToken }).expect(401);
    expect((await login(english.email, english.password)).status).toBe(401);
    expect((await login(english.email, 'a brand new passphrase')).status).toBe(200);
    // Used once; following the link proved the address.
    expect(
      (
        await t.http
          .post('/v1/auth/password-reset')
          .send({ token: tokenIn(en), new_password: 'another passphrase 1' })
          .expect(422)
      ).body.errors[0].field,
    ).toBe('body.token');
    await deliver();
    expect((await smtp.next(english.email)).subject).toBe('Your password was changed');
    const relogged = await login(english.email, 'a brand new passphrase');
    expect((await t.http.get('/v1/me').set(bearer(relogged.body.access_token)).expect(200)).body.user.email_verified).toBe(true);
    // The German link still works for its own account only, and not after an hour.
    await expect(t.services.accountSecurity.resetPassword(tokenIn(de), 'late passphrase 123', new Date(Date.now() + 61 * 60_000))).rejects.toMatchObject({
      kind: 'invalid',
    });
  });

  it('a password change needs the current one and signs every other login out at once', async () => {
    const driver = await registerDriver(t.http);
    const phone = (await login(driver.email, driver.password, 'Phone/1.0')).body;
    const laptop = (await login(driver.email, driver.password, 'Laptop/2.0')).body;
    const wrong = await t.http
      .post('/v1/me/password')
      .set(bearer(phone.access_token))
      .send({ current_password: 'not it at all', new_password: 'changed passphrase 1' })
      .expect(422);
    expect(wrong.body.errors[0].field).toBe('body.current_password');
    const same = await t.http
      .post('/v1/me/password')
      .set(bearer(phone.access_token))
      .send({ current_password: driver.password, new_password: driver.password })
      .expect(422);
    expect(same.body.errors[0].field).toBe('body.new_password');
    await t.http
      .post('/v1/me/password')
      .set(bearer(phone.access_token))
      .send({ current_password: driver.password, new_password: 'changed passphrase 1' })
      .expect(204);
    await t.http.get('/v1/me').set(bearer(phone.access_token)).expect(200);
    await t.http.get('/v1/me').set(bearer(laptop.access_token)).expect(401);
    await t.http.get('/v1/me').set(bearer(driver.accessToken)).expect(401);
    await t.http.post('/v1/auth/refresh').send({ refresh_token: laptop.refresh_token }).expect(401);
    await deliver();
    expect((await smtp.next(driver.email)).subject).toBe('Your password was changed');
  });

  it('lists a person’s logins and signs one out at once; logout ends the access token too; nobody else’s can be touched', async () => {
    const driver = await registerDriver(t.http);
    const other = await registerDriver(t.http);
    const phone = (await login(driver.email, driver.password, 'Phone/1.0')).body;
    const laptop = (await login(driver.email, driver.password, 'Laptop/2.0')).body;
    const listed = await t.http.get('/v1/me/logins').set(bearer(phone.access_token)).expect(200);
    expect(listed.body).toHaveLength(3);
    expect(listed.body.filter((l: { current: boolean }) => l.current)).toEqual([expect.objectContaining({ device: 'Phone/1.0' })]);
    const laptopLogin = listed.body.find((l: { device: string }) => l.device === 'Laptop/2.0');
    // Another person cannot see or end it.
    await t.http.delete(`/v1/me/logins/${laptopLogin.id}`).set(bearer(other.accessToken)).expect(404);
    await t.http.get('/v1/me').set(bearer(laptop.access_token)).expect(200);
    await t.http.delete(`/v1/me/logins/${laptopLogin.id}`).set(bearer(phone.access_token)).expect(204);
    await t.http.get('/v1/me').set(bearer(laptop.access_token)).expect(401);
    await t.http.post('/v1/auth/refresh').send({ refresh_token: laptop.refresh_token }).expect(401);
    expect((await t.http.get('/v1/me/logins').set(bearer(phone.access_token)).expect(200)).body).toHaveLength(2);
    await t.http.delete('/v1/me/logins/rtf_unknown').set(bearer(phone.access_token)).expect(404);
    // Logging out stops the access token at once, not when it expires.
    await t.http.post('/v1/auth/logout').send({ refresh_token: phone.refresh_token }).expect(204);
    await t.http.get('/v1/me').set(bearer(phone.access_token)).expect(401);
  });

  it('locks an account after five wrong passwords in a row, whatever the next password, for longer each time; a reset lifts it', async () => {
    const driver = await registerDriver(t.http);
    for (let i = 0; i < 5; i++) expect((await login(driver.email, 'wrong password 1')).status).toBe(401);
    const locked = await login(driver.email, driver.password);
    expect(locked.status).toBe(429);
    expect(locked.body.type).toMatch(/account-locked$/);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(25);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(30);
    // Once the 30 s have passed, a sixth miss locks for a minute.
    const later = new Date(Date.now() + 31_000);
    expect(await t.services.auth.verifyCredentials(driver.email, 'wrong password 2', later)).toBeUndefined();
    const longer = await t.services.auth.verifyCredentials(driver.email, driver.password, new Date(later.getTime() + 1_000)).catch((e: unknown) => e);
    expect(longer).toMatchObject({ code: 'account-locked', details: { data: { retry_after_seconds: 59 } } });
    // The owner resets the password by mail, which lifts the lock.
    await t.http.post('/v1/auth/password-reset/request').send({ email: driver.email }).expect(202);
    await deliver();
    await t.http
      .post('/v1/auth/password-reset')
      .send({ token: tokenIn(await smtp.next(driver.email)), new_password: 'after the lock 123' })
      .expect(204);
    expect((await login(driver.email, 'after the lock 123')).status).toBe(200);
    await deliver();
    await smtp.next(driver.email);
  });

  it('mails a driver’s booking confirmation in their language, with the station and its local time', async () => {
    const net: SignedUpNetwork = await signUpNetwork(t.http, 'Mail Network');
    const site = await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Gare Centrale')).expect(201);
    const driver = await registerDriver(t.http);
    await t.http.patch('/v1/me').set(bearer(driver.accessToken)).send({ locale: 'de' }).expect(200);
    await t.services.scopes.tenant(net.networkId, (tx) =>
      recordDriverEvent(tx, net.networkId, 'reservation.created', driver.driverId, {
        reservation_id: 'rsv_mail_test',
        location_id: site.body.id,
        start: '2026-12-08T17:00:00.000Z',
        end: '2026-12-08T18:00:00.000Z',
      }),
    );
    await t.services.jobs.drain(new Date(), net.networkId);
    const mail = await smtp.next(driver.email);
    expect(mail.subject).toBe('Buchung bestätigt: Gare Centrale');
    // 17:00 UTC is 18:00 in Luxembourg, written the German way.
    expect(mail.text).toMatch(/Ihre Buchung bei Gare Centrale ist bestätigt: Di\., 8\. Dez\., 18:00\s*[–-]\s*19:00/);
  });
});

describe('a login’s device name', () => {
  it('names the browser and system, or the client’s first word', async () => {
    const { deviceName } = await import('./auth.service.js');
    expect(deviceName('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36')).toBe(
      'Chrome · Android',
    );
    expect(
      deviceName('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'),
    ).toBe('Safari · iOS');
    expect(deviceName('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0')).toBe(
      'Edge · Windows',
    );
    expect(deviceName('Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0')).toBe('Firefox · macOS');
    expect(deviceName('VoltshareFleet/2.1 (fleet sync)')).toBe('VoltshareFleet/2.1');
    expect(deviceName('   ')).toBeNull();
    expect(deviceName(undefined)).toBeNull();
  });
});
