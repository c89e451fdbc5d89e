import { msg, str } from '@lit/localize';
import { type components, unwrap } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations, svg } from 'lit';
import { formatEnergy, formatMoney, formatShare } from '../shared/format.js';
import { evseLook, statusLabel } from '../shared/status.js';
import { barChart } from './chart.js';
import { ConsolePage, evseName, href } from './console-page.js';

type Overview = components['schemas']['NetworkOverview'];
type Activity = components['schemas']['NetworkActivity'];
type Period = '24h' | '7d' | '30d' | '90d' | '365d';

const DAY = 86_400_000;
const PERIODS: Record<Period, { days: number; bucket: 'hour' | 'day'; uptimeMonths: number }> = {
  '24h': { days: 1, bucket: 'hour', uptimeMonths: 1 },
  '7d': { days: 7, bucket: 'hour', uptimeMonths: 1 },
  '30d': { days: 30, bucket: 'day', uptimeMonths: 2 },
  '90d': { days: 90, bucket: 'day', uptimeMonths: 3 },
  '365d': { days: 365, bucket: 'day', uptimeMonths: 12 },
};
const STATUS_ORDER = ['AVAILABLE', 'CHARGING', 'RESERVED', 'BLOCKED', 'OUTOFORDER', 'INOPERATIVE', 'UNKNOWN', 'PLANNED'];
const STATUS_COLOUR: Record<string, string> = { available: '#1b7a34', busy: '#1a5fb4', fault: '#b3261e', unknown: '#5f6368' };

/** The last `count` calendar months (`YYYY-MM`, UTC), oldest first, this month included. */
export function recentMonths(now: Date, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (count - 1 - i), 1));
    return d.toISOString().slice(0, 7);
  });
}

/**
 * `<voltshare-console-overview>`: the network now (free EVSEs, chargers online, one "charging
 * now" figure, the day's energy, bookings, EVSEs by status) and charts of utilisation, energy,
 * revenue and uptime over a period the operator picks.
 */
export class VoltshareConsoleOverview extends ConsolePage {
  static override properties: PropertyDeclarations = {
    ...ConsolePage.properties,
    currency: { type: String },
    period: { state: true },
    overview: { state: true },
    activity: { state: true },
    uptime: { state: true },
  };

  declare currency: string;
  declare period: Period;
  declare overview: Overview | undefined;
  declare activity: Activity | undefined;

  constructor() {
    super();
    this.period = '7d';
  }
  uptime: { month: string; percent: number | null }[] = [];

  protected async load(): Promise<void> {
    const now = new Date();
    const { days, bucket, uptimeMonths } = PERIODS[this.period];
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const from = new Date(now.getTime() - days * DAY).toISOString();
    const [overview, activity, ...months] = await Promise.all([
      this.client.GET('/v1/network/overview').then(unwrap),
      this.client.GET('/v1/network/activity', { params: { query: { from, to: now.toISOString(), bucket, time_zone: timeZone } } }).then(unwrap),
      ...recentMonths(now, uptimeMonths).map((month) =>
        this.client
          .GET('/v1/uptime/report', { params: { query: { month } } })
          .then(unwrap)
          .then((r) => ({ month, percent: r.network.uptime_percent })),
      ),
    ]);
    this.overview = overview;
    this.activity = activity;
    this.uptime = months;
  }

  protected override get followedEvents(): string[] {
    return ['evse.status', 'session.updated'];
  }

  /** Live changes move the figures of now; the charts over the period stay as read. */
  protected override async followLive(): Promise<void> {
    this.overview = unwrap(await this.client.GET('/v1/network/overview'));
  }

  private choose(event: Event): void {
    this.period = (event.target as HTMLSelectElement).value as Period;
    void this.refresh();
  }

  private bucketLabel(start: string): string {
    const hourly = this.activity?.bucket === 'hour';
    // Short labels: an hour on one day, a weekday and hour over a week, a date otherwise.
    const options: Intl.DateTimeFormatOptions = !hourly
      ? { day: 'numeric', month: 'short' }
      : PERIODS[this.period].days > 1
        ? { weekday: 'short', hour: 'numeric' }
        : { hour: 'numeric', minute: '2-digit' };
    return new Intl.DateTimeFormat(this.language, options).format(new Date(start));
  }

  override render() {
    const o = this.overview;
    const lang = this.language;
    const percent = (v: number) => formatShare(v / 100, lang);
    const buckets = this.activity?.buckets ?? [];
    const points = (value: (b: (typeof buckets)[number]) => number) => buckets.map((b) => ({ label: this.bucketLabel(b.start), value: value(b) }));
    return html`<h1>${msg('Overview')}</h1>
      ${this.status()}
      ${
        o
          ? html`<dl class="tiles">
              <div><dt>${msg('EVSEs free now')}</dt><dd>${o.evses.by_status.AVAILABLE ?? 0}</dd></div>
              <div><dt>${msg('Chargers online')}</dt><dd>${o.charge_points.online} / ${o.charge_points.total}</dd></div>
              <div><dt>${msg('Charging now')}</dt><dd data-figure="charging-now">${o.charging_now}</dd></div>
              <div><dt>${msg('Energy, last 24 hours')}</dt><dd>${formatEnergy(o.sessions.energy_last_24h_wh, lang)}</dd></div>
              <div><dt>${msg('Bookings active / next 24 hours')}</dt><dd>${o.reservations.active} / ${o.reservations.upcoming_24h}</dd></div>
            </dl>
            <section class="card" aria-labelledby="statuses">
              <h2 id="statuses">${msg('EVSEs by status')}</h2>
              ${this.statusBar(o)}
            </section>`
          : nothing
      }
      <section class="card" aria-labelledby="trends">
        <div class="toolbar">
          <h2 id="trends" style="flex:1;margin:0">${msg('Trends')}</h2>
          <label>${msg('Period')}
            <select @change=${this.choose} .value=${this.period}>
              <option value="24h">${msg('Last 24 hours')}</option>
              <option value="7d">${msg('Last 7 days')}</option>
              <option value="30d">${msg('Last 30 days')}</option>
              <option value="90d">${msg('Last 90 days')}</option>
              <option value="365d">${msg('Last 12 months')}</option>
            </select>
          </label>
        </div>
        <div class="grid">
          <figure class="card" style="margin:0"><figcaption><h3>${msg('Utilisation')}</h3></figcaption>
            ${barChart({ title: msg('Utilisation'), points: points((b) => b.utilisation_percent), format: percent, max: 100 })}</figure>
          <figure class="card" style="margin:0"><figcaption><h3>${msg('Energy delivered')}</h3></figcaption>
            ${barChart({ title: msg('Energy delivered'), points: points((b) => b.energy_wh), format: (v) => formatEnergy(v, lang) })}</figure>
          <figure class="card" style="margin:0"><figcaption><h3>${msg('Revenue')}</h3></figcaption>
            ${barChart({
              title: msg('Revenue'),
              points: points((b) => b.revenue[this.currency] ?? 0),
              format: (v) => formatMoney(v, this.currency, lang),
            })}</figure>
          <figure class="card" style="margin:0"><figcaption><h3>${msg('Uptime per month')}</h3></figcaption>
            ${barChart({
              title: msg('Uptime per month'),
              points: this.uptime.map((m) => ({
                label: new Intl.DateTimeFormat(lang, { month: 'short', year: '2-digit', timeZone: 'UTC' }).format(new Date(`${m.month}-01T00:00:00Z`)),
                value: m.percent ?? 0,
              })),
              format: percent,
              max: 100,
              target: { value: 97, label: msg(str`target ${percent(97)}`) },
            })}
            <p class="muted"><a href=${href('uptime')}>${msg('Uptime report')}</a></p></figure>
        </div>
      </section>
      ${
        o?.faults.length
          ? html`<section class="card" aria-labelledby="faults"><h2 id="faults">${msg('EVSEs out of order')}</h2>
              <table><thead><tr><th>${msg('EVSE')}</th><th>${msg('Site')}</th><th>${msg('Since')}</th></tr></thead>
              <tbody>${o.faults.map(
                (f) =>
                  html`<tr><td>${evseName(f.evse_id)}</td><td><a href=${href('sites', f.location_id)}>${f.location_name}</a></td><td>${new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(f.since))}</td></tr>`,
              )}</tbody></table></section>`
          : nothing
      }`;
  }

  private statusBar(o: Overview) {
    const total = o.evses.total || 1;
    let x = 0;
    const parts = STATUS_ORDER.filter((s) => o.evses.by_status[s]).map((s) => {
      const width = ((o.evses.by_status[s] ?? 0) / total) * 600;
      const part = { status: s, x, width, count: o.evses.by_status[s] ?? 0 };
      x += width;
      return part;
    });
    const label = parts.map((p) => `${statusLabel(p.status)} ${p.count}`).join(', ');
    return html`<svg viewBox="0 0 600 28" role="img" aria-label=${label} style="width:100%;height:auto">
        ${parts.map((p) => svg`<rect x=${p.x} width=${p.width} height="28" fill=${STATUS_COLOUR[evseLook(p.status)]}><title>${statusLabel(p.status)}: ${p.count}</title></rect>`)}
      </svg>
      <ul class="muted" style="display:flex;flex-wrap:wrap;gap:4px 14px;list-style:none;padding:0">
        ${parts.map((p) => html`<li><span aria-hidden="true" style="display:inline-block;width:10px;height:10px;border-radius:2px;background:${STATUS_COLOUR[evseLook(p.status)]}"></span> ${statusLabel(p.status)} · ${p.count}</li>`)}
      </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-console-overview': VoltshareConsoleOverview;
  }
}
