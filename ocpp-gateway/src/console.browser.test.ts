import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO, type RunningPlatform } from '@voltshare/api';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedChargePoint } from './simulator/charge-point.js';
import { audit, launchChromium, signIn, startDemoForBrowser } from './testing/browser.js';

const SHOTS = path.join(tmpdir(), 'voltshare-console-pages');
let platform: RunningPlatform;
let browser: Browser;
let base: string;
const sims: SimulatedChargePoint[] = [];

type HubEvse = { uid: string; evse_id: string; charge_point_id: string; ocpp_connector_id: number };
let hub: { id: string; network_id: string; evses: HubEvse[] };
const headers = (token: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ platform, base } = await startDemoForBrowser('console-pages'));
  browser = await launchChromium();
  console.log(`operator console page screenshots: ${SHOTS}`);
  const owner = await signIn(base, DEMO.owner);
  const [place] = (await (await fetch(`${base}/v1/places?q=${encodeURIComponent(DEMO.hubName)}`, { headers: headers(owner) })).json()) as {
    location_id: string;
  }[];
  hub = (await (await fetch(`${base}/v1/locations/${place?.location_id}`, { headers: headers(owner) })).json()) as typeof hub;
  // The demo hub's chargers online, answering commands as real ones would.
  for (const identity of DEMO.chargePoints) {
    const sim = new SimulatedChargePoint({
      url: `${base.replace('http', 'ws')}/ocpp`,
      identity,
      password: DEMO.chargePointPassword,
      connectors: 1,
      maxPowerW: 11_000,
      arrivalPerMinute: 0,
      faultPerMinute: 0,
    });
    await sim.connect();
    sims.push(sim);
  }
}, 120_000);

afterAll(async () => {
  for (const sim of sims) await sim.stop();
  await browser?.close();
  await platform?.stop();
});

async function openConsole(locale: string, signInHeading = 'Sign in as network staff'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale, bypassCSP: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/operator/`);
  // Signed out, the console speaks the browser's language.
  await expect.poll(() => page.locator('voltshare-console form h1').textContent()).toBe(signInHeading);
  // The demo fills in the owner's sign-in.
  await page.locator('voltshare-console button[type=submit]').click();
  await page.locator('voltshare-console nav').waitFor();
  expect(errors).toEqual([]);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Goes to a console page by its navigation link, as a person would. */
async function go(page: Page, label: string | RegExp): Promise<void> {
  await page.locator('voltshare-console nav a', { hasText: label }).first().click();
}

describe('the operator console', { timeout: 180_000 }, () => {
  it('works the support queue live, shows incidents by fault name and printed EVSE id, the month’s uptime, a charger’s page, and counts charging once', async () => {
    const owner = await signIn(base, DEMO.owner);
    const driver = await signIn(base, DEMO.driver);
    const broken = hub.evses[0] as HubEvse;
    // The charger reports an earth fault: the platform opens the incident by itself.
    await platform.services.charging.reportStatus(hub.network_id, broken.charge_point_id, {
      connectorId: broken.ocpp_connector_id,
      status: 'OUTOFORDER',
      at: new Date(),
      fault: { errorCode: 'GroundFailure', vendorErrorCode: 'E-17' },
    });
    await platform.services.incidents.sweep(hub.network_id);
    // Last month's history for the uptime report: the port down for two days.
    const month = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 1));
    const change = (availability: 'AVAILABLE' | 'OUTOFORDER', days: number) => ({
      tenant_id: hub.network_id,
      evse_uid: broken.uid,
      location_id: hub.id,
      availability,
      at: new Date(month.getTime() + days * 86_400_000),
    });
    await platform.services.scopes.tenant(hub.network_id, (tx) =>
      tx
        .insertInto('evse_availability_changes')
        .values([change('AVAILABLE', -1), change('OUTOFORDER', 5), change('AVAILABLE', 7)])
        .execute(),
    );

    const page = await openConsole('en-GB');
    // Overview: "charging now" is the status bar's count of EVSEs charging, and the charts are drawn.
    const nowFigure = page.locator('voltshare-console-overview [data-figure=charging-now]');
    await nowFigure.waitFor();
    await expect.poll(() => page.locator('voltshare-console-overview svg rect').count()).toBeGreaterThan(10);
    const legend = (await page.locator('voltshare-console-overview ul.muted').textContent()) ?? '';
    const charging = /Charging · (\d+)/.exec(legend)?.[1] ?? '0';
    expect(await nowFigure.textContent()).toBe(charging);
    await audit(page, 'console overview', ['color-contrast']);
    await shot(page, 'en-1-overview');

    await go(page, 'Incidents');
    const incident = page.locator('voltshare-console-incidents tr', { hasText: 'Earth fault' });
    await incident.waitFor();
    const row = (await incident.textContent()) ?? '';
    expect(row).toContain(broken.evse_id);
    expect(row).toContain('E-17');
    expect(row).not.toMatch(/evse_|cp_/);
    await audit(page, 'console incidents', ['color-contrast']);
    await shot(page, 'en-2-incidents');

    // A driver writes in while the queue is open: it shows without a reload.
    await go(page, 'Support');
    await page.locator('voltshare-console-support [data-summary]').waitFor();
    const opened = await fetch(`${base}/v1/support/tickets`, {
      method: 'POST',
      headers: headers(driver),
      body: JSON.stringify({
        kind: 'fault',
        subject: 'Red light on the charger',
        message: 'It will not start.',
        evse_ref: broken.evse_id,
        symptom: 'wont_start',
        language: 'fr',
      }),
    });
    expect(opened.status).toBe(201);
    const ticket = (await opened.json()) as { id: string; incident_id: string };
    expect(ticket.incident_id).toBeTruthy();
    const link = page.locator('voltshare-console-support a', { hasText: 'Red light on the charger' });
    await link.waitFor({ timeout: 5000 });
    await fetch(`${base}/v1/support/canned-replies`, {
      method: 'POST',
      headers: headers(owner),
      body: JSON.stringify({ language: 'fr', title: 'Technicien en route', body: 'Nous avons vu la panne : un technicien arrive.' }),
    });
    await link.click();
    await expect.poll(() => page.locator('voltshare-console-support [data-meta]').textContent()).toContain(broken.evse_id);
    await page.locator('voltshare-console-support input[name=internal]').check();
    await page.locator('voltshare-console-support textarea[name=body]').fill('Earth fault on the charger: technician booked.');
    await page.locator('voltshare-console-support button[type=submit]').click();
    await page.locator('voltshare-console-support li.note', { hasText: 'technician booked' }).waitFor();
    // Start from the canned reply in the ticket's language.
    await page.locator('voltshare-console-support select[name=canned]').selectOption({ label: 'Technicien en route' });
    expect(await page.locator('voltshare-console-support textarea[name=body]').inputValue()).toBe('Nous avons vu la panne : un technicien arrive.');
    await page.locator('voltshare-console-support button[type=submit]').click();
    await page.locator('voltshare-console-support li.staff', { hasText: 'un technicien arrive' }).waitFor();
    // The driver's answer arrives live in the open ticket.
    await fetch(`${base}/v1/support/tickets/${ticket.id}/messages`, { method: 'POST', headers: headers(driver), body: JSON.stringify({ body: 'Merci !' }) });
    await page.locator('voltshare-console-support li', { hasText: 'Merci !' }).waitFor({ timeout: 5000 });
    await page.locator('voltshare-console-support select[name=priority]').selectOption('urgent');
    await page.locator('voltshare-console-support button', { hasText: 'Save' }).click();
    await expect.poll(() => page.locator('voltshare-console-support [data-result]').textContent()).toBe('Saved.');
    const seen = (await (await fetch(`${base}/v1/support/tickets/${ticket.id}`, { headers: headers(driver) })).json()) as {
      priority: string;
      messages: { body: string }[];
    };
    expect(seen.priority).toBe('urgent');
    // The internal note never reaches the driver.
    expect(seen.messages.map((m) => m.body)).not.toContain('Earth fault on the charger: technician booked.');
    await audit(page, 'console support', ['color-contrast', 'label']);
    await shot(page, 'en-3-support');

    // Uptime: last month, the port under 97 % by its printed id, drawn against the target.
    await go(page, 'Uptime');
    await expect.poll(() => page.locator('voltshare-console-uptime [data-table=ports]').textContent()).toContain(broken.evse_id);
    expect(await page.locator('voltshare-console-uptime svg rect').count()).toBeGreaterThan(0);
    const csv = page.waitForEvent('download');
    await page.locator('voltshare-console-uptime button', { hasText: 'Download CSV' }).click();
    expect((await csv).suggestedFilename()).toMatch(/^uptime-\d{4}-\d{2}\.csv$/);
    await audit(page, 'console uptime', ['color-contrast', 'label']);
    await shot(page, 'en-4-uptime');

    // The site, then its charger: faults by name and EVSE id, its OCPP messages, a command kept in the audit trail.
    await go(page, 'Sites');
    await page.locator('voltshare-console-sites a', { hasText: DEMO.hubName }).click();
    await page.locator(`voltshare-console-sites tr[data-evse="${broken.evse_id}"]`).waitFor();
    expect(await page.locator(`voltshare-console-sites tr[data-evse="${broken.evse_id}"]`).textContent()).toContain('Out of order');
    await audit(page, 'console site', ['color-contrast']);
    await shot(page, 'en-5-site');
    await page.locator(`voltshare-console-sites tr[data-evse="${broken.evse_id}"] a`).click();
    await expect.poll(() => page.locator('voltshare-console-charger [data-table=faults]').textContent()).toContain('Earth fault');
    expect(await page.locator('voltshare-console-charger [data-table=faults]').textContent()).toContain(broken.evse_id);
    await expect.poll(() => page.locator('voltshare-console-charger [data-table=messages] tbody tr').count()).toBeGreaterThan(1);
    await page.locator('voltshare-console-charger button', { hasText: 'Ask for its status' }).click();
    await expect.poll(() => page.locator('voltshare-console-charger [data-result]').textContent()).toBe('The charger accepted.');
    const trail = (await (await fetch(`${base}/v1/audit-events?subject_id=${broken.charge_point_id}`, { headers: headers(owner) })).json()) as {
      data: { action: string; outcome: string }[];
    };
    expect(trail.data[0]).toMatchObject({ action: 'charger.report_status', outcome: 'done' });
    await audit(page, 'console charger', ['color-contrast']);
    await shot(page, 'en-6-charger');
    await page.context().close();
  });

  it('in French and German: sessions filtered, one refunded in part; a tariff priced before it exists; bookings and the line; reviews moderated', async () => {
    const owner = await signIn(base, DEMO.owner);
    const driver = await signIn(base, DEMO.driver);
    // A paid session: the demo driver (sandbox card) charges at the hub's second EVSE and stops.
    const evse = hub.evses[1] as HubEvse;
    const sim = sims[1] as SimulatedChargePoint;
    const start = await fetch(`${base}/v1/me/sessions`, { method: 'POST', headers: headers(driver), body: JSON.stringify({ evse_uid: evse.uid }) });
    expect(start.status).toBe(202);
    await expect.poll(() => sim.connectors[0]?.transactionId, { timeout: 15_000 }).toEqual(expect.any(Number));
    await sim.charge(sim.connectors[0] as NonNullable<(typeof sim.connectors)[0]>, 1800);
    const mine = (await (await fetch(`${base}/v1/me/sessions?status=ACTIVE`, { headers: headers(driver) })).json()) as { data: { id: string }[] };
    const sessionId = mine.data[0]?.id as string;
    expect((await fetch(`${base}/v1/me/sessions/${sessionId}/stop`, { method: 'POST', headers: headers(driver) })).status).toBe(202);
    await expect
      .poll(
        async () =>
          ((await (await fetch(`${base}/v1/sessions/${sessionId}/payment`, { headers: headers(owner) })).json()) as { payment_status: string }).payment_status,
        {
          timeout: 15_000,
        },
      )
      .toBe('paid');
    // A review to moderate.
    await fetch(`${base}/v1/locations/${hub.id}/reviews/mine`, {
      method: 'PUT',
      headers: headers(driver),
      body: JSON.stringify({ rating: 1, comment: 'Spam spam spam' }),
    });

    // Signed in, the staff member's own language (kept with the account).
    expect((await fetch(`${base}/v1/me`, { method: 'PATCH', headers: headers(owner), body: JSON.stringify({ locale: 'fr' }) })).status).toBe(200);
    const page = await openConsole('fr-FR', 'Connexion du personnel du réseau');
    await expect.poll(() => page.locator('voltshare-console nav').textContent()).toContain('Vue d’ensemble');
    await go(page, 'Sessions');
    await page.locator('voltshare-console-sessions select[name=state]').selectOption('COMPLETED');
    await page.locator('voltshare-console-sessions select[name=site]').selectOption(hub.id);
    await page.locator('voltshare-console-sessions button[type=submit]').click();
    const rows = page.locator('voltshare-console-sessions [data-table=sessions] tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    expect(await rows.first().textContent()).toContain('payé');
    await audit(page, 'console sessions fr', ['color-contrast', 'label']);
    await shot(page, 'fr-1-sessions');
    await page.goto(`${base}/operator/#/sessions/${sessionId}`);
    const amount = page.locator('voltshare-console-sessions input[name=amount]');
    await amount.waitFor();
    await amount.fill('0,50');
    await page.locator('voltshare-console-sessions input[name=reason]').fill('Prise lente');
    await page.locator('voltshare-console-sessions form button[type=submit]').click();
    await expect.poll(() => page.locator('voltshare-console-sessions [data-refunded]').textContent()).toMatch(/^0,50\s€ remboursé\.$/);
    await expect.poll(() => page.locator('voltshare-console-sessions [data-payment]').textContent()).toBe('partiellement remboursé');
    const payment = (await (await fetch(`${base}/v1/sessions/${sessionId}/payment`, { headers: headers(owner) })).json()) as { refunded_amount: number };
    expect(payment.refunded_amount).toBe(50);
    await audit(page, 'console session fr', ['color-contrast', 'label']);
    await shot(page, 'fr-2-session-refund');

    // Switch to German from the header: every label follows, and the account keeps the choice.
    await page.locator('voltshare-console header select').selectOption('de');
    await expect.poll(() => page.locator('voltshare-console nav').textContent()).toContain('Übersicht');
    await go(page, 'Tarife');
    const quote = page.locator('voltshare-console-tariffs [data-quote]');
    await expect.poll(() => quote.textContent()).toMatch(/Das Beispiel kostet/);
    // 30 kWh at 0,50 € plus 1,00 € a session: 16,00 €.
    await page.locator('voltshare-console-tariffs input[name=energy]').fill('0,50');
    await page.locator('voltshare-console-tariffs input[name=flat]').fill('1');
    const start18 = new Date();
    start18.setHours(18, 0, 0, 0);
    const local = new Date(start18.getTime() - start18.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.locator('voltshare-console-tariffs input[name=exampleStart]').fill(local);
    await page.locator('voltshare-console-tariffs input[name=exampleParked]').fill('0');
    await expect.poll(() => quote.textContent()).toMatch(/Das Beispiel kostet 16,00\s€/);
    // A nonsense price is refused by the API and said beside the preview; nothing is created.
    const before = ((await (await fetch(`${base}/v1/tariffs?limit=100`, { headers: headers(owner) })).json()) as { data: unknown[] }).data.length;
    await page.locator('voltshare-console-tariffs input[name=vat]').fill('250');
    await expect.poll(() => page.locator('voltshare-console-tariffs [data-quote] .error').count()).toBe(1);
    await page.locator('voltshare-console-tariffs input[name=vat]').fill('17');
    await expect.poll(() => page.locator('voltshare-console-tariffs [data-quote] .error').count()).toBe(0);
    await page.locator('voltshare-console-tariffs button[type=submit]').click();
    await expect.poll(() => page.locator('voltshare-console-tariffs [role=status].good').textContent()).toContain('Tarif angelegt.');
    const after = ((await (await fetch(`${base}/v1/tariffs?limit=100`, { headers: headers(owner) })).json()) as { data: unknown[] }).data.length;
    expect(after).toBe(before + 1);
    await audit(page, 'console tariffs de', ['color-contrast', 'label']);
    await shot(page, 'de-1-tariffs');

    await go(page, 'Reservierungen');
    await page.locator('voltshare-console-reservations [data-table=reservations]').waitFor();
    await audit(page, 'console reservations de', ['color-contrast']);
    await shot(page, 'de-2-reservations');

    await go(page, 'Bewertungen');
    const spam = page.locator('voltshare-console-reviews tr', { hasText: 'Spam spam spam' });
    await spam.waitFor();
    await audit(page, 'console reviews de', ['color-contrast']);
    await shot(page, 'de-3-reviews');
    page.once('dialog', (d) => void d.accept());
    await spam.locator('button').click();
    await expect.poll(() => spam.count()).toBe(0);
    const left = (await (await fetch(`${base}/v1/locations/${hub.id}/reviews`, { headers: headers(driver) })).json()) as { data: { comment: string }[] };
    expect(left.data.map((r) => r.comment)).not.toContain('Spam spam spam');

    await go(page, 'Übersicht');
    await page.locator('voltshare-console-overview select').selectOption('30d');
    await expect.poll(() => page.locator('voltshare-console-overview svg rect').count()).toBeGreaterThan(30);
    await shot(page, 'de-4-overview-30-days');
    await go(page, 'Standorte');
    await page.locator('voltshare-console-sites button', { hasText: 'Karte anzeigen' }).click();
    await page.locator('voltshare-console-sites voltshare-map').waitFor();
    await shot(page, 'de-5-sites-map');
    const me = (await (await fetch(`${base}/v1/me`, { headers: headers(owner) })).json()) as { user: { locale: string } };
    expect(me.user.locale).toBe('de');
    await page.context().close();
  });
});
