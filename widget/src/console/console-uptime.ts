import { msg, str } from '@lit/localize';
import { type components, unwrap } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations } from 'lit';
import { formatShare } from '../shared/format.js';
import { barChart } from './chart.js';
import { ConsolePage, evseName, href } from './console-page.js';

type Report = components['schemas']['UptimeReport'];
type Reason = components['schemas']['ExclusionReason'];

const reasonLabel = (r: Reason) =>
  ({
    scheduled_maintenance: msg('scheduled maintenance'),
    grid_outage: msg('grid outage'),
    vandalism: msg('vandalism'),
    natural_disaster: msg('natural disaster'),
    communication_outage: msg('communication outage'),
    other_outside_control: msg('other, outside our control'),
  })[r];

const lastMonth = (now = new Date()) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);

/**
 * `<voltshare-console-uptime>`: a month's uptime by the NEVI formula — the network, each site
 * against 97 %, the ports under it by printed id, the outages excluded and why — and the report
 * as CSV or PDF.
 */
export class VoltshareConsoleUptime extends ConsolePage {
  static override properties: PropertyDeclarations = {
    ...ConsolePage.properties,
    month: { state: true },
    report: { state: true },
  };

  declare month: string;
  declare report: Report | undefined;

  constructor() {
    super();
    this.month = lastMonth();
  }

  protected async load(): Promise<void> {
    this.report = unwrap(await this.client.GET('/v1/uptime/report', { params: { query: { month: this.month } } }));
  }

  private async download(format: 'csv' | 'pdf'): Promise<void> {
    await this.attempt(async () => {
      const answer = await this.client.GET('/v1/uptime/report/export', { params: { query: { month: this.month, format } }, parseAs: 'blob' });
      const data = answer.data as Blob | undefined;
      if (!data) throw new Error(msg(str`The report could not be downloaded (${answer.response.status}).`));
      const link = document.createElement('a');
      link.href = URL.createObjectURL(data as Blob);
      link.download = `uptime-${this.month}.${format}`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    });
  }

  override render() {
    const r = this.report;
    const lang = this.language;
    const percent = (v: number | null) => (v === null ? '–' : formatShare(v / 100, lang));
    const sites = (r?.sites ?? []).filter((s) => s.uptime_percent !== null).sort((a, b) => (a.uptime_percent ?? 0) - (b.uptime_percent ?? 0));
    const below = (r?.ports ?? []).filter((p) => p.below_target);
    return html`<h1>${msg('Uptime')}</h1>
      <div class="toolbar">
        <label>${msg('Month')}<input type="month" .value=${this.month} @change=${(e: Event) => {
          this.month = (e.target as HTMLInputElement).value || lastMonth();
          void this.refresh();
        }}></label>
        <button class="secondary" type="button" @click=${() => this.download('csv')}>${msg('Download CSV')}</button>
        <button class="secondary" type="button" @click=${() => this.download('pdf')}>${msg('Download PDF')}</button>
      </div>
      ${this.status()}
      ${
        r
          ? html`<dl class="tiles">
              <div><dt>${msg('Network uptime')}</dt><dd>${percent(r.network.uptime_percent)}</dd></div>
              <div><dt>${msg('Ports under 97 %')}</dt><dd>${r.network.ports_below_target}</dd></div>
              <div><dt>${msg('Share of ports under 97 %')}</dt><dd>${r.network.share_below_target === null ? '–' : formatShare(r.network.share_below_target, lang)}</dd></div>
            </dl>
            <section class="card" aria-labelledby="by-site"><h2 id="by-site">${msg('Uptime by site, lowest first')}</h2>
              ${barChart({
                title: msg('Uptime by site'),
                points: sites.slice(0, 24).map((s) => ({ label: s.location_name.slice(0, 14), value: s.uptime_percent ?? 0 })),
                format: (v) => percent(v),
                max: 100,
                target: { value: 97, label: percent(97) },
              })}
            </section>
            <div class="grid">
              <section class="card" aria-labelledby="ports"><h2 id="ports">${msg('Ports under 97 %')}</h2>
                <table data-table="ports"><thead><tr><th>${msg('EVSE')}</th><th>${msg('Site')}</th><th class="number">${msg('Uptime')}</th></tr></thead>
                <tbody>${below.map((p) => html`<tr><td>${evseName(p.evse_id)}</td><td><a href=${href('sites', p.location_id)}>${p.location_name}</a></td><td class="number">${percent(p.uptime_percent)}</td></tr>`)}</tbody></table>
                ${below.length ? nothing : html`<p class="empty">${msg('Every port met the target.')}</p>`}
              </section>
              <section class="card" aria-labelledby="excluded"><h2 id="excluded">${msg('Outages excluded')}</h2>
                <ul>${r.exclusions.map((x) => html`<li>${reasonLabel(x.reason)}${x.note ? html` — ${x.note}` : nothing}</li>`)}</ul>
                ${r.exclusions.length ? nothing : html`<p class="empty">${msg('None this month.')}</p>`}
              </section>
            </div>`
          : nothing
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-console-uptime': VoltshareConsoleUptime;
  }
}
