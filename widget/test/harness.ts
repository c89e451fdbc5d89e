import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO, loadConfig, openDatabase, type RunningPlatform, startPlatform, workspaceSites } from '@voltshare/api';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';

/** The flags this machine's closed network needs (no background calls home, no QUIC). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Harness {
  platform: RunningPlatform;
  browser: Browser;
  /** Serves `html` (a body fragment) as a page of the API's own origin, with the widget loaded. */
  open(html: string, options?: BrowserContextOptions): Promise<Page>;
  /** Calls the API over HTTP as a client would. */
  api<T = unknown>(method: string, route: string, token?: string, body?: unknown): Promise<{ status: number; body: T }>;
  ownerToken(): Promise<string>;
  /** A station without an OCPP charger (its status is what staff set) with an available EVSE. */
  quietStation(): Promise<{ id: string; evseUid: string }>;
  stop(): Promise<void>;
}

/** The real API (embedded PGlite, demo data) serving the built widget, and Debian's Chromium. */
export async function startHarness(): Promise<Harness> {
  const pages = mkdtempSync(path.join(tmpdir(), 'voltshare-widget-pages-'));
  // The page CSP allows same-origin scripts only, so axe is served next to the test pages.
  copyFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), path.join(pages, 'axe.min.js'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    JWT_SECRET: 'widget-test-secret-widget-test-secret-01',
    VOLTSHARE_DEMO: 'true',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'voltshare-widget-data-')),
  });
  const platform = await startPlatform(config, await openDatabase({}), [], [...workspaceSites(), { path: '/test-pages', dir: pages }]);
  await platform.indexLoaded;
  // The demo's publishable key is allowed from the origin the platform seeded: its own URL.
  const base = platform.url.replace('localhost', '127.0.0.1');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  let counter = 0;

  const api = async <T>(method: string, route: string, token?: string, body?: unknown) => {
    const res = await fetch(`${base}${route}`, {
      method,
      // Publishable keys are checked against the caller's origin, as a browser would send it.
      headers: { 'content-type': 'application/json', origin: base, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  return {
    platform,
    browser,
    api,
    async open(html, options) {
      const name = `page-${++counter}.html`;
      writeFileSync(
        path.join(pages, name),
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Widget test</title></head><body>${html}<script type="module" src="/widget/voltshare.js"></script></body></html>`,
      );
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error('page error:', error.message));
      await page.goto(`${base}/test-pages/${name}`);
      await page.waitForFunction(() => customElements.get('voltshare-map') !== undefined);
      return page;
    },
    async ownerToken() {
      const { body } = await api<{ access_token: string }>('POST', '/v1/auth/login', undefined, { email: DEMO.owner.email, password: DEMO.owner.password });
      return body.access_token;
    },
    async quietStation() {
      const { body } = await api<{ data: { id: string }[] }>('GET', '/v1/locations?lat=49.61&lng=6.13&radius_m=20000&limit=50', DEMO.publishableKey);
      for (const { id } of body.data) {
        const { body: detail } = await api<{ evses: { uid: string; status: string; charge_point_id: string | null }[] }>(
          'GET',
          `/v1/locations/${id}`,
          DEMO.publishableKey,
        );
        const evse = detail.evses.find((e) => e.status === 'AVAILABLE' && e.charge_point_id === null);
        if (evse) return { id, evseUid: evse.uid };
      }
      throw new Error('no quiet station in the demo data');
    },
    async stop() {
      await browser.close();
      await platform.stop();
    },
  };
}

export const PK = DEMO.publishableKey;
/** A tile server that refuses at once: the map must work without its background. */
export const OFFLINE_TILES = 'http://127.0.0.1:9/{z}/{x}/{y}.png';

/** Text of the elements matching `selector` inside a widget element's shadow root. */
export const texts = (page: Page, host: string, selector: string) =>
  page.evaluate(
    ([h, s]) =>
      [...(document.querySelector(h as string)?.shadowRoot?.querySelectorAll(s as string) ?? [])].map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()),
    [host, selector],
  );

/** A map of the Luxembourg demo stations, tiles served locally (none load: the markers and list must work without). */
export const mapPage = `<voltshare-map publishable-key="${PK}" tile-url="${OFFLINE_TILES}" lat="49.61" lng="6.13" radius-km="80" locale="en"></voltshare-map>`;

/**
 * A station of the demo network alone at `coordinates`, whose energy costs 0.60 €/kWh from this
 * local hour for two hours and 0.30 € otherwise: something is always cheaper later.
 */
export async function dearNowStation(h: Harness, name: string, coordinates: { latitude: number; longitude: number }): Promise<string> {
  const owner = (await h.api<{ access_token: string }>('POST', '/v1/auth/login', undefined, { email: DEMO.owner.email, password: DEMO.owner.password })).body
    .access_token;
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
    name,
    address: '4 Rue du Test',
    city: 'Luxembourg',
    country: 'LU',
    coordinates,
    time_zone: 'Europe/Luxembourg',
    evses: [{ connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 16 }] }],
  });
  await h.api('PATCH', `/v1/evses/${site.body.evses[0]?.uid}`, owner, { tariff_id: tariff.body.id });
  return site.body.id;
}
