import PDFDocument from 'pdfkit';
import type { ChargingSession } from '../charging/charging.model.js';
import { formatMinor } from '../shared/money.js';
import type { CostLine } from '../tariffs/pricing.js';
import type { SessionPaymentStatus } from './payments.model.js';
import { RECEIPT_TEXT, type ReceiptLocale } from './receipt-text.js';

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

/** Intl's tag for a receipt language (British English for `en`, as before). */
const intlTag = (locale: ReceiptLocale) => (locale === 'en' ? 'en-GB' : locale);

/** Receipt lines in the reader's language: label, quantity, unit price, amount, totals and times. */
export function receiptLines(data: ReceiptData, locale: ReceiptLocale = 'en') {
  const cost = data.session.cost_breakdown;
  if (!cost) return undefined;
  const text = RECEIPT_TEXT[locale];
  const tag = intlTag(locale);
  const fmt = (minor: number) => formatMinor(minor, cost.currency, tag);
  const quantity = (l: CostLine) => (l.unit === 'session' ? '1' : `${new Intl.NumberFormat(tag, { maximumFractionDigits: 3 }).format(l.quantity)} ${l.unit}`);
  const when = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone: data.location?.time_zone ?? 'UTC' });
  return {
    text,
    payment: text.status[data.payment_status as SessionPaymentStatus] ?? data.payment_status,
    lines: cost.lines.map((l) => ({
      label: text.lines[l.type],
      quantity: quantity(l),
      unit_price: l.unit === 'session' ? '' : `${fmt(l.unit_price)} / ${l.unit}`,
      amount: fmt(l.amount),
    })),
    total: fmt(cost.amount),
    vat: `${fmt(cost.vat_amount)} (${text.vatIncluded.replace('{pct}', new Intl.NumberFormat(tag).format(cost.vat_percent))})`,
    net: fmt(cost.amount - cost.vat_amount),
    started: when.format(new Date(data.session.started_at)),
    stopped: data.session.stopped_at ? when.format(new Date(data.session.stopped_at)) : '',
    energy: `${new Intl.NumberFormat(tag, { maximumFractionDigits: 2 }).format(data.session.energy_wh / 1000)} kWh`,
    rounding: cost.rounding,
    carbon: carbonLine(data.session, text.carbon, tag),
  };
}

/** The session's carbon in one sentence, once it has been accounted. */
function carbonLine(session: ChargingSession, template: string, tag: string): string | null {
  const c = session.carbon;
  if (!c) return null;
  const kg = (g: number) => new Intl.NumberFormat(tag, { style: 'unit', unit: 'kilogram', maximumFractionDigits: 1 }).format(g / 1000);
  return template
    .replace('{renewable}', new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 }).format(c.renewable_share.location_based))
    .replace('{co2}', kg(c.co2_g.location_based))
    .replace('{avoided}', kg(Math.max(0, c.avoided_co2_g)));
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function receiptHtml(data: ReceiptData, locale: ReceiptLocale = 'en'): string {
  const r = receiptLines(data, locale);
  if (!r) throw new Error('session has no cost');
  const t = r.text;
  const n = data.network;
  const place = data.location
    ? `${data.location.name}, ${data.location.address}, ${data.location.postal_code ?? ''} ${data.location.city}, ${data.location.country}`
    : '';
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${esc(t.title)} ${esc(data.session.id)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;color:#102a43;max-width:720px;margin:32px auto;padding:0 16px}h1{font-size:22px}table{width:100%;border-collapse:collapse}td,th{padding:6px 4px;border-bottom:1px solid #d9e2ec;text-align:left}td.n,th.n{text-align:right}.total td{font-weight:700;border-top:2px solid #102a43}.muted{color:#486581;font-size:13px}</style></head>
<body><h1>${esc(t.title)}</h1>
<p><strong>${esc(n.name)}</strong>${n.address ? `<br>${esc(n.address)}` : ''}<br>${esc(n.country)}${n.vat_number ? `<br>${esc(t.vatNumber)} ${esc(n.vat_number)}` : ''}</p>
<p>${esc(t.session)} <code>${esc(data.session.id)}</code><br>${esc(place)}${data.evse_id ? `<br>EVSE ${esc(data.evse_id)}` : ''}<br>${esc(r.started)} – ${esc(r.stopped)} · ${esc(r.energy)}</p>
<table><thead><tr><th>${esc(t.item)}</th><th class="n">${esc(t.quantity)}</th><th class="n">${esc(t.unitPrice)}</th><th class="n">${esc(t.amount)}</th></tr></thead><tbody>
${r.lines.map((l) => `<tr><td>${esc(l.label)}</td><td class="n">${esc(l.quantity)}</td><td class="n">${esc(l.unit_price)}</td><td class="n">${esc(l.amount)}</td></tr>`).join('\n')}
<tr class="total"><td colspan="3">${esc(t.total)}</td><td class="n">${esc(r.total)}</td></tr>
<tr><td colspan="3">${esc(t.ofWhichVat)}</td><td class="n">${esc(r.vat)}</td></tr>
<tr><td colspan="3">${esc(t.net)}</td><td class="n">${esc(r.net)}</td></tr>
</tbody></table>
<p>${esc(t.payment)}: ${esc(r.payment)}</p>
${r.carbon ? `<p data-carbon>${esc(r.carbon)}</p>` : ''}
<p class="muted">${esc(t.note.replace('{rounding}', r.rounding))}</p>
</body></html>`;
}

/** The built-in PDF fonts have no Chinese glyphs, so a Chinese reader's PDF is in English (the HTML receipt is not). */
export function receiptPdf(data: ReceiptData, requested: ReceiptLocale = 'en'): Promise<Buffer> {
  const locale = requested === 'zh-Hans' ? 'en' : requested;
  const r = receiptLines(data, locale);
  if (!r) return Promise.reject(new Error('session has no cost'));
  const t = r.text;
  const doc = new PDFDocument({ size: 'A4', margin: 50, lang: locale, info: { Title: `${t.title} ${data.session.id}`, Author: data.network.name } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const n = data.network;
  doc.fontSize(20).text(t.title).moveDown(0.5);
  doc.fontSize(11).text(n.name);
  if (n.address) doc.text(n.address);
  doc.text(n.country);
  if (n.vat_number) doc.text(`${t.vatNumber} ${n.vat_number}`);
  doc.moveDown();
  doc.text(`${t.session} ${data.session.id}`);
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
  row([t.item, t.quantity, t.unitPrice, t.amount], true);
  for (const l of r.lines) row([l.label, l.quantity, l.unit_price, l.amount]);
  row([t.total, '', '', r.total], true);
  row([t.ofWhichVat, '', '', r.vat]);
  row([t.net, '', '', r.net]);
  doc.moveDown().font('Helvetica').text(`${t.payment}: ${r.payment}`, 50);
  // The built-in PDF fonts are WinAnsi: no subscript two.
  if (r.carbon) doc.moveDown(0.4).text(r.carbon.replaceAll('₂', '2'), 50);
  doc.fontSize(9).fillColor('#486581').text(t.note.replace('{rounding}', r.rounding));
  doc.end();
  return done;
}
