import { msg, str } from '@lit/localize';
import { type components, unwrap } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { formatPower } from '../shared/format.js';
import { evseLook, statusLabel } from '../shared/status.js';
import { ConsolePage, evseName, href } from './console-page.js';

type Site = components['schemas']['LocationSummary'];
type SiteDetail = components['schemas']['LocationWithReviews'];
type ChargePoint = components['schemas']['ChargePoint'];

/**
 * `<voltshare-console-sites>`: the network's sites as a list and on the map (`<voltshare-map>`),
 * and one site (`site`) with its EVSEs by printed id, their live status and chargers, its queue.
 */
export class VoltshareConsoleSites extends ConsolePage {
  static override properties: PropertyDeclarations = {
    ...ConsolePage.properties,
    networkId: { type: String, attribute: 'network-id' },
    site: { type: String },
    sites: { state: true },
    detail: { state: true },
    chargers: { state: true },
    queueLength: { state: true },
    showMap: { state: true },
  };

  declare networkId: string;
  declare site: string | undefined;
  declare sites: Site[];
  declare detail: SiteDetail | undefined;
  declare chargers: ChargePoint[];
  declare queueLength: number | undefined;
  declare showMap: boolean;

  constructor() {
    super();
    this.sites = [];
    this.chargers = [];
    this.showMap = false;
  }

  protected async load(): Promise<void> {
    if (!this.site) {
      this.detail = undefined;
      const page = unwrap(await this.client.GET('/v1/locations', { params: { query: { network_id: this.networkId, limit: 100 } } }));
      this.sites = page.data.filter((s) => s.network_id === this.networkId);
      return;
    }
    const id = this.site;
    const [detail, chargers, queue] = await Promise.all([
      this.client.GET('/v1/locations/{location_id}', { params: { path: { location_id: id } } }).then(unwrap),
      this.client.GET('/v1/charge-points', { params: { query: { limit: 100 } } }).then(unwrap),
      this.client.GET('/v1/locations/{location_id}/queue', { params: { path: { location_id: id } } }).then(unwrap),
    ]);
    this.detail = detail;
    this.chargers = chargers.data.filter((c) => c.location_id === id);
    this.queueLength = queue.length;
  }

  protected override get followedEvents(): string[] {
    return ['evse.status', 'location.updated', 'queue.updated'];
  }

  /** Another ticket, site or session in the same element (the route changed): read it. */
  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.hasUpdated && changed.has('site')) void this.refresh();
  }

  override render() {
    return this.site ? this.renderSite() : this.renderList();
  }

  private renderList() {
    const centre = this.sites[0]?.coordinates;
    return html`<h1>${msg('Sites')}</h1>
      ${this.status()}
      <section class="card">
        <table>
          <thead><tr><th>${msg('Site')}</th><th>${msg('City')}</th><th class="number">${msg('EVSEs free')}</th><th class="number">${msg('Out of order')}</th><th class="number">${msg('Most power')}</th><th>${msg('Published')}</th></tr></thead>
          <tbody>
            ${this.sites.map(
              (s) => html`<tr>
                <td><a href=${href('sites', s.id)}>${s.name}</a></td>
                <td>${s.city}</td>
                <td class="number">${s.availability.available} / ${s.availability.total}</td>
                <td class="number">${(s.availability.counts.OUTOFORDER ?? 0) + (s.availability.counts.INOPERATIVE ?? 0)}</td>
                <td class="number">${formatPower(s.max_power_w, this.language)}</td>
                <td>${s.publish ? msg('yes') : msg('no')}</td>
              </tr>`,
            )}
          </tbody>
        </table>
        ${this.sites.length || this.busy ? nothing : html`<p class="empty">${msg('No sites yet.')}</p>`}
      </section>
      ${
        centre
          ? html`<section class="card" aria-labelledby="site-map">
              <div class="toolbar"><h2 id="site-map" style="flex:1;margin:0">${msg('Map')}</h2>
                <button class="secondary" type="button" aria-expanded=${this.showMap} @click=${() => (this.showMap = !this.showMap)}>${this.showMap ? msg('Hide the map') : msg('Show the map')}</button></div>
              ${this.showMap ? html`<voltshare-map .token=${this.session.accessToken} lat=${centre.latitude} lng=${centre.longitude} zoom="11" radius-km="50"></voltshare-map>` : nothing}
            </section>`
          : nothing
      }`;
  }

  private renderSite() {
    const d = this.detail;
    const chargerOf = (id: string | null) => this.chargers.find((c) => c.id === id);
    return html`<p><a href=${href('sites')}>← ${msg('All sites')}</a></p>
      <h1>${d?.name ?? msg('Site')}</h1>
      ${this.status()}
      ${
        d
          ? html`<section class="card">
              <dl class="facts">
                <dt>${msg('Address')}</dt><dd>${d.address}, ${d.postal_code ?? ''} ${d.city}</dd>
                <dt>${msg('Time zone')}</dt><dd>${d.time_zone}</dd>
                <dt>${msg('In the line')}</dt><dd>${this.queueLength ?? '–'}</dd>
              </dl>
              <p class="actions"><a href=${href('sessions', 'at', d.id)}>${msg('Sessions at this site')}</a> · <a href=${href('reservations')}>${msg('Reservations')}</a></p>
            </section>
            <section class="card" aria-labelledby="evses">
              <h2 id="evses">${msg(str`EVSEs (${d.evses.length})`)}</h2>
              <table>
                <thead><tr><th>${msg('EVSE')}</th><th>${msg('Status')}</th><th>${msg('Charger')}</th><th>${msg('Connectors')}</th></tr></thead>
                <tbody>${d.evses.map((e) => {
                  const charger = chargerOf(e.charge_point_id);
                  const look = evseLook(e.status);
                  return html`<tr data-evse=${e.evse_id ?? e.uid}>
                    <td>${evseName(e.evse_id)}</td>
                    <td><span class="badge ${look}">${statusLabel(e.status)}</span></td>
                    <td>${charger ? html`<a href=${href('chargers', charger.id)}>${charger.identity}</a> <span class="muted">${charger.online ? msg('online') : msg('offline')}</span>` : '–'}</td>
                    <td>${e.connectors.map((c) => formatPower(c.max_electric_power ?? 0, this.language)).join(' · ')}</td>
                  </tr>`;
                })}</tbody>
              </table>
            </section>`
          : nothing
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-console-sites': VoltshareConsoleSites;
  }
}
