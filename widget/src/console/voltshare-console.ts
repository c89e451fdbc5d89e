import { msg } from '@lit/localize';
import { type components, type Realtime, unwrap } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { AppSession } from '../app/app-session.js';
import { apiBaseOf } from '../shared/connection.js';
import { VoltshareElement } from '../shared/element.js';
import { LANGUAGES, resolveLocale, useLocale } from '../shared/localization.js';
import { theme } from '../shared/styles.js';
import { consoleStyles, shellStyles } from './console.styles.js';
import { href } from './console-page.js';

type Network = components['schemas']['Network'];

export type ConsoleRoute =
  | { page: 'overview' }
  | { page: 'sites'; id?: string }
  | { page: 'chargers'; id: string }
  | { page: 'sessions'; id?: string; site?: string }
  | { page: 'reservations' }
  | { page: 'tariffs' }
  | { page: 'support'; id?: string }
  | { page: 'incidents' }
  | { page: 'reviews' }
  | { page: 'uptime' };

/** `#/sites/{id}`, `#/sessions/at/{site}`, `#/support/{ticket}`…; anything else is the overview. */
export function parseConsoleRoute(hash: string): ConsoleRoute {
  const [page = '', a, b] = hash
    .replace(/^#\/?/, '')
    .split('/')
    .map((p) => decodeURIComponent(p));
  switch (page) {
    case 'sites':
    case 'support':
      return { page, id: a || undefined };
    case 'chargers':
      return a ? { page, id: a } : { page: 'sites' };
    case 'sessions':
      return a === 'at' ? { page, site: b } : { page, id: a || undefined };
    case 'reservations':
    case 'tariffs':
    case 'incidents':
    case 'reviews':
    case 'uptime':
      return { page };
    default:
      return { page: 'overview' };
  }
}

const RIGHT_TO_LEFT = new Set(['ar']);
const STORAGE_KEY = 'voltshare.console.session';

/**
 * `<voltshare-console>`: the operator console — a network's staff sign in and run their network:
 * overview and charts, sites, chargers, sessions and refunds, reservations and the line, tariffs,
 * support, incidents, reviews, uptime. Every page is an element of its own on the public API
 * (the SDK) and the network's realtime feed, in the staff member's language.
 *
 * @cssprop --voltshare-brand - Buttons, links, focus rings and the navigation.
 */
export class VoltshareConsole extends VoltshareElement {
  static override properties: PropertyDeclarations = {
    ...VoltshareElement.properties,
    demoEmail: { type: String, attribute: 'demo-email' },
    demoPassword: { type: String, attribute: 'demo-password' },
    route: { state: true },
    network: { state: true },
    signedIn: { state: true },
    problem: { state: true },
    online: { state: true },
  };
  static override styles = [theme, consoleStyles, shellStyles];

  declare demoEmail: string | undefined;
  declare demoPassword: string | undefined;
  declare route: ConsoleRoute;
  declare network: Network | undefined;
  declare signedIn: boolean;
  declare problem: string;
  declare online: boolean;

  constructor() {
    super();
    this.route = parseConsoleRoute(location.hash);
    this.signedIn = false;
    this.problem = '';
    this.online = false;
  }
  private session: AppSession | undefined;
  private realtime: Realtime | undefined;
  private readonly onHash = () => {
    this.route = parseConsoleRoute(location.hash);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
    this.session = new AppSession(apiBaseOf(this.apiBase), undefined, localStorage, STORAGE_KEY);
    void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
    this.realtime?.close();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('locale')) {
      const language = resolveLocale(this.locale);
      this.setAttribute('lang', language);
      this.setAttribute('dir', RIGHT_TO_LEFT.has(language) ? 'rtl' : 'ltr');
      document.documentElement.lang = language;
    }
  }

  /** A saved login goes straight in; otherwise the sign-in form (the browser's language until then). */
  private async start(): Promise<void> {
    if (!this.locale) this.locale = resolveLocale('auto');
    if (this.session?.isSignedIn) await this.enter().catch(() => this.session?.signOut());
  }

  private async signIn(event: Event): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    this.problem = '';
    try {
      await this.session?.signIn(String(form.get('email')), String(form.get('password')));
      await this.enter();
    } catch (error) {
      this.problem = this.describe(error, msg('Wrong email or password.'));
    }
  }

  /** Staff only: a driver's account has no network to run. */
  private async enter(): Promise<void> {
    const session = this.session as AppSession;
    const me = session.me ?? (await session.load());
    if (!me?.network_id) {
      await session.signOut();
      throw new Error(msg('This account is not a member of a network’s staff.'));
    }
    this.network = unwrap(await session.client.GET('/v1/network'));
    if (me.user?.locale) this.locale = resolveLocale(me.user.locale);
    this.realtime?.close();
    const realtime = session.client.realtime();
    realtime.socket.on('connect', () => (this.online = true));
    realtime.socket.on('disconnect', () => (this.online = false));
    realtime.subscribe({ network: true }).catch(() => undefined);
    this.realtime = realtime;
    this.signedIn = true;
  }

  private async signOut(): Promise<void> {
    this.realtime?.close();
    this.realtime = undefined;
    await this.session?.signOut();
    this.signedIn = false;
    this.network = undefined;
  }

  private async chooseLanguage(event: Event): Promise<void> {
    this.locale = (event.target as HTMLSelectElement).value;
    await useLocale(this.locale);
    // Kept with the account, so the console (and emails) follow the staff member everywhere.
    await this.session?.update({ locale: this.locale }).catch(() => undefined);
  }

  override render() {
    const language = resolveLocale(this.locale);
    return html`<header>
        <p class="brand">⚡ Voltshare · ${this.network?.name ?? msg('operator console')}</p>
        ${this.signedIn ? html`<span class="live" role="status">${this.online ? msg('● live') : msg('connecting…')}</span>` : nothing}
        <label>${msg('Language')}<select @change=${this.chooseLanguage}>${LANGUAGES.map((l) => html`<option value=${l.code} lang=${l.code} ?selected=${l.code === language}>${l.name}</option>`)}</select></label>
        <a href="/docs/">${msg('Docs')}</a>
        ${this.signedIn ? html`<button type="button" @click=${this.signOut}>${msg('Sign out')}</button>` : nothing}
      </header>
      ${this.signedIn && this.network ? html`${this.nav()}<main>${this.page(this.network)}</main>` : this.signInForm()}`;
  }

  private signInForm() {
    return html`<main><form class="signin card" @submit=${this.signIn}>
      <h1>${msg('Sign in as network staff')}</h1>
      <label>${msg('Email')}<input name="email" type="email" autocomplete="username" required .value=${this.demoEmail ?? ''}></label>
      <label>${msg('Password')}<input name="password" type="password" autocomplete="current-password" required .value=${this.demoPassword ?? ''}></label>
      <button class="primary" type="submit">${msg('Sign in')}</button>
      ${this.demoEmail ? html`<p class="muted">${msg('Demo: the demo network’s owner is filled in.')}</p>` : nothing}
      <p class="error" role="alert">${this.problem}</p>
    </form></main>`;
  }

  private nav() {
    const items: [ConsoleRoute['page'], string][] = [
      ['overview', msg('Overview')],
      ['sites', msg('Sites')],
      ['sessions', msg('Sessions')],
      ['reservations', msg('Reservations')],
      ['tariffs', msg('Tariffs')],
      ['support', msg('Support')],
      ['incidents', msg('Incidents')],
      ['reviews', msg('Reviews')],
      ['uptime', msg('Uptime')],
    ];
    const current = this.route.page === 'chargers' ? 'sites' : this.route.page;
    return html`<nav aria-label=${msg('Console')}><ul>
      ${items.map(([page, label]) => html`<li><a href=${href(page)} aria-current=${page === current ? 'page' : 'false'}>${label}</a></li>`)}
      <li><a href="/operator/energy/">${msg('Energy and site power')}</a></li>
    </ul></nav>`;
  }

  private page(network: Network) {
    const session = this.session as AppSession;
    const live = this.realtime;
    const r = this.route;
    switch (r.page) {
      case 'overview':
        return html`<voltshare-console-overview .session=${session} .live=${live} currency=${network.currency}></voltshare-console-overview>`;
      case 'sites':
        return html`<voltshare-console-sites .session=${session} .live=${live} network-id=${network.id} .site=${r.id}></voltshare-console-sites>`;
      case 'chargers':
        return html`<voltshare-console-charger .session=${session} .live=${live} charger=${r.id}></voltshare-console-charger>`;
      case 'sessions':
        return html`<voltshare-console-sessions .session=${session} .live=${live} network-id=${network.id} .sessionId=${r.id} .site=${r.site}></voltshare-console-sessions>`;
      case 'reservations':
        return html`<voltshare-console-reservations .session=${session} .live=${live} network-id=${network.id}></voltshare-console-reservations>`;
      case 'tariffs':
        return html`<voltshare-console-tariffs .session=${session} .live=${live} currency=${network.currency}></voltshare-console-tariffs>`;
      case 'support':
        return html`<voltshare-console-support .session=${session} .live=${live} .ticket=${r.id}></voltshare-console-support>`;
      case 'incidents':
        return html`<voltshare-console-incidents .session=${session} .live=${live}></voltshare-console-incidents>`;
      case 'reviews':
        return html`<voltshare-console-reviews .session=${session} .live=${live} network-id=${network.id}></voltshare-console-reviews>`;
      case 'uptime':
        return html`<voltshare-console-uptime .session=${session} .live=${live}></voltshare-console-uptime>`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-console': VoltshareConsole;
  }
}
