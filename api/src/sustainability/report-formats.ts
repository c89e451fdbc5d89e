import { stringify } from 'csv-stringify/sync';
import PDFDocument from 'pdfkit';
import type { SustainabilityMonth, SustainabilityReport } from './sustainability.model.js';

const COLUMNS = [
  'month',
  'location_id',
  'location_name',
  'sessions',
  'energy_kwh',
  'on_site_pv_kwh',
  'battery_kwh',
  'grid_kwh',
  'renewable_share_location_based',
  'renewable_share_market_based',
  'co2_kg_location_based',
  'co2_kg_market_based',
  'avoided_co2_kg',
  'pv_produced_kwh',
  'pv_self_consumption',
] as const;

/** One row per site and month, and one per month for the whole network (empty location). */
export function reportCsv(report: SustainabilityReport): string {
  return stringify(
    report.months.map((m) => [
      m.month,
      m.location_id ?? '',
      m.location_name ?? 'All sites',
      m.sessions,
      m.energy_kwh,
      m.on_site_pv_kwh,
      m.battery_kwh,
      m.grid_kwh,
      m.renewable_share.location_based,
      m.renewable_share.market_based,
      m.co2_kg.location_based,
      m.co2_kg.market_based,
      m.avoided_co2_kg,
      m.pv_produced_kwh ?? '',
      m.pv_self_consumption ?? '',
    ]),
    { header: true, columns: [...COLUMNS] },
  );
}

/** The built-in PDF fonts are WinAnsi: CO₂ is written CO2 and anything else outside it dropped. */
const winAnsi = (s: string) => s.replaceAll('₂', '2').replace(/[^\u0020-\u00ff’‘“”–—•…€]/g, '');
const number = (x: number, digits = 1) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: digits }).format(x);
const percent = (x: number) => new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 0 }).format(x);

/** The report as a PDF: the network's months charted (energy by source, CO₂ emitted and avoided), a table per site, the method. */
export function reportPdf(report: SustainabilityReport, networkName: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Sustainability report ${report.from} to ${report.to}`, Author: networkName } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const network = report.months.filter((m) => m.location_id === null);
  doc.fontSize(20).text(winAnsi(`Sustainability report — ${networkName}`));
  doc.fontSize(11).fillColor('#486581').text(`${report.from} to ${report.to}`).fillColor('#102a43').moveDown();
  const total = network.reduce(
    (t, m) => ({ kwh: t.kwh + m.energy_kwh, co2: t.co2 + m.co2_kg.location_based, avoided: t.avoided + m.avoided_co2_kg, sessions: t.sessions + m.sessions }),
    { kwh: 0, co2: 0, avoided: 0, sessions: 0 },
  );
  doc.text(
    winAnsi(
      `${number(total.sessions, 0)} sessions, ${number(total.kwh)} kWh delivered, ${number(total.co2)} kg CO₂ emitted (location-based), ${number(total.avoided)} kg CO₂ avoided against petrol cars.`,
    ),
  );
  doc.moveDown();
  if (network.length) chart(doc, network);
  doc.moveDown();
  table(
    doc,
    ['Month', 'Site', 'kWh', 'PV kWh', 'Renewable (loc./mkt.)', 'CO2 kg (loc./mkt.)', 'Avoided kg'],
    report.months.map((m) => [
      m.month,
      m.location_name ?? 'All sites',
      number(m.energy_kwh),
      number(m.on_site_pv_kwh),
      `${percent(m.renewable_share.location_based)} / ${percent(m.renewable_share.market_based)}`,
      `${number(m.co2_kg.location_based)} / ${number(m.co2_kg.market_based)}`,
      number(m.avoided_co2_kg),
    ]),
  );
  doc.moveDown().fontSize(12).fillColor('#102a43').text('Method and sources', 50);
  doc.fontSize(9).fillColor('#486581');
  doc.text(winAnsi(report.method.accounting));
  doc.text(winAnsi(`Grid intensity: ${report.method.intensity_sources.join('; ') || 'no sessions accounted'}.`));
  doc.text(winAnsi(`Avoided CO₂: ${report.method.petrol_car}.`));
  doc.text(
    winAnsi(
      `PV where not measured: ${Object.entries(report.method.pv_model)
        .map(([k, v]) => `${k.replaceAll('_', ' ')}: ${v}`)
        .join('; ')}.`,
    ),
  );
  doc.end();
  return done;
}

/** Stacked bars per month (PV, battery, grid kWh) and the month's CO₂ avoided as a dot. */
function chart(doc: PDFKit.PDFDocument, months: SustainabilityMonth[]): void {
  const left = 80;
  const top = doc.y + 10;
  const height = 150;
  const width = 440;
  const most = Math.max(1, ...months.map((m) => m.energy_kwh));
  const mostAvoided = Math.max(1, ...months.map((m) => m.avoided_co2_kg));
  const step = width / months.length;
  doc.fontSize(8).fillColor('#486581');
  doc.text(`${number(most)} kWh`, 20, top - 4, { width: 56, align: 'right' });
  doc.text('0', 20, top + height - 6, { width: 56, align: 'right' });
  doc
    .moveTo(left, top + height)
    .lineTo(left + width, top + height)
    .strokeColor('#bcccdc')
    .stroke();
  months.forEach((m, i) => {
    const x = left + i * step + step * 0.15;
    const w = step * 0.7;
    let y = top + height;
    for (const [kwh, colour] of [
      [m.on_site_pv_kwh, '#f0b429'],
      [m.battery_kwh, '#9fd8d3'],
      [m.grid_kwh, '#14919b'],
    ] as const) {
      const h = (kwh / most) * height;
      doc.rect(x, y - h, w, h).fill(colour);
      y -= h;
    }
    const dotY = top + height - (m.avoided_co2_kg / mostAvoided) * height;
    doc.circle(x + w / 2, dotY, 3).fill('#102a43');
    doc.fillColor('#486581').text(m.month, x - 10, top + height + 4, { width: w + 20, align: 'center' });
  });
  const legendY = top + height + 20;
  let lx = left;
  for (const [label, colour] of [
    ['on-site PV', '#f0b429'],
    ['battery', '#9fd8d3'],
    ['grid', '#14919b'],
    ['CO2 avoided (dot, own scale)', '#102a43'],
  ] as const) {
    doc.rect(lx, legendY, 8, 8).fill(colour);
    doc.fillColor('#486581').text(label, lx + 12, legendY, { lineBreak: false });
    lx += 12 + doc.widthOfString(label) + 16;
  }
  doc.fillColor('#102a43').fontSize(11);
  doc.x = 50;
  doc.y = legendY + 20;
}

function table(doc: PDFKit.PDFDocument, header: string[], rows: string[][]): void {
  const widths = [50, 110, 50, 50, 90, 85, 60];
  const row = (cells: string[], bold: boolean) => {
    if (doc.y > 760) doc.addPage();
    const y = doc.y;
    let x = 50;
    doc
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(8)
      .fillColor('#102a43');
    cells.forEach((c, i) => {
      doc.text(winAnsi(c), x, y, { width: (widths[i] ?? 60) - 4, align: i >= 2 ? 'right' : 'left', lineBreak: false, ellipsis: true });
      x += widths[i] ?? 60;
    });
    doc.x = 50;
    doc.y = y + 13;
  };
  row(header, true);
  for (const r of rows) row(r, false);
  doc.font('Helvetica');
}
