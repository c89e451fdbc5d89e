import { msg, str } from '@lit/localize';
import type { components } from '@voltshare/sdk';
import { unwrap, VoltshareError } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { apiBaseOf, connect } from '../shared/connection.js';
import { VoltshareElement } from '../shared/element.js';
import { formatClock, formatEnergy, formatMass, formatMoney } from '../shared/format.js';
import { getLocale, LANGUAGES, resolveLocale, useLocale } from '../shared/localization.js';
import { standardLabel, statusLabel } from '../shared/status.js';
import { theme } from '../shared/styles.js';
import { appStyles } from './app.styles.js';
import { AppSession } from './app-session.js';
import { shellStyles } from './voltshare-app.styles.js';

type Location = components['schemas']['LocationWithReviews'];
type Outlook = components['schemas']['PricedOutlook'];
type ChargingOption = components['schemas']['ChargingOption'];
type Preferences = components['schemas']['DriverPreferences'];
type CommunityProfile = components['schemas']['CommunityProfile'];
interface QueueOffer {
  offer_id: string;
  location_id: string;
  expires_at: string;
  /** Looked up when the offer arrives: where, and the station's clock to say until when. */
  station?: { name: string; time_zone: string };
}
type Route =
  | { screen: 'find' }
  | { screen: 'station'; id: string }
  | { screen: 'charge'; evse?: string }
  | { screen: 'wallet' }
  | { screen: 'history' }
  | { screen: 'help'; ticket?: string; report?: string; follow?: { ticket: string; token: string } }
  | { screen: 'account' }
  | { screen: 'signin' }
  | { screen: 'signup' }
  | { screen: 'forgot-password' }
  /** From an emailed link: `#/reset-password?token=…`, `#/verify-email?token=…`. */
  | { screen: 'reset-password' | 'verify-email'; token?: string };

const SIGNED_IN_ONLY = new Set(['charge', 'wallet', 'history', 'account', 'help']);
const RIGHT_TO_LEFT = new Set(['ar']);
const CONNECTORS = ['IEC_62196_T2', 'IEC_62196_T2_COMBO', 'CHADEMO', 'IEC_62196_T1', 'IEC_62196_T1_COMBO', 'DOMESTIC_F'];

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [screen = '', id, more] = path.split('/');
  switch (screen) {
    case 'help':
      if (id === 'report') return { screen, report: more ? decodeURIComponent(more) : undefined };
      // A fault reported without an account is followed by its secret link: #/help/follow/{ticket}/{token}.
      if (id === 'follow' && more) {
        const [ticket = '', token = ''] = more.split('~');
        return { screen, follow: { ticket: decodeURIComponent(ticket), token: decodeURIComponent(token) } };
      }
      return { screen, ticket: id ? decodeURIComponent(id) : undefined };
    case 'station':
      return id ? { screen, id: decodeURIComponent(id) } : { screen: 'find' };
    case 'charge':
      return { screen, evse: id ? decodeURIComponent(id) : undefined };
    case 'wallet':
    case 'history':
    case 'account':
    case 'signin':
    case 'signup':
    case 'forgot-password':
      return { screen };
    case 'reset-password':
    case 'verify-email':
      return { screen, token: new URLSearchParams(query).get('token') ?? undefined };
    default:
      return { screen: 'find' };
  }
}

/**
 * `<voltshare-app>`: the whole driver app — find, book, charge, pay, history, settings — on every
 * network, in the driver's language. Hash-routed, so it embeds in any page (`#/station/{id}`,
 * `#/charge/{evse}`, `#/wallet`, `#/history`, `#/account`). With `demo`, it signs the public demo
 * driver in.
 *
 * @cssprop --voltshare-brand - Buttons, links, focus rings and the navigation.
 */
export class VoltshareApp extends VoltshareElement {
  static override properties: PropertyDeclarations = {
    demo: { type: Boolean },
    route: { state: true },
    signedIn: { state: true },
    location: { state: true },
    outlook: { state: true },
    advice: { state: true },
    adviceBooking: { state: true },
    offer: { state: true },
    notice: { state: true },
    error: { state: true },
    busy: { state: true },
    communityProfile: { state: true },
  };

  declare demo: boolean;
  declare route: Route;
  declare signedIn: boolean;
  declare location: Location | undefined;
  /** The station's next 24 hours, when it has history. */
  declare outlook: Outlook | undefined;
  /** A cheaper time to charge here than now, if the station's tariff has one within 12 hours. */
  declare advice: { option: ChargingOption; energyWh: number } | undefined;
  /** What booking the cheaper hour in one tap came to (a confirmation or why not). */
  declare adviceBooking: { ok: boolean; text: string } | undefined;
  declare offer: QueueOffer | undefined;
  /** The name and vehicle other drivers see, with contributions and badges (on the account screen). */
  declare communityProfile: CommunityProfile | undefined;
  declare notice: string;
  declare error: string | undefined;
  declare busy: boolean;
  private session: AppSession | undefined;
  private stopListening: (() => void)[] = [];
  private readonly onHash = () => this.navigate(location.hash);

  static override styles = [theme, appStyles, shellStyles];

  constructor() {
    super();
    this.demo = false;
    this.route = { screen: 'find' };
    this.signedIn = false;
    this.notice = '';
    this.busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
    this.session = new AppSession(apiBaseOf(this.apiBase), this.publishableKey);
    this.session.addEventListener('change', () => this.sessionChanged());
    this.sessionChanged();
    void this.start();
    // Installed from /app/, the shell and the last search work offline.
    if (this.hasAttribute('full-page') && 'serviceWorker' in navigator)
      navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch(() => undefined);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
    this.unlisten();
  }

  private async start(): Promise<void> {
    const session = this.session as AppSession;
    if (this.demo && !session.isSignedIn) {
      const credentials = (await fetch(`${session.apiBase}/demo/credentials.json`).then((r) => r.json())) as { driver: { email: string; password: string } };
      await session.signIn(credentials.driver.email, credentials.driver.password).catch(() => undefined);
    } else await session.load();
    const locale = session.me?.user?.locale;
    // The account's language, else the browser's (someone who scanned a charger's QR code has no account).
    if (!this.locale) await this.applyLocale(locale ?? 'auto');
    this.navigate(location.hash);
  }

  private sessionChanged(): void {
    const session = this.session as AppSession;
    this.signedIn = session.isSignedIn;
    this.token = session.accessToken;
    this.listen();
  }

  /** In-app notifications, as the driver chose them in the settings (all on until they say otherwise). */
  private listen(): void {
    this.unlisten();
    if (!this.token) return;
    const realtime = connect(apiBaseOf(this.apiBase), this.token).realtime();
    const wanted = (choice: keyof NonNullable<Preferences['notifications']>) => this.session?.me?.driver?.preferences.notifications?.[choice] !== false;
    this.stopListening.push(
      realtime.on('queue.offer', (offer: QueueOffer) => {
        if (wanted('queue_offers')) void this.showOffer(offer);
      }),
      realtime.on('queue.offer_expired', () => {
        this.offer = undefined;
      }),
      realtime.on('reservation.started', () => {
        if (wanted('booking_reminders')) this.notice = msg('Your booking has started: the charger is held for you.');
      }),
      realtime.on('reservation.fee_failed', () => {
        if (wanted('fee_failures')) this.notice = msg('A booking fee could not be charged. Check your payment method.');
      }),
      realtime.on('session.updated', (update: { status: string }) => {
        if (update.status === 'COMPLETED' && wanted('session_end')) this.notice = msg('Your charging session has ended.');
      }),
    );
  }

  private async showOffer(offer: QueueOffer): Promise<void> {
    this.offer = offer;
    const { data } = await this.session!.client.GET('/v1/locations/{location_id}', { params: { path: { location_id: offer.location_id } } }).catch(() => ({
      data: undefined,
    }));
    if (data && this.offer?.offer_id === offer.offer_id) this.offer = { ...offer, station: { name: data.name, time_zone: data.time_zone } };
  }

  private unlisten(): void {
    for (const off of this.stopListening) off();
    this.stopListening = [];
  }

  private navigate(hash: string): void {
    const route = parseRoute(hash);
    // The charger's QR code: anyone may report a fault there, and follow it, without an account.
    const anonymousHelp = route.screen === 'help' && Boolean(route.report || route.follow);
    if (SIGNED_IN_ONLY.has(route.screen) && !this.signedIn && !anonymousHelp) {
      this.route = { screen: 'signin' };
      this.pendingHash = hash;
      return;
    }
    if (route.screen !== this.route.screen) this.notice = '';
    this.route = route;
    this.error = undefined;
    if (route.screen === 'station') void this.loadLocation(route.id);
    if (route.screen === 'account') void this.loadCommunityProfile();
    // Focus moves to the new screen's heading, as a page load would (screen readers announce it).
    void this.updateComplete.then(() => (this.renderRoot.querySelector('main') as HTMLElement | null)?.focus());
  }

  private pendingHash: string | undefined;

  /** Shows a screen now (the back button still returns: the entry is pushed). */
  private go(hash: string): void {
    if (location.hash !== hash) history.pushState(null, '', hash);
    this.navigate(hash);
  }

  private async loadLocation(id: string): Promise<void> {
    this.location = undefined;
    this.outlook = undefined;
    this.advice = undefined;
    this.adviceBooking = undefined;
    const { data } = await this.session!.client.GET('/v1/locations/{location_id}', { params: { path: { location_id: id } } });
    if (data && this.route.screen === 'station' && this.route.id === id) this.location = data;
    const outlook = await this.session!.client.GET('/v1/locations/{location_id}/outlook', { params: { path: { location_id: id } } }).catch(() => undefined);
    // Without history the busy hours say nothing, but the cleanest hours still help.
    const useful = outlook?.data && (outlook.data.confidence !== 'none' || outlook.data.hours.some((h) => h.greenest));
    if (useful && outlook?.data && this.route.screen === 'station' && this.route.id === id) this.outlook = outlook.data;
    if (data) await this.loadAdvice(data);
  }

  /** The cheapest time to charge here in the next 12 hours, when it is not now (a 20 kWh top-up, or half the driver's battery). */
  private async loadAdvice(l: Location): Promise<void> {
    const energyWh = Math.round(((this.session?.me?.driver?.preferences.battery_kwh ?? 40) / 2) * 1000);
    const { data } = await this.session!.client.GET('/v1/recommendations', {
      // The whole day ahead (the forecast's reach), so a morning visit still hears of the evening's off-peak.
      params: {
        query: {
          lat: l.coordinates.latitude,
          lng: l.coordinates.longitude,
          energy_kwh: energyWh / 1000,
          radius_m: 100,
          to: new Date(Date.now() + 24 * 3_600_000 - 60_000).toISOString(),
        },
      },
    }).catch(() => ({ data: undefined }));
    const here = data?.options.find((o) => o.location_id === l.id && o.saves > 0);
    if (here && this.route.screen === 'station' && this.route.id === l.id) this.advice = { option: here, energyWh };
  }

  private async applyLocale(locale: string): Promise<void> {
    this.locale = resolveLocale(locale);
    await useLocale(this.locale);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('locale')) {
      const language = resolveLocale(this.locale);
      this.setAttribute('lang', language);
      this.setAttribute('dir', RIGHT_TO_LEFT.has(language) ? 'rtl' : 'ltr');
      if (this.hasAttribute('full-page')) {
        document.documentElement.lang = language;
        document.documentElement.dir = RIGHT_TO_LEFT.has(language) ? 'rtl' : 'ltr';
      }
    }
  }

  private async act(work: () => Promise<void>, fallback: string): Promise<void> {
    this.busy = true;
    this.error = undefined;
    try {
      await work();
    } catch (error) {
      this.error = this.describe(error, fallback);
    } finally {
      this.busy = false;
    }
  }

  private afterSignIn(): void {
    const next = this.pendingHash && parseRoute(this.pendingHash).screen !== 'signin' ? this.pendingHash : '#/find';
    this.pendingHash = undefined;
    this.go(next);
  }

  private signIn(form: HTMLFormElement): Promise<void> {
    const data = new FormData(form);
    return this.act(async () => {
      try {
        await this.session!.signIn(String(data.get('email')), String(data.get('password')));
      } catch (error) {
        if (error instanceof VoltshareError && error.status === 401) throw new VoltshareError(401, { detail: msg('The email or password is wrong.') });
        throw error;
      }
      const locale = this.session!.me?.user?.locale;
      if (locale) await this.applyLocale(locale);
      this.afterSignIn();
    }, msg('You could not be signed in. Please try again.'));
  }

  private signUp(form: HTMLFormElement): Promise<void> {
    const data = new FormData(form);
    if (!data.get('terms')) {
      this.error = msg('Please accept the terms to create an account.');
      return Promise.resolve();
    }
    return this.act(async () => {
      await this.session!.signUp({
        email: String(data.get('email')),
        name: String(data.get('name')),
        password: String(data.get('password')),
        locale: String(data.get('locale') || getLocale()),
      });
      await this.applyLocale(String(data.get('locale') || getLocale()));
      this.afterSignIn();
      this.notice = msg('Welcome! Add a payment method to start charging.');
    }, msg('Your account could not be created. Please try again.'));
  }

  private async signOut(): Promise<void> {
    await this.session!.signOut();
    this.go('#/signin');
  }

  private saveAccount(form: HTMLFormElement): Promise<void> {
    const data = new FormData(form);
    const preferences: Preferences = {
      units: data.get('units') === 'imperial' ? 'imperial' : 'metric',
      default_connector: (String(data.get('connector') ?? '') || null) as Preferences['default_connector'],
      vehicle: String(data.get('vehicle') ?? '').trim() || null,
      battery_kwh: Number(data.get('battery_kwh')) || null,
      notifications: {
        queue_offers: data.has('queue_offers'),
        booking_reminders: data.has('booking_reminders'),
        session_end: data.has('session_end'),
        fee_failures: data.has('fee_failures'),
        off_peak_nudges: data.has('off_peak_nudges'),
      },
    };
    const locale = String(data.get('locale'));
    return this.act(async () => {
      await this.session!.update({ name: String(data.get('name')), locale, preferences });
      await this.applyLocale(locale);
      this.notice = msg('Your settings are saved.');
    }, msg('Your settings could not be saved.'));
  }

  private async loadCommunityProfile(): Promise<void> {
    const { data } = await this.session!.client.GET('/v1/me/community-profile', {});
    if (data) this.communityProfile = data;
  }

  private saveCommunityProfile(form: HTMLFormElement): Promise<void> {
    const pseudonym = String(new FormData(form).get('pseudonym') ?? '').trim();
    const vehicle = this.session?.me?.driver?.preferences.vehicle ?? null;
    return this.act(async () => {
      this.communityProfile = unwrap(await this.session!.client.PATCH('/v1/me/community-profile', { body: { pseudonym, vehicle_model: vehicle } }));
      this.notice = msg('Your community name is saved.');
    }, msg('Your community name could not be saved.'));
  }

  private renderCommunityProfile(p: CommunityProfile): unknown {
    const badge = {
      first_check_in: msg('First check-in'),
      regular: msg('Regular'),
      verified_reporter: msg('Verified reporter'),
      helpful: msg('Helpful'),
      photographer: msg('Photographer'),
    };
    const c = p.contributions;
    return html`<form
      id="community-profile"
      class="card"
      @submit=${(e: Event) => {
        e.preventDefault();
        void this.saveCommunityProfile(e.target as HTMLFormElement);
      }}
    >
      <h2>${msg('In the community')}</h2>
      <div class="field">
        <label for="pseudonym">${msg('The name other drivers see')}</label>
        <input id="pseudonym" name="pseudonym" required minlength="3" maxlength="30" .value=${p.pseudonym} aria-describedby="pseudonym-help" />
        <p id="pseudonym-help" class="muted">${msg('Never your email or real name. Your car from the settings shows beside it.')}</p>
      </div>
      <p class="muted" data-contributions>${msg(str`${c.check_ins} check-ins (${c.verified_check_ins} verified), ${c.tips} tips, ${c.photos} photos, ${c.helpful_votes} helpful votes.`)}</p>
      ${p.badges.length ? html`<p>${p.badges.map((b) => html`<span class="badge earned">${badge[b]}</span>`)}</p>` : nothing}
      <button class="secondary" type="submit" ?disabled=${this.busy}>${msg('Save community name')}</button>
    </form>`;
  }

  private answerOffer(answer: 'accept' | 'decline' | 'snooze'): Promise<void> {
    const offer = this.offer;
    if (!offer) return Promise.resolve();
    return this.act(async () => {
      const path = { params: { path: { offer_id: offer.offer_id } } };
      if (answer === 'accept') unwrap(await this.session!.client.POST('/v1/queue-offers/{offer_id}/accept', path));
      else if (answer === 'decline') unwrap(await this.session!.client.POST('/v1/queue-offers/{offer_id}/decline', path));
      else unwrap(await this.session!.client.POST('/v1/queue-offers/{offer_id}/snooze', path));
      this.offer = undefined;
      this.notice = answer === 'accept' ? msg('The charger is yours. Drive there and start charging.') : msg('Done.');
      if (answer === 'accept') this.go(`#/station/${offer.location_id}`);
    }, msg('That did not work. Please try again.'));
  }

  // ---- screens ------------------------------------------------------------------------------

  private languageOptions(selected: string): unknown {
    return LANGUAGES.map((l) => html`<option value=${l.code} lang=${l.code} ?selected=${l.code === selected}>${l.name}</option>`);
  }

  private renderSignIn(): unknown {
    return html`<h1 id="screen-title">${msg('Sign in')}</h1>
      <form
        id="signin"
        class="card"
        @submit=${(e: Event) => {
          e.preventDefault();
          void this.signIn(e.target as HTMLFormElement);
        }}
      >
        <div class="field"><label for="email">${msg('Email')}</label><input id="email" name="email" type="email" autocomplete="email" required /></div>
        <div class="field">
          <label for="password">${msg('Password')}</label><input id="password" name="password" type="password" autocomplete="current-password" required />
        </div>
        <button class="primary wide" type="submit" ?disabled=${this.busy}>${msg('Sign in')}</button>
      </form>
      <p><a href="#/forgot-password">${msg('Forgot your password?')}</a></p>
      <p>${msg('New here?')} <a href="#/signup">${msg('Create an account')}</a></p>`;
  }

  private renderSignUp(): unknown {
    return html`<h1 id="screen-title">${msg('Create your account')}</h1>
      <p class="muted">${msg('One account for every charging network on Voltshare.')}</p>
      <form
        id="signup"
        class="card"
        @submit=${(e: Event) => {
          e.preventDefault();
          void this.signUp(e.target as HTMLFormElement);
        }}
      >
        <div class="field"><label for="name">${msg('Your name')}</label><input id="name" name="name" autocomplete="name" required maxlength="100" /></div>
        <div class="field"><label for="email">${msg('Email')}</label><input id="email" name="email" type="email" autocomplete="email" required /></div>
        <div class="field">
          <label for="password">${msg('Password')}</label>
          <input id="password" name="password" type="password" autocomplete="new-password" required minlength="10" aria-describedby="password-hint" />
          <span id="password-hint" class="muted">${msg('At least 10 characters.')}</span>
        </div>
        <div class="field">
          <label for="locale">${msg('Language')}</label>
          <select id="locale" name="locale" @change=${(e: Event) => this.applyLocale((e.target as HTMLSelectElement).value)}>
            ${this.languageOptions(getLocale())}
          </select>
        </div>
        <label class="check"><input type="checkbox" name="terms" required /><span>${msg('I accept the terms of use and the privacy notice.')}</span></label>
        <button class="primary wide" type="submit" ?disabled=${this.busy}>${msg('Create account')}</button>
      </form>
      <p>${msg('Already have an account?')} <a href="#/signin">${msg('Sign in')}</a></p>`;
  }

  private renderStation(): unknown {
    const l = this.location;
    const route = this.route as { id: string };
    const directions = l ? `https://www.openstreetmap.org/directions?to=${l.coordinates.latitude}%2C${l.coordinates.longitude}` : undefined;
    return html`<p><a href="#/find">${msg('Back to the list')}</a></p>
      <voltshare-station .apiBase=${this.apiBase} .token=${this.token} .publishableKey=${this.publishableKey} location-id=${route.id} without-outlook></voltshare-station>
      ${
        l
          ? html`<div class="row" style="margin:12px 0">
            <a class="secondary" href=${directions} target="_blank" rel="noopener">${msg('Directions')}</a>
            <button class="secondary" @click=${() => this.share(l)}>${msg('Share')}</button>
            <a class="secondary" href="#/help/report/${encodeURIComponent(l.evses[0]?.evse_id ?? l.evses[0]?.uid ?? '')}">${msg('Report a problem')}</a>
          </div>`
          : nothing
      }
      ${l && this.advice ? this.renderAdvice(this.advice, l) : nothing}
      ${l && this.outlook ? this.renderOutlook(this.outlook) : nothing}
      ${l && this.signedIn ? this.renderChargeHere(l) : nothing}
      ${
        this.signedIn
          ? html`<div class="card"><voltshare-booking .apiBase=${this.apiBase} .token=${this.token} location-id=${route.id}></voltshare-booking></div>`
          : html`<p><a href="#/signin">${msg('Sign in to book or charge here.')}</a></p>`
      }
      <div class="card"><voltshare-community .apiBase=${this.apiBase} .token=${this.token} .publishableKey=${this.publishableKey} location-id=${route.id}></voltshare-community></div>`;
  }

  /** "From 22:00: 20 kWh for 5.00 €, 3.00 € less than now." */
  private renderAdvice(advice: { option: ChargingOption; energyWh: number }, l: Location): unknown {
    const { option } = advice;
    const at = formatClock(option.starts_at as unknown as string, this.language, l.time_zone);
    const price = formatMoney(option.price.amount, option.price.currency, this.language);
    const saving = formatMoney(option.saves, option.price.currency, this.language);
    return html`<div class="card" data-advice>
      <p>${msg(str`Cheaper later: from ${at}, ${formatEnergy(advice.energyWh, this.language)} costs ${price}, ${saving} less than now.`)}</p>
      ${
        this.adviceBooking
          ? html`<p class=${this.adviceBooking.ok ? 'muted' : 'error'} role="status" data-advice-booking>${this.adviceBooking.text}</p>`
          : this.signedIn
            ? html`<button class="secondary" data-action="book-advice" @click=${() => this.bookAdvice(option, l, at)}>${msg(str`Book from ${at}`)}</button>`
            : nothing
      }
    </div>`;
  }

  /** One tap: a charger held from the cheaper hour for an hour (the booking rules of the station apply). */
  private async bookAdvice(option: ChargingOption, l: Location, at: string): Promise<void> {
    const start = new Date(option.starts_at as unknown as string);
    // Any reservable EVSE of the station with the driver's connector (or the station's first).
    const standards = l.evses.filter((e) => e.capabilities?.includes('RESERVABLE')).flatMap((e) => e.connectors.map((c) => c.standard));
    const preferred = this.session?.me?.driver?.preferences.default_connector;
    const standard = standards.find((s) => s === preferred) ?? standards[0];
    try {
      unwrap(
        await this.session!.client.POST('/v1/reservations', {
          body: {
            location_id: l.id,
            connector_standard: standard,
            start: start.toISOString(),
            end: new Date(start.getTime() + 3_600_000).toISOString(),
          } as never,
        }),
      );
      this.adviceBooking = { ok: true, text: msg(str`Booked from ${at} for an hour. It is under Bookings in your history.`) };
    } catch (error) {
      // The refusal's reason (an overlapping booking, a closed site), not only that it failed.
      this.adviceBooking = { ok: false, text: this.describe(error, msg('That hour could not be booked.')) };
    }
  }

  /** The next 24 hours as a strip of bars (free EVSEs expected), the quietest hours marked, and the same in words. */
  private renderOutlook(outlook: Outlook): unknown {
    const clock = (at: string) => formatClock(at, this.language, outlook.time_zone);
    const best = outlook.hours.filter((h) => h.best).map((h) => clock(h.starts_at as unknown as string));
    const greenest = outlook.hours.filter((h) => h.greenest);
    const cleanest = greenest.length
      ? html`<p data-greenest>${msg(str`Cleanest from ${greenest.map((h) => clock(h.starts_at as unknown as string)).join(', ')}: ${formatMass(Math.min(...greenest.map((h) => h.co2_g_per_kwh)), this.language)} CO₂ per kWh.`)}</p>`
      : nothing;
    if (outlook.confidence === 'none')
      return html`<section class="card" aria-labelledby="outlook-title" data-outlook="carbon">
        <h2 id="outlook-title">${msg('The next 24 hours')}</h2>
        ${cleanest}
      </section>`;
    return html`<section class="card" aria-labelledby="outlook-title" data-outlook>
      <h2 id="outlook-title">${msg('The next 24 hours')}</h2>
      <p>${msg(str`Quietest from ${best.join(', ')}.`)}${outlook.confidence === 'low' ? html` <span class="muted">${msg('Little history yet: a rough guide.')}</span>` : nothing}</p>
      ${cleanest}
      <div class="strip" aria-hidden="true">
        ${outlook.hours.map(
          (h) =>
            html`<span class="bar ${h.best ? 'best' : ''} ${h.greenest ? 'greenest' : ''}" style="height:${Math.round(8 + (40 * h.expected_free_evses) / Math.max(1, outlook.evses))}px" title=${clock(h.starts_at as unknown as string)}></span>`,
        )}
      </div>
      <div class="row spread muted" aria-hidden="true"><span>${clock(outlook.hours[0]?.starts_at as unknown as string)}</span><span>${msg('Taller: more chargers free')}</span></div>
    </section>`;
  }

  /** Start at one of the station's chargers: the free ones first. */
  private renderChargeHere(l: Location): unknown {
    const name = (e: Location['evses'][number], i: number) => e.evse_id ?? msg(str`Charger ${i + 1}`);
    const choices = l.evses.map((e, i) => ({ uid: e.uid, label: `${name(e, i)} · ${statusLabel(e.status)}`, free: e.status === 'AVAILABLE' }));
    choices.sort((a, b) => Number(b.free) - Number(a.free));
    return html`<form
      id="charge-here"
      class="card"
      @submit=${(e: Event) => {
        e.preventDefault();
        const uid = String(new FormData(e.target as HTMLFormElement).get('evse') ?? '');
        if (uid) this.go(`#/charge/${encodeURIComponent(uid)}`);
      }}
    >
      <h2>${msg('Charge here now')}</h2>
      <div class="row">
        <label class="visually-hidden" for="evse">${msg('Charger')}</label>
        <select id="evse" name="evse" style="flex:1">
          ${choices.map((c) => html`<option value=${c.uid}>${c.label}</option>`)}
        </select>
        <button class="primary" type="submit">${msg('Charge')}</button>
      </div>
    </form>`;
  }

  private async share(l: Location): Promise<void> {
    const url = `${location.origin}${location.pathname}#/station/${l.id}`;
    if (navigator.share) await navigator.share({ title: l.name, url }).catch(() => undefined);
    else {
      await navigator.clipboard?.writeText(url).catch(() => undefined);
      this.notice = msg('Link copied.');
    }
  }

  private renderAccount(): unknown {
    const me = this.session?.me;
    const user = me?.user;
    const prefs: Preferences = me?.driver?.preferences ?? {};
    const notifications = prefs.notifications ?? {};
    const on = (key: keyof NonNullable<Preferences['notifications']>) => notifications[key] !== false;
    return html`<h1 id="screen-title">${msg('Account and settings')}</h1>
      <form
        id="account"
        class="card"
        @submit=${(e: Event) => {
          e.preventDefault();
          void this.saveAccount(e.target as HTMLFormElement);
        }}
      >
        <div class="field"><label for="name">${msg('Your name')}</label><input id="name" name="name" .value=${user?.name ?? ''} required maxlength="100" /></div>
        <p class="muted">${user?.email ?? ''}</p>
        <div class="field">
          <label for="locale">${msg('Language')}</label>
          <select id="locale" name="locale">${this.languageOptions(resolveLocale(this.locale))}</select>
        </div>
        <div class="field">
          <label for="units">${msg('Distances in')}</label>
          <select id="units" name="units">
            <option value="metric" ?selected=${prefs.units !== 'imperial'}>${msg('Kilometres')}</option>
            <option value="imperial" ?selected=${prefs.units === 'imperial'}>${msg('Miles')}</option>
          </select>
        </div>
        <div class="field">
          <label for="connector">${msg('Your car’s connector')}</label>
          <select id="connector" name="connector">
            <option value="" ?selected=${!prefs.default_connector}>${msg('Any')}</option>
            ${CONNECTORS.map((c) => html`<option value=${c} ?selected=${prefs.default_connector === c}>${standardLabel(c)}</option>`)}
          </select>
        </div>
        <div class="field"><label for="vehicle">${msg('Your car')}</label><input id="vehicle" name="vehicle" maxlength="80" .value=${prefs.vehicle ?? ''} /></div>
        <div class="field">
          <label for="battery_kwh">${msg('Usable battery (kWh)')}</label>
          <input id="battery_kwh" name="battery_kwh" type="number" inputmode="decimal" min="5" max="300" step="0.1" aria-describedby="battery-help" .value=${prefs.battery_kwh ? String(prefs.battery_kwh) : ''} />
          <p id="battery-help" class="muted">${msg('With the charge level the charger reports, sites that share their power plan what your car still needs.')}</p>
        </div>
        <fieldset>
          <legend>${msg('Tell me about')}</legend>
          <label class="check"><input type="checkbox" name="queue_offers" ?checked=${on('queue_offers')} />${msg('A charger offered to me from the line')}</label>
          <label class="check"><input type="checkbox" name="booking_reminders" ?checked=${on('booking_reminders')} />${msg('Booking reminders')}</label>
          <label class="check"><input type="checkbox" name="session_end" ?checked=${on('session_end')} />${msg('The end of a charging session')}</label>
          <label class="check"><input type="checkbox" name="fee_failures" ?checked=${on('fee_failures')} />${msg('A payment that failed')}</label>
          <label class="check"><input type="checkbox" name="off_peak_nudges" ?checked=${notifications.off_peak_nudges === true} />${msg('A quieter hour, before my usual station gets busy (at most once a day)')}</label>
        </fieldset>
        <button class="primary wide" type="submit" ?disabled=${this.busy}>${msg('Save settings')}</button>
      </form>
      <voltshare-account-security
        mode="manage"
        .apiBase=${this.apiBase}
        .token=${this.token}
        ?email-verified=${Boolean(user?.email_verified)}
      ></voltshare-account-security>
      ${this.communityProfile ? this.renderCommunityProfile(this.communityProfile) : nothing}
      <div class="card row spread">
        <a href="#/wallet">${msg('Payment methods and wallet')}</a>
        <button class="secondary" @click=${() => this.signOut()}>${msg('Sign out')}</button>
      </div>`;
  }

  private renderScreen(): unknown {
    const r = this.route;
    const prefs = this.session?.me?.driver?.preferences;
    switch (r.screen) {
      case 'signin':
        return this.renderSignIn();
      case 'signup':
        return this.renderSignUp();
      case 'station':
        return this.renderStation();
      case 'charge':
        return html`<voltshare-charge .apiBase=${this.apiBase} .token=${this.token} .evseUid=${r.evse}></voltshare-charge>`;
      case 'wallet':
        return html`<voltshare-wallet .apiBase=${this.apiBase} .token=${this.token}></voltshare-wallet>`;
      case 'history':
        return html`<voltshare-history .apiBase=${this.apiBase} .token=${this.token}></voltshare-history>`;
      case 'help':
        return html`<voltshare-help
          .apiBase=${this.apiBase}
          .token=${this.token}
          .ticketId=${r.ticket}
          .evseRef=${r.report}
          .follow=${r.follow}
          .publishableKey=${this.publishableKey}
          @voltshare-open-ticket=${(e: CustomEvent<{ ticket_id: string }>) => this.go(`#/help/${e.detail.ticket_id}`)}
        ></voltshare-help>`;
      case 'account':
        return this.renderAccount();
      case 'forgot-password':
        return html`<voltshare-account-security mode="forgot" .apiBase=${this.apiBase} .publishableKey=${this.publishableKey}></voltshare-account-security>`;
      case 'reset-password':
      case 'verify-email':
        return html`<voltshare-account-security
          mode=${r.screen === 'reset-password' ? 'reset' : 'verify'}
          .apiBase=${this.apiBase}
          .token=${this.token}
          .publishableKey=${this.publishableKey}
          link-token=${r.token ?? ''}
          @voltshare-password-reset=${() => void this.session?.signOut().catch(() => undefined)}
        ></voltshare-account-security>`;
      default:
        return html`<voltshare-find
          .apiBase=${this.apiBase}
          .token=${this.token}
          .publishableKey=${this.publishableKey}
          .units=${prefs?.units ?? 'metric'}
          .defaultConnector=${prefs?.default_connector ?? undefined}
          @voltshare-open-station=${(e: CustomEvent<{ location_id: string }>) => this.go(`#/station/${e.detail.location_id}`)}
        ></voltshare-find>`;
    }
  }

  private renderNav(): unknown {
    const current = this.route.screen === 'station' ? 'find' : this.route.screen;
    const item = (screen: string, label: string, icon: string) =>
      html`<a href="#/${screen}" aria-current=${current === screen ? 'page' : 'false'}><span aria-hidden="true">${icon}</span>${label}</a>`;
    return html`<nav aria-label=${msg('Main')}>
      ${item('find', msg('Find'), '⌕')} ${item('charge', msg('Charge'), '⚡')} ${item('history', msg('History'), '☰')} ${item('help', msg('Help'), '?')}
      ${this.signedIn ? item('account', msg('Account'), '☺') : item('signin', msg('Sign in'), '☺')}
    </nav>`;
  }

  private renderOffer(offer: QueueOffer): unknown {
    return html`<div class="offer" role="alert">
      <strong>
        ${
          offer.station
            ? msg(str`A charger at ${offer.station.name} is free for you until ${formatClock(offer.expires_at, this.language, offer.station.time_zone)}.`)
            : msg(str`A charger is free for you until ${formatClock(offer.expires_at, this.language)}.`)
        }
      </strong>
      <div class="row">
        <button class="primary" ?disabled=${this.busy} @click=${() => this.answerOffer('accept')}>${msg('Take it')}</button>
        <button class="secondary" ?disabled=${this.busy} @click=${() => this.answerOffer('snooze')}>${msg('Later')}</button>
        <button class="secondary" ?disabled=${this.busy} @click=${() => this.answerOffer('decline')}>${msg('No, thanks')}</button>
      </div>
    </div>`;
  }

  override render(): unknown {
    return html`<header>
        <a class="brand" href="#/find"><span aria-hidden="true">⚡</span> Voltshare</a>
        ${this.signedIn ? nothing : html`<a class="join" href="#/signup">${msg('Create an account')}</a>`}
      </header>
      ${this.offer ? this.renderOffer(this.offer) : nothing}
      ${this.notice ? html`<p class="notice" role="status">${this.notice} <button class="link" @click=${() => (this.notice = '')}>${msg('Dismiss')}</button></p>` : nothing}
      <main tabindex="-1">
        ${this.renderScreen()} ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </main>
      ${this.renderNav()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-app': VoltshareApp;
  }
}
