import { msg, str } from '@lit/localize';
import type { components } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { VoltshareElement } from '../shared/element.js';
import { formatClock, formatMass, formatMoney, formatPower } from '../shared/format.js';
import { evseLook, standardLabel, statusLabel } from '../shared/status.js';
import { stationStyles } from './voltshare-station.styles.js';

type LocationDetail = components['schemas']['LocationWithReviews'];
type ReviewSummary = components['schemas']['ReviewSummary'];
type Price = components['schemas']['PriceSummary'];
type Preview = components['schemas']['PricePreview'];
type Outlook = components['schemas']['PricedOutlook'];

// OCPI weekday 1 is Monday; 2024-01-01 was a Monday.
const weekdayName = (weekday: number, locale: string) =>
  new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2024, 0, weekday));

/**
 * `<voltshare-station location-id="…">`: one station with its EVSEs and connectors, live status,
 * the price before start (every component, as AFIR asks), the next 24 hours (when it is quiet,
 * cheapest and cleanest), opening hours, energy mix and what drivers say of it.
 *
 * @csspart station - The whole element.
 * @csspart evses - The list of EVSEs with their status and connectors.
 * @csspart price - The price (and the price if charging started now).
 * @csspart outlook - The next 24 hours: expected free chargers, the cheapest and the cleanest hours.
 * @csspart reviews - The rating and what drivers say.
 * @cssprop --voltshare-brand - Buttons, focus rings and the selected slot.
 * @cssprop --voltshare-ink - Text.
 * @cssprop --voltshare-muted - Secondary text.
 * @cssprop --voltshare-surface - The element's background.
 * @cssprop --voltshare-line - Borders and separators.
 * @cssprop --voltshare-radius - Corner radius of the element's frame.
 * @cssprop --voltshare-available - Status colour of a free EVSE.
 * @cssprop --voltshare-busy - Status colour of an EVSE in use.
 * @cssprop --voltshare-fault - Status colour of an EVSE out of order, and of errors.
 * @cssprop --voltshare-unknown - Status colour when the status is not known.
 * @cssprop --voltshare-font - The font shorthand.
 */
export class VoltshareStation extends VoltshareElement {
  static override properties: PropertyDeclarations = {
    locationId: { type: String, attribute: 'location-id' },
    withoutOutlook: { type: Boolean, attribute: 'without-outlook' },
    station: { state: true },
    preview: { state: true },
    outlook: { state: true },
    error: { state: true },
    announcement: { state: true },
  };

  declare locationId: string | undefined;
  /** Leaves out the next-24-hours section (for a page that shows its own outlook). */
  declare withoutOutlook: boolean;
  declare station: LocationDetail | undefined;
  /** The exact price if charging started now (AFIR), from the first priced EVSE. */
  declare preview: Preview | undefined;
  /** The next 24 hours, forecast, priced and with their CO₂. */
  declare outlook: Outlook | undefined;
  declare error: string | undefined;
  declare announcement: string;
  private unsubscribe: (() => void)[] = [];

  constructor() {
    super();
    this.announcement = '';
    this.withoutOutlook = false;
  }

  static override styles = stationStyles;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopFollowing();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('locationId') || changed.has('apiBase') || changed.has('publishableKey') || changed.has('token')) void this.load();
  }

  private stopFollowing(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
  }

  private async load(): Promise<void> {
    this.stopFollowing();
    const id = this.locationId;
    if (!id) return;
    await this.read(id);
    const realtime = this.connection.realtime();
    realtime.subscribe({ location_id: id }).catch(() => {});
    const onStatus = (event: { location_id: string; evse_uid: string; status: string; version: number }) => {
      if (event.location_id !== id || !this.station || event.version <= this.station.version) return;
      void this.read(id).then(() => {
        const evse = this.station?.evses.find((e) => e.uid === event.evse_uid);
        const index = this.station?.evses.findIndex((e) => e.uid === event.evse_uid) ?? 0;
        this.announcement = msg(str`${evse?.evse_id ?? msg(str`Charger ${index + 1}`)} is now ${statusLabel(event.status)}`);
      });
    };
    this.unsubscribe.push(realtime.on('evse.status', onStatus), realtime.on('location.updated', onStatus as never));
  }

  private async read(id: string): Promise<void> {
    try {
      const { data, error, response } = await this.connection.client.GET('/v1/locations/{location_id}', { params: { path: { location_id: id } } });
      if (!response.ok || !data) throw error;
      if (id === this.locationId) {
        this.station = data;
        this.error = undefined;
      }
      if (!this.withoutOutlook && (!this.outlook || this.outlook.location_id !== id)) {
        const outlook = await this.connection.client
          .GET('/v1/locations/{location_id}/outlook', { params: { path: { location_id: id } } })
          .catch(() => undefined);
        if (outlook?.data && id === this.locationId) this.outlook = outlook.data;
      }
      const priced = data.evses.find((e) => e.connectors.some((c) => c.price));
      if (priced && this.preview?.evse_uid !== priced.uid) {
        const preview = await this.connection.client.GET('/v1/evses/{evse_uid}/price-preview', { params: { path: { evse_uid: priced.uid } } });
        if (preview.data && id === this.locationId) this.preview = preview.data;
      }
    } catch (error) {
      this.error = msg('This station could not be loaded.');
      void error;
    }
  }

  private renderPreview(preview: Preview): unknown {
    const money = (minor: number) => formatMoney(minor, preview.currency, this.language);
    const label = { ENERGY: msg('Energy'), TIME: msg('Time'), PARKING_TIME: msg('Idle fee'), FLAT: msg('Per session') };
    return html`<dl class="prices" part="price">
      ${preview.components.map(
        (c) => html`<dt>${label[c.type]}</dt>
          <dd>
            ${money(c.price)}${c.unit === 'session' ? '' : ` / ${c.unit}`}
            ${c.grace_minutes ? html`<span class="muted">${msg(str`after ${c.grace_minutes} free minutes`)}</span>` : nothing}
          </dd>`,
      )}
      ${preview.display_text ? html`<dd class="muted" style="grid-column:1/-1;font-weight:400">${preview.display_text}</dd>` : nothing}
    </dl>`;
  }

  private renderPrice(price: Price | null): unknown {
    if (this.preview) return this.renderPreview(this.preview);
    if (!price) return html`<p class="muted">${msg('Price on request at the station.')}</p>`;
    const money = (minor: number) => formatMoney(minor, price.currency, this.language);
    return html`<dl class="prices" part="price">
      ${price.energy_per_kwh != null ? html`<dt>${msg('Energy')}</dt><dd>${money(price.energy_per_kwh)} / kWh</dd>` : nothing}
      ${price.time_per_hour != null ? html`<dt>${msg('Time')}</dt><dd>${money(price.time_per_hour)} / h</dd>` : nothing}
      ${price.flat != null ? html`<dt>${msg('Per session')}</dt><dd>${money(price.flat)}</dd>` : nothing}
      ${price.display_text ? html`<dt class="visually-hidden">${msg('Note')}</dt><dd class="muted" style="grid-column:1/-1;font-weight:400">${price.display_text}</dd>` : nothing}
    </dl>`;
  }

  private decimal(n: number): string {
    return new Intl.NumberFormat(this.language, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n);
  }

  private renderReviews(reviews: ReviewSummary): unknown {
    if (!reviews.count || reviews.average_rating == null) return html`<div class="muted" part="reviews">${msg('No reviews yet')}</div>`;
    const rating = new Intl.NumberFormat(this.language, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(reviews.average_rating);
    return html`<div class="muted" part="reviews">
      <span aria-hidden="true">★</span> ${msg(str`Rated ${rating} out of 5`)} · ${reviews.count === 1 ? msg('1 review') : msg(str`${reviews.count} reviews`)}
    </div>`;
  }

  private renderHours(station: LocationDetail): unknown {
    const hours = station.opening_hours;
    if (hours.twentyfourseven) return html`<p>${msg('Open 24/7')}</p>`;
    const rows = [...(hours.regular_hours ?? [])].sort((a, b) => a.weekday - b.weekday);
    if (!rows.length) return html`<p class="muted">${msg('Opening hours not published.')}</p>`;
    return html`<table>
      ${rows.map((r) => html`<tr><td>${weekdayName(r.weekday, this.language)}</td><td>${r.period_begin}–${r.period_end}</td></tr>`)}
    </table>`;
  }

  /** When it is quiet, cheapest and cleanest over the next 24 hours; nothing where the forecast knows nothing. */
  private renderOutlook(o: Outlook): unknown {
    const clock = (at: string) => formatClock(at, this.language, o.time_zone);
    const when = (hours: Outlook['hours']) => hours.map((h) => clock(h.starts_at as unknown as string)).join(', ');
    const quiet = o.confidence === 'none' ? [] : o.hours.filter((h) => h.best);
    const greenest = o.hours.filter((h) => h.greenest);
    const priced = o.hours.filter((h) => h.energy_price_per_kwh != null);
    const now = priced[0]?.energy_price_per_kwh;
    const lowest = Math.min(...priced.map((h) => h.energy_price_per_kwh as number));
    const cheapest = now != null && o.currency && lowest < now ? priced.find((h) => h.energy_price_per_kwh === lowest) : undefined;
    if (!quiet.length && !greenest.length && !cheapest) return nothing;
    return html`<h3>${msg('The next 24 hours')}</h3>
      <div part="outlook" data-outlook>
        ${quiet.length ? html`<p>${msg(str`Quietest from ${when(quiet)}.`)}</p>` : nothing}
        ${
          cheapest
            ? html`<p data-cheapest>${msg(str`Cheapest from ${clock(cheapest.starts_at as unknown as string)}: ${formatMoney(lowest, o.currency as string, this.language)} / kWh.`)}</p>`
            : nothing
        }
        ${greenest.length ? html`<p data-greenest>${msg(str`Cleanest from ${when(greenest)}: ${formatMass(Math.min(...greenest.map((h) => h.co2_g_per_kwh)), this.language)} CO₂ per kWh.`)}</p>` : nothing}
        ${
          o.confidence === 'none'
            ? nothing
            : html`<div class="strip" aria-hidden="true">
                ${o.hours.map(
                  (h) =>
                    html`<span class="bar ${h.best ? 'best' : ''} ${h.greenest ? 'greenest' : ''}" style="height:${Math.round(8 + (40 * h.expected_free_evses) / Math.max(1, o.evses))}px"></span>`,
                )}
              </div>`
        }
      </div>`;
  }

  override render(): unknown {
    if (this.error) return html`<p class="error" role="alert">${this.error}</p>`;
    const s = this.station;
    if (!s) return html`<p class="muted" role="status">${this.locationId ? msg('Loading station…') : msg('Pick a station to see its chargers.')}</p>`;
    const prices = s.evses.flatMap((e) => e.connectors.map((c) => c.price)).filter((p): p is Price => p != null);
    const renewable = s.energy_mix.renewable_share;
    return html`<article part="station" aria-labelledby="title">
      <h2 id="title">${s.name}</h2>
      <div class="muted">${s.address}, ${s.postal_code ?? ''} ${s.city}${s.operator_name ? html` · ${s.operator_name}` : nothing}</div>
      <div class="muted">
        ${s.open_now ? msg('Open now') : msg('Closed now')}${renewable != null ? html` · ${msg(str`${renewable}% renewable energy`)}` : nothing}
      </div>
      ${this.renderReviews(s.reviews)}
      ${
        s.reliability
          ? html`<div class="muted" data-reliability>
            ${msg(str`Reliability ${this.decimal(s.reliability.score)} out of 10`)} · ${msg(str`From ${s.reliability.sessions} sessions and ${s.reliability.check_ins} check-ins in the last ${s.reliability.window_days} days.`)}
          </div>`
          : nothing
      }
      <h3>${msg('Chargers')}</h3>
      <ul class="evses" part="evses">
        ${s.evses.map(
          (e, i) => html`<li class="evse" data-uid=${e.uid}>
            <span class="id">${e.evse_id ?? e.physical_reference ?? msg(str`Charger ${i + 1}`)}</span>
            <span class="badge ${evseLook(e.status)}" data-status=${e.status}>${statusLabel(e.status)}</span>
            <span class="muted" style="grid-column:1/-1">
              ${e.connectors.map((c) => `${standardLabel(c.standard)} · ${formatPower(c.max_electric_power, this.language)} ${c.power_type === 'DC' ? 'DC' : 'AC'}`).join(' | ')}
            </span>
          </li>`,
        )}
      </ul>
      <h3>${msg('Price before you start')}</h3>
      ${this.renderPrice(prices[0] ?? null)}
      ${this.outlook && !this.withoutOutlook ? this.renderOutlook(this.outlook) : nothing}
      <h3>${msg('Opening hours')}</h3>
      ${this.renderHours(s)}
      <p class="visually-hidden" aria-live="polite">${this.announcement}</p>
    </article>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-station': VoltshareStation;
  }
}
