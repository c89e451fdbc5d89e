import { type Request, type Response, Router } from 'express';

/**
 * The operator console: a network's staff sign in and see their network live — EVSEs by status,
 * chargers online, sessions and energy over the last day, faults. Plain HTML and one external
 * script (the CSP allows no inline script), on the same REST API and realtime feed as everyone.
 */
export function operatorConsole(demo: { email: string; password: string } | undefined): Router {
  const router = Router();
  router.get('/', (_req: Request, res: Response) => {
    res.type('html').send(page(demo));
  });
  router.get('/app.js', (_req: Request, res: Response) => {
    res.type('application/javascript').send(script);
  });
  return router;
}

const page = (demo: { email: string; password: string } | undefined) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Voltshare — operator console</title>
<style>
  :root { --ink: #102a43; --muted: #486581; --bg: #f2f5f8; --brand: #0b6b66; --line: #d9e2ec;
    --AVAILABLE: #1b7a34; --CHARGING: #1a5fb4; --RESERVED: #7b3fb0; --BLOCKED: #8a5a00; --OUTOFORDER: #b3261e; --INOPERATIVE: #d0642a; --UNKNOWN: #7b8794; --PLANNED: #9aa5b1; }
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
  #tickets tr, #incidents tr { cursor: default; }
  #tickets button.linkish { background: none; border: 0; padding: 0; color: var(--brand); text-decoration: underline; font: inherit; cursor: pointer; }
  .sla-breached { color: #b3261e; font-weight: 700; } .sla-at_risk { color: #8a5a00; font-weight: 700; } .sla-on_track, .sla-met { color: #1b7a34; }
  .ticket-view { border-top: 1px solid var(--line); margin-top: 12px; padding-top: 12px; }
  .thread { list-style: none; padding: 0; display: grid; gap: 8px; max-width: 760px; }
  .thread li { padding: 8px 12px; border-radius: 10px; border: 1px solid var(--line); background: #fff; }
  .thread li.staff { background: #e6f2f1; } .thread li.note { background: #fff8e1; border-style: dashed; } .thread li.system { background: #f2f5f8; }
  .thread .who { font-size: 12px; color: var(--muted); display: block; }
  textarea { font: inherit; padding: 8px 10px; border: 1px solid var(--line); border-radius: 8px; min-width: 320px; }
  .grow { flex: 1; } .check { display: flex !important; align-items: center; gap: 6px; }
</style>
</head>
<body>
<header><h1>⚡ Voltshare · <span id="network">operator console</span></h1><span id="live" class="muted" style="color:#bcccdc" aria-live="polite"></span><a href="/">Map</a><a href="/docs/">Docs</a><button id="signout" hidden>Sign out</button></header>
<form id="signin" class="card" ${demo ? `data-demo-email="${demo.email}" data-demo-password="${demo.password}"` : ''}>
  <h2>Sign in as network staff</h2>
  <label>Email <input id="email" type="email" autocomplete="username" required></label>
  <label>Password <input id="password" type="password" autocomplete="current-password" required></label>
  <button class="primary" type="submit">Sign in</button>
  ${demo ? '<p class="muted">Demo: the demo network owner is filled in.</p>' : ''}
  <p id="signin-error" class="error" role="alert"></p>
</form>
<main id="console" hidden>
  <section class="tiles" aria-label="Key figures">
    <div class="card tile"><b id="k-available">–</b><span>EVSEs free now</span></div>
    <div class="card tile"><b id="k-online">–</b><span>chargers online</span></div>
    <div class="card tile"><b id="k-sessions">–</b><span>charging now</span></div>
    <div class="card tile"><b id="k-energy">–</b><span>kWh in the last 24 h</span></div>
    <div class="card tile"><b id="k-reservations">–</b><span>reservations active / next 24 h</span></div>
  </section>
  <div class="row">
    <section class="card"><h2>EVSEs by status</h2><svg id="statuses" viewBox="0 0 600 70" role="img" aria-label="EVSEs by status"></svg><div class="legend" id="status-legend"></div></section>
    <section class="card"><h2>Last 24 hours — energy delivered (bars) and sessions started (dots)</h2><svg id="hourly" viewBox="0 0 600 200" role="img" aria-label="Energy and sessions per hour"></svg></section>
  </div>
  <div class="row">
    <section class="card"><h2>Faults</h2><table><thead><tr><th>EVSE</th><th>Location</th><th>Status</th><th>Since</th></tr></thead><tbody id="faults"></tbody></table></section>
    <section class="card"><h2>Chargers offline</h2><table><thead><tr><th>Identity</th><th>Last seen</th></tr></thead><tbody id="offline"></tbody></table></section>
  </div>
  <section class="card" aria-labelledby="charger-title"><h2 id="charger-title">Charger</h2>
    <div class="inline"><label>Charger <select id="charger-pick"></select></label><span id="charger-summary" class="muted" role="status"></span></div>
    <div class="inline"><button type="button" data-charger-command="report_status">Ask for its status</button><button type="button" data-charger-command="soft_reset">Soft restart</button><span id="charger-result" class="muted" role="status"></span></div>
    <div class="row">
      <div><h3 id="charger-faults-title">Faults it reported</h3><table aria-labelledby="charger-faults-title"><thead><tr><th>When</th><th>EVSE</th><th>Fault</th><th>Vendor code</th></tr></thead><tbody id="charger-faults"></tbody></table></div>
      <div><h3 id="charger-log-title">OCPP messages, newest first</h3><table aria-labelledby="charger-log-title"><thead><tr><th>When</th><th>Way</th><th>Message</th></tr></thead><tbody id="charger-log"></tbody></table></div>
    </div>
  </section>
  <section class="card" aria-labelledby="support-title"><h2 id="support-title">Support queue</h2>
    <div class="inline">
      <label>Status <select id="support-status"><option value="open">open</option><option value="waiting">waiting for the driver</option><option value="resolved">resolved</option><option value="">all</option></select></label>
      <span id="support-summary" class="muted" role="status"></span>
    </div>
    <table><thead><tr><th>#</th><th>Subject</th><th>Kind</th><th>Priority</th><th>EVSE</th><th>SLA</th><th>Opened</th></tr></thead><tbody id="tickets"></tbody></table>
    <div id="ticket" class="ticket-view" hidden>
      <h3 id="ticket-title"></h3>
      <p id="ticket-meta" class="muted"></p>
      <ol id="ticket-thread" class="thread" aria-live="polite" aria-label="Conversation"></ol>
      <label id="canned-label" hidden>Canned reply <select id="canned"><option value="">— pick one to start from —</option></select></label>
      <form id="reply-form" class="inline">
        <label class="grow">Reply <textarea id="reply-body" rows="2" required></textarea></label>
        <label class="check"><input type="checkbox" id="reply-internal"> internal note</label>
        <button class="primary" type="submit">Send</button>
      </form>
      <div class="inline">
        <label>Status <select id="ticket-status"><option>open</option><option>waiting</option><option>resolved</option><option>closed</option></select></label>
        <label>Priority <select id="ticket-priority"><option>low</option><option>normal</option><option>high</option><option>urgent</option></select></label>
        <button type="button" id="ticket-save">Save</button>
        <button type="button" id="ticket-close-view">Back to the queue</button>
      </div>
      <p id="ticket-result" class="muted" role="status"></p>
    </div>
  </section>
  <section class="card" aria-labelledby="incidents-title"><h2 id="incidents-title">Incidents</h2>
    <p id="incidents-summary" class="muted" role="status"></p>
    <table><thead><tr><th>Where</th><th>EVSEs</th><th>Why</th><th>Fault</th><th>Since</th><th>Tickets</th><th></th></tr></thead><tbody id="incidents"></tbody></table>
  </section>
  <section class="card" aria-labelledby="uptime-title"><h2 id="uptime-title">Uptime — <span id="uptime-month"></span></h2>
    <p id="uptime-summary" class="muted" role="status"></p>
    <svg id="uptime-chart" viewBox="0 0 1000 240" role="img" aria-labelledby="uptime-title uptime-summary"></svg>
    <div class="legend"><span><i style="background:#3ebd93"></i>97 % or more</span><span><i style="background:#d64545"></i>under 97 % (NEVI)</span></div>
    <div class="inline"><label>Month <input id="uptime-pick" type="month"></label><button type="button" id="uptime-csv">Download CSV</button><button type="button" id="uptime-pdf">Download PDF</button></div>
    <table><caption class="muted">Ports under 97 %</caption><thead><tr><th>EVSE</th><th>Site</th><th>Uptime</th><th>Outage</th><th>Excluded</th></tr></thead><tbody id="uptime-ports"></tbody></table>
  </section>
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
<script src="/operator/app.js"></script>
</body>
</html>`;

const script = `(() => {
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s == null ? '' : s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const when = (d) => d ? new Date(d).toLocaleString() : 'never';
  const ORDER = ['AVAILABLE', 'CHARGING', 'RESERVED', 'BLOCKED', 'OUTOFORDER', 'INOPERATIVE', 'UNKNOWN', 'PLANNED'];
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

  function drawStatuses(o) {
    const svg = $('statuses'); const total = o.evses.total || 1; let x = 0; let out = '';
    for (const s of ORDER) {
      const n = o.evses.by_status[s] || 0; if (!n) continue;
      const w = (n / total) * 600;
      out += '<rect x="' + x.toFixed(1) + '" y="8" width="' + w.toFixed(1) + '" height="36" fill="var(--' + s + ')"><title>' + s + ': ' + n + '</title></rect>';
      if (w > 26) out += '<text x="' + (x + w / 2).toFixed(1) + '" y="31" text-anchor="middle" style="fill:#fff;font-weight:700">' + n + '</text>';
      x += w;
    }
    svg.innerHTML = out || '<text x="300" y="30" text-anchor="middle">No EVSEs yet</text>';
    $('status-legend').innerHTML = ORDER.filter((s) => o.evses.by_status[s]).map((s) => '<span><i style="background:var(--' + s + ')"></i>' + s.toLowerCase() + ' ' + o.evses.by_status[s] + '</span>').join('');
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

  const FAULT_KINDS = { question: 'question', fault: 'fault at a charger', billing: 'billing', booking: 'booking' };
  const SLA = { on_track: 'on track', at_risk: 'at risk', breached: 'breached', met: 'met' };
  const CAUSES = { fault: 'charger fault', offline: 'offline', failed_starts: 'failed starts', power_limit_ignored: 'ignores its power limit', driver_report: 'reported by drivers' };
  let openTicket;

  async function refreshTickets() {
    const status = $('support-status').value;
    const page = await api('/v1/support/tickets?limit=50' + (status ? '&status=' + status : ''));
    const due = page.data.filter((t) => t.sla === 'breached' || t.sla === 'at_risk').length;
    $('support-summary').textContent = page.data.length + ' ticket(s)' + (due ? ', ' + due + ' breached or at risk' : '') + '.';
    $('tickets').innerHTML = page.data.map((t) => '<tr><td>' + t.number + '</td><td><button type="button" class="linkish" data-ticket="' + esc(t.id) + '">' + esc(t.subject) + '</button></td><td>' + esc(FAULT_KINDS[t.kind] || t.kind) + '</td><td>' + esc(t.priority) + '</td><td>' + esc(t.evse_id || '–') + '</td><td class="sla-' + esc(t.sla) + '">' + esc(SLA[t.sla] || t.sla) + '</td><td>' + when(t.created_at) + '</td></tr>').join('') || '<tr><td colspan="7" class="muted">No tickets here.</td></tr>';
  }

  function drawTicket(t) {
    openTicket = t;
    $('ticket').hidden = false;
    $('ticket-title').textContent = '#' + t.number + ' · ' + t.subject;
    $('ticket-meta').textContent = (FAULT_KINDS[t.kind] || t.kind) + (t.evse_id ? ' at ' + t.evse_id : '') + (t.symptom ? ' (' + t.symptom.replace('_', ' ') + ')' : '') + ' · answer in ' + t.language + ' · first response due ' + when(t.first_response_due_at) + ' · SLA ' + (SLA[t.sla] || t.sla) + (t.incident_id ? ' · incident ' + t.incident_id : '');
    $('ticket-status').value = t.status; $('ticket-priority').value = t.priority;
    $('ticket-thread').innerHTML = t.messages.map((m) => '<li class="' + (m.internal ? 'note' : m.author) + '"><span class="who">' + esc(m.author === 'staff' ? (m.author_name || 'staff') : m.author) + (m.internal ? ' · internal note' : '') + ' · ' + when(m.created_at) + '</span>' + esc(m.body) + '</li>').join('');
  }
  let canned = [];
  async function showTicket(id) {
    const t = await api('/v1/support/tickets/' + encodeURIComponent(id));
    drawTicket(t);
    // Replies staff start from, in the ticket's language.
    canned = await api('/v1/support/canned-replies?language=' + encodeURIComponent(t.language));
    $('canned').innerHTML = '<option value="">— pick one to start from —</option>' + canned.map((r, i) => '<option value="' + i + '">' + esc(r.title) + '</option>').join('');
    $('canned-label').hidden = canned.length === 0;
  }

  async function refreshIncidents() {
    const page = await api('/v1/incidents?status=open&limit=50');
    const sites = page.data.filter((i) => i.scope === 'site').length;
    $('incidents-summary').textContent = page.data.length ? page.data.length + ' open' + (sites ? ', ' + sites + ' of them whole sites' : '') + '. They resolve by themselves when the charger recovers.' : 'No open incident.';
    $('incidents').innerHTML = page.data.map((i) => '<tr><td>' + esc(i.location_name) + (i.scope === 'site' ? ' (whole site)' : '') + '</td><td>' + esc(i.affected_evses.map((e) => e.evse_id || e.evse_uid).join(', ')) + '</td><td>' + esc(i.causes.map((c) => CAUSES[c] || c).join(', ')) + '</td><td>' + esc(i.fault ? i.fault.name + ' (' + i.fault.code + (i.fault.vendor_error_code ? ', ' + i.fault.vendor_error_code : '') + ')' : '–') + '</td><td>' + when(i.opened_at) + '</td><td>' + i.tickets + '</td><td><button type="button" data-resolve="' + esc(i.id) + '">Resolve</button></td></tr>').join('') || '<tr><td colspan="7" class="muted">Every charger works.</td></tr>';
  }

  let chargers = [];
  async function refreshChargers() {
    chargers = (await api('/v1/charge-points?limit=100')).data;
    const keep = $('charger-pick').value;
    $('charger-pick').innerHTML = chargers.map((c) => '<option value="' + esc(c.id) + '">' + esc(c.identity) + '</option>').join('');
    if (keep) $('charger-pick').value = keep;
    await refreshCharger();
  }
  // OCPP-J frames: [2, id, action, payload] calls, [3, id, payload] answers, [4, id, code, …] errors.
  const frameText = (f) => Array.isArray(f) ? (f[0] === 2 ? f[2] : f[0] === 3 ? 'answer' : f[0] === 4 ? 'error ' + f[2] : '?') : 'unreadable';
  async function refreshCharger() {
    const id = $('charger-pick').value; const c = chargers.find((x) => x.id === id); if (!c) return;
    $('charger-summary').textContent = (c.online ? 'online' : 'offline') + ' · last seen ' + when(c.last_seen_at) + ' · ' + [c.vendor, c.model, c.firmware_version].filter(Boolean).join(' ') + ' · OCPP ' + c.ocpp_version;
    const [faults, log] = await Promise.all([api('/v1/charge-points/' + encodeURIComponent(id) + '/faults?limit=10'), api('/v1/charge-points/' + encodeURIComponent(id) + '/messages?limit=15')]);
    $('charger-faults').innerHTML = faults.data.map((f) => '<tr><td>' + when(f.occurred_at) + '</td><td>' + esc(f.evse_id || (f.connector_id === 0 ? 'whole charger' : 'connector ' + f.connector_id)) + '</td><td>' + esc(f.name) + ' <span class="muted">(' + esc(f.error_code) + ')</span>' + (f.info ? ' — ' + esc(f.info) : '') + '</td><td>' + esc(f.vendor_error_code || '–') + '</td></tr>').join('') || '<tr><td colspan="4" class="muted">No faults reported.</td></tr>';
    $('charger-log').innerHTML = log.data.map((m) => '<tr><td>' + when(m.created_at) + '</td><td>' + (m.direction === 'in' ? 'from the charger' : 'to the charger') + '</td><td>' + esc(frameText(m.frame)) + '</td></tr>').join('') || '<tr><td colspan="3" class="muted">No messages yet.</td></tr>';
  }

  const lastMonth = () => { const d = new Date(); return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)).toISOString().slice(0, 7); };
  function drawUptime(r) {
    const svg = $('uptime-chart'); const left = 190, width = 740, rowH = 18;
    const sites = r.sites.filter((s) => s.uptime_percent != null).sort((a, b) => a.uptime_percent - b.uptime_percent).slice(0, 12);
    const x = (p) => left + ((Math.max(90, Math.min(100, p)) - 90) / 10) * width;
    let out = '';
    sites.forEach((s, i) => {
      const y = 10 + i * rowH;
      out += '<text x="' + (left - 8) + '" y="' + (y + 11) + '" text-anchor="end">' + esc(s.location_name.slice(0, 28)) + '</text>';
      out += '<rect x="' + left + '" y="' + y + '" width="' + (x(s.uptime_percent) - left).toFixed(1) + '" height="' + (rowH - 5) + '" fill="' + (s.uptime_percent < 97 ? '#d64545' : '#3ebd93') + '"><title>' + esc(s.location_name) + ': ' + s.uptime_percent + ' %</title></rect>';
      out += '<text x="' + (x(s.uptime_percent) + 4).toFixed(1) + '" y="' + (y + 11) + '">' + s.uptime_percent.toLocaleString(undefined, { maximumFractionDigits: 2 }) + ' %</text>';
    });
    const bottom = 10 + Math.max(1, sites.length) * rowH;
    for (const p of [90, 95, 97, 100]) out += '<line x1="' + x(p) + '" y1="4" x2="' + x(p) + '" y2="' + bottom + '" stroke="' + (p === 97 ? '#102a43' : '#eef2f6') + '"' + (p === 97 ? ' stroke-dasharray="4 3"' : '') + '/><text x="' + x(p) + '" y="' + (bottom + 14) + '" text-anchor="middle">' + p + ' %</text>';
    if (!sites.length) out += '<text x="' + (left + width / 2) + '" y="40" text-anchor="middle">No port history for this month.</text>';
    svg.setAttribute('viewBox', '0 0 1000 ' + (bottom + 24));
    svg.innerHTML = out;
    const n = r.network;
    $('uptime-summary').textContent = n.uptime_percent == null ? 'No port was in service this month.' : 'Network uptime ' + n.uptime_percent.toLocaleString(undefined, { maximumFractionDigits: 2 }) + ' % over ' + n.ports_measured + ' of ' + n.ports + ' ports with history (NEVI); ' + n.ports_below_target + ' under 97 %' + (n.share_below_target != null ? ' (' + pct(n.share_below_target) + ')' : '') + '; ' + n.excluded_minutes.toLocaleString() + ' outage minutes excluded. Rapid chargers meeting 99 % (UK): ' + r.rapid_charge_points.filter((c) => c.meets_target).length + ' of ' + r.rapid_charge_points.length + '. The 12 lowest sites are drawn.';
    $('uptime-ports').innerHTML = r.ports.filter((p) => p.below_target).slice(0, 20).map((p) => '<tr><td>' + esc(p.evse_id || p.evse_uid) + '</td><td>' + esc(p.location_name) + '</td><td>' + p.uptime_percent.toLocaleString(undefined, { maximumFractionDigits: 2 }) + ' %</td><td>' + p.outage_minutes.toLocaleString() + ' min</td><td>' + p.excluded_minutes.toLocaleString() + ' min</td></tr>').join('') || '<tr><td colspan="5" class="muted">Every port met 97 %.</td></tr>';
  }
  async function refreshUptime() {
    const m = $('uptime-pick').value || lastMonth();
    $('uptime-month').textContent = new Date(m + '-15T00:00:00Z').toLocaleDateString(undefined, { month: 'long', year: 'numeric' });
    drawUptime(await api('/v1/uptime/report?month=' + m));
  }
  function downloadUptime(format) {
    const m = $('uptime-pick').value || lastMonth();
    return downloadFile('/v1/uptime/report/export?format=' + format + '&month=' + m, 'uptime-' + m + '.' + format, 'uptime-summary');
  }

  function drawHourly(o) {
    const svg = $('hourly'); const left = 34, bottom = 176, height = 160, width = 560;
    const kwh = o.hourly.map((h) => h.energy_wh / 1000); const starts = o.hourly.map((h) => h.sessions_started);
    const maxE = Math.max(1, ...kwh); const maxS = Math.max(1, ...starts); const step = width / o.hourly.length;
    let out = '<line x1="' + left + '" y1="' + bottom + '" x2="' + (left + width) + '" y2="' + bottom + '" stroke="#bcccdc"/>';
    out += '<text x="' + (left - 6) + '" y="' + (bottom - height + 4) + '" text-anchor="end">' + maxE.toFixed(maxE < 10 ? 1 : 0) + '</text><text x="' + (left - 6) + '" y="' + bottom + '" text-anchor="end">0</text>';
    o.hourly.forEach((h, i) => {
      const x = left + i * step; const bh = (kwh[i] / maxE) * height;
      out += '<rect x="' + (x + 2).toFixed(1) + '" y="' + (bottom - bh).toFixed(1) + '" width="' + (step - 4).toFixed(1) + '" height="' + bh.toFixed(1) + '" rx="2" fill="#14919b"><title>' + new Date(h.hour).getHours() + ':00 — ' + kwh[i].toFixed(1) + ' kWh, ' + starts[i] + ' sessions</title></rect>';
      if (starts[i]) out += '<circle cx="' + (x + step / 2).toFixed(1) + '" cy="' + (bottom - (starts[i] / maxS) * height).toFixed(1) + '" r="3.5" fill="#102a43"/>';
      if (i % 3 === 0) out += '<text x="' + (x + step / 2).toFixed(1) + '" y="' + (bottom + 14) + '" text-anchor="middle">' + String(new Date(h.hour).getHours()).padStart(2, '0') + 'h</text>';
    });
    svg.innerHTML = out;
  }

  async function refresh() {
    const o = await api('/v1/network/overview');
    $('k-available').textContent = (o.evses.by_status.AVAILABLE || 0) + ' / ' + o.evses.total;
    $('k-online').textContent = o.charge_points.online + ' / ' + o.charge_points.total;
    // One count of "charging now" everywhere: the EVSEs whose chargers say they charge (the status bar's CHARGING).
    $('k-sessions').textContent = o.evses.by_status.CHARGING || 0;
    $('k-energy').textContent = (o.sessions.energy_last_24h_wh / 1000).toFixed(1);
    $('k-reservations').textContent = o.reservations.active + ' / ' + o.reservations.upcoming_24h;
    drawStatuses(o); drawHourly(o);
    $('faults').innerHTML = o.faults.map((f) => '<tr><td>' + esc(f.evse_id || f.evse_uid) + '</td><td>' + esc(f.location_name) + '</td><td>' + esc(f.status) + '</td><td>' + when(f.since) + '</td></tr>').join('') || '<tr><td colspan="4" class="muted">None — every EVSE works.</td></tr>';
    $('offline').innerHTML = o.charge_points.offline.map((c) => '<tr><td>' + esc(c.identity) + '</td><td>' + when(c.last_seen_at) + '</td></tr>').join('') || '<tr><td colspan="2" class="muted">All chargers are online.</td></tr>';
  }

  async function start() {
    form.hidden = true; $('console').hidden = false; $('signout').hidden = false;
    const network = await api('/v1/network'); $('network').textContent = network.name;
    const sites = await api('/v1/locations?network_id=' + encodeURIComponent(network.id) + '&limit=100');
    const capped = (await api('/v1/power-limits')).find((l) => l.in_force);
    const options = sites.data.map((l) => '<option value="' + esc(l.id) + '">' + esc(l.name) + '</option>').join('');
    $('limit-site').innerHTML = options; $('power-site').innerHTML = options;
    if (capped) $('power-site').value = capped.location_id;
    $('uptime-pick').value = lastMonth();
    await Promise.all([refresh(), refreshLimits(), refreshPower(), refreshGreen(), refreshDynamic(), refreshTickets(), refreshIncidents(), refreshUptime(), refreshChargers()]);
    let pending;
    const soon = () => { clearTimeout(pending); pending = setTimeout(() => { refresh().catch(() => {}); refreshPower().catch(() => {}); }, 800); };
    // The queue and the open ticket follow live: new tickets, replies, incidents opening and closing.
    let ticketsPending;
    const ticketsSoon = () => { clearTimeout(ticketsPending); ticketsPending = setTimeout(() => { refreshTickets().catch(() => {}); refreshIncidents().catch(() => {}); }, 300); };
    socket = io({ auth: { token }, transports: ['websocket'] });
    // On every (re)connect: read again what may have changed while the socket was away (or the page was loading).
    socket.on('connect', () => { $('live').textContent = '● live'; socket.emit('subscribe', { network: true }, () => {}); soon(); ticketsSoon(); });
    socket.on('disconnect', () => { $('live').textContent = 'reconnecting…'; });
    for (const e of ['evse.status', 'session.updated', 'location.updated']) socket.on(e, soon);
    for (const e of ['ticket.created', 'ticket.updated', 'incident.opened', 'incident.updated', 'incident.resolved']) socket.on(e, ticketsSoon);
    socket.on('ticket.message', (e) => { ticketsSoon(); if (openTicket && e.ticket_id === openTicket.id && !openTicket.messages.some((m) => m.id === e.message.id)) drawTicket({ ...openTicket, messages: [...openTicket.messages, e.message] }); });
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
  $('support-status').addEventListener('change', () => refreshTickets().catch((err) => { $('support-summary').textContent = err.message; }));
  $('tickets').addEventListener('click', (e) => { const id = e.target.dataset && e.target.dataset.ticket; if (id) showTicket(id).catch((err) => { $('support-summary').textContent = err.message; }); });
  $('canned').addEventListener('change', (e) => { const r = canned[Number(e.target.value)]; if (e.target.value !== '' && r) { $('reply-body').value = r.body; $('reply-body').focus(); } });
  $('ticket-close-view').addEventListener('click', () => { $('ticket').hidden = true; openTicket = undefined; });
  $('reply-form').addEventListener('submit', async (e) => {
    e.preventDefault(); if (!openTicket) return;
    try {
      await send('POST', '/v1/support/tickets/' + encodeURIComponent(openTicket.id) + '/messages', { body: $('reply-body').value, internal: $('reply-internal').checked });
      $('reply-body').value = ''; $('reply-internal').checked = false; $('ticket-result').textContent = 'Sent.';
      await showTicket(openTicket.id);
    } catch (err) { $('ticket-result').textContent = err.message; }
  });
  $('ticket-save').addEventListener('click', async () => {
    if (!openTicket) return;
    try {
      await send('PATCH', '/v1/support/tickets/' + encodeURIComponent(openTicket.id), { status: $('ticket-status').value, priority: $('ticket-priority').value });
      $('ticket-result').textContent = 'Saved.'; await showTicket(openTicket.id); await refreshTickets();
    } catch (err) { $('ticket-result').textContent = err.message; }
  });
  $('incidents').addEventListener('click', async (e) => {
    const id = e.target.dataset && e.target.dataset.resolve; if (!id) return;
    try { await send('POST', '/v1/incidents/' + encodeURIComponent(id) + '/resolve'); await refreshIncidents(); }
    catch (err) { $('incidents-summary').textContent = err.message; }
  });
  $('charger-pick').addEventListener('change', () => refreshCharger().catch((err) => { $('charger-summary').textContent = err.message; }));
  document.querySelector('[aria-labelledby="charger-title"]').addEventListener('click', async (e) => {
    const what = e.target.dataset && e.target.dataset.chargerCommand; if (!what) return;
    const id = $('charger-pick').value;
    $('charger-result').textContent = 'Sent…';
    try { const r = await send('POST', '/v1/charge-points/' + encodeURIComponent(id) + '/actions', { action: what }); $('charger-result').textContent = 'The charger answered: ' + r.status + '.'; }
    catch (err) { $('charger-result').textContent = err.message; }
    setTimeout(() => refreshCharger().catch(() => {}), 800);
  });
  $('uptime-pick').addEventListener('change', () => refreshUptime().catch((err) => { $('uptime-summary').textContent = err.message; }));
  $('uptime-csv').addEventListener('click', () => downloadUptime('csv'));
  $('uptime-pdf').addEventListener('click', () => downloadUptime('pdf'));
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
