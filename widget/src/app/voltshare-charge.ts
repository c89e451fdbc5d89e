import { msg, str } from '@lit/localize';
import type { components } from '@voltshare/sdk';
import { unwrap, VoltshareError } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { VoltshareElement } from '../shared/element.js';
import { formatClock, formatEnergy } from '../shared/format.js';
import { statusLabel } from '../shared/status.js';
import { theme } from '../shared/styles.js';
import { appStyles, chargeStyles } from './app.styles.js';

type EvseCard = components['schemas']['EvseCard'];
type Session = components['schemas']['ChargingSession'];
type Plan = components['schemas']['SessionPlan'];

const WAIT_FOR_START_MS = 90_000;
const POLL_MS = 1500;

interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
declare const BarcodeDetector: { new (options: { formats: string[] }): BarcodeDetectorLike } | undefined;

/**
 * `<voltshare-charge>`: start charging at a charger chosen in the app, typed from its label or
 * scanned from its QR code; then watch the session live, tell when you leave and how much energy
 * you want, and stop it. Needs a signed-in driver's token.
 */
export class VoltshareCharge extends VoltshareElement {
  static override properties: PropertyDeclarations = {
    evseUid: { type: String, attribute: 'evse-uid' },
    card: { state: true },
    live: { state: true },
    sitePlan: { state: true },
    ended: { state: true },
    phase: { state: true },
    message: { state: true },
    error: { state: true },
    scanning: { state: true },
  };

  declare evseUid: string | undefined;
  declare card: EvseCard | undefined;
  declare live: Session | undefined;
  /** The site's plan for this car, when the site's power is shared. */
  declare sitePlan: Plan | undefined;
  declare ended: Session | undefined;
  declare phase: 'idle' | 'starting' | 'stopping';
  declare message: string;
  declare error: { text: string; route?: string; action?: string } | undefined;
  declare scanning: boolean;
  private polling: ReturnType<typeof setTimeout> | undefined;
  private planTimer: ReturnType<typeof setTimeout> | undefined;
  private camera: MediaStream | undefined;

  static override styles = [theme, appStyles, chargeStyles];

  constructor() {
    super();
    this.phase = 'idle';
    this.message = '';
    this.scanning = false;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('token') && this.token) void this.findLive();
    if (changed.has('evseUid') && this.evseUid) void this.lookUp(this.evseUid);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.polling);
    clearTimeout(this.planTimer);
    this.stopCamera();
  }

  private async findLive(): Promise<Session | undefined> {
    const { data } = await this.api.GET('/v1/me/sessions', { params: { query: { limit: 5 } } }).catch(() => ({ data: undefined }));
    this.live = data?.data.find((s) => s.status === 'ACTIVE');
    if (this.live) this.followPlan(this.live.id);
    if (this.live?.evse_uid && this.card?.evse_uid !== this.live.evse_uid) void this.lookUp(this.live.evse_uid);
    return this.live;
  }

  /**
   * The site plans again a moment after a session starts and every few minutes: read soon (every
   * 2 s until there is a plan, five times), then every minute.
   */
  private followPlan(sessionId: string, tries = 0): void {
    clearTimeout(this.planTimer);
    void this.readPlan(sessionId).then(() => {
      if (!this.isConnected || this.live?.id !== sessionId) return;
      this.planTimer = setTimeout(() => this.followPlan(sessionId, tries + 1), this.sitePlan || tries >= 5 ? 60_000 : 2_000);
    });
  }

  private async readPlan(sessionId: string): Promise<void> {
    const { data } = await this.api
      .GET('/v1/me/sessions/{session_id}/plan', { params: { path: { session_id: sessionId } } })
      .catch(() => ({ data: undefined }));
    this.sitePlan = data?.limited ? data : undefined;
  }

  private async lookUp(reference: string): Promise<void> {
    this.error = undefined;
    try {
      this.card = unwrap(await this.api.GET('/v1/evses/{evse_ref}', { params: { path: { evse_ref: reference } } }));
    } catch (error) {
      this.card = undefined;
      this.error = {
        text:
          error instanceof VoltshareError && error.status === 404
            ? msg('No charger has this ID. Check the label on the charger.')
            : this.describe(error, msg('The charger could not be looked up.')),
      };
    }
  }

  private async start(): Promise<void> {
    const card = this.card;
    if (!card) return;
    this.error = undefined;
    this.phase = 'starting';
    this.message = msg('Asking the charger to start…');
    try {
      unwrap(await this.api.POST('/v1/me/sessions', { body: { evse_uid: card.evse_uid } }));
      this.message = msg('The charger accepted. Plug in your car if you have not yet.');
      await this.waitFor(async () => Boolean(await this.findLive()), WAIT_FOR_START_MS);
      this.message = this.live ? msg('Charging started.') : msg('The charger has not started yet. Check the cable, or stop and try again.');
    } catch (error) {
      this.message = '';
      this.error = this.startError(error);
    } finally {
      this.phase = 'idle';
    }
  }

  /** What went wrong in words, and the way on (add a card, pick another charger). */
  private startError(error: unknown): { text: string; route?: string; action?: string } {
    const code = error instanceof VoltshareError ? error.code : undefined;
    if (code === 'payment-method-required')
      return { text: msg('Add a payment method before you start charging.'), route: '#/wallet', action: msg('Add a payment method') };
    if (code === 'charger-offline')
      return { text: msg('This charger is not connected right now. Try another one.'), route: '#/find', action: msg('Find another charger') };
    if (code === 'evse-unavailable')
      return { text: msg('Someone else is using or has booked this charger. Try another one.'), route: '#/find', action: msg('Find another charger') };
    if (code === 'charger-refused') return { text: msg('The charger refused to start. Check the cable is plugged in, then try again.') };
    if (!(error instanceof VoltshareError)) return { text: msg('No connection. Nothing was started; try again when you are online.') };
    return { text: this.describe(error, msg('That did not work. Please try again.')) };
  }

  private async stop(): Promise<void> {
    const live = this.live;
    if (!live) return;
    this.error = undefined;
    this.phase = 'stopping';
    this.message = msg('Asking the charger to stop…');
    try {
      unwrap(await this.api.POST('/v1/me/sessions/{session_id}/stop', { params: { path: { session_id: live.id } } }));
      let ended: Session | undefined;
      await this.waitFor(async () => {
        ended = unwrap(await this.api.GET('/v1/sessions/{session_id}', { params: { path: { session_id: live.id } } }));
        return ended.status === 'COMPLETED';
      }, 60_000);
      if (ended?.status === 'COMPLETED') {
        this.ended = ended;
        this.live = undefined;
        this.message = msg('Charging stopped. You can unplug your car.');
      } else this.message = msg('The charger has not confirmed the stop yet.');
    } catch (error) {
      this.message = '';
      this.error =
        error instanceof VoltshareError && error.code === 'charger-refused'
          ? { text: msg('The charger did not stop. Stop it at the charger, or ask for help.') }
          : { text: this.describe(error, msg('That did not work. Please try again.')) };
    } finally {
      this.phase = 'idle';
    }
  }

  private async plan(form: HTMLFormElement): Promise<void> {
    const live = this.live;
    if (!live) return;
    const data = new FormData(form);
    const leave = String(data.get('departure') ?? '');
    const kwh = Number(data.get('energy') ?? 0);
    const body: components['schemas']['SessionChange'] = {};
    if (leave) {
      const [h, m] = leave.split(':').map(Number);
      const at = new Date();
      at.setHours(h ?? 0, m ?? 0, 0, 0);
      if (at.getTime() < Date.now()) at.setDate(at.getDate() + 1);
      body.departure_at = at.toISOString();
    }
    if (kwh > 0) body.energy_wanted_wh = Math.round(kwh * 1000);
    try {
      this.live = unwrap(await this.api.PATCH('/v1/me/sessions/{session_id}', { params: { path: { session_id: live.id } }, body }));
      // The site plans again with what the driver said; its plan follows.
      if (this.live) this.followPlan(this.live.id);
      this.message = msg('Saved. People waiting now see a better estimate.');
      this.error = undefined;
    } catch (error) {
      this.error = { text: this.describe(error, msg('That did not work. Please try again.')) };
    }
  }

  private waitFor(check: () => Promise<boolean>, ms: number): Promise<void> {
    const until = Date.now() + ms;
    return new Promise((resolve) => {
      const poll = async () => {
        const done = await check().catch(() => false);
        if (done || Date.now() > until || !this.isConnected) resolve();
        else this.polling = setTimeout(poll, POLL_MS);
      };
      void poll();
    });
  }

  private async scan(): Promise<void> {
    if (typeof BarcodeDetector === 'undefined' || !navigator.mediaDevices) {
      this.error = { text: msg('This browser cannot scan QR codes. Type the charger ID instead.') };
      return;
    }
    try {
      this.camera = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    } catch {
      this.error = { text: msg('The camera is not available. Type the charger ID instead.') };
      return;
    }
    this.scanning = true;
    await this.updateComplete;
    const video = this.renderRoot.querySelector('video');
    if (!video) return;
    video.srcObject = this.camera;
    await video.play();
    const detector = new BarcodeDetector({ formats: ['qr_code'] });
    const look = async () => {
      if (!this.scanning) return;
      const [code] = await detector.detect(video).catch(() => []);
      if (code) {
        this.stopCamera();
        await this.lookUp(code.rawValue);
      } else setTimeout(look, 400);
    };
    void look();
  }

  private stopCamera(): void {
    for (const track of this.camera?.getTracks() ?? []) track.stop();
    this.camera = undefined;
    this.scanning = false;
  }

  private renderChooser(): unknown {
    return html`<form
        class="card"
        @submit=${(e: Event) => {
          e.preventDefault();
          const ref = String(new FormData(e.target as HTMLFormElement).get('ref') ?? '').trim();
          if (ref) void this.lookUp(ref);
        }}
      >
        <div class="field">
          <label for="ref">${msg('Charger ID')}</label>
          <input id="ref" name="ref" autocomplete="off" autocapitalize="characters" placeholder="LU*VOL*E1" aria-describedby="ref-hint" />
          <span id="ref-hint" class="muted">${msg('As printed on the charger, or the link in its QR code.')}</span>
        </div>
        <div class="row">
          <button class="primary" type="submit">${msg('Find this charger')}</button>
          <button class="secondary" type="button" @click=${() => this.scan()}>${msg('Scan QR code')}</button>
        </div>
      </form>
      ${
        this.scanning
          ? html`<div class="card">
            <video muted playsinline aria-label=${msg('Camera')}></video>
            <button class="secondary" @click=${() => this.stopCamera()}>${msg('Stop scanning')}</button>
          </div>`
          : nothing
      }`;
  }

  private renderCard(card: EvseCard): unknown {
    const free = card.availability === 'AVAILABLE' || card.availability === 'RESERVED';
    return html`<div class="card" aria-labelledby="evse-title">
      <h2 id="evse-title">${card.location_name}</h2>
      <p class="muted">${card.address}, ${card.city}</p>
      <p>
        ${card.evse_id ?? msg('Charger')} ·
        <span class="badge ${free ? 'available' : 'busy'}">${statusLabel(card.availability)}</span>
      </p>
      ${card.remote_start ? nothing : html`<p class="muted">${msg('This charger cannot be started from the app right now.')}</p>`}
      <button class="primary wide" data-action="start" ?disabled=${this.phase !== 'idle' || !card.remote_start} @click=${() => this.start()}>${msg('Start charging')}</button>
    </div>`;
  }

  private renderLive(live: Session): unknown {
    return html`<div class="card">
      ${this.card ? html`<p><strong>${this.card.location_name}</strong> · ${this.card.evse_id ?? ''}</p>` : nothing}
      <voltshare-session .apiBase=${this.apiBase} .token=${this.token} session-id=${live.id}></voltshare-session>
      ${
        this.sitePlan?.planned_wh != null && this.sitePlan.by
          ? html`<p class="muted" data-plan>
              ${msg(str`The site shares its power: about ${formatEnergy(this.sitePlan.planned_wh, this.language)} more by ${formatClock(this.sitePlan.by, this.language)}.`)}
            </p>`
          : nothing
      }
      <button class="primary wide" data-action="stop" ?disabled=${this.phase !== 'idle'} @click=${() => this.stop()}>${msg('Stop charging')}</button>
    </div>
    <form
      class="card"
      @submit=${(e: Event) => {
        e.preventDefault();
        void this.plan(e.target as HTMLFormElement);
      }}
    >
      <h2>${msg('Your plan')}</h2>
      <div class="plan">
        <div class="field"><label for="departure">${msg('Leaving at')}</label><input id="departure" name="departure" type="time" /></div>
        <div class="field">
          <label for="energy">${msg('Energy wanted (kWh)')}</label><input id="energy" name="energy" type="number" min="1" max="1000" step="1" inputmode="numeric" .value=${live.energy_wanted_wh ? String(live.energy_wanted_wh / 1000) : ''} />
        </div>
      </div>
      <button class="secondary" type="submit" data-action="plan">${msg('Save plan')}</button>
    </form>`;
  }

  override render(): unknown {
    if (!this.token) return html`<p class="muted">${msg('Sign in to charge.')}</p>`;
    return html`<section aria-labelledby="charge-title">
      <h1 id="charge-title">${this.live ? msg('Charging now') : msg('Start charging')}</h1>
      ${this.live ? this.renderLive(this.live) : this.card ? this.renderCard(this.card) : nothing}
      ${this.live ? nothing : this.renderChooser()}
      ${
        this.ended
          ? html`<div class="card">
            <voltshare-session .apiBase=${this.apiBase} .token=${this.token} session-id=${this.ended.id}></voltshare-session>
            <a href="#/history" data-action="receipt">${msg('See the receipt in your history')}</a>
          </div>`
          : nothing
      }
      <p role="status" aria-live="polite">${this.message}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error.text} ${this.error.route ? html`<a href=${this.error.route} data-action="way-on">${this.error.action}</a>` : nothing}</p>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-charge': VoltshareCharge;
  }
}
