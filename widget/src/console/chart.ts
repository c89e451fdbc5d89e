import { html, svg, type TemplateResult } from 'lit';

export interface ChartPoint {
  /** Under the bar (a day, an hour, a month), already formatted for the locale. */
  label: string;
  value: number;
}

export interface BarChart {
  /** What the chart shows, read out by screen readers with its peak. */
  title: string;
  points: ChartPoint[];
  /** Formats a value for the axis and the bar's tooltip (units included). */
  format: (value: number) => string;
  /** The top of the axis when the values should be read against a fixed scale (100 for shares). */
  max?: number;
  /** A dashed reference line (a target), with its caption. */
  target?: { value: number; label: string };
}

const WIDTH = 600;
const HEIGHT = 190;
const LEFT = 56;
const BOTTOM = 22;

/** The axis top: the smallest 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10ⁿ at or above the highest value (1 when all are 0). */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => m * magnitude >= value * (1 - 1e-9)) as number;
  return Number((step * magnitude).toPrecision(12));
}

/**
 * A bar chart as SVG: one bar per bucket, the axis top and a reference line labelled, a label
 * under every few bars so they never overlap, and each bar's value in its tooltip.
 */
export function barChart(chart: BarChart): TemplateResult {
  const highest = Math.max(...chart.points.map((p) => p.value), chart.target?.value ?? 0);
  const top = chart.max !== undefined ? Math.max(chart.max, highest) : niceCeiling(highest);
  // Room for the longer axis label (about 6.5 user units a character at the chart's font size).
  const left = Math.max(LEFT, Math.max(chart.format(top).length, chart.format(0).length) * 6.5 + 12);
  const plotHeight = HEIGHT - BOTTOM - 8;
  const step = (WIDTH - left) / Math.max(1, chart.points.length);
  const every = Math.ceil(chart.points.length / 6);
  const y = (v: number) => 8 + plotHeight - (v / top) * plotHeight;
  const peak = chart.points.reduce((best, p) => (p.value > best.value ? p : best), chart.points[0] ?? { label: '', value: 0 });
  // Labels near the edges grow inwards, so none is cut off.
  const anchor = (x: number) => (x < left + 30 ? 'start' : x > WIDTH - 30 ? 'end' : 'middle');
  const summary = `${chart.title}: ${chart.format(peak.value)} (${peak.label})`;
  return html`<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label=${summary} preserveAspectRatio="xMidYMid meet" style="width:100%;height:auto">
    ${svg`<line x1=${left} x2=${WIDTH} y1=${y(0)} y2=${y(0)} stroke="#9fb3c8" />
      <text x=${left - 6} y=${y(top) + 4} text-anchor="end">${chart.format(top)}</text>
      <text x=${left - 6} y=${y(0)} text-anchor="end">${chart.format(0)}</text>
      ${chart.points.map(
        (
          p,
          i,
        ) => svg`<rect x=${left + i * step + step * 0.12} width=${Math.max(1, step * 0.76)} y=${y(p.value)} height=${Math.max(0, y(0) - y(p.value))} rx="2" fill="#1a5fb4"><title>${p.label}: ${chart.format(p.value)}</title></rect>
          ${i % every === 0 ? svg`<text x=${left + i * step + step / 2} y=${HEIGHT - 6} text-anchor=${anchor(left + i * step + step / 2)}>${p.label}</text>` : ''}`,
      )}
      ${
        chart.target
          ? svg`<line x1=${left} x2=${WIDTH} y1=${y(chart.target.value)} y2=${y(chart.target.value)} stroke="#b3261e" stroke-dasharray="5 4" />
            <text x=${WIDTH - 4} y=${y(chart.target.value) - 4} text-anchor="end">${chart.target.label}</text>`
          : ''
      }`}
  </svg>`;
}
