import { type Request, type Response, Router } from 'express';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The operator console at /operator/: a shell for `<voltshare-console>` (the widget's console
 * elements on the public API and realtime feed, in the staff member's language). Site power,
 * sustainability and dynamic prices are still on the earlier page at /operator/energy/ — plain
 * HTML and one external script (the CSP allows no inline script) — until they move to elements.
 */
export function operatorConsole(demo: { email: string; password: string } | undefined): Router {
  const router = Router();
  router.get('/', (req: Request, res: Response) => {
    if (!req.originalUrl.split('?')[0]?.endsWith('/')) {
      res.redirect(301, `${req.baseUrl}/`);
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(shell(demo));
  });
  router.get('/energy/', (_req: Request, res: Response) => {
    res.type('html').send(page(demo));
  });
  router.get('/energy/app.js', (_req: Request, res: Response) => {
    res.type('application/javascript').send(script);
  });
  return router;
}

const shell = (demo: { email: string; password: string } | undefined) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Voltshare — operator console</title>
<link rel="icon" href="/app/icon.svg" type="image/svg+xml">
<link rel="modulepreload" href="/widget/voltshare-console.js">
<style>html,body{margin:0;background:#f2f5f8;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#102a43}voltshare-console:not(:defined){display:block;min-height:100vh}</style>
</head>
<body>
<voltshare-console${demo ? ` demo-email="${esc(demo.email)}" demo-password="${esc(demo.password)}"` : ''}></voltshare-console>
<noscript>The operator console needs JavaScript.</noscript>
<script type="module" src="/widget/voltshare-console.js"></script>
</body>
</html>`;

const page = (demo: { email: string; password: string } | undefined) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Voltshare — energy and site power</title>
<style>
  :root { --ink: #102a43; --muted: #486581; --bg: #f2f5f8; --brand: #0b6b66; --line: #d9e2ec;
  }
  * { box-sizing: border-box; }
  [hidden] { display: none !important; }
  body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
  header { background: #102a43; color: #fff; padding: 14px 28px; display: flex; gap: 16px; align-items: center; }
  header h1 { font-size: 19px; margin: 0; flex: 1; }
  header a, header button { color: #fff; background: none; border: 1px solid rgba(255,255,255,.5); border-radius: 6px; padding: 4px 10px; font: inherit; cursor: pointer; text-decoration: none; }
  main { padding: 20px 28px; display: grid; gap: 18px; }
  .card { background: #fff; border-radius: 12px; box-shadow: 0 1px 3px rgba(16,42,67,.12); padding: 16px 18px; }
  .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 14px; }
  .tile b { display: block; font-size: 28px; }
  .tile span { color: var(--muted); font-size: 13px; }
  h2 { font-size: 15px; margin: 0 0 12px; }
  .row { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
  @media (max-width: 900px) { .row { grid-template-columns: 1fr; } }
  .legend { display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 13px; color: var(--muted); margin-top: 10px; }
  .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; }
  table { width: 100%; border-collapse: collapse; font-size: 14px; }
  th, td { text-align: left; padding: 6px 4px; border-bottom: 1px solid var(--line); }
  th { color: var(--muted); font-weight: 600; }
  #signin { max-width: 360px; margin: 60px auto; display: grid; gap: 10px; }
  .inline { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin-bottom: 10px; }
  .inline label { display: grid; gap: 3px; font-size: 13px; color: var(--muted); }
  select { font: inherit; padding: 8px 10px; border: 1px solid var(--line); border-radius: 8px; background: #fff; }
  td button { font: inherit; font-size: 13px; background: none; border: 1px solid var(--line); border-radius: 6px; padding: 2px 8px; cursor: pointer; }
  input { font: inherit; padding: 8px 10px; border: 1px solid var(--line); border-radius: 8px; }
  .primary { background: var(--brand); color: #fff; border: 0; border-radius: 8px; padding: 9px 14px; font: inherit; font-weight: 600; cursor: pointer; }
  .muted { color: var(--muted); font-size: 13px; }
  .error { color: #b3261e; font-weight: 600; }
  svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
  textarea { font: inherit; padding: 8px 10px; border: 1px solid var(--line); border-radius: 8px; min-width: 320px; }
  .grow { flex: 1; } .check { display: flex !important; align-items: center; gap: 6px; }
</style>
</head>
<body>
<header><h1>⚡ Voltshare · <span id="network">energy and site power</span></h1><span id="live" class="muted" style="color:#bcccdc" aria-live="polite"></span><a href="/operator/">Console</a><a href="/docs/">Docs</a><button id="signout" hidden>Sign out</button></header>
<form id="signin" class="card" ${demo ? `data-demo-email="${demo.email}" data-demo-password="${demo.password}"` : ''}>
  <h2>Sign in as network staff</h2>
  <label>Email <input id="email" type="email" autocomplete="username" required></label>
  <label>Password <input id="password" type="password" autocomplete="current-password" required></label>
  <button class="primary" type="submit">Sign in</button>
  ${demo ? '<p class="muted">Demo: the demo network owner is filled in.</p>' : ''}
  <p id="signin-error" class="error" role="alert"></p>
</form>
<main id="console" hidden>
  <section class="card" aria-labelledby="limits-title"><h2 id="limits-title">Site power limits</h2>
    <form id="limit-form" class="inline">
      <label>Site <select id="limit-site" required></select></label>
      <label>Limit (kW) <input id="limit-kw" type="number" min="0" step="0.1" required></label>
      <label>For hours (empty: until ended) <input id="limit-hours" type="number" min="0.25" step="0.25"></label>
      <button class="primary" type="submit">Cap the site</button>
    </form>
    <p id="limit-result" class="muted" role="status"></p>
    <table><thead><tr><th>Site</th><th>Limit</th><th>Set by</th><th>Until</th><th></th></tr></thead><tbody id="limits"></tbody></table>
  </section>
  <section class="card" aria-labelledby="power-title"><h2 id="power-title">Site power — the last 24 hours</h2>
    <div class="inline"><label>Site <select id="power-site"></select></label><span id="power-summary" class="muted" role="status"></span></div>
    <svg id="power-chart" viewBox="0 0 1000 240" role="img" aria-labelledby="power-title power-summary"></svg>
    <div class="legend"><span><i style="background:#b3261e"></i>cap</span><span><i style="background:#9fd8d3"></i>planned (what the chargers were told)</span><span><i style="background:#102a43"></i>measured draw</span></div>
    <table><thead><tr><th>Charger</th><th>Share</th><th>Draws</th><th>Planned</th><th>Why</th></tr></thead><tbody id="shares"></tbody></table>
  </section>
  <section class="card" aria-labelledby="green-title"><h2 id="green-title">Sustainability — the last 12 months</h2>
    <p id="green-summary" class="muted" role="status"></p>
    <svg id="green-chart" viewBox="0 0 1000 240" role="img" aria-labelledby="green-title green-summary"></svg>
    <div class="legend"><span><i style="background:#f0b429"></i>on-site PV</span><span><i style="background:#9fd8d3"></i>battery</span><span><i style="background:#14919b"></i>grid</span><span><i style="background:#1b7a34"></i>renewable share (market-based)</span></div>
    <div class="inline"><button type="button" id="green-csv">Download CSV</button><button type="button" id="green-pdf">Download PDF</button></div>
    <table><caption class="muted" id="green-month"></caption><thead><tr><th>Site</th><th>Energy</th><th>Renewable</th><th>CO₂ emitted</th><th>CO₂ avoided</th><th>PV used by charging</th></tr></thead><tbody id="green-sites"></tbody></table>
    <h3 id="solar-title">Solar potential — sites without PV</h3>
    <table aria-labelledby="solar-title"><thead><tr><th>Site</th><th>Carport</th><th>Yield a year</th><th>CO₂ saved a year</th><th>Of its charging</th></tr></thead><tbody id="solar"></tbody></table>
    <p class="muted" id="solar-assumptions"></p>
  </section>
  <section class="card" aria-labelledby="dynamic-title"><h2 id="dynamic-title">Dynamic prices — tomorrow</h2>
    <p class="muted" id="dynamic-summary" role="status"></p>
    <div id="dynamic"></div>
  </section>
</main>
<script src="/socket.io/socket.io.min.js"></script>
<script src="/operator/energy/app.js"></script>
</body>
</html>`;

const script = `(() => {
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s == null ? '' : s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const when = (d) => d ? new Date(d).toLocaleString() : 'never';
  const form = $('signin');
  if (form.dataset.demoEmail) { $('email').value = form.dataset.demoEmail; $('password').value = form.dataset.demoPassword; }
  let token = sessionStorage.getItem('voltshare.operator');
  let socket;

  async function send(method, path, body) {
    const res = await fetch(path, { method, headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    if (res.status === 401) { signOut(); throw new Error('signed out'); }
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(json.errors ? json.errors.map((e) => e.field + ' ' + e.message).join('; ') : json.detail || res.statusText);
    return json;
  }
  const api = (path) => send('GET', path);

  async function refreshLimits() {
    const limits = await api('/v1/power-limits');
    $('limits').innerHTML = limits.map((l) => '<tr><td>' + esc(l.location_name) + '</td><td>' + (l.max_power_w / 1000).toFixed(1) + ' kW' + (l.in_force ? '' : ' <span class="muted">from ' + when(l.starts_at) + '</span>') + '</td><td>' + (l.source === 'grid' ? 'grid operator' : 'network') + '</td><td>' + (l.ends_at ? when(l.ends_at) : 'until ended') + '</td><td><button type="button" data-end="' + esc(l.id) + '">End</button></td></tr>').join('') || '<tr><td colspan="5" class="muted">No site is capped.</td></tr>';
  }

  function told(state) {
    const counts = {};
    for (const a of state.applied) counts[a.result] = (counts[a.result] || 0) + 1;
    return 'Told ' + state.applied.length + ' EVSEs: ' + (Object.entries(counts).map(([r, n]) => n + ' ' + r).join(', ') || 'none at this site') + '.';
  }

  function signOut() {
    sessionStorage.removeItem('voltshare.operator'); token = null;
    if (socket) socket.disconnect();
    $('console').hidden = true; $('signout').hidden = true; form.hidden = false;
  }

  const kw = (w) => w == null ? '–' : (w / 1000).toLocaleString(undefined, { maximumFractionDigits: 1 }) + ' kW';
  const REASONS = { idle: 'idle: keeps enough to start a car', planned: 'planned from the driver’s departure and energy', shared_alike: 'nothing stated: shares alike', ignores_limit: 'draws over its share: flagged as a fault, the others reduced', not_told: 'not told (no limit, or offline)' };

  function drawPower(history) {
    const svg = $('power-chart'); const left = 52, bottom = 212, height = 196, width = 916;
    const to = Date.now(), from = to - 86400000;
    const samples = history.samples.map((p) => ({ t: new Date(p.at).getTime(), cap: p.cap_w, plan: p.planned_w, draw: p.measured_w }));
    const top = Math.max(1000, ...samples.map((p) => Math.max(p.cap || 0, p.plan, p.draw))) * 1.1;
    const x = (t) => (left + ((t - from) / (to - from)) * width).toFixed(1);
    const y = (w) => (bottom - (w / top) * height).toFixed(1);
    let out = '<line x1="' + left + '" y1="' + bottom + '" x2="' + (left + width) + '" y2="' + bottom + '" stroke="#bcccdc"/>';
    for (const f of [0.5, 1]) out += '<line x1="' + left + '" y1="' + y(top * f / 1.1) + '" x2="' + (left + width) + '" y2="' + y(top * f / 1.1) + '" stroke="#eef2f6"/><text x="' + (left - 6) + '" y="' + (Number(y(top * f / 1.1)) + 4) + '" text-anchor="end">' + kw(top * f / 1.1) + '</text>';
    for (let h = 0; h <= 24; h += 3) { const t = from + h * 3600000; out += '<text x="' + x(t) + '" y="' + (bottom + 16) + '" text-anchor="middle">' + new Date(t).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) + '</text>'; }
    if (samples.length) {
      // Each step holds until the next one (or now).
      const steps = samples.map((p, i) => ({ ...p, until: i + 1 < samples.length ? samples[i + 1].t : to }));
      let area = 'M' + x(steps[0].t) + ' ' + bottom;
      let cap = ''; let draw = '';
      for (const p of steps) {
        area += ' L' + x(p.t) + ' ' + y(p.plan) + ' L' + x(p.until) + ' ' + y(p.plan);
        if (p.cap != null) cap += (cap ? ' L' : 'M') + x(p.t) + ' ' + y(p.cap) + ' L' + x(p.until) + ' ' + y(p.cap);
        draw += (draw ? ' L' : 'M') + x(p.t) + ' ' + y(p.draw) + ' L' + x(p.until) + ' ' + y(p.draw);
      }
      out += '<path d="' + area + ' L' + x(steps[steps.length - 1].until) + ' ' + bottom + ' Z" fill="#9fd8d3"/>';
      out += '<path d="' + cap + '" fill="none" stroke="#b3261e" stroke-width="2" stroke-dasharray="6 3"/>';
      out += '<path d="' + draw + '" fill="none" stroke="#102a43" stroke-width="2"/>';
    } else out += '<text x="' + (left + width / 2) + '" y="' + (bottom - height / 2) + '" text-anchor="middle">No planning steps in the last 24 hours (the site is planned while cars charge under a cap).</text>';
    svg.innerHTML = out;
  }

  async function refreshPower() {
    const site = $('power-site').value; if (!site) return;
    const [history, view] = await Promise.all([api('/v1/locations/' + encodeURIComponent(site) + '/power-history'), api('/v1/locations/' + encodeURIComponent(site) + '/power-limits')]);
    drawPower(history);
    const last = history.samples[history.samples.length - 1];
    $('power-summary').textContent = 'Cap now ' + kw(view.max_power_w) + ', drawing ' + kw(view.measured_w) + '; this month’s peak ' + kw(history.peak_this_month_w) + (last ? '; last planned ' + when(last.at) : '') + '.';
    $('shares').innerHTML = view.shares.map((e) => '<tr><td>' + esc(e.charger_identity) + (e.evse_id ? ' · ' + esc(e.evse_id) : '') + '</td><td>' + kw(e.share_w) + '</td><td>' + kw(e.measured_w) + '</td><td>' + (e.planned_wh == null ? '–' : (e.planned_wh / 1000).toLocaleString(undefined, { maximumFractionDigits: 1 }) + ' kWh' + (e.planned_by ? ' by ' + new Date(e.planned_by).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : '')) + '</td><td>' + esc(REASONS[e.reason] || e.reason) + '</td></tr>').join('') || '<tr><td colspan="5" class="muted">No EVSEs at this site.</td></tr>';
  }

  const month = (d) => d.toISOString().slice(0, 7);
  const greenRange = () => { const now = new Date(); return { from: month(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1))), to: month(now) }; };
  const kg = (x) => x.toLocaleString(undefined, { maximumFractionDigits: 1 }) + ' kg';
  const pct = (x) => x == null ? '–' : x.toLocaleString(undefined, { style: 'percent', maximumFractionDigits: 0 });

  function drawGreen(report) {
    const svg = $('green-chart'); const left = 60, bottom = 200, height = 180, width = 880;
    const { from } = greenRange(); const keys = [];
    for (let i = 0; i < 12; i++) { const d = new Date(from + '-01T00:00:00Z'); d.setUTCMonth(d.getUTCMonth() + i); keys.push(month(d)); }
    const network = new Map(report.months.filter((m) => m.location_id === null).map((m) => [m.month, m]));
    const most = Math.max(1, ...[...network.values()].map((m) => m.energy_kwh)); const step = width / 12;
    let out = '<line x1="' + left + '" y1="' + bottom + '" x2="' + (left + width) + '" y2="' + bottom + '" stroke="#bcccdc"/>';
    out += '<text x="' + (left - 6) + '" y="' + (bottom - height + 4) + '" text-anchor="end">' + most.toLocaleString(undefined, { maximumFractionDigits: 0 }) + ' kWh</text><text x="' + (left - 6) + '" y="' + bottom + '" text-anchor="end">0</text>';
    out += '<text x="' + (left + width + 6) + '" y="' + (bottom - height + 4) + '">100%</text>';
    let line = '';
    keys.forEach((k, i) => {
      const m = network.get(k); const x = left + i * step + step * 0.15; const w = step * 0.7; let y = bottom;
      if (m) {
        for (const [v, c, label] of [[m.on_site_pv_kwh, '#f0b429', 'PV'], [m.battery_kwh, '#9fd8d3', 'battery'], [m.grid_kwh, '#14919b', 'grid']]) {
          const h = (v / most) * height; if (h > 0) out += '<rect x="' + x.toFixed(1) + '" y="' + (y - h).toFixed(1) + '" width="' + w.toFixed(1) + '" height="' + h.toFixed(1) + '" fill="' + c + '"><title>' + k + ' ' + label + ': ' + v.toLocaleString() + ' kWh</title></rect>';
          y -= h;
        }
        const ry = bottom - m.renewable_share.market_based * height;
        line += (line ? ' L' : 'M') + (x + w / 2).toFixed(1) + ' ' + ry.toFixed(1);
        out += '<circle cx="' + (x + w / 2).toFixed(1) + '" cy="' + ry.toFixed(1) + '" r="3.5" fill="#1b7a34"><title>' + k + ': ' + pct(m.renewable_share.market_based) + ' renewable</title></circle>';
      }
      out += '<text x="' + (x + w / 2).toFixed(1) + '" y="' + (bottom + 16) + '" text-anchor="middle">' + new Date(k + '-15T00:00:00Z').toLocaleDateString(undefined, { month: 'short' }) + '</text>';
    });
    if (line) out += '<path d="' + line + '" fill="none" stroke="#1b7a34" stroke-width="2"/>';
    if (!network.size) out += '<text x="' + (left + width / 2) + '" y="' + (bottom - height / 2) + '" text-anchor="middle">No completed sessions accounted in the last 12 months.</text>';
    svg.innerHTML = out;
    const total = [...network.values()].reduce((t, m) => ({ kwh: t.kwh + m.energy_kwh, co2: t.co2 + m.co2_kg.location_based, avoided: t.avoided + m.avoided_co2_kg }), { kwh: 0, co2: 0, avoided: 0 });
    $('green-summary').textContent = total.kwh.toLocaleString(undefined, { maximumFractionDigits: 0 }) + ' kWh delivered, ' + kg(total.co2) + ' CO₂ emitted (grid average), ' + kg(total.avoided) + ' CO₂ avoided against petrol cars. Grid intensity: ' + (report.method.intensity_sources.join('; ') || '–') + '.';
    const latest = [...keys].reverse().find((k) => network.has(k));
    const last = report.months.filter((m) => m.location_id !== null && m.month === latest);
    $('green-month').textContent = latest ? 'Per site, ' + new Date(latest + '-15T00:00:00Z').toLocaleDateString(undefined, { month: 'long', year: 'numeric' }) : '';
    $('green-sites').innerHTML = last.map((m) => '<tr><td>' + esc(m.location_name) + '</td><td>' + m.energy_kwh.toLocaleString(undefined, { maximumFractionDigits: 1 }) + ' kWh</td><td>' + pct(m.renewable_share.location_based) + ' / ' + pct(m.renewable_share.market_based) + ' (market)</td><td>' + kg(m.co2_kg.location_based) + '</td><td>' + kg(m.avoided_co2_kg) + '</td><td>' + pct(m.pv_self_consumption) + '</td></tr>').join('') || '<tr><td colspan="6" class="muted">No sessions this month yet.</td></tr>';
  }

  async function refreshGreen() {
    const { from, to } = greenRange();
    const [report, solar] = await Promise.all([api('/v1/sustainability/report?from=' + from + '&to=' + to), api('/v1/sustainability/solar-potential')]);
    drawGreen(report);
    // The ten with the most to save; the rest summed below.
    $('solar').innerHTML = solar.slice(0, 10).map((p) => '<tr><td>' + esc(p.location_name) + '</td><td>' + p.kwp.toLocaleString() + ' kWp</td><td>' + p.yield_kwh_per_year.toLocaleString() + ' kWh</td><td>' + kg(p.co2_avoided_kg_per_year) + '</td><td>' + pct(p.share_of_charging) + '</td></tr>').join('') || '<tr><td colspan="5" class="muted">Every site has PV.</td></tr>';
    const rest = solar.slice(10);
    $('solar-assumptions').textContent = (rest.length ? rest.length + ' more sites could make ' + rest.reduce((n, p) => n + p.yield_kwh_per_year, 0).toLocaleString() + ' kWh a year. ' : '') + (solar[0] ? 'Assumed: ' + solar[0].assumptions.array.replace(/ \\(\\d+ EVSEs\\)/, '') + '; ' + solar[0].assumptions.weather + '; ' + solar[0].assumptions.load + '.' : '');
  }

  /** A report file from the API, saved under its name; a failure is said where the report's summary is. */
  async function downloadFile(path, name, summary) {
    const res = await fetch(path, { headers: { authorization: 'Bearer ' + token } });
    if (!res.ok) { $(summary).textContent = 'The report could not be downloaded.'; return; }
    const url = URL.createObjectURL(await res.blob()); const a = document.createElement('a');
    a.href = url; a.download = name; document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }
  function download(format) {
    const { from, to } = greenRange();
    return downloadFile('/v1/sustainability/report/export?format=' + format + '&from=' + from + '&to=' + to, 'sustainability-' + from + '-' + to + '.' + format, 'green-summary');
  }

  const KINDS = { quiet: 'quiet: discount', peak: 'forecast peak: surcharge', grid_event: 'utility peak event: surcharge', normal: 'base price' };
  async function refreshDynamic() {
    const tariffs = (await api('/v1/tariffs?limit=100')).data;
    const withRules = [];
    for (const t of tariffs) {
      const res = await fetch('/v1/tariffs/' + encodeURIComponent(t.id) + '/dynamic-pricing', { headers: { authorization: 'Bearer ' + token } });
      if (res.ok) withRules.push({ tariff: t, rules: await res.json() });
    }
    $('dynamic-summary').textContent = withRules.length ? withRules.length + ' tariff(s) with dynamic off-peak prices; tomorrow is published at 18:00 local unless held.' : 'No tariff has dynamic off-peak prices (PUT /v1/tariffs/{id}/dynamic-pricing).';
    const blocks = [];
    for (const { tariff, rules } of withRules) {
      const day = await api('/v1/tariffs/' + encodeURIComponent(tariff.id) + '/dynamic-pricing/preview');
      const money = (m) => m == null ? '–' : (m / 100).toLocaleString(undefined, { style: 'currency', currency: tariff.currency });
      const changed = day.hours.filter((h) => h.kind !== 'normal');
      blocks.push('<div class="dynamic" data-tariff="' + esc(tariff.id) + '"><h3>' + esc(tariff.id) + ' · ' + esc(day.day) + (day.published ? ' · published' : '') + (rules.held ? ' · held' : '') + '</h3>'
        + '<p class="muted">−' + rules.quiet_discount_percent + ' % when quiet, +' + rules.peak_surcharge_percent + ' % at peaks; forecast confidence ' + esc(day.confidence) + '.</p>'
        + '<table><thead><tr><th>Hour</th><th>Busy (forecast)</th><th>Why</th><th>Base</th><th>Tomorrow</th></tr></thead><tbody>'
        + (changed.map((h) => '<tr><td>' + esc(h.hour) + '</td><td>' + Math.round(h.expected_busy_share * 100) + ' %</td><td>' + esc(KINDS[h.kind] || h.kind) + '</td><td>' + money(h.base_price) + '</td><td>' + money(h.price) + '</td></tr>').join('') || '<tr><td colspan="5" class="muted">Every hour at the base price.</td></tr>')
        + '</tbody></table>'
        + '<div class="inline"><button type="button" data-publish="' + esc(tariff.id) + '"' + (rules.held ? ' disabled' : '') + '>Publish now</button><button type="button" data-hold="' + esc(tariff.id) + '" data-held="' + (rules.held ? 'true' : 'false') + '">' + (rules.held ? 'Release' : 'Hold') + '</button></div></div>');
    }
    $('dynamic').innerHTML = blocks.join('');
  }

  async function start() {
    form.hidden = true; $('console').hidden = false; $('signout').hidden = false;
    const network = await api('/v1/network'); $('network').textContent = network.name;
    const sites = await api('/v1/locations?network_id=' + encodeURIComponent(network.id) + '&limit=100');
    const capped = (await api('/v1/power-limits')).find((l) => l.in_force);
    const options = sites.data.map((l) => '<option value="' + esc(l.id) + '">' + esc(l.name) + '</option>').join('');
    $('limit-site').innerHTML = options; $('power-site').innerHTML = options;
    if (capped) $('power-site').value = capped.location_id;
    await Promise.all([refreshLimits(), refreshPower(), refreshGreen(), refreshDynamic()]);
    let pending;
    const soon = () => { clearTimeout(pending); pending = setTimeout(() => { refreshPower().catch(() => {}); }, 800); };
    socket = io({ auth: { token }, transports: ['websocket'] });
    // On every (re)connect: read again what may have changed while the socket was away (or the page was loading).
    socket.on('connect', () => { $('live').textContent = '● live'; socket.emit('subscribe', { network: true }, () => {}); soon(); });
    socket.on('disconnect', () => { $('live').textContent = 'reconnecting…'; });
    for (const e of ['evse.status', 'session.updated', 'location.updated']) socket.on(e, soon);
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault(); $('signin-error').textContent = '';
    const res = await fetch('/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: $('email').value, password: $('password').value }) });
    const body = await res.json();
    if (!res.ok) { $('signin-error').textContent = body.detail || 'Sign-in failed'; return; }
    token = body.access_token; sessionStorage.setItem('voltshare.operator', token);
    start().catch((err) => { $('signin-error').textContent = err.message; });
  });
  $('signout').addEventListener('click', signOut);
  $('green-csv').addEventListener('click', () => download('csv'));
  $('dynamic').addEventListener('click', async (e) => {
    const publish = e.target.dataset && e.target.dataset.publish;
    const hold = e.target.dataset && e.target.dataset.hold;
    try {
      if (publish) await send('POST', '/v1/tariffs/' + encodeURIComponent(publish) + '/dynamic-pricing/publish');
      if (hold) {
        const rules = await api('/v1/tariffs/' + encodeURIComponent(hold) + '/dynamic-pricing');
        const { tariff_id, published_days, updated_at, ...input } = rules;
        await send('PUT', '/v1/tariffs/' + encodeURIComponent(hold) + '/dynamic-pricing', { ...input, min_energy_price: input.min_energy_price ?? undefined, max_energy_price: input.max_energy_price ?? undefined, held: e.target.dataset.held !== 'true' });
      }
      if (publish || hold) await refreshDynamic();
    } catch (err) { $('dynamic-summary').textContent = err.message; }
  });
  $('green-pdf').addEventListener('click', () => download('pdf'));
  $('power-site').addEventListener('change', () => refreshPower().catch((err) => { $('power-summary').textContent = err.message; }));
  $('limit-form').addEventListener('submit', async (e) => {
    e.preventDefault(); $('limit-result').textContent = '';
    const hours = Number($('limit-hours').value);
    const body = { max_power_w: Math.round(Number($('limit-kw').value) * 1000) };
    if (hours > 0) body.ends_at = new Date(Date.now() + hours * 3600000).toISOString();
    try {
      const state = await send('POST', '/v1/locations/' + encodeURIComponent($('limit-site').value) + '/power-limits', body);
      $('limit-result').textContent = told(state);
    } catch (err) { $('limit-result').textContent = err.message; }
    await Promise.all([refreshLimits(), refreshPower()]);
  });
  $('limits').addEventListener('click', async (e) => {
    const id = e.target.dataset && e.target.dataset.end; if (!id) return;
    try { $('limit-result').textContent = 'Ended. ' + told(await send('DELETE', '/v1/power-limits/' + encodeURIComponent(id))); }
    catch (err) { $('limit-result').textContent = err.message; }
    await refreshLimits();
  });
  if (token) start().catch(() => signOut());
})();`;
