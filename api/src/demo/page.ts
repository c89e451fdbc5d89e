import { DEMO } from './credentials.js';

/** The demo landing page. Scripts are external files so the strict CSP stays on. */
export const demoPage = (): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Voltshare — live demo</title>
<style>
  :root { --ink: #102a43; --muted: #486581; --bg: #f5f7fa; --card: #fff; --brand: #0b7a75; --available: #1e8e3e; --charging: #1a73e8; --fault: #c5221f; --unknown: #80868b; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
  header { background: linear-gradient(120deg, #0b7a75, #14919b); color: #fff; padding: 20px 28px; display: flex; align-items: baseline; gap: 16px; flex-wrap: wrap; }
  header h1 { margin: 0; font-size: 24px; letter-spacing: .2px; }
  header p { margin: 0; opacity: .9; }
  main { display: grid; grid-template-columns: minmax(320px, 1.2fr) minmax(320px, 1fr); gap: 20px; padding: 20px 28px; }
  .card { background: var(--card); border-radius: 12px; box-shadow: 0 1px 3px rgba(16,42,67,.12); padding: 16px; }
  h2 { font-size: 16px; margin: 0 0 10px; }
  #map { width: 100%; height: auto; background: #e8f0f2; border-radius: 8px; }
  #map circle { stroke: #fff; stroke-width: 1.2; cursor: pointer; transition: r .3s; }
  #map circle.flash { r: 9; }
  .legend { display: flex; gap: 14px; font-size: 13px; color: var(--muted); margin-top: 8px; flex-wrap: wrap; }
  .dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 5px; vertical-align: -1px; }
  .filters { display: flex; gap: 16px; margin-bottom: 10px; font-size: 14px; }
  ul { list-style: none; margin: 0; padding: 0; max-height: 560px; overflow: auto; }
  li { padding: 10px 4px; border-bottom: 1px solid #e4e7eb; display: grid; grid-template-columns: 1fr auto; gap: 4px 12px; }
  li .name { font-weight: 600; }
  li .meta { color: var(--muted); font-size: 13px; }
  .badge { font-size: 12px; font-weight: 600; padding: 2px 8px; border-radius: 999px; color: #fff; align-self: start; white-space: nowrap; }
  .stats { display: flex; gap: 18px; margin-bottom: 12px; }
  .stat b { display: block; font-size: 22px; }
  .stat span { color: var(--muted); font-size: 13px; }
  footer { padding: 0 28px 28px; color: var(--muted); font-size: 13px; }
  footer a { color: var(--brand); margin-right: 14px; }
  #live { font-size: 13px; color: #e6fffa; }
  @media (max-width: 800px) { main { grid-template-columns: 1fr; } }
</style>
</head>
<body data-publishable-key="${DEMO.publishableKey}">
<header>
  <h1>⚡ Voltshare</h1>
  <p>Shared EV charging — live demo on the real Luxembourg stations from Open Charge Map</p>
  <span id="live" aria-live="polite">connecting…</span>
</header>
<main>
  <section class="card" aria-label="Map">
    <h2>Stations right now</h2>
    <div class="stats">
      <div class="stat"><b id="s-locations">–</b><span>locations</span></div>
      <div class="stat"><b id="s-available">–</b><span>EVSEs free</span></div>
      <div class="stat"><b id="s-charging">–</b><span>charging</span></div>
      <div class="stat"><b id="s-events">0</b><span>live updates</span></div>
    </div>
    <svg id="map" viewBox="0 0 600 640" role="img" aria-label="Map of charging stations in Luxembourg"></svg>
    <div class="legend">
      <span><i class="dot" style="background:var(--available)"></i>free</span>
      <span><i class="dot" style="background:var(--charging)"></i>all busy</span>
      <span><i class="dot" style="background:var(--fault)"></i>out of order</span>
      <span><i class="dot" style="background:var(--unknown)"></i>unknown</span>
    </div>
  </section>
  <section class="card" aria-label="Stations">
    <h2>Find a charger</h2>
    <div class="filters">
      <label><input type="checkbox" id="f-dc"> DC fast</label>
      <label><input type="checkbox" id="f-available"> Available now</label>
    </div>
    <ul id="list" aria-live="polite"></ul>
  </section>
</main>
<footer>
  <a href="/docs">API reference</a><a href="/v1/openapi.json">OpenAPI</a><a href="/demo/credentials.json">Demo credentials</a>
  <a href="/v1/open-data/locations.geojson">Open data (GeoJSON)</a><a href="/ocpi/2.2.1/locations">OCPI 2.2.1</a>
  <p>Station data © Open Charge Map contributors and data providers (CC BY-SA 4.0; Oplaadpalen.nl records CC BY-NC-SA 3.0). Live changes in this demo are simulated.</p>
</footer>
<script src="/socket.io/socket.io.min.js"></script>
<script src="/demo/app.js"></script>
</body>
</html>`;

/** Runs in the browser: reads discovery with the publishable key and follows realtime events. */
export const demoScript = `(() => {
  const key = document.body.dataset.publishableKey;
  const headers = { authorization: 'Bearer ' + key };
  const box = { minLat: 49.44, maxLat: 50.19, minLng: 5.72, maxLng: 6.54 };
  const colours = { AVAILABLE: 'var(--available)', CHARGING: 'var(--charging)', OUTOFORDER: 'var(--fault)', INOPERATIVE: 'var(--fault)' };
  let locations = new Map();
  let events = 0;
  const $ = (id) => document.getElementById(id);
  const api = (path) => fetch(path, { headers, referrerPolicy: 'same-origin' }).then((r) => r.json());
  const project = (l) => [((l.coordinates.longitude - box.minLng) / (box.maxLng - box.minLng)) * 580 + 10, ((box.maxLat - l.coordinates.latitude) / (box.maxLat - box.minLat)) * 620 + 10];
  const state = (l) => l.availability.available > 0 ? 'AVAILABLE' : (l.availability.counts.CHARGING ? 'CHARGING' : (l.availability.counts.OUTOFORDER || l.availability.counts.INOPERATIVE ? 'OUTOFORDER' : 'UNKNOWN'));
  const label = { AVAILABLE: 'free', CHARGING: 'busy', OUTOFORDER: 'out of order', UNKNOWN: 'unknown' };
  const price = (p) => p && p.energy_per_kwh != null ? new Intl.NumberFormat(undefined, { style: 'currency', currency: p.currency }).format(p.energy_per_kwh / 100) + '/kWh' : '';
  function render() {
    const svg = $('map');
    const all = [...locations.values()].filter((l) => l.coordinates.latitude > box.minLat);
    svg.innerHTML = all.map((l) => { const [x, y] = project(l); return '<circle data-id="' + l.id + '" cx="' + x.toFixed(1) + '" cy="' + y.toFixed(1) + '" r="6" fill="' + (colours[state(l)] || 'var(--unknown)') + '"><title>' + l.name.replace(/</g, '&lt;') + ' — ' + label[state(l)] + '</title></circle>'; }).join('');
    const dc = $('f-dc').checked, free = $('f-available').checked;
    const shown = all.filter((l) => (!dc || l.power_types.includes('DC')) && (!free || l.availability.available_now)).sort((a, b) => b.availability.available - a.availability.available || a.name.localeCompare(b.name));
    $('list').innerHTML = shown.map((l) => '<li><span class="name">' + l.name.replace(/</g, '&lt;') + '</span><span class="badge" style="background:' + (colours[state(l)] || 'var(--unknown)') + '">' + l.availability.available + '/' + l.availability.total + ' free</span><span class="meta">' + l.city.replace(/</g, '&lt;') + ' · ' + Math.round(l.max_power_w / 1000) + ' kW · ' + l.connector_standards.join(', ').replace(/IEC_62196_/g, '') + '</span><span class="meta">' + price(l.price) + '</span></li>').join('');
    let available = 0, charging = 0;
    for (const l of all) { available += l.availability.available; charging += l.availability.counts.CHARGING || 0; }
    $('s-locations').textContent = all.length; $('s-available').textContent = available; $('s-charging').textContent = charging; $('s-events').textContent = events;
  }
  async function load() {
    let cursor = null; const next = new Map();
    do {
      const page = await api('/v1/locations?lat=49.8&lng=6.13&radius_m=60000&limit=100' + (cursor ? '&cursor=' + cursor : ''));
      for (const l of page.data) next.set(l.id, l);
      cursor = page.next_cursor;
    } while (cursor);
    locations = next; render();
  }
  document.querySelectorAll('.filters input').forEach((i) => i.addEventListener('change', render));
  load().then(() => {
    const socket = io({ auth: { token: key }, transports: ['websocket'] });
    socket.on('connect', () => { $('live').textContent = '● live'; socket.emit('subscribe', { bbox: [box.minLng, box.minLat, box.maxLng, box.maxLat] }, () => {}); load(); });
    socket.on('disconnect', () => { $('live').textContent = 'reconnecting…'; });
    socket.on('evse.status', async (e) => {
      const current = locations.get(e.location_id);
      if (current && current.version >= e.version) return;
      const fresh = await api('/v1/locations/' + e.location_id);
      if (fresh && fresh.id) { const { evses, ...summary } = fresh; locations.set(fresh.id, { ...summary, distance_m: null }); events++; render();
        const dot = document.querySelector('circle[data-id="' + fresh.id + '"]'); if (dot) { dot.classList.add('flash'); setTimeout(() => dot.classList.remove('flash'), 600); } }
    });
  });
})();`;
