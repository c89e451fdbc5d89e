import { msg } from '@lit/localize';
import { type components, unwrap } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations } from 'lit';
import { formatClock, formatDateTime } from '../shared/format.js';
import { ConsolePage, href } from './console-page.js';

type Reservation = components['schemas']['Reservation'];
type Status = components['schemas']['ReservationStatus'];
type Site = components['schemas']['LocationSummary'];

export function reservationLabel(status: Status): string {
  switch (status) {
    case 'OFFERED':
      return msg('offered from the line');
    case 'CONFIRMED':
      return msg('booked');
    case 'ACTIVE':
      return msg('car at the charger');
    case 'FULFILLED':
      return msg('charged');
    case 'CANCELLED':
      return msg('cancelled');
    case 'NO_SHOW':
      return msg('no-show');
    case 'EXPIRED':
      return msg('expired');
  }
}

/**
 * `<voltshare-console-reservations>`: bookings and offers from the virtual line at the network's
 * sites, by state and site, with each site's line as it stands; staff can cancel a booking.
 */
export class VoltshareConsoleReservations extends ConsolePage {
  static override properties: PropertyDeclarations = {
    ...ConsolePage.properties,
    networkId: { type: String, attribute: 'network-id' },
    state: { state: true },
    site: { state: true },
    reservations: { state: true },
    sites: { state: true },
    lines: { state: true },
  };

  declare networkId: string;
  declare state: '' | Status;
  declare site: string;
  declare reservations: Reservation[];
  declare sites: Site[];
  declare lines: Record<string, number>;

  constructor() {
    super();
    this.state = 'CONFIRMED';
    this.site = '';
    this.reservations = [];
    this.sites = [];
    this.lines = {};
  }

  protected async load(): Promise<void> {
    if (!this.sites.length) {
      const page = unwrap(await this.client.GET('/v1/locations', { params: { query: { network_id: this.networkId, limit: 100 } } }));
      this.sites = page.data.filter((s) => s.network_id === this.networkId);
    }
    const query = { limit: 100, ...(this.state && { status: this.state }), ...(this.site && { location_id: this.site }) };
    const [page, ...lines] = await Promise.all([
      this.client.GET('/v1/network/reservations', { params: { query } }).then(unwrap),
      ...this.sites.map((s) =>
        this.client
          .GET('/v1/locations/{location_id}/queue', { params: { path: { location_id: s.id } } })
          .then(unwrap)
          .then((q) => [s.id, q.length] as const),
      ),
    ]);
    this.reservations = page.data;
    this.lines = Object.fromEntries(lines);
  }

  private async cancel(r: Reservation): Promise<void> {
    await this.attempt(async () => {
      unwrap(await this.client.POST('/v1/reservations/{reservation_id}/cancel', { params: { path: { reservation_id: r.id } } }));
      await this.load();
    });
  }

  private choose(event: Event): void {
    const target = event.target as HTMLSelectElement;
    if (target.name === 'state') this.state = target.value as typeof this.state;
    else this.site = target.value;
    void this.refresh();
  }

  override render() {
    const lang = this.language;
    const siteOf = (id: string) => this.sites.find((s) => s.id === id);
    const waiting = this.sites.filter((s) => this.lines[s.id]);
    return html`<h1>${msg('Reservations and the line')}</h1>
      ${this.status()}
      <section class="card" aria-labelledby="lines"><h2 id="lines">${msg('Drivers in the line now')}</h2>
        ${
          waiting.length
            ? html`<ul>${waiting.map((s) => html`<li><a href=${href('sites', s.id)}>${s.name}</a>: ${this.lines[s.id]}</li>`)}</ul>`
            : html`<p class="empty">${msg('Nobody is waiting.')}</p>`
        }
      </section>
      <section class="card" aria-labelledby="bookings"><h2 id="bookings">${msg('Bookings')}</h2>
        <div class="toolbar">
          <label>${msg('State')}<select name="state" @change=${this.choose} .value=${this.state}>
            <option value="">${msg('all')}</option>
            ${(['CONFIRMED', 'OFFERED', 'ACTIVE', 'FULFILLED', 'CANCELLED', 'NO_SHOW', 'EXPIRED'] as const).map((s) => html`<option value=${s} ?selected=${s === this.state}>${reservationLabel(s)}</option>`)}
          </select></label>
          <label>${msg('Site')}<select name="site" @change=${this.choose}>
            <option value="">${msg('all')}</option>${this.sites.map((s) => html`<option value=${s.id}>${s.name}</option>`)}
          </select></label>
        </div>
        <table data-table="reservations">
          <thead><tr><th>${msg('When')}</th><th>${msg('Site')}</th><th>${msg('How')}</th><th>${msg('State')}</th><th></th></tr></thead>
          <tbody>${this.reservations.map((r) => {
            const site = siteOf(r.location_id);
            return html`<tr>
              <td>${formatDateTime(r.start, lang, site?.time_zone)}–${formatClock(r.end, lang, site?.time_zone)}</td>
              <td>${site ? html`<a href=${href('sites', site.id)}>${site.name}</a>` : '–'}</td>
              <td>${r.kind === 'queue' ? msg('from the line') : msg('booked ahead')}</td>
              <td>${reservationLabel(r.status)}</td>
              <td>${r.status === 'CONFIRMED' ? html`<button class="secondary" type="button" @click=${() => this.cancel(r)}>${msg('Cancel')}</button>` : nothing}</td>
            </tr>`;
          })}</tbody>
        </table>
        ${this.reservations.length || this.busy ? nothing : html`<p class="empty">${msg('No reservations match.')}</p>`}
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-console-reservations': VoltshareConsoleReservations;
  }
}
