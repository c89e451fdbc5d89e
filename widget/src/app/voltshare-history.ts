import { msg, str } from '@lit/localize';
import type { components } from '@voltshare/sdk';
import { unwrap } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { VoltshareElement } from '../shared/element.js';
import { formatDateTime, formatDistance, formatDuration, formatEnergy, formatMass, formatMoney, formatShare } from '../shared/format.js';
import { theme } from '../shared/styles.js';
import { appStyles, historyStyles } from './app.styles.js';

type Session = components['schemas']['ChargingSession'];
type Reservation = components['schemas']['Reservation'];
type Payment = components['schemas']['Payment'];
type CarbonYear = components['schemas']['DriverCarbonYear'];
type PaymentStatus = Payment['payment_status'];
interface Money {
  amount: number;
  currency: string;
}
interface Month {
  key: string;
  label: string;
  energyWh: number;
  costs: Map<string, number>;
  sessions: Session[];
}

const PAYMENT_STATUS = (): Record<PaymentStatus, string> => ({
  not_required: msg('Nothing to pay'),
  pending: msg('Payment pending'),
  authorized: msg('Amount held on your card'),
  requires_action: msg('Your bank asks you to confirm'),
  paid: msg('Paid'),
  released: msg('Hold released'),
  failed: msg('Payment failed'),
  payment_failed: msg('Payment failed'),
  refunded: msg('Refunded'),
  partially_refunded: msg('Partly refunded'),
});
const FAILED: PaymentStatus[] = ['failed', 'payment_failed'];

const RESERVATION_STATUS = (): Record<string, string> => ({
  OFFERED: msg('Offered to you'),
  CONFIRMED: msg('Confirmed'),
  ACTIVE: msg('Held for you now'),
  FULFILLED: msg('Used'),
  CANCELLED: msg('Cancelled'),
  NO_SHOW: msg('Missed'),
  EXPIRED: msg('Expired'),
});

/**
 * `<voltshare-history>`: the driver's charging sessions by month with totals, each with its
 * receipt (HTML or PDF, in the driver's language), and their bookings.
 */
export class VoltshareHistory extends VoltshareElement {
  static override properties: PropertyDeclarations = {
    sessions: { state: true },
    reservations: { state: true },
    names: { state: true },
    payments: { state: true },
    error: { state: true },
    downloading: { state: true },
    year: { state: true },
  };

  declare sessions: Session[] | undefined;
  declare reservations: Reservation[];
  /** Station names by EVSE, looked up once each. */
  declare names: Map<string, string>;
  /** Where each ended session's payment stands: held, captured, refunded, failed. */
  declare payments: Map<string, Payment>;
  declare error: string | undefined;
  declare downloading: string | undefined;
  /** This year's charging in carbon terms, over every network. */
  declare year: CarbonYear | undefined;

  static override styles = [theme, appStyles, historyStyles];

  constructor() {
    super();
    this.reservations = [];
    this.names = new Map();
    this.payments = new Map();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('token') && this.token) void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.sessions = unwrap(await this.api.GET('/v1/me/sessions', { params: { query: { limit: 100 } } })).data;
      this.reservations = unwrap(await this.api.GET('/v1/me/reservations', { params: { query: { limit: 50 } } })).data;
      this.year = (await this.api.GET('/v1/me/sustainability', {})).data;
      this.error = undefined;
      const uids = [...new Set([...this.sessions.map((s) => s.evse_uid), ...this.reservations.map((r) => r.evse_uid)])].filter((u): u is string => Boolean(u));
      const names = new Map(this.names);
      await Promise.all(
        uids
          .filter((uid) => !names.has(uid))
          .map(async (uid) => {
            const { data } = await this.api.GET('/v1/evses/{evse_ref}', { params: { path: { evse_ref: uid } } });
            if (data) names.set(uid, data.location_name);
          }),
      );
      this.names = names;
      await this.loadPayments(this.sessions.filter((s) => s.cost).slice(0, 24));
    } catch (error) {
      this.error = this.describe(error, msg('Your history could not be loaded.'));
    }
  }

  private async loadPayments(sessions: Session[]): Promise<void> {
    const payments = new Map(this.payments);
    await Promise.all(
      sessions.map(async (s) => {
        const { data } = await this.api.GET('/v1/sessions/{session_id}/payment', { params: { path: { session_id: s.id } } });
        if (data) payments.set(s.id, data);
      }),
    );
    this.payments = payments;
  }

  /** A failed payment tried again with what the driver pays with now (a new card, say). */
  private async retry(session: Session): Promise<void> {
    try {
      const payment = unwrap(await this.api.POST('/v1/sessions/{session_id}/payment/retry', { params: { path: { session_id: session.id } } }));
      this.payments = new Map(this.payments).set(session.id, payment);
      this.error = FAILED.includes(payment.payment_status) ? msg('The payment failed again. Check your payment method.') : undefined;
    } catch (error) {
      this.error = this.describe(error, msg('That did not work. Please try again.'));
    }
  }

  private months(sessions: Session[]): Month[] {
    const months = new Map<string, Month>();
    const label = new Intl.DateTimeFormat(this.language, { month: 'long', year: 'numeric' });
    for (const s of sessions) {
      const at = new Date(s.started_at);
      const key = `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}`;
      let month = months.get(key);
      if (!month) {
        month = { key, label: label.format(at), energyWh: 0, costs: new Map(), sessions: [] };
        months.set(key, month);
      }
      month.energyWh += s.energy_wh;
      const cost = s.cost as Money | null;
      if (cost) month.costs.set(cost.currency, (month.costs.get(cost.currency) ?? 0) + cost.amount);
      month.sessions.push(s);
    }
    return [...months.values()];
  }

  /** Receipts need the driver's token, so they are fetched and handed to the browser as a file. */
  private async receipt(session: Session, as: 'html' | 'pdf'): Promise<void> {
    this.downloading = `${session.id}:${as}`;
    try {
      const res = await this.api.GET('/v1/sessions/{session_id}/receipt', {
        params: { path: { session_id: session.id }, query: { lang: this.language } },
        headers: { Accept: as === 'pdf' ? 'application/pdf' : 'text/html' },
        parseAs: 'blob',
      });
      if (!res.response.ok || !res.data) throw res.error;
      const url = URL.createObjectURL(res.data as Blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `voltshare-receipt-${session.id}.${as}`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      this.error = undefined;
    } catch (error) {
      this.error = this.describe(error, msg('The receipt could not be downloaded.'));
    } finally {
      this.downloading = undefined;
    }
  }

  private renderSession(s: Session): unknown {
    const cost = s.cost as Money | null;
    const payment = this.payments.get(s.id);
    const ended = s.stopped_at ? new Date(s.stopped_at).getTime() : Date.now();
    return html`<li class="card session" data-session=${s.id}>
      <strong>${(s.evse_uid && this.names.get(s.evse_uid)) || msg('Charging session')}</strong>
      <strong>${cost ? formatMoney(cost.amount, cost.currency, this.language) : '–'}</strong>
      <span class="muted">${formatDateTime(s.started_at as unknown as string, this.language)} · ${formatDuration(ended - new Date(s.started_at).getTime(), this.language)}</span>
      <span class="muted">${formatEnergy(s.energy_wh, this.language)}</span>
      ${
        s.carbon
          ? html`<span class="muted carbon" data-carbon>${msg(
              str`${formatShare(s.carbon.renewable_share.location_based, this.language)} renewable · ${formatMass(Math.max(0, s.carbon.avoided_co2_g), this.language)} CO₂ avoided`,
            )}</span>`
          : nothing
      }
      ${
        payment
          ? html`<span class=${FAILED.includes(payment.payment_status) ? 'error' : 'muted'} data-payment=${payment.payment_status}>
              ${PAYMENT_STATUS()[payment.payment_status]}${
                payment.refunded_amount ? html` · ${msg(str`${formatMoney(payment.refunded_amount, payment.currency, this.language)} refunded`)}` : nothing
              }
            </span>
            ${
              FAILED.includes(payment.payment_status)
                ? html`<span><a href="#/wallet">${msg('Change payment method')}</a> <button class="secondary" data-action="retry" @click=${() => this.retry(s)}>${msg('Pay now')}</button></span>`
                : nothing
            }`
          : nothing
      }
      ${
        s.status === 'ACTIVE'
          ? html`<a href="#/charge">${msg('Charging now — watch it')}</a>`
          : cost
            ? html`<div class="receipts">
              <button class="secondary" ?disabled=${Boolean(this.downloading)} data-action="receipt-pdf" @click=${() => this.receipt(s, 'pdf')}>${msg('Receipt (PDF)')}</button>
              <button class="secondary" ?disabled=${Boolean(this.downloading)} data-action="receipt-html" @click=${() => this.receipt(s, 'html')}>${msg('Receipt (web page)')}</button>
            </div>`
            : nothing
      }
    </li>`;
  }

  /** The year in plain terms: what the driver's charging saved, and what that is like. */
  private renderYear(y: CarbonYear): unknown {
    if (y.sessions === 0) return nothing;
    const avoidedG = Math.max(0, y.avoided_co2_kg * 1000);
    const share = Math.min(1, Math.max(0, y.renewable_share));
    return html`<section class="card year" data-year aria-labelledby="year-title">
      <h2 id="year-title">${msg(str`Your ${y.year} so far`)}</h2>
      <p class="big">${msg(str`${formatMass(avoidedG, this.language)} CO₂ avoided`)}</p>
      <p>${msg(str`${formatEnergy(y.energy_kwh * 1000, this.language)} over ${formatDistance(y.distance_km * 1000, this.language)}, against a petrol car`)}</p>
      <div class="share" role="img" aria-label=${msg(str`${formatShare(share, this.language)} renewable`)}>
        <div class="share-fill" style="width:${Math.round(share * 100)}%"></div>
      </div>
      <p class="muted">${msg(str`${formatShare(share, this.language)} renewable`)}</p>
      <ul class="equivalents">
        <li data-trees>${msg(str`As much as ${new Intl.NumberFormat(this.language, { maximumFractionDigits: 1 }).format(y.equivalents.trees_for_a_year)} trees take up in a year`)}</li>
        <li data-flight>${msg(str`Or flying ${formatDistance(y.equivalents.flight_km * 1000, this.language)}`)}</li>
      </ul>
      <p class="muted small">${msg(
        str`Sources: a tree takes up about ${formatMass(y.equivalents.sources.tree_kg_per_year * 1000, this.language)} of CO₂ a year (${y.equivalents.sources.tree_source}); a flight emits about ${formatMass(y.equivalents.sources.flight_g_per_km, this.language)} per passenger-km (${y.equivalents.sources.flight_source}).`,
      )}</p>
    </section>`;
  }

  /** "1 session", "3 sessions": the language's own plural rule picks the form. */
  private sessionCount(n: number): string {
    return new Intl.PluralRules(this.language).select(n) === 'one' ? msg(str`${n} session`) : msg(str`${n} sessions`);
  }

  private renderMonths(months: Month[]): unknown {
    const most = Math.max(1, ...months.map((m) => m.energyWh));
    return months.map(
      (m) => html`<h2>${m.label}</h2>
        <div class="card">
          <div class="row spread">
            <span>${this.sessionCount(m.sessions.length)} · ${formatEnergy(m.energyWh, this.language)}</span>
            <strong>${[...m.costs].map(([currency, amount]) => formatMoney(amount, currency, this.language)).join(' + ') || '–'}</strong>
          </div>
          <div class="bar" style="width:${Math.round((m.energyWh / most) * 100)}%" aria-hidden="true"></div>
        </div>
        <ul class="list">
          ${m.sessions.map((s) => this.renderSession(s))}
        </ul>`,
    );
  }

  override render(): unknown {
    if (!this.token) return html`<p class="muted">${msg('Sign in to see your history.')}</p>`;
    const statuses = RESERVATION_STATUS();
    return html`<section aria-labelledby="history-title">
      <h1 id="history-title">${msg('History')}</h1>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.year ? this.renderYear(this.year) : nothing}
      ${
        !this.sessions
          ? html`<p class="muted" role="status">${msg('Loading…')}</p>`
          : this.sessions.length
            ? this.renderMonths(this.months(this.sessions))
            : html`<p class="muted">${msg('No charging sessions yet.')}</p>`
      }
      <h2>${msg('Bookings')}</h2>
      ${
        this.reservations.length
          ? html`<ul class="list">
            ${this.reservations.map(
              (r) => html`<li class="card session">
                <strong>${this.names.get(r.evse_uid) ?? msg('Booking')}</strong>
                <span class="muted">${statuses[r.status] ?? r.status}</span>
                <span class="muted">${formatDateTime(r.start as unknown as string, this.language)}</span>
                ${r.fee ? html`<span class="muted">${msg(str`Fee ${formatMoney(r.fee.amount, r.fee.currency, this.language)}`)}</span>` : nothing}
              </li>`,
            )}
          </ul>`
          : html`<p class="muted">${msg('No bookings yet.')}</p>`
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-history': VoltshareHistory;
  }
}
