import { msg, str } from '@lit/localize';
import type { components } from '@voltshare/sdk';
import { unwrap } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { VoltshareElement } from '../shared/element.js';
import { formatClock, formatMoney } from '../shared/format.js';
import { standardLabel } from '../shared/status.js';
import { bookingStyles } from './voltshare-booking.styles.js';

type Day = components['schemas']['DayAvailability'];
type Slot = components['schemas']['SlotAvailability'];
type Reservation = components['schemas']['Reservation'];
type QueueStatus = components['schemas']['QueueStatus'];

const LIVE = ['OFFERED', 'CONFIRMED', 'ACTIVE'];
const DRIVER_UPDATES = [
  'reservation.created',
  'reservation.updated',
  'reservation.started',
  'reservation.cancelled',
  'reservation.expired',
  'queue.offer',
  'queue.position',
  'queue.left',
];
const DURATIONS = [30, 60, 90, 120];

/** Today in the browser's calendar, as YYYY-MM-DD. */
const today = () => new Date(Date.now() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
/** Today at the site (YYYY-MM-DD): around midnight the driver's own day can be another. */
const todayIn = (timeZone: string | undefined) =>
  timeZone ? new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date()) : today();

/** `voltshare-reserved`: the reservation just made. */
export type VoltshareReservedEvent = CustomEvent<Reservation>;
/** `voltshare-cancelled`: which reservation the driver cancelled. */
export type VoltshareCancelledEvent = CustomEvent<{ id: string }>;

/**
 * `<voltshare-booking location-id="…" token="…">`: pick a day, a time and a duration, reserve a
 * charger, move or cancel the reservation, or join the line when everything is busy. Needs a
 * signed-in driver's access token.
 *
 * @fires voltshare-reserved - A reservation was made; `detail` is the API's `Reservation`.
 * @fires voltshare-cancelled - The driver cancelled a reservation; `detail` is `{ id }`.
 * @csspart booking - The whole element.
 * @csspart reservation - The driver's reservation, with move and cancel.
 * @csspart queue - The driver's place in line.
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
export class VoltshareBooking extends VoltshareElement {
  static override properties: PropertyDeclarations = {
    locationId: { type: String, attribute: 'location-id' },
    date: { type: String },
    duration: { type: Number },
    connector: { type: String },
    standards: { state: true },
    day: { state: true },
    chosen: { state: true },
    reservation: { state: true },
    queue: { state: true },
    busy: { state: true },
    message: { state: true },
    error: { state: true },
  };

  declare locationId: string | undefined;
  declare date: string;
  declare duration: number;
  /** The connector the car needs (bookings by location pick the best free EVSE having it). */
  declare connector: string | undefined;
  declare standards: string[];
  declare day: Day | undefined;
  declare chosen: Slot | undefined;
  declare reservation: Reservation | undefined;
  declare queue: QueueStatus | undefined;
  declare busy: boolean;
  declare message: string;
  declare error: string | undefined;
  private following: (() => void)[] = [];

  /** The date the element chose itself; it follows the site's today until the host or the driver picks one. */
  private autoDate = today();

  constructor() {
    super();
    this.date = this.autoDate;
    this.duration = 60;
    this.standards = [];
    this.busy = false;
    this.message = '';
  }

  static override styles = bookingStyles;

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('locationId') || changed.has('date') || changed.has('token')) void this.refresh();
    if (changed.has('token')) this.follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unfollow();
  }

  private unfollow(): void {
    for (const off of this.following) off();
    this.following = [];
  }

  /** The driver's own bookings and place in line change elsewhere too (an offer taken, a slot started): shown as they happen. */
  private follow(): void {
    this.unfollow();
    if (!this.token) return;
    const realtime = this.connection.realtime();
    const refresh = () => void this.refresh();
    this.following = DRIVER_UPDATES.map((event) => realtime.on(event, refresh));
  }

  /** Reads the day's slots, the driver's live reservation here and the line. */
  async refresh(): Promise<void> {
    const id = this.locationId;
    if (!id) return;
    try {
      const location = unwrap(await this.api.GET('/v1/locations/{location_id}', { params: { path: { location_id: id } } }));
      this.standards = location.connector_standards;
      if (!this.connector || !this.standards.includes(this.connector)) this.connector = this.standards[0];
      const day = unwrap(await this.api.GET('/v1/locations/{location_id}/availability', { params: { path: { location_id: id }, query: { date: this.date } } }));
      const siteToday = todayIn(day.time_zone);
      if (this.date === this.autoDate && siteToday !== this.date) {
        // The site's day is another than the driver's clock says: show the site's (this refreshes again).
        this.autoDate = siteToday;
        this.date = siteToday;
        return;
      }
      this.day = day;
      if (this.token) {
        const mine = unwrap(await this.api.GET('/v1/me/reservations', { params: { query: { limit: 50 } } }));
        this.reservation = mine.data.find((r) => r.location_id === id && LIVE.includes(r.status));
        this.queue = unwrap(await this.api.GET('/v1/locations/{location_id}/queue', { params: { path: { location_id: id } } }));
      }
      this.error = undefined;
    } catch (error) {
      this.error = this.describe(error, msg('Availability could not be loaded.'));
    }
  }

  /** A slot's start (or any instant) in the station's own time zone, formatted as every element formats times. */
  private clock(at: Slot | string): string {
    return formatClock(typeof at === 'string' ? at : at.start, this.language, this.day?.time_zone);
  }

  private bookable(slot: Slot): boolean {
    return slot.open && slot.available_evses > 0 && new Date(slot.end).getTime() > Date.now();
  }

  private async act(work: () => Promise<string>): Promise<void> {
    this.busy = true;
    this.error = undefined;
    try {
      this.message = await work();
      await this.refresh();
    } catch (error) {
      this.error = this.describe(error, msg('That did not work. Please try again.'));
    } finally {
      this.busy = false;
    }
  }

  /** The booked window: from the slot's start, or from now when the slot has begun (the API refuses a start in the past). */
  private window(slot: Slot): { start: string; end: string } {
    const start = new Date(Math.max(new Date(slot.start).getTime(), Date.now()));
    return { start: start.toISOString(), end: new Date(start.getTime() + this.duration * 60_000).toISOString() };
  }

  private reserve(slot: Slot): Promise<void> {
    return this.act(async () => {
      const window = this.window(slot);
      const created = unwrap(
        await this.api.POST('/v1/reservations', { body: { location_id: this.locationId, connector_standard: this.connector, ...window } as never }),
      );
      this.dispatchEvent(new CustomEvent<Reservation>('voltshare-reserved', { detail: created, bubbles: true, composed: true }));
      return msg(str`Reserved from ${this.clock(window.start)} for ${this.duration} minutes.`);
    });
  }

  private move(reservation: Reservation, slot: Slot): Promise<void> {
    return this.act(async () => {
      unwrap(
        await this.api.PATCH('/v1/reservations/{reservation_id}', { params: { path: { reservation_id: reservation.id } }, body: this.window(slot) as never }),
      );
      return msg(str`Moved to ${this.clock(slot)}.`);
    });
  }

  private cancel(reservation: Reservation): Promise<void> {
    return this.act(async () => {
      unwrap(await this.api.POST('/v1/reservations/{reservation_id}/cancel', { params: { path: { reservation_id: reservation.id } } }));
      this.dispatchEvent(new CustomEvent<{ id: string }>('voltshare-cancelled', { detail: { id: reservation.id }, bubbles: true, composed: true }));
      return msg('Reservation cancelled.');
    });
  }

  private joinQueue(): Promise<void> {
    return this.act(async () => {
      const status = unwrap(
        await this.api.POST('/v1/locations/{location_id}/queue', { params: { path: { location_id: this.locationId as string } }, body: {} }),
      );
      return msg(str`You are number ${status.you?.position ?? 1} in line.`);
    });
  }

  private leaveQueue(): Promise<void> {
    return this.act(async () => {
      unwrap(await this.api.DELETE('/v1/locations/{location_id}/queue/me', { params: { path: { location_id: this.locationId as string } } }));
      return msg('You left the line.');
    });
  }

  private renderReservation(r: Reservation): unknown {
    const time = (d: string) => this.clock(d);
    return html`<div class="card" part="reservation">
      <strong>${msg('Your reservation')}</strong>
      <div>${time(r.start as unknown as string)}–${time(r.end as unknown as string)} · ${r.status === 'ACTIVE' ? msg('held for you now') : msg('confirmed')}</div>
      <div class="actions" style="margin-top:8px">
        <button class="secondary" ?disabled=${this.busy || !this.chosen} @click=${() => this.chosen && this.move(r, this.chosen)}>${msg('Move to the chosen time')}</button>
        <button class="secondary" ?disabled=${this.busy} @click=${() => this.cancel(r)}>${msg('Cancel reservation')}</button>
      </div>
    </div>`;
  }

  /** What booking costs, said before the driver confirms. */
  private renderTerms(terms: Day['booking_terms']): unknown {
    const money = (minor: number) => formatMoney(minor, terms.currency, this.language);
    const fee = terms.reservation_fee ? msg(str`Booking fee ${money(terms.reservation_fee)}.`) : msg('Booking is free.');
    const noShow = terms.no_show_fee
      ? msg(str`If you do not start within ${terms.grace_minutes} minutes, a no-show fee of ${money(terms.no_show_fee)}.`)
      : msg(str`The charger waits ${terms.grace_minutes} minutes for you.`);
    return html`<p class="muted" data-terms>${fee} ${noShow}</p>`;
  }

  private renderQueue(): unknown {
    const q = this.queue;
    if (!q) return nothing;
    if (q.you)
      return html`<div class="card" part="queue">
        <strong>${msg(str`You are number ${q.you.position} in line`)}</strong>
        ${q.you.estimated_wait_minutes != null ? html`<div>${msg(str`About ${q.you.estimated_wait_minutes} minutes`)}</div>` : nothing}
        <button class="secondary" style="margin-top:8px" ?disabled=${this.busy} @click=${() => this.leaveQueue()}>${msg('Leave the line')}</button>
      </div>`;
    const slots = this.day?.slots ?? [];
    const freeNow = slots.some((s) => new Date(s.start).getTime() <= Date.now() && Date.now() < new Date(s.end).getTime() && s.available_evses > 0);
    if (freeNow || this.date !== todayIn(this.day?.time_zone)) return nothing;
    return html`<div class="actions">
      <button class="secondary" ?disabled=${this.busy} @click=${() => this.joinQueue()}>${msg('Everything busy? Join the line')}</button>
      ${q.length ? html`<span class="muted">${msg(str`${q.length} waiting`)}</span>` : nothing}
    </div>`;
  }

  override render(): unknown {
    if (!this.token) return html`<section part="booking"><p class="muted">${msg('Sign in to reserve a charger.')}</p></section>`;
    // Slots already over are not shown; the rest of today and later days are.
    const slots = (this.day?.slots ?? []).filter((s) => new Date(s.end).getTime() > Date.now());
    return html`<section part="booking" aria-labelledby="booking-title">
      <h2 id="booking-title">${msg('Reserve a charger')}</h2>
      <div class="row">
        <label>${msg('Day')}<input type="date" .value=${this.date} min=${todayIn(this.day?.time_zone)} @change=${(e: Event) => (this.date = (e.target as HTMLInputElement).value || todayIn(this.day?.time_zone))} /></label>
        ${
          this.standards.length > 1
            ? html`<label
              >${msg('Connector')}
              <select @change=${(e: Event) => (this.connector = (e.target as HTMLSelectElement).value)}>
                ${this.standards.map((s) => html`<option value=${s} ?selected=${s === this.connector}>${standardLabel(s)}</option>`)}
              </select></label
            >`
            : nothing
        }
        <label
          >${msg('Duration')}
          <select @change=${(e: Event) => (this.duration = Number((e.target as HTMLSelectElement).value))}>
            ${DURATIONS.map((m) => html`<option value=${m} ?selected=${m === this.duration}>${msg(str`${m} min`)}</option>`)}
          </select></label
        >
      </div>
      <div class="slots" role="group" aria-label=${msg('Start time')}>
        ${slots.map(
          (s) => html`<button
            class="slot"
            aria-pressed=${this.chosen?.start === s.start ? 'true' : 'false'}
            ?disabled=${!this.bookable(s)}
            title=${msg(str`${s.available_evses} free`)}
            @click=${() => (this.chosen = s)}
          >
            ${this.clock(s)}
          </button>`,
        )}
      </div>
      ${
        this.reservation
          ? this.renderReservation(this.reservation)
          : html`<div class="actions">
            <button class="primary" ?disabled=${this.busy || !this.chosen} @click=${() => this.chosen && this.reserve(this.chosen)}>
              ${this.chosen ? msg(str`Reserve at ${this.clock(this.chosen)}`) : msg('Choose a start time')}
            </button>
          </div>`
      }
      ${this.day && !this.reservation ? this.renderTerms(this.day.booking_terms) : nothing}
      ${this.renderQueue()}
      <p role="status" aria-live="polite" class="muted">${this.message}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-booking': VoltshareBooking;
  }
  interface GlobalEventHandlersEventMap {
    'voltshare-reserved': VoltshareReservedEvent;
    'voltshare-cancelled': VoltshareCancelledEvent;
  }
}
