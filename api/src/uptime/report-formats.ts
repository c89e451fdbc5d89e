import { stringify } from 'csv-stringify/sync';
import PDFDocument from 'pdfkit';
import type { UptimeReport } from './uptime.model.js';

/** One row per port, then one per site and one for the network. */
export function uptimeCsv(report: UptimeReport): string {
  const rows: (string | number)[][] = report.ports.map((p) => [
    'port',
    p.location_id,
    p.location_name,
    p.evse_id ?? p.evse_uid,
    p.measured_minutes,
    p.outage_minutes,
    p.excluded_minutes,
    p.uptime_percent ?? '',
    p.below_target ? 'yes' : 'no',
  ]);
  for (const s of report.sites) rows.push(['site', s.location_id, s.location_name, '', '', '', '', s.uptime_percent ?? '', s.ports_below_target]);
  rows.push([
    'network',
    '',
    '',
    '',
    '',
    report.network.outage_minutes,
    report.network.excluded_minutes,
    report.network.uptime_percent ?? '',
    report.network.ports_below_target,
  ]);
  return stringify(rows, {
    header: true,
    columns: ['level', 'location_id', 'location_name', 'evse', 'measured_minutes', 'outage_minutes', 'excluded_minutes', 'uptime_percent', 'below_97_percent'],
  });
}

const winAnsi = (s: string) => s.replace(/[^\u0020-\u00ff’‘“”–—•…€]/g, '');
const pct = (x: number | null) => (x === null ? '—' : `${new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }).format(x)} %`);

/** The monthly report as a PDF: the network's figures, a bar per site against the 97 % line, the ports under target, the method. */
export function uptimePdf(report: UptimeReport, networkName: string, period: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Uptime report ${period}`, Author: networkName } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.fontSize(20).text(winAnsi(`Uptime report — ${networkName}`));
  doc.fontSize(11).fillColor('#486581').text(period).fillColor('#102a43').moveDown();
  const n = report.network;
  doc.fontSize(12).text(`Network uptime: ${pct(n.uptime_percent)} over ${n.ports} ports`);
  doc.text(`Ports under 97 %: ${n.ports_below_target}${n.share_below_target === null ? '' : ` (${pct(n.share_below_target * 100)})`}`);
  doc.text(`Outage: ${n.outage_minutes} min, of which excluded: ${n.excluded_minutes} min`).moveDown();
  // Bars per site, from 90 % to 100 %, with the 97 % line.
  const left = 200;
  const width = 300;
  const scale = (p: number) => left + (Math.max(90, Math.min(100, p)) - 90) * (width / 10);
  let y = doc.y;
  for (const s of report.sites.slice(0, 25)) {
    doc.fontSize(9).fillColor('#102a43').text(winAnsi(s.location_name).slice(0, 32), 50, y, { width: 145 });
    if (s.uptime_percent !== null) {
      doc.rect(left, y, scale(s.uptime_percent) - left, 10).fill(s.uptime_percent < 97 ? '#d64545' : '#3ebd93');
      doc.fillColor('#102a43').text(pct(s.uptime_percent), scale(s.uptime_percent) + 4, y);
    }
    y += 16;
  }
  doc
    .moveTo(scale(97), doc.y - 16 * Math.min(report.sites.length, 25) - 4)
    .lineTo(scale(97), y)
    .dash(2, { space: 2 })
    .stroke('#102a43')
    .undash();
  doc
    .fillColor('#102a43')
    .fontSize(8)
    .text('97 %', scale(97) - 8, y + 2);
  doc.x = 50;
  doc.y = y + 20;
  const under = report.ports.filter((p) => p.below_target);
  doc
    .fontSize(13)
    .text(under.length ? 'Ports under 97 %' : 'Every port met 97 %')
    .moveDown(0.3);
  for (const p of under.slice(0, 40))
    doc
      .fontSize(9)
      .text(
        winAnsi(
          `${p.evse_id ?? p.evse_uid} — ${p.location_name}: ${pct(p.uptime_percent)} (outage ${p.outage_minutes} min, excluded ${p.excluded_minutes} min)`,
        ),
      );
  if (report.rapid_charge_points.length) {
    const meeting = report.rapid_charge_points.filter((c) => c.meets_target).length;
    doc.moveDown().fontSize(13).text('Rapid charge points (UK, 99 %)').fontSize(9).text(`${meeting} of ${report.rapid_charge_points.length} met 99 %.`);
  }
  doc.moveDown().fontSize(8).fillColor('#486581').text(winAnsi(report.method));
  doc.end();
  return done;
}
