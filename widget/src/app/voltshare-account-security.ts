import { msg, str } from '@lit/localize';
import { type components, unwrap, VoltshareError } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { VoltshareElement } from '../shared/element.js';
import { formatDateTime } from '../shared/format.js';
import { theme } from '../shared/styles.js';
import { appStyles } from './app.styles.js';

type Login = components['schemas']['ActiveLogin'];
type Consent = components['schemas']['ConsentChoice'];
type Deletion = components['schemas']['AccountDeletion'];
export type AccountSecurityMode = 'forgot' | 'reset' | 'verify' | 'manage';

/** A refusal already worded for the driver. */
class Refusal extends Error {}

/** The parts of the screen an outcome can belong to. */
type Section = 'main' | 'security' | 'logins' | 'consents' | 'export' | 'deletion';

/** Whether the API refused the emailed link itself (used, expired or made up). */
const linkRefused = (error: unknown) => error instanceof VoltshareError && Boolean(error.problem.errors?.some((e) => e.field === 'body.token'));

/**
 * `<voltshare-account-security>`: the account's safety and the person's data, in four modes — `forgot` asks for a reset
 * link, `reset` sets a new password from it (`link-token`), `verify` confirms the address from
 * its link, and `manage` (signed in) shows whether the address is confirmed, changes the password
 * and lists where the account is signed in, each login with its own sign-out, and asks for a copy
 * of the person's data (emailed as a download link).
 *
 * @fires voltshare-password-reset - A new password was set from a link: every login ended, so sign in again.
 */
export class VoltshareAccountSecurity extends VoltshareElement {
  static override properties: PropertyDeclarations = {
    ...VoltshareElement.properties,
    mode: { type: String },
    linkToken: { type: String, attribute: 'link-token' },
    emailVerified: { type: Boolean, attribute: 'email-verified' },
    logins: { state: true },
    consents: { state: true },
    deletion: { state: true },
    busy: { state: true },
    message: { state: true },
    error: { state: true },
    section: { state: true },
  };

  declare mode: AccountSecurityMode;
  declare linkToken: string | undefined;
  declare emailVerified: boolean;
  declare logins: Login[] | undefined;
  declare consents: Consent[] | undefined;
  declare deletion: Deletion | null | undefined;
  declare busy: boolean;
  declare message: string;
  declare error: string;
  declare section: Section;

  static override styles = [theme, appStyles];

  constructor() {
    super();
    this.mode = 'manage';
    this.emailVerified = false;
    this.busy = false;
    this.message = '';
    this.error = '';
    this.section = 'main';
  }

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.mode === 'manage' && (changed.has('token') || changed.has('mode')) && this.token) {
      void this.loadLogins();
      void this.loadConsents();
      void this.loadDeletion();
    }
    if (this.mode === 'verify' && (changed.has('linkToken') || changed.has('mode')) && this.linkToken) void this.verify();
  }

  /** Runs one action; its outcome is shown beside the part of the screen it came from. */
  private async act(work: () => Promise<string>, fallback: string, section: Section = 'main'): Promise<void> {
    this.section = section;
    this.busy = true;
    this.error = '';
    this.message = '';
    try {
      this.message = await work();
    } catch (error) {
      if (error instanceof Refusal) this.error = error.message;
      else if (linkRefused(error)) this.error = msg('This link is no longer valid: it was used, or it expired. Ask for a new one.');
      else this.error = this.describe(error, fallback);
    } finally {
      this.busy = false;
    }
  }

  private async loadLogins(): Promise<void> {
    try {
      this.logins = unwrap(await this.api.GET('/v1/me/logins'));
    } catch (error) {
      this.error = this.describe(error, msg('Your sign-ins could not be loaded.'));
    }
  }

  private async loadConsents(): Promise<void> {
    try {
      this.consents = unwrap(await this.api.GET('/v1/me/consents')).choices;
    } catch (error) {
      this.error = this.describe(error, msg('Your privacy choices could not be loaded.'));
    }
  }

  private async loadDeletion(): Promise<void> {
    try {
      this.deletion = unwrap(await this.api.GET('/v1/me/deletion'));
    } catch {
      this.deletion = undefined;
    }
  }

  private requestDeletion(form: HTMLFormElement): Promise<void> {
    const data = new FormData(form);
    return this.act(
      async () => {
        this.deletion = unwrap(
          await this.api.POST('/v1/me/deletion', {
            body: { password: String(data.get('password') ?? ''), contributions: data.get('contributions') === 'remove' ? 'remove' : 'keep' },
          }),
        );
        form.reset();
        return msg('Your account will be deleted in 14 days. Until then you can keep it.');
      },
      msg('Your account could not be deleted.'),
      'deletion',
    );
  }

  private cancelDeletion(): Promise<void> {
    return this.act(
      async () => {
        this.deletion = unwrap(await this.api.DELETE('/v1/me/deletion'));
        return msg('Your account stays. Nothing was deleted.');
      },
      msg('That did not work. Please try again.'),
      'deletion',
    );
  }

  private renderDeletion(): unknown {
    const submit = (e: Event) => {
      e.preventDefault();
      void this.requestDeletion(e.target as HTMLFormElement);
    };
    if (this.deletion?.status === 'scheduled')
      return html`<div data-deletion="scheduled">
        <p>${msg(str`Your account will be deleted on ${formatDateTime(this.deletion.due_at as unknown as string, this.language)}.`)}</p>
        <button class="secondary" type="button" data-action="keep-account" ?disabled=${this.busy} @click=${() => this.cancelDeletion()}>${msg('Keep my account')}</button>
      </div>`;
    return html`<form data-deletion="form" @submit=${submit}>
      <p class="muted">${msg('Your address, name, cards and settings are deleted 14 days after you ask; until then you can change your mind. Sessions and invoices are kept as the law requires, without your name.')}</p>
      <fieldset>
        <legend>${msg('Your reviews, check-ins, tips and photos')}</legend>
        <label class="check"><input type="radio" name="contributions" value="keep" checked />${msg('Keep them, as a former driver’s')}</label>
        <label class="check"><input type="radio" name="contributions" value="remove" />${msg('Remove them')}</label>
      </fieldset>
      <div class="field"><label for="delete_password">${msg('Your password')}</label><input id="delete_password" name="password" type="password" autocomplete="current-password" required /></div>
      <button class="secondary" type="submit" data-action="delete-account" ?disabled=${this.busy}>${msg('Delete my account')}</button>
    </form>`;
  }

  private decide(choice: Consent, granted: boolean): Promise<void> {
    return this.act(
      async () => {
        const body = { purpose: choice.purpose, granted, text_version: choice.text_version, ...(choice.partner_id ? { partner_id: choice.partner_id } : {}) };
        this.consents = unwrap(await this.api.POST('/v1/me/consents', { body })).choices;
        return granted ? msg('Saved: you agreed.') : msg('Saved: you withdrew your consent. It applies at once.');
      },
      msg('Your choice could not be saved.'),
      'consents',
    );
  }

  private verify(): Promise<void> {
    return this.act(async () => {
      unwrap(await this.api.POST('/v1/auth/verify-email', { body: { token: this.linkToken as string } }));
      this.emailVerified = true;
      return msg('Your email address is confirmed. Thank you.');
    }, msg('Your address could not be confirmed.'));
  }

  private requestReset(form: HTMLFormElement): Promise<void> {
    const email = String(new FormData(form).get('email') ?? '').trim();
    return this.act(async () => {
      unwrap(await this.api.POST('/v1/auth/password-reset/request', { body: { email } }));
      return msg('If this address has an account, a link to choose a new password is on its way. It works once, for 60 minutes.');
    }, msg('The link could not be sent. Please try again.'));
  }

  private reset(form: HTMLFormElement): Promise<void> {
    const data = new FormData(form);
    const password = String(data.get('new_password') ?? '');
    return this.act(async () => {
      if (password !== String(data.get('repeat') ?? '')) throw new Refusal(msg('The two passwords are not the same.'));
      unwrap(await this.api.POST('/v1/auth/password-reset', { body: { token: this.linkToken as string, new_password: password } }));
      this.dispatchEvent(new CustomEvent('voltshare-password-reset', { bubbles: true, composed: true }));
      return msg('Your new password is set. You were signed out everywhere: sign in with the new password.');
    }, msg('The password could not be changed.'));
  }

  private change(form: HTMLFormElement): Promise<void> {
    const data = new FormData(form);
    return this.act(
      async () => {
        unwrap(
          await this.api.POST('/v1/me/password', {
            body: { current_password: String(data.get('current_password') ?? ''), new_password: String(data.get('new_password') ?? '') },
          }),
        );
        form.reset();
        await this.loadLogins();
        return msg('Password changed. Your other sign-ins were ended.');
      },
      msg('The password could not be changed.'),
      'security',
    );
  }

  private resendVerification(): Promise<void> {
    return this.act(
      async () => {
        const answer = unwrap(await this.api.POST('/v1/me/email-verification'));
        if (answer.already_verified) {
          this.emailVerified = true;
          return msg('Your email address is already confirmed.');
        }
        return msg('We sent you a link to confirm your address. It works for 24 hours.');
      },
      msg('The link could not be sent. Please try again.'),
      'security',
    );
  }

  private requestExport(): Promise<void> {
    return this.act(
      async () => {
        unwrap(await this.api.POST('/v1/me/exports'));
        return msg('We are putting your data together and will email you a download link. It works once, for 7 days.');
      },
      msg('Your data could not be requested. Please try again.'),
      'export',
    );
  }

  private signOut(login: Login): Promise<void> {
    return this.act(
      async () => {
        unwrap(await this.api.DELETE('/v1/me/logins/{loginId}', { params: { path: { loginId: login.id } } }));
        await this.loadLogins();
        return msg('That sign-in was ended.');
      },
      msg('That sign-in could not be ended.'),
      'logins',
    );
  }

  private status(section: Section = 'main'): unknown {
    if (section !== this.section) return nothing;
    return html`${this.message ? html`<p class="ok" role="status" data-message>${this.message}</p>` : nothing}
    ${this.error ? html`<p class="error" role="alert" data-error>${this.error}</p>` : nothing}`;
  }

  override render() {
    const submit = (work: (form: HTMLFormElement) => Promise<void>) => (e: Event) => {
      e.preventDefault();
      void work(e.target as HTMLFormElement);
    };
    switch (this.mode) {
      case 'forgot':
        return html`<h1 id="screen-title">${msg('Forgot your password?')}</h1>
          <form class="card" @submit=${submit((f) => this.requestReset(f))}>
            <p class="muted">${msg('We will email you a link to choose a new one.')}</p>
            <div class="field"><label for="email">${msg('Email')}</label><input id="email" name="email" type="email" autocomplete="email" required /></div>
            <button class="primary wide" type="submit" ?disabled=${this.busy}>${msg('Send the link')}</button>
          </form>
          ${this.status()}
          <p><a href="#/signin">${msg('Back to sign in')}</a></p>`;
      case 'reset':
        return html`<h1 id="screen-title">${msg('Choose a new password')}</h1>
          <form class="card" @submit=${submit((f) => this.reset(f))}>
            <div class="field">
              <label for="new_password">${msg('New password')}</label>
              <input id="new_password" name="new_password" type="password" autocomplete="new-password" required minlength="10" aria-describedby="reset-hint" />
              <span id="reset-hint" class="muted">${msg('At least 10 characters.')}</span>
            </div>
            <div class="field"><label for="repeat">${msg('The same again')}</label><input id="repeat" name="repeat" type="password" autocomplete="new-password" required minlength="10" /></div>
            <button class="primary wide" type="submit" ?disabled=${this.busy || !this.linkToken}>${msg('Set the new password')}</button>
          </form>
          ${this.status()}
          <p><a href="#/signin">${msg('Sign in')}</a> · <a href="#/forgot-password">${msg('Ask for a new link')}</a></p>`;
      case 'verify':
        return html`<h1 id="screen-title">${msg('Confirm your email address')}</h1>
          ${this.busy ? html`<p role="status">${msg('Confirming…')}</p>` : nothing}
          ${this.status()}
          <p><a href="#/account">${msg('Account and settings')}</a></p>`;
      default:
        return html`<section class="card" aria-labelledby="security-title">
            <h2 id="security-title">${msg('Sign-in and security')}</h2>
            ${
              this.emailVerified
                ? html`<p class="ok" data-email-verified>${msg('Your email address is confirmed.')}</p>`
                : html`<div class="row spread"><p data-email-unverified>${msg('Your email address is not confirmed yet.')}</p>
                    <button class="secondary" type="button" data-action="verify" ?disabled=${this.busy} @click=${() => this.resendVerification()}>${msg('Send a confirmation link')}</button></div>`
            }
            <form id="change-password" @submit=${submit((f) => this.change(f))}>
              <h3>${msg('Change password')}</h3>
              <div class="field"><label for="current_password">${msg('Current password')}</label><input id="current_password" name="current_password" type="password" autocomplete="current-password" required /></div>
              <div class="field">
                <label for="change_new_password">${msg('New password')}</label>
                <input id="change_new_password" name="new_password" type="password" autocomplete="new-password" required minlength="10" aria-describedby="change-hint" />
                <span id="change-hint" class="muted">${msg('At least 10 characters. Your other sign-ins will end.')}</span>
              </div>
              <button class="secondary" type="submit" ?disabled=${this.busy}>${msg('Change password')}</button>
            </form>
            ${this.status('security')}
            <h3>${msg('Where you are signed in')}</h3>
            <ul class="list" data-logins>
              ${(this.logins ?? []).map(
                (l) => html`<li class="row spread">
                  <span><strong>${l.device ?? msg('Unknown device')}</strong>${l.current ? html` · <span class="ok">${msg('this device')}</span>` : nothing}<br />
                    <span class="muted">${msg('Last active')} ${formatDateTime(l.last_active_at as unknown as string, this.language)}</span></span>
                  ${l.current ? nothing : html`<button class="secondary" type="button" ?disabled=${this.busy} @click=${() => this.signOut(l)}>${msg('Sign out')}</button>`}
                </li>`,
              )}
            </ul>
            ${this.status('logins')}
            <fieldset data-consents>
              <legend><h3>${msg('Privacy choices')}</h3></legend>
              <p class="muted">${msg('Each is off until you turn it on, and you can turn it off at any time.')}</p>
              ${(this.consents ?? []).map(
                (c) =>
                  html`<label class="check"><input type="checkbox" data-purpose=${c.purpose} data-partner=${c.partner_id ?? ''} .checked=${c.granted} ?disabled=${this.busy}
                    @change=${(e: Event) => this.decide(c, (e.target as HTMLInputElement).checked)} /><span>${c.text}</span></label>`,
              )}
            </fieldset>
            ${this.status('consents')}
            <h3>${msg('Your data')}</h3>
            <p class="muted">${msg('A copy of everything we hold about you — sessions, bookings, payments, reviews, tickets — as JSON and CSV files in a ZIP.')}</p>
            <button class="secondary" type="button" data-action="export" ?disabled=${this.busy} @click=${() => this.requestExport()}>${msg('Get a copy of my data')}</button>
            ${this.status('export')}
            <h3>${msg('Delete my account')}</h3>
            ${this.renderDeletion()}
            ${this.status('deletion')}
          </section>`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-account-security': VoltshareAccountSecurity;
  }
}
