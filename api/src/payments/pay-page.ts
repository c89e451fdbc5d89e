import { type Request, type Response, Router } from 'express';
import type { Services } from '../server/services.js';
import { formatMinor } from '../shared/money.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * /pay/{evse}: what the EVSE's QR code opens. The price comes first (every component, VAT
 * included), then the card. With Stripe the card is entered in Stripe Elements (from js.stripe.com)
 * so no card data reaches our servers; in the sandbox a test card is picked instead.
 */
export function payPage(services: Services): Router {
  const router = Router();
  router.get('/app.js', (_req: Request, res: Response) => {
    res.type('application/javascript').send(script);
  });
  router.get('/:evse', async (req: Request, res: Response) => {
    const evse = String(req.params.evse);
    let preview: Awaited<ReturnType<Services['tariffs']['preview']>>;
    try {
      preview = await services.tariffs.preview(undefined, evse, new Date());
    } catch {
      res.status(404).type('html').send('<!doctype html><title>Not found</title><p>This charger cannot be paid here.</p>');
      return;
    }
    const fmt = (minor: number) => formatMinor(minor, preview.currency);
    const rows = preview.components
      .map((c) => {
        const what = { ENERGY: 'Energy', TIME: 'Charging time', PARKING_TIME: 'Idle fee', FLAT: 'Per session' }[c.type];
        const grace = c.grace_minutes ? ` after ${c.grace_minutes} free minutes` : '';
        return `<tr><td>${what}</td><td>${fmt(c.price)}${c.unit === 'session' ? '' : ` / ${c.unit}`}${grace}</td></tr>`;
      })
      .join('');
    const sandbox = services.payments.provider.name === 'sandbox';
    res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pay and charge</title><style>body{font:16px/1.5 system-ui,sans-serif;color:#102a43;max-width:480px;margin:24px auto;padding:0 16px}table{width:100%;border-collapse:collapse}td{padding:6px 0;border-bottom:1px solid #d9e2ec}button{background:#0b6b66;color:#fff;border:0;border-radius:8px;padding:10px 16px;font:inherit;font-weight:600;width:100%}label{display:block;margin:12px 0}select,input{font:inherit;width:100%;padding:8px;border:1px solid #bcccdc;border-radius:8px}.note{color:#486581;font-size:14px}.sandbox{background:#fff4e5;border:1px solid #f0b35a;border-radius:8px;padding:8px 12px;font-size:14px}</style></head>
<body data-evse="${esc(evse)}"><h1>Pay and charge</h1>
<h2>Price (VAT ${preview.vat_percent}% included)</h2><table>${rows}</table>
${preview.display_text ? `<p class="note">${esc(preview.display_text)}</p>` : ''}
<p class="note">We hold ${fmt(Number(await services.adHoc.holdAmountAt(evse)))} on your card when charging starts and take only what the session costs when it ends.</p>
<form id="pay">
${sandbox ? '<p class="sandbox">Sandbox payments: no real money moves. Pick a test card.</p><label>Card <select id="card"><option value="pm_sandbox_visa">Visa (accepted)</option><option value="pm_sandbox_declined">Declined card</option></select></label>' : '<div id="card-element"></div>'}
<label>Email for the receipt (optional) <input id="email" type="email" autocomplete="email"></label>
<button type="submit">Start charging</button></form>
<p id="result" role="status" aria-live="polite"></p>
<p class="note">Something wrong with this charger? <a href="/app/#/help/report/${encodeURIComponent(evse)}">Report it</a> — no account needed.</p>
<script src="/pay/app.js"></script></body></html>`);
  });
  return router;
}

const script = `(() => {
  const evse = document.body.dataset.evse;
  const result = document.getElementById('result');
  document.getElementById('pay').addEventListener('submit', async (e) => {
    e.preventDefault();
    result.textContent = 'Starting…';
    const email = document.getElementById('email').value || undefined;
    const card = document.getElementById('card');
    const res = await fetch('/v1/ad-hoc-charges', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ evse_uid: evse, payment_method_id: card ? card.value : '', email }) });
    const body = await res.json();
    if (!res.ok) { result.textContent = body.detail || body.title; return; }
    const link = '/v1/ad-hoc-charges/' + body.id + '/receipt?token=' + encodeURIComponent(body.token);
    result.innerHTML = 'Charging is starting. Keep this link for your receipt: <a href="' + link + '">receipt</a>';
  });
})();`;
