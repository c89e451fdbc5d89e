import { msg, str } from '@lit/localize';
import type { components } from '@voltshare/sdk';
import { unwrap } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { VoltshareElement } from '../shared/element.js';
import { formatDateTime, formatMoney } from '../shared/format.js';
import { theme } from '../shared/styles.js';
import { appStyles } from './app.styles.js';

type PayingWith = components['schemas']['PayingWith'];
type Wallet = components['schemas']['Wallet'];

/** The sandbox's test cards: the same flow as Stripe's, with outcomes chosen by the card. */
const SANDBOX_CARDS = [
  { id: 'pm_sandbox_visa', label: () => msg('Visa ending 4242 — always accepted') },
  { id: 'pm_sandbox_3ds', label: () => msg('Visa ending 3155 — asks for authentication') },
  { id: 'pm_sandbox_declined', label: () => msg('Visa ending 0002 — always declined') },
];
const TOP_UPS = [1000, 2000, 5000];

/** A refusal already worded for the driver. */
class Refusal extends Error {}

/**
 * `<voltshare-wallet>`: how the driver pays — the saved payment method (a test-card picker in
 * sandbox mode; Stripe's own card form in production) and the prepaid wallet: balance,
 * movements, top-ups and whether sessions are paid from it first.
 */
export class VoltshareWallet extends VoltshareElement {
  static override properties: PropertyDeclarations = {
    paying: { state: true },
    wallet: { state: true },
    busy: { state: true },
    message: { state: true },
    error: { state: true },
  };

  declare paying: PayingWith | undefined;
  declare wallet: Wallet | undefined;
  declare busy: boolean;
  declare message: string;
  declare error: string | undefined;

  static override styles = [theme, appStyles];

  constructor() {
    super();
    this.busy = false;
    this.message = '';
  }

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('token') && this.token) void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.paying = unwrap(await this.api.GET('/v1/me/payment-method'));
      this.wallet = unwrap(await this.api.GET('/v1/me/wallet'));
      this.error = undefined;
    } catch (error) {
      this.error = this.describe(error, msg('Your payment details could not be loaded.'));
    }
  }

  private async act(work: () => Promise<string>): Promise<void> {
    this.busy = true;
    this.error = undefined;
    try {
      this.message = await work();
      await this.load();
    } catch (error) {
      this.message = '';
      this.error = error instanceof Refusal ? error.message : this.describe(error, msg('That did not work. Please try again.'));
    } finally {
      this.busy = false;
    }
  }

  private saveCard(form: HTMLFormElement): Promise<void> {
    const card = String(new FormData(form).get('card') ?? '');
    return this.act(async () => {
      // The same steps as with Stripe: a setup intent, the browser confirms the card, the method is saved.
      unwrap(await this.api.POST('/v1/me/payment-methods/setup-intent'));
      const saved = await this.api.PUT('/v1/me/payment-method', { body: { payment_method_id: card } });
      // The provider refused the card (declined, expired…): nothing was saved.
      if (saved.response.status === 422) throw new Refusal(msg('This card was refused. Nothing was saved; choose another card.'));
      unwrap(saved);
      return msg('Payment method saved.');
    });
  }

  private topUp(amount: number): Promise<void> {
    return this.act(async () => {
      const topUp = unwrap(await this.api.POST('/v1/me/wallet/top-ups', { body: { amount } }));
      if (topUp.status === 'failed') throw new Refusal(msg('Your card was declined. Nothing was charged.'));
      return msg(str`Added ${formatMoney(topUp.amount, topUp.currency, this.language)} to your wallet.`);
    });
  }

  private payFromWallet(on: boolean): Promise<void> {
    return this.act(async () => {
      unwrap(await this.api.PUT('/v1/me/wallet', { body: { pay_sessions_from_wallet: on } }));
      return on ? msg('Sessions are now paid from your wallet first.') : msg('Sessions are now paid by your payment method.');
    });
  }

  private renderMethod(paying: PayingWith): unknown {
    const current = paying.payment_method_id;
    if (paying.provider !== 'sandbox')
      return html`<p>${current ? msg('A card is saved for your sessions.') : msg('No payment method saved yet.')}</p>
        <p class="muted">${msg('Cards are added through Stripe’s secure form, which this installation does not load.')}</p>`;
    return html`<form
      @submit=${(e: Event) => {
        e.preventDefault();
        void this.saveCard(e.target as HTMLFormElement);
      }}
    >
      <fieldset>
        <legend>${msg('Test mode: choose a test card')}</legend>
        ${SANDBOX_CARDS.map(
          (c, i) => html`<label class="check"
            ><input type="radio" name="card" value=${c.id} ?checked=${current ? current === c.id : i === 0} />${c.label()}</label
          >`,
        )}
      </fieldset>
      <p class="muted">${current ? msg('A card is saved. Choosing another replaces it.') : msg('No payment method saved yet.')}</p>
      <button class="primary" type="submit" data-action="save-card" ?disabled=${this.busy}>${msg('Save payment method')}</button>
    </form>`;
  }

  private renderWallet(wallet: Wallet): unknown {
    const money = (amount: number) => formatMoney(amount, wallet.currency, this.language);
    const kinds: Record<string, string> = {
      top_up: msg('Top-up'),
      session: msg('Charging session'),
      reservation_fee: msg('Booking fee'),
      refund: msg('Refund'),
    };
    return html`<p class="figures"><span><span class="muted">${msg('Balance')}</span><br /><strong data-figure="balance">${money(wallet.balance)}</strong></span></p>
      <div class="row" role="group" aria-label=${msg('Top up')}>
        ${TOP_UPS.map((a) => html`<button class="secondary" ?disabled=${this.busy || !this.paying?.payment_method_id} @click=${() => this.topUp(a)}>+ ${money(a)}</button>`)}
      </div>
      <label class="check" style="margin-top:12px">
        <input type="checkbox" .checked=${wallet.pay_sessions_from_wallet} ?disabled=${this.busy} @change=${(e: Event) => this.payFromWallet((e.target as HTMLInputElement).checked)} />
        ${msg('Pay sessions from my wallet first')}
      </label>
      ${
        wallet.recent.length
          ? html`<h3>${msg('Recent movements')}</h3>
            <ul class="list">
              ${wallet.recent.map(
                (entry) => html`<li class="row spread">
                  <span>${kinds[entry.kind] ?? msg('Other')} <span class="muted">${formatDateTime(entry.created_at as unknown as string, this.language)}</span></span>
                  <strong>${money(entry.amount)}</strong>
                </li>`,
              )}
            </ul>`
          : nothing
      }`;
  }

  override render(): unknown {
    if (!this.token) return html`<p class="muted">${msg('Sign in to manage payments.')}</p>`;
    return html`<section aria-labelledby="pay-title">
      <h1 id="pay-title">${msg('Payment')}</h1>
      <div class="card">
        <h2>${msg('Payment method')}</h2>
        ${this.paying ? this.renderMethod(this.paying) : html`<p class="muted" role="status">${msg('Loading…')}</p>`}
      </div>
      <div class="card">
        <h2>${msg('Wallet')}</h2>
        ${this.wallet ? this.renderWallet(this.wallet) : nothing}
      </div>
      <p role="status" aria-live="polite" class="ok">${this.message}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-wallet': VoltshareWallet;
  }
}
