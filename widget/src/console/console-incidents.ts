import { msg, str } from '@lit/localize';
import { type components, unwrap } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations } from 'lit';
import { formatDateTime } from '../shared/format.js';
import { ConsolePage, evseName, href } from './console-page.js';
import { faultName } from './fault-names.js';

type Incident = components['schemas']['Incident'];
type Cause = components['schemas']['IncidentCause'];

const causeLabel = (c: Cause) =>
  ({
    fault: msg('fault reported by the charger'),
    offline: msg('charger offline'),
    failed_starts: msg('repeated failed starts'),
    power_limit_ignored: msg('ignores its power limit'),
    driver_report: msg('reported by a driver'),
  })[c];

/**
 * `<voltshare-console-incidents>`: incidents the platform opened from faults, silence, failed
 * starts and drivers' reports — one per EVSE or per site — by printed EVSE id and fault name;
 * they resolve by themselves when the charger recovers, or staff resolve them.
 */
export class VoltshareConsoleIncidents extends ConsolePage {
  static override properties: PropertyDeclarations = {
    ...ConsolePage.properties,
    show: { state: true },
    incidents: { state: true },
  };

  declare show: 'open' | 'resolved';
  declare incidents: Incident[];

  constructor() {
    super();
    this.show = 'open';
    this.incidents = [];
  }

  protected override get followedEvents(): string[] {
    return ['incident.opened', 'incident.updated', 'incident.resolved'];
  }

  protected async load(): Promise<void> {
    this.incidents = unwrap(await this.client.GET('/v1/incidents', { params: { query: { status: this.show, limit: 50 } } })).data;
  }

  private async resolve(incident: Incident): Promise<void> {
    await this.attempt(async () => {
      unwrap(await this.client.POST('/v1/incidents/{incident_id}/resolve', { params: { path: { incident_id: incident.id } } }));
      await this.load();
    });
  }

  override render() {
    const lang = this.language;
    const sites = this.incidents.filter((i) => i.scope === 'site').length;
    return html`<h1>${msg('Incidents')}</h1>
      ${this.status()}
      <section class="card">
        <div class="toolbar">
          <label>${msg('Show')}<select @change=${(e: Event) => {
            this.show = (e.target as HTMLSelectElement).value as typeof this.show;
            void this.refresh();
          }}><option value="open">${msg('open')}</option><option value="resolved">${msg('resolved')}</option></select></label>
          <p class="muted" data-summary>${
            this.show === 'open'
              ? this.incidents.length
                ? msg(str`${this.incidents.length} open, ${sites} of them whole sites. They resolve by themselves when the charger recovers.`)
                : msg('No open incidents.')
              : nothing
          }</p>
        </div>
        <table data-table="incidents">
          <thead><tr><th>${msg('Where')}</th><th>${msg('EVSEs')}</th><th>${msg('Why')}</th><th>${msg('Opened')}</th><th class="number">${msg('Tickets')}</th><th></th></tr></thead>
          <tbody>${this.incidents.map(
            (i) => html`<tr>
              <td><a href=${href('sites', i.location_id)}>${i.location_name}</a>${i.scope === 'site' ? html` <span class="pill bad">${msg('whole site')}</span>` : nothing}</td>
              <td>${i.affected_evses.map((e) => evseName(e.evse_id)).join(', ')}</td>
              <td>${i.fault ? html`<strong>${faultName(i.fault.code, i.fault.name)}</strong>${i.fault.vendor_error_code ? html` <span class="muted">(${i.fault.vendor_error_code})</span>` : nothing}<br>` : nothing}
                <span class="muted">${i.causes.map(causeLabel).join(' · ')}</span></td>
              <td>${formatDateTime(i.opened_at, lang)}</td>
              <td class="number">${i.tickets}</td>
              <td>${i.status === 'open' ? html`<button class="secondary" type="button" @click=${() => this.resolve(i)}>${msg('Resolve')}</button>` : nothing}</td>
            </tr>`,
          )}</tbody>
        </table>
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-console-incidents': VoltshareConsoleIncidents;
  }
}
