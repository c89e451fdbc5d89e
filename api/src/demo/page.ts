import { DEMO } from './credentials.js';

/**
 * The demo landing page: the embeddable widget on the real Luxembourg stations, exactly as a
 * partner would embed it. Scripts are external files so the strict CSP stays on.
 */
export const demoPage = (): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Voltshare — live demo</title>
<style>
  :root { --ink: #102a43; --muted: #486581; --bg: #f2f5f8; --brand: #0b6b66; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
  header { background: linear-gradient(120deg, #0b6b66, #127f86); color: #fff; padding: 16px 28px; display: flex; align-items: center; gap: 18px; flex-wrap: wrap; }
  header h1 { margin: 0; font-size: 22px; }
  header p { margin: 0; opacity: .92; flex: 1; min-width: 240px; }
  header a { color: #fff; font-weight: 600; }
  header select { font: inherit; border-radius: 6px; border: 0; padding: 4px 6px; }
  main { display: grid; grid-template-columns: minmax(0, 1.7fr) minmax(320px, 1fr); gap: 18px; padding: 18px 28px; align-items: start; }
  .card { background: #fff; border-radius: 12px; box-shadow: 0 1px 3px rgba(16,42,67,.12); padding: 16px; }
  aside { display: grid; gap: 18px; }
  .who { font-size: 13px; color: var(--muted); margin: 0 0 8px; }
  footer { padding: 0 28px 28px; color: var(--muted); font-size: 13px; }
  footer a { color: var(--brand); margin-right: 14px; }
  @media (max-width: 900px) { main { grid-template-columns: 1fr; } }
</style>
</head>
<body data-publishable-key="${DEMO.publishableKey}">
<header>
  <h1>⚡ Voltshare</h1>
  <p>Shared EV charging — live on the real Luxembourg stations from Open Charge Map. Chargers marked LU-SIM are simulated and change state as you watch.</p>
  <label>Language
    <select id="language" aria-label="Language">
      <option value="auto">Auto</option><option value="en">English</option><option value="de">Deutsch</option><option value="fr">Français</option>
      <option value="es">Español</option><option value="nl">Nederlands</option><option value="it">Italiano</option><option value="zh-Hans">中文</option>
    </select>
  </label>
  <a href="/app/?demo">Open the driver app (as the demo driver)</a><a href="/docs/">Docs</a><a href="/operator/">Operator view</a>
</header>
<main>
  <section class="card" aria-label="Stations">
    <voltshare-map id="map" publishable-key="${DEMO.publishableKey}" lat="${DEMO.mapCentre.lat}" lng="${DEMO.mapCentre.lng}" zoom="9" radius-km="70"></voltshare-map>
  </section>
  <aside>
    <section class="card"><voltshare-station id="station" publishable-key="${DEMO.publishableKey}"></voltshare-station></section>
    <section class="card">
      <p class="who" id="who">Signing in the demo driver…</p>
      <voltshare-booking id="booking"></voltshare-booking>
    </section>
    <section class="card" id="session-card" hidden><voltshare-session id="session"></voltshare-session></section>
  </aside>
</main>
<footer>
  <a href="/docs/">Documentation</a><a href="/docs/api/">API reference</a><a href="/v1/openapi.json">OpenAPI</a><a href="/demo/credentials.json">Demo credentials</a>
  <a href="/v1/open-data/locations.geojson">Open data (GeoJSON)</a><a href="/ocpi/2.2.1/locations">OCPI 2.2.1</a>
  <p>Station data © Open Charge Map contributors and data providers (CC BY-SA 4.0; Oplaadpalen.nl records CC BY-NC-SA 3.0). Map © OpenStreetMap contributors. Live changes in this demo are simulated.</p>
</footer>
<script type="module" src="/widget/voltshare.js"></script>
<script type="module" src="/demo/app.js"></script>
</body>
</html>`;

/**
 * Runs in the browser: the demo driver signs in (the credentials are public), a picked station
 * opens in the detail and booking elements, and the driver's live session shows when there is one.
 */
export const demoScript = `const $ = (id) => document.getElementById(id);
const elements = ['map', 'station', 'booking', 'session'].map($);
$('language').addEventListener('change', (e) => { for (const el of elements) el.locale = e.target.value; });
$('map').addEventListener('voltshare-select', (e) => {
  $('station').locationId = e.detail.location_id;
  $('booking').locationId = e.detail.location_id;
});
const credentials = await fetch('/demo/credentials.json').then((r) => r.json());
const login = await fetch('/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials.driver) });
if (login.ok) {
  const tokens = await login.json();
  $('booking').token = tokens.access_token;
  $('who').textContent = 'Booking as the demo driver (' + credentials.driver.email + ')';
  const sessions = await fetch('/v1/me/sessions?limit=1', { headers: { authorization: 'Bearer ' + tokens.access_token } }).then((r) => r.json());
  const live = sessions.data && sessions.data.find((s) => s.status === 'ACTIVE');
  if (live) { $('session').token = tokens.access_token; $('session').sessionId = live.id; $('session-card').hidden = false; }
} else {
  $('who').textContent = 'The demo driver could not sign in.';
}
`;
