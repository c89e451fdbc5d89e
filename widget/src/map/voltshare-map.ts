import { msg, str } from '@lit/localize';
import type { components, LocationSummary } from '@voltshare/sdk';
import type * as Leaflet from 'leaflet';
import { html, nothing, type PropertyDeclarations } from 'lit';
import { VoltshareElement } from '../shared/element.js';
import { formatClock, formatDistance, formatEnergy, formatMoney, formatPower } from '../shared/format.js';
import { type Look, locationLook, standardLabel } from '../shared/status.js';
import { clusterPoints } from './cluster.js';
import { mapStyles } from './voltshare-map.styles.js';

export interface SelectDetail {
  location_id: string;
  name: string;
}

const POWER_STEPS_KW = [11, 22, 50, 150];
type ChargingOption = components['schemas']['ChargingOption'];

/** `voltshare-select`: the station a driver picked. */
export type VoltshareSelectEvent = CustomEvent<SelectDetail>;

/**
 * `<voltshare-map>`: stations around a point on a Leaflet map with a list beside it, filters, and
 * live colours. When map tiles cannot load (offline, blocked) the markers and the list still work.
 *
 * @fires voltshare-select - A station was picked (click, or Enter in the list); `detail` is a `SelectDetail`.
 * @csspart frame - The whole element.
 * @csspart filters - The filter controls.
 * @csspart map - The map.
 * @csspart list - The list of stations beside the map.
 * @csspart notice - The line saying how many stations are shown, or why none are.
 * @csspart advice - With `advice-kwh`: where and when that much energy is cheapest nearby over the next day.
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
 * @cssprop --voltshare-map-height - Height of the map and the list (default 460px).
 */
export class VoltshareMap extends VoltshareElement {
  static override properties: PropertyDeclarations = {
    lat: { type: Number },
    lng: { type: Number },
    zoom: { type: Number },
    radiusKm: { type: Number, attribute: 'radius-km' },
    tileUrl: { type: String, attribute: 'tile-url' },
    tileAttribution: { type: String, attribute: 'tile-attribution' },
    connector: { type: String },
    minPowerKw: { type: Number, attribute: 'min-power-kw' },
    availableNow: { type: Boolean, attribute: 'available-now' },
    adviceKwh: { type: Number, attribute: 'advice-kwh' },
    advice: { state: true },
    locations: { state: true },
    selected: { state: true },
    loading: { state: true },
    tilesFailed: { state: true },
    announcement: { state: true },
    error: { state: true },
  };

  declare lat: number;
  declare lng: number;
  declare zoom: number;
  declare radiusKm: number;
  declare tileUrl: string;
  declare tileAttribution: string;
  declare connector: string;
  declare minPowerKw: number;
  declare availableNow: boolean;
  /** Energy to price the nearby advice for, kWh (1–200); without it, no advice is shown. */
  declare adviceKwh: number | undefined;
  declare advice: ChargingOption[];
  declare locations: Map<string, LocationSummary>;
  declare selected: string | undefined;
  declare loading: boolean;
  declare tilesFailed: boolean;
  declare announcement: string;
  declare error: string | undefined;

  private map?: Leaflet.Map;
  private leaflet?: typeof Leaflet;
  private markers?: Leaflet.LayerGroup;
  private unsubscribe: (() => void)[] = [];

  constructor() {
    super();
    this.lat = 49.61;
    this.lng = 6.13;
    this.zoom = 10;
    this.radiusKm = 30;
    this.tileUrl = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
    this.tileAttribution = '© OpenStreetMap contributors';
    this.connector = '';
    this.advice = [];
    this.minPowerKw = 0;
    this.availableNow = false;
    this.locations = new Map();
    this.loading = true;
    this.tilesFailed = false;
    this.announcement = '';
  }

  static override styles = mapStyles;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this.map?.remove();
    this.map = undefined;
  }

  /** Stations that pass the filters, nearest first. */
  get visible(): LocationSummary[] {
    return [...this.locations.values()]
      .filter(
        (l) =>
          (!this.connector || l.connector_standards.includes(this.connector as never)) &&
          l.max_power_w >= this.minPowerKw * 1000 &&
          (!this.availableNow || l.availability.available_now),
      )
      .sort((a, b) => (a.distance_m ?? 0) - (b.distance_m ?? 0));
  }

  private async load(): Promise<void> {
    this.loading = true;
    this.error = undefined;
    const found = new Map<string, LocationSummary>();
    try {
      const query = { lat: this.lat, lng: this.lng, radius_m: Math.round(this.radiusKm * 1000), limit: 100 };
      for await (const location of this.connection.client.locations.list(query)) found.set(location.id, location);
      this.locations = found;
      this.follow();
      if (this.adviceKwh) void this.loadAdvice(this.adviceKwh);
    } catch (error) {
      this.error = this.describe(error, msg('Stations could not be loaded.'));
    } finally {
      this.loading = false;
    }
  }

  /** Where and when the energy is cheapest around the point over the next day: one line per station, those that save against now. */
  private async loadAdvice(kwh: number): Promise<void> {
    const { data } = await this.connection.client
      .GET('/v1/recommendations', {
        params: {
          query: {
            lat: this.lat,
            lng: this.lng,
            energy_kwh: Math.min(200, Math.max(1, kwh)),
            radius_m: Math.min(50_000, Math.max(100, Math.round(this.radiusKm * 1000))),
            to: new Date(Date.now() + 24 * 3_600_000 - 60_000).toISOString(),
          },
        },
      })
      .catch(() => ({ data: undefined }));
    const seen = new Set<string>();
    this.advice = (data?.options ?? []).filter((o) => o.saves > 0 && !seen.has(o.location_id) && seen.add(o.location_id)).slice(0, 3);
  }

  private renderAdvice(): unknown {
    if (!this.adviceKwh || !this.advice.length) return nothing;
    return html`<section class="advice" part="advice" aria-labelledby="advice-title">
      <h3 id="advice-title">${msg(str`Cheapest nearby for ${formatEnergy(this.adviceKwh * 1000, this.language)}`)}</h3>
      <ul>
        ${this.advice.map((o) => {
          const station = this.locations.get(o.location_id);
          return html`<li>
            <button data-id=${o.location_id} @click=${() => station && this.select(station)}>${o.name}</button>
            <span class="muted">
              ${msg(str`from ${formatClock(o.starts_at as unknown as string, this.language, station?.time_zone)}: ${formatMoney(o.price.amount, o.price.currency, this.language)}, ${formatMoney(o.saves, o.price.currency, this.language)} less than now`)}
            </span>
          </li>`;
        })}
      </ul>
    </section>`;
  }

  private follow(): void {
    if (this.unsubscribe.length) return;
    const realtime = this.connection.realtime();
    const degrees = this.radiusKm / 111;
    const box: [number, number, number, number] = [this.lng - degrees * 1.6, this.lat - degrees, this.lng + degrees * 1.6, this.lat + degrees];
    realtime.subscribe({ bbox: box }).catch(() => {});
    this.unsubscribe.push(realtime.on<{ location_id: string; version: number }>('evse.status', (event) => void this.refresh(event.location_id, event.version)));
    // After a reconnect, one REST read catches up with whatever was missed.
    const resync = () => void this.load();
    realtime.socket.io.on('reconnect', resync);
    this.unsubscribe.push(() => realtime.socket.io.off('reconnect', resync));
  }

  private async refresh(locationId: string, version: number): Promise<void> {
    const known = this.locations.get(locationId);
    if (!known || known.version >= version) return;
    const { data } = await this.connection.client.GET('/v1/locations/{location_id}', { params: { path: { location_id: locationId } } });
    if (!data || data.version <= known.version) return;
    const { evses: _evses, ...summary } = data;
    const next = new Map(this.locations);
    next.set(locationId, { ...summary, distance_m: known.distance_m } as LocationSummary);
    this.locations = next;
    const { available, total } = summary.availability;
    this.announcement = msg(str`${summary.name}: ${available} of ${total} available`);
  }

  protected override async firstUpdated(): Promise<void> {
    const element = this.renderRoot.querySelector<HTMLElement>('.map');
    if (!element) return;
    try {
      this.leaflet = await import('leaflet/dist/leaflet-src.esm.js');
    } catch {
      this.tilesFailed = true;
      return;
    }
    const L = this.leaflet;
    this.map = L.map(element, { zoomControl: true, attributionControl: true }).setView([this.lat, this.lng], this.zoom);
    const tiles = L.tileLayer(this.tileUrl, { attribution: this.tileAttribution, maxZoom: 19 });
    tiles.on('tileerror', () => {
      this.tilesFailed = true;
    });
    tiles.addTo(this.map);
    this.markers = L.layerGroup().addTo(this.map);
    this.map.on('zoomend moveend', () => this.drawMarkers());
    this.drawMarkers();
  }

  protected override updated(): void {
    this.drawMarkers();
  }

  private drawMarkers(): void {
    const { map, markers, leaflet: L } = this;
    if (!map || !markers || !L) return;
    markers.clearLayers();
    const points = this.visible.map((l) => {
      const p = map.latLngToLayerPoint([l.coordinates.latitude, l.coordinates.longitude]);
      return { item: l, x: p.x, y: p.y };
    });
    for (const cluster of clusterPoints(points)) {
      const first = cluster.items[0] as LocationSummary;
      if (cluster.items.length === 1) {
        const look = locationLook(first.availability);
        const selected = first.id === this.selected ? ' selected' : '';
        L.circleMarker([first.coordinates.latitude, first.coordinates.longitude], { radius: 8, className: `marker ${look}${selected}` })
          .bindTooltip(first.name)
          .on('click', () => this.select(first))
          .addTo(markers);
        continue;
      }
      const look: Look = cluster.items.some((l) => l.availability.available > 0) ? 'available' : locationLook(first.availability);
      const size = cluster.items.length < 10 ? 30 : cluster.items.length < 100 ? 36 : 42;
      const icon = L.divIcon({
        className: '',
        html: `<div class="cluster ${look}" style="width:${size}px;height:${size}px">${cluster.items.length}</div>`,
        iconSize: [size, size],
      });
      const centre = map.layerPointToLatLng([cluster.x, cluster.y]);
      L.marker(centre, { icon, keyboard: false, title: msg(str`${cluster.items.length} stations`) })
        .on('click', () => map.fitBounds(L.latLngBounds(cluster.items.map((l) => [l.coordinates.latitude, l.coordinates.longitude])), { padding: [40, 40] }))
        .addTo(markers);
    }
  }

  select(location: LocationSummary): void {
    this.selected = location.id;
    this.map?.setView([location.coordinates.latitude, location.coordinates.longitude], Math.max(this.map.getZoom(), 14));
    this.dispatchEvent(
      new CustomEvent<SelectDetail>('voltshare-select', { detail: { location_id: location.id, name: location.name }, bubbles: true, composed: true }),
    );
  }

  /** Arrow keys move through the list; Home/End jump to its ends. */
  private onListKey(event: KeyboardEvent): void {
    const buttons = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('.list button')];
    const at = buttons.indexOf(event.target as HTMLButtonElement);
    if (at < 0) return;
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, to))]?.focus();
  }

  private renderFilters(): unknown {
    const standards = [...new Set([...this.locations.values()].flatMap((l) => l.connector_standards))].sort();
    return html`<div class="filters" role="group" aria-label=${msg('Filters')} part="filters">
      <label
        >${msg('Connector')}
        <select @change=${(e: Event) => (this.connector = (e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${!this.connector}>${msg('All')}</option>
          ${standards.map((s) => html`<option value=${s} ?selected=${s === this.connector}>${standardLabel(s)}</option>`)}
        </select></label
      >
      <label
        >${msg('Minimum power')}
        <select @change=${(e: Event) => (this.minPowerKw = Number((e.target as HTMLSelectElement).value))}>
          <option value="0" ?selected=${!this.minPowerKw}>${msg('Any')}</option>
          ${POWER_STEPS_KW.map((kw) => html`<option value=${kw} ?selected=${kw === this.minPowerKw}>${formatPower(kw * 1000, this.language)}</option>`)}
        </select></label
      >
      <label><input type="checkbox" .checked=${this.availableNow} @change=${(e: Event) => (this.availableNow = (e.target as HTMLInputElement).checked)} /> ${msg('Available now')}</label>
    </div>`;
  }

  private renderItem(l: LocationSummary): unknown {
    const look = locationLook(l.availability);
    const price = l.price?.energy_per_kwh != null ? `${formatMoney(l.price.energy_per_kwh, l.price.currency, this.language)}/kWh` : '';
    return html`<li>
      <button aria-current=${l.id === this.selected ? 'true' : 'false'} data-id=${l.id} @click=${() => this.select(l)}>
        <span class="name">${l.name}</span>
        <span class="badge ${look}">${msg(str`${l.availability.available}/${l.availability.total} free`)}</span>
        <span class="muted">${l.city} · ${formatPower(l.max_power_w, this.language)} · ${l.connector_standards.map(standardLabel).join(', ')}</span>
        <span class="muted">${l.distance_m != null ? formatDistance(l.distance_m, this.language) : ''}${price ? html` · ${price}` : nothing}</span>
      </button>
    </li>`;
  }

  override render(): unknown {
    const visible = this.visible;
    return html`<div class="frame" part="frame">
      ${this.renderFilters()}
      <div class="body">
        <div class="map" part="map" role="region" aria-label=${msg('Map of charging stations')}></div>
        <ul class="list" part="list" aria-label=${msg('Charging stations')} aria-busy=${this.loading ? 'true' : 'false'} @keydown=${this.onListKey}>
          ${visible.map((l) => this.renderItem(l))}
          ${!this.loading && !visible.length ? html`<li class="muted" style="padding:10px">${msg('No station matches these filters.')}</li>` : nothing}
        </ul>
      </div>
      <p class="notice" part="notice" role="status">
        ${this.loading ? msg('Loading stations…') : msg(str`${visible.length} of ${this.locations.size} stations shown`)}
        ${this.tilesFailed ? html` · <span class="tiles-offline">${msg('Map background unavailable (offline); stations are still shown.')}</span>` : nothing}
      </p>
      ${this.renderAdvice()}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <p class="visually-hidden" aria-live="polite">${this.announcement}</p>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-map': VoltshareMap;
  }
  interface GlobalEventHandlersEventMap {
    'voltshare-select': VoltshareSelectEvent;
  }
}
