import PDFDocument from 'pdfkit';
import type { ChargingSession } from '../charging/charging.model.js';
import { formatMinor } from '../shared/money.js';
import type { CostLine } from '../tariffs/pricing.js';

export interface ReceiptParty {
  name: string;
  address: string | null;
  vat_number: string | null;
  country: string;
}

export interface ReceiptData {
  session: ChargingSession;
  network: ReceiptParty;
  location: { name: string; address: string; city: string; postal_code: string | null; country: string; time_zone: string } | null;
  evse_id: string | null;
  payment_status: string;
}

const LABELS: Record<CostLine['type'], string> = {
  ENERGY: 'Energy',
  TIME: 'Charging time',
  PARKING_TIME: 'Idle fee',
  FLAT: 'Session fee',
  MIN_PRICE: 'Minimum price adjustment',
  MAX_PRICE: 'Price cap adjustment',
};

/** Receipt lines in the session's language-neutral form: label, quantity, unit price, amount. */
export function receiptLines(data: ReceiptData) {
  const cost = data.session.cost_breakdown;
  if (!cost) return undefined;
  const fmt = (minor: number) => formatMinor(minor, cost.currency);
  const quantity = (l: CostLine) =>
    l.unit === 'session' ? '1' : `${new Intl.NumberFormat('en-GB', { maximumFractionDigits: 3 }).format(l.quantity)} ${l.unit}`;
  const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: data.location?.time_zone ?? 'UTC' });
  return {
    lines: cost.lines.map((l) => ({
      label: LABELS[l.type],
      quantity: quantity(l),
      unit_price: l.unit === 'session' ? '' : `${fmt(l.unit_price)} / ${l.unit}`,
      amount: fmt(l.amount),
    })),
    total: fmt(cost.amount),
    vat: `${fmt(cost.vat_amount)} (${cost.vat_percent} % included)`,
    net: fmt(cost.amount - cost.vat_amount),
    started: when.format(new Date(data.session.started_at)),
    stopped: data.session.stopped_at ? when.format(new Date(data.session.stopped_at)) : '',
    energy: `${new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }).format(data.session.energy_wh / 1000)} kWh`,
    rounding: cost.rounding,
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function receiptHtml(data: ReceiptData): string {
  const r = receiptLines(data);
  if (!r) throw new Error('session has no cost');
  const n = data.network;
  const place = data.location
    ? `${data.location.name}, ${data.location.address}, ${data.location.postal_code ?? ''} ${data.location.city}, ${data.location.country}`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Receipt ${esc(data.session.id)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;color:#102a43;max-width:720px;margin:32px auto;padding:0 16px}h1{font-size:22px}table{width:100%;border-collapse:collapse}td,th{padding:6px 4px;border-bottom:1px solid #d9e2ec;text-align:left}td.n,th.n{text-align:right}.total td{font-weight:700;border-top:2px solid #102a43}.muted{color:#486581;font-size:13px}</style></head>
<body><h1>Charging receipt</h1>
<p><strong>${esc(n.name)}</strong>${n.address ? `<br>${esc(n.address)}` : ''}<br>${esc(n.country)}${n.vat_number ? `<br>VAT ${esc(n.vat_number)}` : ''}</p>
<p>Session <code>${esc(data.session.id)}</code><br>${esc(place)}${data.evse_id ? `<br>EVSE ${esc(data.evse_id)}` : ''}<br>${esc(r.started)} – ${esc(r.stopped)} · ${esc(r.energy)}</p>
<table><thead><tr><th>Item</th><th class="n">Quantity</th><th class="n">Unit price</th><th class="n">Amount</th></tr></thead><tbody>
${r.lines.map((l) => `<tr><td>${esc(l.label)}</td><td class="n">${esc(l.quantity)}</td><td class="n">${esc(l.unit_price)}</td><td class="n">${esc(l.amount)}</td></tr>`).join('\n')}
<tr class="total"><td colspan="3">Total</td><td class="n">${esc(r.total)}</td></tr>
<tr><td colspan="3">of which VAT</td><td class="n">${esc(r.vat)}</td></tr>
<tr><td colspan="3">Net of VAT</td><td class="n">${esc(r.net)}</td></tr>
</tbody></table>
<p>Payment: ${esc(data.payment_status)}</p>
<p class="muted">Prices include VAT. Rounding: ${esc(r.rounding)}.</p>
</body></html>`;
}

export function receiptPdf(data: ReceiptData): Promise<Buffer> {
  const r = receiptLines(data);
  if (!r) return Promise.reject(new Error('session has no cost'));
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Charging receipt ${data.session.id}`, Author: data.network.name } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const n = data.network;
  doc.fontSize(20).text('Charging receipt').moveDown(0.5);
  doc.fontSize(11).text(n.name);
  if (n.address) doc.text(n.address);
  doc.text(n.country);
  if (n.vat_number) doc.text(`VAT ${n.vat_number}`);
  doc.moveDown();
  doc.text(`Session ${data.session.id}`);
  if (data.location) doc.text(`${data.location.name}, ${data.location.address}, ${data.location.postal_code ?? ''} ${data.location.city}`);
  if (data.evse_id) doc.text(`EVSE ${data.evse_id}`);
  doc.text(`${r.started} – ${r.stopped} · ${r.energy}`).moveDown();
  const row = (cells: string[], bold = false) => {
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    doc.text(cells[0] ?? '', 50, y, { width: 200 });
    doc.text(cells[1] ?? '', 250, y, { width: 90, align: 'right' });
    doc.text(cells[2] ?? '', 340, y, { width: 110, align: 'right' });
    doc.text(cells[3] ?? '', 450, y, { width: 95, align: 'right' });
    doc.moveDown(0.4);
  };
  row(['Item', 'Quantity', 'Unit price', 'Amount'], true);
  for (const l of r.lines) row([l.label, l.quantity, l.unit_price, l.amount]);
  row(['Total', '', '', r.total], true);
  row(['of which VAT', '', '', r.vat]);
  row(['Net of VAT', '', '', r.net]);
  doc.moveDown().font('Helvetica').text(`Payment: ${data.payment_status}`, 50);
  doc.fontSize(9).fillColor('#486581').text(`Prices include VAT. Rounding: ${r.rounding}.`);
  doc.end();
  return done;
}
