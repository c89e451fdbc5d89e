import { msg, str } from '@lit/localize';
import type { components, LocationSearch, LocationSummary } from '@voltshare/sdk';
import { unwrap } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations } from 'lit';
import { VoltshareElement } from '../shared/element.js';
import { formatClock, formatDateTime, formatDistance, formatEnergy, formatMoney, formatPower } from '../shared/format.js';
import { locationLook, standardLabel } from '../shared/status.js';
import { theme } from '../shared/styles.js';
import { appStyles, findStyles } from './app.styles.js';

type Place = components['schemas']['Place'];
type ChargingOption = components['schemas']['ChargingOption'];
type FeedItem = components['schemas']['FeedItem'];
type Sort = 'distance' | 'price' | 'availability' | 'reliability';
interface Centre {
  name: string;
  latitude: number;
  longitude: number;
}
interface Filters {
  connector: string;
  min_power_kw: number;
  available_now: boolean;
  open_now: boolean;
  reservable: boolean;
  green: boolean;
  /** Only stations scored 7 or more for reliability. */
  reliable: boolean;
  max_price_per_kwh: number | undefined;
}

const LAST_SEARCH = 'voltshare.app.last-search';
/** The reliability score from which "reliable stations only" keeps a station. */
const RELIABLE_SCORE = 7;
/** The charge the nearby advice is priced for. */
const ADVICE_KWH = 20;
const CONNECTORS = ['IEC_62196_T2', 'IEC_62196_T2_COMBO', 'CHADEMO', 'DOMESTIC_F'];
const POWERS = [0, 11, 22, 50, 150];

/** `voltshare-open-station`: the station the driver picked. */
export type VoltshareOpenStationEvent = CustomEvent<{ location_id: string }>;

/** The last results, so the list still shows something with no network (the service worker keeps the app). */
function remembered(): { centre: Centre; results: LocationSummary[] } | undefined {
  try {
    return JSON.parse(localStorage.getItem(LAST_SEARCH) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * `<voltshare-find>`: search a place (cities and stations the platform holds) or use the device's
 * position, filter and sort the stations around it, as a list that works without the map (screen
 * readers, no tiles offline) and, on demand, the map.
 *
 * @fires voltshare-open-station - The driver picked a station; `detail` is `{ location_id }`.
 */
export class VoltshareFind extends VoltshareElement {
  static override properties: PropertyDeclarations = {
    units: { type: String },
    defaultConnector: { type: String, attribute: 'default-connector' },
    query: { state: true },
    places: { state: true },
    centre: { state: true },
    results: { state: true },
    filters: { state: true },
    sort: { state: true },
    showMap: { state: true },
    loading: { state: true },
    error: { state: true },
    offline: { state: true },
    advice: { state: true },
    feed: { state: true },
  };

  declare units: 'metric' | 'imperial';
  declare defaultConnector: string | undefined;
  declare query: string;
  declare places: Place[];
  declare centre: Centre | undefined;
  declare results: LocationSummary[] | undefined;
  declare filters: Filters;
  /** Across the stations near the centre: the cheapest times for a typical charge, with what each saves. */
  declare advice: ChargingOption[];
  /** What drivers shared lately at stations around the place (check-ins, tips, questions, photos). */
  declare feed: FeedItem[];
  declare sort: Sort;
  declare showMap: boolean;
  declare loading: boolean;
  declare error: string | undefined;
  declare offline: boolean;
  private typing: ReturnType<typeof setTimeout> | undefined;
  /** Wide screens show the filters open; phones keep them folded. */
  private readonly filtersOpen = matchMedia('(min-width: 900px)').matches;

  static override styles = [theme, appStyles, findStyles];

  constructor() {
    super();
    this.units = 'metric';
    this.query = '';
    this.places = [];
    this.advice = [];
    this.feed = [];
    this.filters = {
      connector: '',
      min_power_kw: 0,
      available_now: false,
      open_now: false,
      reservable: false,
      green: false,
      reliable: false,
      max_price_per_kwh: undefined,
    };
    this.sort = 'distance';
    this.showMap = false;
    this.loading = false;
    this.offline = false;
    const last = remembered();
    if (last) {
      this.centre = last.centre;
      this.results = last.results;
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.defaultConnector && !this.filters.connector) this.filters = { ...this.filters, connector: this.defaultConnector };
    if (this.centre) void this.search();
  }

  private suggest(text: string): void {
    this.query = text;
    clearTimeout(this.typing);
    if (text.trim().length < 2) {
      this.places = [];
      return;
    }
    this.typing = setTimeout(async () => {
      const { data } = await this.connection.client.GET('/v1/places', { params: { query: { q: text, limit: 8 } } }).catch(() => ({ data: undefined }));
      if (text === this.query) this.places = data ?? [];
    }, 200);
  }

  private choose(place: Place): void {
    if (place.kind === 'station' && place.location_id) {
      this.open(place.location_id);
      return;
    }
    this.places = [];
    this.query = place.name;
    this.centre = { name: place.name, latitude: place.latitude, longitude: place.longitude };
    void this.search();
  }

  private locate(): void {
    if (!navigator.geolocation) {
      this.error = msg('This browser cannot tell where you are. Search a place instead.');
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) => {
        this.centre = { name: msg('Your location'), latitude: position.coords.latitude, longitude: position.coords.longitude };
        void this.search();
      },
      () => (this.error = msg('Your location is not available. Search a place instead.')),
      { timeout: 10_000 },
    );
  }

  private async search(): Promise<void> {
    const centre = this.centre;
    if (!centre) return;
    const f = this.filters;
    const query: LocationSearch = { lat: centre.latitude, lng: centre.longitude, radius_m: 25_000, limit: 50 };
    if (f.connector) query.connector_standard = [f.connector as NonNullable<LocationSearch['connector_standard']>[number]];
    if (f.min_power_kw) query.min_power_kw = f.min_power_kw;
    if (f.available_now) query.available_now = true;
    if (f.open_now) query.open_now = true;
    if (f.reservable) query.capability = ['RESERVABLE'];
    if (f.green) query.green = true;
    if (f.reliable) query.min_reliability = RELIABLE_SCORE;
    if (f.max_price_per_kwh) query.max_price_per_kwh = f.max_price_per_kwh;
    this.loading = true;
    try {
      const page = unwrap(await this.connection.client.GET('/v1/locations', { params: { query } }));
      this.results = page.data;
      this.error = undefined;
      this.offline = false;
      localStorage.setItem(LAST_SEARCH, JSON.stringify({ centre, results: page.data }));
      void this.recommend(centre);
      void this.loadFeed(centre);
    } catch (error) {
      // No network: the last results stay, marked as such.
      this.offline = !navigator.onLine || !(error instanceof Error && 'problem' in error);
      this.error = this.offline
        ? msg('You are offline. These are the results of your last search.')
        : this.describe(error, msg('Stations could not be loaded.'));
    } finally {
      this.loading = false;
    }
  }

  private setFilter<K extends keyof Filters>(key: K, value: Filters[K]): void {
    this.filters = { ...this.filters, [key]: value };
    void this.search();
  }

  private open(locationId: string): void {
    this.dispatchEvent(
      new CustomEvent<{ location_id: string }>('voltshare-open-station', { detail: { location_id: locationId }, bubbles: true, composed: true }),
    );
  }

  private sorted(results: LocationSummary[]): LocationSummary[] {
    const price = (l: LocationSummary) => l.price?.energy_per_kwh ?? Number.POSITIVE_INFINITY;
    const sorted = [...results];
    if (this.sort === 'price') sorted.sort((a, b) => price(a) - price(b));
    if (this.sort === 'availability') sorted.sort((a, b) => b.availability.available - a.availability.available);
    if (this.sort === 'reliability') sorted.sort((a, b) => (b.reliability?.score ?? -1) - (a.reliability?.score ?? -1));
    return sorted;
  }

  /** Where and when 20 kWh is cheapest nearby over the next day (only options that save against now). */
  private async recommend(centre: { latitude: number; longitude: number }): Promise<void> {
    const { data } = await this.connection.client
      .GET('/v1/recommendations', {
        params: {
          query: {
            lat: centre.latitude,
            lng: centre.longitude,
            energy_kwh: ADVICE_KWH,
            radius_m: 10_000,
            to: new Date(Date.now() + 24 * 3_600_000 - 60_000).toISOString(),
          },
        },
      })
      .catch(() => ({ data: undefined }));
    if (this.centre?.latitude === centre.latitude && this.centre?.longitude === centre.longitude) {
      // One line per station (its cheapest time), at most three stations.
      const seen = new Set<string>();
      this.advice = (data?.options ?? []).filter((o) => o.saves > 0 && !seen.has(o.location_id) && seen.add(o.location_id)).slice(0, 3);
    }
  }

  private async loadFeed(centre: { latitude: number; longitude: number }): Promise<void> {
    const { data } = await this.connection.client
      .GET('/v1/community/feed', { params: { query: { lat: centre.latitude, lng: centre.longitude, radius_m: 25_000 } } })
      .catch(() => ({ data: undefined }));
    if (this.centre?.latitude === centre.latitude && this.centre?.longitude === centre.longitude) this.feed = (data ?? []).slice(0, 5);
  }

  /** What is new nearby, in a line each: who found what where. */
  private renderFeed(): unknown {
    if (!this.feed.length) return nothing;
    const what = (i: FeedItem) =>
      i.type === 'check_in' ? msg('Check-in') : i.type === 'tip' ? msg('Tip') : i.type === 'question' ? msg('Question') : msg('Photo');
    const text = (i: FeedItem) => i.check_in?.comment ?? i.post?.body ?? i.photo?.caption ?? '';
    return html`<section class="card" aria-labelledby="feed-title" data-feed>
      <h2 id="feed-title">${msg('New near you')}</h2>
      <ul class="list">
        ${this.feed.map(
          (i) => html`<li>
            <strong>${what(i)}</strong> ·
            <a
              href="#/station/${i.location_id}"
              @click=${(e: Event) => {
                e.preventDefault();
                this.open(i.location_id);
              }}
              >${i.location_name}</a
            >
            <span class="muted">${formatDateTime(i.at as unknown as string, this.language)}</span>
            ${text(i) ? html`<div>${text(i)}</div>` : nothing}
          </li>`,
        )}
      </ul>
    </section>`;
  }

  private renderAdvice(): unknown {
    if (!this.advice?.length) return nothing;
    return html`<section class="card" aria-labelledby="advice-title" data-best-nearby>
      <h2 id="advice-title">${msg(str`Cheapest nearby for ${formatEnergy(ADVICE_KWH * 1000, this.language)}`)}</h2>
      <ul class="list">
        ${this.advice.map(
          (o) => html`<li>
            <a
              href="#/station/${o.location_id}"
              @click=${(e: Event) => {
                e.preventDefault();
                this.open(o.location_id);
              }}
              >${o.name}</a
            >
            <span class="muted">
              ${msg(
                str`from ${formatClock(o.starts_at as unknown as string, this.language, this.results?.find((l) => l.id === o.location_id)?.time_zone)}: ${formatMoney(o.price.amount, o.price.currency, this.language)}, ${formatMoney(o.saves, o.price.currency, this.language)} less than now`,
              )}
            </span>
          </li>`,
        )}
      </ul>
    </section>`;
  }

  private renderResult(l: LocationSummary): unknown {
    const look = locationLook(l.availability);
    const free = msg(str`${l.availability.available} of ${l.availability.total} free`);
    return html`<li class="result">
      <a
        href="#/station/${l.id}"
        @click=${(e: Event) => {
          e.preventDefault();
          this.open(l.id);
        }}
      >
        <span class="name">${l.name}</span>
        <span class="badge ${look}">${free}</span>
        <span class="muted">${l.address}, ${l.city}</span>
        <span class="muted">${l.distance_m != null ? formatDistance(l.distance_m, this.language, this.units) : nothing}</span>
        <span class="muted">
          ${formatPower(l.max_power_w, this.language)} · ${l.connector_standards.map(standardLabel).join(', ')}
          ${l.price?.energy_per_kwh != null ? html` · ${formatMoney(l.price.energy_per_kwh, l.price.currency, this.language)} / kWh` : nothing}
        </span>
        <span class="muted">${l.open_now ? msg('Open now') : msg('Closed now')}</span>
        ${
          l.reliability
            ? html`<span class="muted" data-reliability>${msg(str`Reliability ${new Intl.NumberFormat(this.language, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(l.reliability.score)} out of 10`)}</span>`
            : nothing
        }
        ${l.green ? html`<span class="badge green" data-green title=${msg('At least 80 % renewable energy over the last 90 days')}>${msg('Green energy')}</span>` : nothing}
      </a>
    </li>`;
  }

  override render(): unknown {
    const f = this.filters;
    return html`<section aria-labelledby="find-title">
      <h1 id="find-title">${msg('Find a charger')}</h1>
      <div class="search" role="search">
        <label for="place">${msg('Place, address or station')}</label>
        <div class="row">
          <input
            id="place"
            type="search"
            autocomplete="off"
            .value=${this.query}
            aria-controls=${this.places.length ? 'places' : nothing}
            aria-describedby="place-hint"
            @input=${(e: Event) => this.suggest((e.target as HTMLInputElement).value)}
          />
          <button class="secondary" @click=${() => this.locate()}>${msg('Near me')}</button>
        </div>
        <span id="place-hint" class="muted">${msg('Type at least two letters, then pick a suggestion.')}</span>
        ${
          this.places.length
            ? html`<ul id="places" class="suggestions" aria-label=${msg('Suggestions')}>
              ${this.places.map(
                (p) =>
                  html`<li>
                    <button @click=${() => this.choose(p)}>
                      <strong>${p.name}</strong>
                      <span class="muted">${p.kind === 'city' ? msg(str`${p.stations} stations`) : p.context}</span>
                    </button>
                  </li>`,
              )}
            </ul>`
            : nothing
        }
      </div>
      <details ?open=${this.filtersOpen}>
      <summary>${msg('Filters and sorting')}</summary>
      <fieldset class="filters">
        <legend class="visually-hidden">${msg('Filters')}</legend>
        <label
          >${msg('Connector')}
          <select @change=${(e: Event) => this.setFilter('connector', (e.target as HTMLSelectElement).value)}>
            <option value="" ?selected=${!f.connector}>${msg('Any')}</option>
            ${CONNECTORS.map((c) => html`<option value=${c} ?selected=${c === f.connector}>${standardLabel(c)}</option>`)}
          </select></label
        >
        <label
          >${msg('Power')}
          <select @change=${(e: Event) => this.setFilter('min_power_kw', Number((e.target as HTMLSelectElement).value))}>
            ${POWERS.map((p) => html`<option value=${p} ?selected=${p === f.min_power_kw}>${p ? msg(str`${formatPower(p * 1000, this.language)} or more`) : msg('Any')}</option>`)}
          </select></label
        >
        <label
          >${msg('Max price per kWh')}
          <input
            type="number"
            inputmode="decimal"
            min="0"
            step="0.05"
            style="width:6em"
            @change=${(e: Event) => {
              const value = Number((e.target as HTMLInputElement).value);
              this.setFilter('max_price_per_kwh', value > 0 ? Math.round(value * 100) : undefined);
            }}
        /></label>
        <label><input type="checkbox" .checked=${f.available_now} @change=${(e: Event) => this.setFilter('available_now', (e.target as HTMLInputElement).checked)} />${msg('Available now')}</label>
        <label><input type="checkbox" .checked=${f.open_now} @change=${(e: Event) => this.setFilter('open_now', (e.target as HTMLInputElement).checked)} />${msg('Open now')}</label>
        <label><input type="checkbox" .checked=${f.reservable} @change=${(e: Event) => this.setFilter('reservable', (e.target as HTMLInputElement).checked)} />${msg('Can be reserved')}</label>
        <label><input type="checkbox" data-filter="green" .checked=${f.green} @change=${(e: Event) => this.setFilter('green', (e.target as HTMLInputElement).checked)} />${msg('Green energy only')}</label>
        <label><input type="checkbox" data-filter="reliable" .checked=${f.reliable} @change=${(e: Event) => this.setFilter('reliable', (e.target as HTMLInputElement).checked)} />${msg('Reliable stations only')}</label>
        <label
          >${msg('Sort by')}
          <select @change=${(e: Event) => (this.sort = (e.target as HTMLSelectElement).value as Sort)}>
            <option value="distance" ?selected=${this.sort === 'distance'}>${msg('Distance')}</option>
            <option value="price" ?selected=${this.sort === 'price'}>${msg('Price')}</option>
            <option value="availability" ?selected=${this.sort === 'availability'}>${msg('Free chargers')}</option>
            <option value="reliability" ?selected=${this.sort === 'reliability'}>${msg('Reliability')}</option>
          </select></label
        >
      </fieldset>
      </details>
      ${
        this.centre
          ? html`<div class="row spread">
            <p class="muted" role="status">
              ${this.loading ? msg('Searching…') : msg(str`${this.results?.length ?? 0} stations near ${this.centre.name}`)}
            </p>
            <button class="secondary" aria-pressed=${this.showMap ? 'true' : 'false'} @click=${() => (this.showMap = !this.showMap)}>
              ${this.showMap ? msg('Hide map') : msg('Show map')}
            </button>
          </div>`
          : html`<p class="muted">${msg('Search a place or use your position to see stations around it.')}</p>`
      }
      ${this.error ? html`<p class=${this.offline ? 'muted' : 'error'} role="alert">${this.error}</p>` : nothing}
      ${
        this.showMap && this.centre
          ? html`<voltshare-map
            .apiBase=${this.apiBase}
            .token=${this.token}
            .publishableKey=${this.publishableKey}
            lat=${this.centre.latitude}
            lng=${this.centre.longitude}
            zoom="12"
            radius-km="25"
            @voltshare-select=${(e: CustomEvent<{ location_id: string }>) => this.open(e.detail.location_id)}
          ></voltshare-map>`
          : nothing
      }
      ${this.renderAdvice()}
      ${this.renderFeed()}
      <ul class="results" aria-label=${msg('Stations')}>
        ${this.sorted(this.results ?? []).map((l) => this.renderResult(l))}
      </ul>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-find': VoltshareFind;
  }
  interface HTMLElementEventMap {
    'voltshare-open-station': VoltshareOpenStationEvent;
  }
}
