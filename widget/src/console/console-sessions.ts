import { msg, str } from '@lit/localize';
import { type components, unwrap } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { formatDateTime, formatDuration, formatEnergy, formatMoney } from '../shared/format.js';
import { ConsolePage, href } from './console-page.js';

type Session = components['schemas']['ChargingSession'];
type Payment = components['schemas']['Payment'];
type Site = components['schemas']['LocationSummary'];
type PaymentState = components['schemas']['SessionPaymentStatus'];

export function paymentLabel(status: PaymentState | undefined): string {
  switch (status) {
    case 'not_required':
      return msg('nothing to pay');
    case 'pending':
    case 'authorized':
    case 'requires_action':
      return msg('held');
    case 'paid':
      return msg('paid');
    case 'released':
      return msg('released');
    case 'failed':
    case 'payment_failed':
      return msg('failed');
    case 'refunded':
      return msg('refunded');
    case 'partially_refunded':
      return msg('partly refunded');
    default:
      return '–';
  }
}

export function lineLabel(type: string): string {
  switch (type) {
    case 'ENERGY':
      return msg('energy');
    case 'TIME':
      return msg('charging time');
    case 'PARKING_TIME':
      return msg('parking time');
    case 'FLAT':
      return msg('per session');
    case 'MIN_PRICE':
      return msg('minimum price');
    case 'MAX_PRICE':
      return msg('maximum price');
    default:
      return type;
  }
}

/** `YYYY-MM-DD` of a date input as the start of that local day. */
const startOfDay = (day: string) => new Date(`${day}T00:00:00`).toISOString();

/**
 * `<voltshare-console-sessions>`: the network's sessions filtered by state, site and days, and
 * one session (`session-id`) with its energy, cost lines, payment and a refund of all or part.
 */
export class VoltshareConsoleSessions extends ConsolePage {
  static override properties: PropertyDeclarations = {
    ...ConsolePage.properties,
    networkId: { type: String, attribute: 'network-id' },
    sessionId: { type: String, attribute: 'session-id' },
    site: { type: String },
    state: { state: true },
    from: { state: true },
    to: { state: true },
    sessions: { state: true },
    sites: { state: true },
    next: { state: true },
    detail: { state: true },
    payment: { state: true },
    refunded: { state: true },
  };

  declare networkId: string;
  declare sessionId: string | undefined;
  declare site: string | undefined;
  declare state: '' | 'ACTIVE' | 'COMPLETED';
  declare from: string;
  declare to: string;
  declare sessions: Session[];
  declare sites: Site[];
  declare next: string | null;
  declare detail: Session | undefined;
  declare payment: Payment | undefined;
  declare refunded: string;

  constructor() {
    super();
    this.state = '';
    this.from = '';
    this.to = '';
    this.sessions = [];
    this.sites = [];
    this.next = null;
    this.refunded = '';
  }

  protected async load(): Promise<void> {
    if (this.sessionId) return this.loadOne(this.sessionId);
    this.detail = undefined;
    const [page, sites] = await Promise.all([this.page(undefined), this.sites.length ? undefined : this.loadSites()]);
    this.sessions = page.data;
    this.next = page.next_cursor;
    if (sites) this.sites = sites;
  }

  private async loadSites(): Promise<Site[]> {
    const page = unwrap(await this.client.GET('/v1/locations', { params: { query: { network_id: this.networkId, limit: 100 } } }));
    return page.data.filter((s) => s.network_id === this.networkId);
  }

  private async page(cursor: string | undefined) {
    const query = {
      limit: 25,
      ...(cursor && { cursor }),
      ...(this.state && { status: this.state }),
      ...(this.site && { location_id: this.site }),
      ...(this.from && { from: startOfDay(this.from) }),
      ...(this.to && { to: new Date(new Date(startOfDay(this.to)).getTime() + 86_400_000).toISOString() }),
    };
    return unwrap(await this.client.GET('/v1/sessions', { params: { query } }));
  }

  private async more(): Promise<void> {
    if (!this.next) return;
    const cursor = this.next;
    await this.attempt(async () => {
      const page = await this.page(cursor);
      this.sessions = [...this.sessions, ...page.data];
      this.next = page.next_cursor;
    });
  }

  private async loadOne(id: string): Promise<void> {
    this.detail = unwrap(await this.client.GET('/v1/sessions/{session_id}', { params: { path: { session_id: id } } }));
    const payment = await this.client.GET('/v1/sessions/{session_id}/payment', { params: { path: { session_id: id } } });
    // A session nobody pays for (a free tariff, an RFID card of the network) has no payment.
    this.payment = payment.response.status === 404 ? undefined : unwrap(payment);
  }

  /** Another ticket, site or session in the same element (the route changed): read it. */
  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.hasUpdated && (changed.has('sessionId') || changed.has('site'))) void this.refresh();
  }

  private filter(event: Event): void {
    const form = new FormData(event.currentTarget as HTMLFormElement);
    event.preventDefault();
    this.state = form.get('state') as typeof this.state;
    const site = (form.get('site') as string) || undefined;
    this.from = form.get('from') as string;
    this.to = form.get('to') as string;
    // A new site reloads through willUpdate; otherwise reload here.
    if (site === this.site) void this.refresh();
    this.site = site;
  }

  private async refund(event: Event): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const payment = this.payment;
    if (!payment || !this.detail) return;
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency: payment.currency }).resolvedOptions().maximumFractionDigits ?? 2;
    const typed = String(form.get('amount') ?? '').replace(',', '.');
    const amount = typed ? Math.round(Number(typed) * 10 ** digits) : undefined;
    if (amount !== undefined && !(amount > 0)) {
      this.problem = msg('Give an amount above zero, or leave it empty to refund everything.');
      return;
    }
    const reason = String(form.get('reason') ?? '') || undefined;
    const id = this.detail.id;
    this.refunded = '';
    await this.attempt(async () => {
      const done = unwrap(await this.client.POST('/v1/sessions/{session_id}/refunds', { params: { path: { session_id: id } }, body: { amount, reason } }));
      this.refunded = msg(str`Refunded ${formatMoney(done.amount, payment.currency, this.language)}.`);
      await this.loadOne(id);
    });
  }

  override render() {
    return this.sessionId ? this.renderOne() : this.renderList();
  }

  private renderList() {
    const lang = this.language;
    return html`<h1>${msg('Sessions')}</h1>
      <form class="toolbar card" @submit=${this.filter} aria-label=${msg('Filter sessions')}>
        <label>${msg('State')}<select name="state" .value=${this.state}>
          <option value="">${msg('all')}</option><option value="ACTIVE">${msg('charging')}</option><option value="COMPLETED">${msg('ended')}</option>
        </select></label>
        <label>${msg('Site')}<select name="site" .value=${this.site ?? ''}>
          <option value="">${msg('all')}</option>${this.sites.map((s) => html`<option value=${s.id} ?selected=${s.id === this.site}>${s.name}</option>`)}
        </select></label>
        <label>${msg('From')}<input type="date" name="from" .value=${this.from}></label>
        <label>${msg('To')}<input type="date" name="to" .value=${this.to}></label>
        <button class="primary" type="submit">${msg('Show')}</button>
      </form>
      ${this.status()}
      <section class="card">
        <table data-table="sessions">
          <thead><tr><th>${msg('Started')}</th><th>${msg('State')}</th><th class="number">${msg('Energy')}</th><th class="number">${msg('Cost')}</th><th>${msg('Payment')}</th></tr></thead>
          <tbody>${this.sessions.map(
            (s) => html`<tr>
              <td><a href=${href('sessions', s.id)}>${formatDateTime(s.started_at, lang)}</a></td>
              <td>${s.status === 'ACTIVE' ? msg('charging') : msg('ended')}</td>
              <td class="number">${formatEnergy(s.energy_wh, lang)}</td>
              <td class="number">${s.cost ? formatMoney(s.cost.amount, s.cost.currency, lang) : '–'}</td>
              <td>${paymentLabel(s.payment_status)}</td>
            </tr>`,
          )}</tbody>
        </table>
        ${this.sessions.length || this.busy ? nothing : html`<p class="empty">${msg('No sessions match.')}</p>`}
        ${this.next ? html`<p><button class="secondary" type="button" @click=${this.more}>${msg('Show more')}</button></p>` : nothing}
      </section>`;
  }

  private renderOne() {
    const s = this.detail;
    const p = this.payment;
    const lang = this.language;
    const refundable = p ? p.captured_amount - p.refunded_amount : 0;
    return html`<p><a href=${href('sessions')}>← ${msg('All sessions')}</a></p>
      <h1>${msg('Session')}</h1>
      ${this.status()}
      ${
        s
          ? html`<section class="card"><dl class="facts">
              <dt>${msg('Started')}</dt><dd>${formatDateTime(s.started_at, lang)}</dd>
              <dt>${msg('Ended')}</dt><dd>${s.stopped_at ? formatDateTime(s.stopped_at, lang) : msg('still charging')}</dd>
              <dt>${msg('Duration')}</dt><dd>${formatDuration(new Date(s.stopped_at ?? Date.now()).getTime() - new Date(s.started_at).getTime(), lang)}</dd>
              <dt>${msg('Energy')}</dt><dd>${formatEnergy(s.energy_wh, lang)}</dd>
              <dt>${msg('Charger')}</dt><dd><a href=${href('chargers', s.charge_point_id)}>${msg(str`connector ${s.connector_id}`)}</a></dd>
              <dt>${msg('Cost')}</dt><dd>${s.cost ? formatMoney(s.cost.amount, s.cost.currency, lang) : '–'}</dd>
              <dt>${msg('Payment')}</dt><dd data-payment>${paymentLabel(p?.payment_status ?? s.payment_status)}</dd>
            </dl>
            ${
              s.cost_breakdown
                ? html`<h3>${msg('Cost lines')}</h3><table><tbody>${s.cost_breakdown.lines.map(
                    (l) =>
                      html`<tr><td>${lineLabel(l.type)}</td><td class="number">${new Intl.NumberFormat(lang, { maximumFractionDigits: 3 }).format(l.quantity)} ${l.unit === 'session' ? '' : l.unit}</td><td class="number">${formatMoney(l.amount, s.cost_breakdown?.currency ?? 'EUR', lang)}</td></tr>`,
                  )}</tbody></table>`
                : nothing
            }</section>
            ${
              p && refundable > 0
                ? html`<form class="card toolbar" @submit=${this.refund} aria-labelledby="refund-title">
                    <h2 id="refund-title" style="width:100%">${msg('Refund')}</h2>
                    <label>${msg(str`Amount (${p.currency}), empty for all of ${formatMoney(refundable, p.currency, lang)}`)}<input name="amount" inputmode="decimal" autocomplete="off"></label>
                    <label>${msg('Reason')}<input name="reason" maxlength="500"></label>
                    <button class="primary" type="submit" ?disabled=${this.busy}>${msg('Refund')}</button>
                  </form>`
                : nothing
            }
            <p role="status" data-refunded class="good">${this.refunded}</p>`
          : nothing
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-console-sessions': VoltshareConsoleSessions;
  }
}
