import { msg, str } from '@lit/localize';
import type { components } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { VoltshareElement } from '../shared/element.js';
import { formatEnergy, formatMass, formatMoney, formatPower, formatShare } from '../shared/format.js';
import { sessionStyles } from './voltshare-session.styles.js';

type Session = components['schemas']['ChargingSession'];
interface SessionUpdate {
  session_id: string;
  status: Session['status'];
  energy_wh: number;
  power_w: number | null;
  soc_percent: number | null;
  version: number;
}
interface Cost {
  amount: number;
  currency: string;
}

/**
 * `<voltshare-session session-id="…" token="…">`: a driver's charging session as it happens —
 * energy, power, battery level, time and cost so far — pushed live over realtime; once it has
 * ended, its renewable share and the CO₂ it avoided (when the platform has accounted it).
 *
 * @csspart session - The whole element.
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
export class VoltshareSession extends VoltshareElement {
  static override properties: PropertyDeclarations = {
    sessionId: { type: String, attribute: 'session-id' },
    session: { state: true },
    error: { state: true },
    now: { state: true },
  };

  declare sessionId: string | undefined;
  declare session: Session | undefined;
  declare error: string | undefined;
  declare now: number;
  private stop: (() => void)[] = [];

  constructor() {
    super();
    this.now = Date.now();
  }

  static override styles = sessionStyles;

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('sessionId') || changed.has('token')) void this.follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const off of this.stop) off();
    this.stop = [];
  }

  private async follow(): Promise<void> {
    for (const off of this.stop) off();
    this.stop = [];
    const id = this.sessionId;
    if (!id || !this.token) return;
    await this.read(id);
    const realtime = this.connection.realtime();
    let lastRead = Date.now();
    const onUpdate = (update: SessionUpdate) => {
      if (update.session_id !== id || !this.session || update.version <= this.session.version) return;
      this.session = { ...this.session, ...update, id };
      // Events carry energy and power; the cost so far is re-read now and then, and at the end.
      if (update.status === 'COMPLETED' || Date.now() - lastRead > 10_000) {
        lastRead = Date.now();
        void this.read(id);
      }
    };
    const tick = setInterval(() => (this.now = Date.now()), 1000);
    // Whatever happened before the socket was (re)connected is read once it is.
    const resync = () => void this.read(id);
    realtime.socket.on('connect', resync);
    this.stop.push(
      realtime.on('session.updated', onUpdate),
      () => clearInterval(tick),
      () => realtime.socket.off('connect', resync),
    );
  }

  private async read(id: string, attempt = 0): Promise<void> {
    const { data, response } = await this.connection.client.GET('/v1/sessions/{session_id}', { params: { path: { session_id: id } } });
    if (response.ok && data) {
      // A read answered after a newer live update is older than what is shown: keep the newer.
      if (!this.session || this.session.id !== data.id || data.version >= this.session.version) this.session = data;
      this.error = undefined;
      // The carbon account follows the end by a few seconds: asked again for half a minute.
      if (data.status === 'COMPLETED' && !data.carbon && attempt < 15) {
        const again = setTimeout(() => void this.read(id, attempt + 1), 2_000);
        this.stop.push(() => clearTimeout(again));
      }
    } else this.error = msg('This session could not be loaded.');
  }

  override render(): unknown {
    if (!this.token) return html`<section part="session"><p class="muted">${msg('Sign in to follow your charging.')}</p></section>`;
    if (this.error) return html`<p class="error" role="alert">${this.error}</p>`;
    const s = this.session;
    if (!s) return html`<p class="muted" role="status">${msg('Loading session…')}</p>`;
    const end = s.stopped_at ? new Date(s.stopped_at).getTime() : this.now;
    const minutes = Math.max(0, Math.floor((end - new Date(s.started_at).getTime()) / 60_000));
    const duration = new Intl.NumberFormat(this.language, { style: 'unit', unit: 'minute', unitDisplay: 'short' }).format(minutes);
    const cost = s.cost as Cost | null;
    return html`<section part="session" aria-labelledby="session-title">
      <h2 id="session-title">${s.status === 'ACTIVE' ? msg('Charging') : msg('Charging finished')}</h2>
      <dl class="figures" aria-live="polite">
        <div><dt>${msg('Energy')}</dt><dd data-figure="energy">${formatEnergy(s.energy_wh, this.language)}</dd></div>
        <div><dt>${msg('Power')}</dt><dd data-figure="power">${s.power_w != null && s.status === 'ACTIVE' ? formatPower(s.power_w, this.language) : '–'}</dd></div>
        <div><dt>${msg('Time')}</dt><dd>${duration}</dd></div>
        ${cost ? html`<div><dt>${s.status === 'ACTIVE' ? msg('Cost so far') : msg('Cost')}</dt><dd data-figure="cost">${formatMoney(cost.amount, cost.currency, this.language)}</dd></div>` : nothing}
        ${
          s.carbon
            ? html`<div><dt>${msg('Renewable')}</dt><dd data-figure="renewable">${formatShare(s.carbon.renewable_share.location_based, this.language)}</dd></div>
              <div><dt>${msg('CO₂ avoided')}</dt><dd data-figure="co2-avoided">${formatMass(Math.max(0, s.carbon.avoided_co2_g), this.language)}</dd></div>`
            : nothing
        }
      </dl>
      ${s.soc_percent != null ? html`<label>${msg(str`Battery ${s.soc_percent}%`)}<progress max="100" .value=${s.soc_percent}></progress></label>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-session': VoltshareSession;
  }
}
