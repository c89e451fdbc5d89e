import { msg, str } from '@lit/localize';
import { type components, unwrap } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations } from 'lit';
import { formatDateTime, formatMoney } from '../shared/format.js';
import { ConsolePage } from './console-page.js';
import { lineLabel } from './console-sessions.js';

type Tariff = components['schemas']['Tariff'];
type TariffInput = components['schemas']['TariffInput'];
type TariffElement = components['schemas']['TariffElement'];
type Quote = components['schemas']['SessionCost'];

/** The editor's fields, as typed (major units, decimal point or comma). */
export interface TariffDraft {
  currency: string;
  energy: string;
  flat: string;
  hourly: string;
  offPeakEnergy: string;
  offPeakFrom: string;
  offPeakTo: string;
  idleHourly: string;
  idleGrace: string;
  vat: string;
  displayText: string;
}

const minorDigits = (currency: string) => new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
const minor = (typed: string, currency: string) => (typed.trim() ? Math.round(Number(typed.replace(',', '.')) * 10 ** minorDigits(currency)) : undefined);

/**
 * A draft as an OCPI tariff: an off-peak energy price (its element first, so it wins in its
 * hours), the day's prices, and an idle fee after the grace minutes once charging has ended.
 */
export function tariffOf(draft: TariffDraft): TariffInput {
  const c = draft.currency;
  const day: components['schemas']['PriceComponent'][] = [];
  const energy = minor(draft.energy, c);
  const flat = minor(draft.flat, c);
  const hourly = minor(draft.hourly, c);
  if (energy !== undefined) day.push({ type: 'ENERGY', price: energy, step_size: 1 });
  if (flat !== undefined) day.push({ type: 'FLAT', price: flat });
  if (hourly !== undefined) day.push({ type: 'TIME', price: hourly, step_size: 60 });
  const elements: TariffElement[] = [];
  const offPeak = minor(draft.offPeakEnergy, c);
  if (offPeak !== undefined && draft.offPeakFrom && draft.offPeakTo)
    elements.push({
      price_components: [{ type: 'ENERGY', price: offPeak, step_size: 1 }],
      restrictions: { start_time: draft.offPeakFrom, end_time: draft.offPeakTo },
    });
  if (day.length) elements.push({ price_components: day });
  const idle = minor(draft.idleHourly, c);
  if (idle !== undefined)
    elements.push({ price_components: [{ type: 'PARKING_TIME', price: idle, step_size: 60, grace_minutes: Number(draft.idleGrace || 0) }] });
  return {
    currency: c,
    elements,
    ...(draft.vat.trim() && { vat_percent: Number(draft.vat.replace(',', '.')) }),
    ...(draft.displayText.trim() && { display_text: draft.displayText.trim() }),
  };
}

/**
 * `<voltshare-console-tariffs>`: the network's tariffs, and an editor that prices an example
 * session (energy, start, time charging and parked) as the prices are typed, before creating one.
 */
export class VoltshareConsoleTariffs extends ConsolePage {
  static override properties: PropertyDeclarations = {
    ...ConsolePage.properties,
    currency: { type: String },
    tariffs: { state: true },
    quote: { state: true },
    quoteProblem: { state: true },
    created: { state: true },
  };

  declare currency: string;
  declare tariffs: Tariff[];
  declare quote: Quote | undefined;
  declare quoteProblem: string;
  declare created: string;

  constructor() {
    super();
    this.tariffs = [];
    this.quoteProblem = '';
    this.created = '';
  }
  private pending: ReturnType<typeof setTimeout> | undefined;

  protected async load(): Promise<void> {
    this.tariffs = unwrap(await this.client.GET('/v1/tariffs', { params: { query: { limit: 100 } } })).data;
    this.preview();
  }

  private form(): HTMLFormElement | null {
    return this.renderRoot.querySelector('form#editor');
  }

  private draft(): { tariff: TariffInput; example: { energy_kwh: number; starts_at: string; charging_minutes: number; parking_minutes: number } } | undefined {
    const form = this.form();
    if (!form) return undefined;
    const f = new FormData(form);
    const text = (name: string) => String(f.get(name) ?? '');
    const draft: TariffDraft = {
      currency: this.currency,
      energy: text('energy'),
      flat: text('flat'),
      hourly: text('hourly'),
      offPeakEnergy: text('offPeakEnergy'),
      offPeakFrom: text('offPeakFrom'),
      offPeakTo: text('offPeakTo'),
      idleHourly: text('idleHourly'),
      idleGrace: text('idleGrace'),
      vat: text('vat'),
      displayText: text('displayText'),
    };
    const starts = text('exampleStart');
    return {
      tariff: tariffOf(draft),
      example: {
        energy_kwh: Number(text('exampleKwh').replace(',', '.')),
        starts_at: (starts ? new Date(starts) : new Date()).toISOString(),
        charging_minutes: Number(text('exampleMinutes')),
        parking_minutes: Number(text('exampleParked') || 0),
      },
    };
  }

  /** Prices the example a moment after the last keystroke. */
  private preview(): void {
    clearTimeout(this.pending);
    this.pending = setTimeout(() => void this.quoteNow(), 250);
  }

  private async quoteNow(): Promise<void> {
    const draft = this.draft();
    if (!draft) return;
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const { data, error } = await this.client.POST('/v1/tariffs/quote', { body: { tariff: draft.tariff, ...draft.example, time_zone: timeZone } });
    this.quote = data;
    this.quoteProblem = error ? (error.errors?.map((e) => e.message).join('; ') ?? error.title ?? '') : '';
  }

  private async create(event: Event): Promise<void> {
    event.preventDefault();
    const draft = this.draft();
    if (!draft) return;
    this.created = '';
    await this.attempt(async () => {
      const tariff = unwrap(await this.client.POST('/v1/tariffs', { body: draft.tariff }));
      this.created = msg('Tariff created. Assign it to connectors on the site’s EVSEs.');
      this.tariffs = [tariff, ...this.tariffs];
    });
  }

  override render() {
    const lang = this.language;
    const money = (v: number | null, c: string) => (v === null ? '–' : formatMoney(v, c, lang));
    const q = this.quote;
    const now = new Date();
    const exampleStart = new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    return html`<h1>${msg('Tariffs')}</h1>
      ${this.status()}
      <div class="grid">
        <form id="editor" class="card" @input=${this.preview} @submit=${this.create} aria-labelledby="editor-title">
          <h2 id="editor-title">${msg('New tariff')}</h2>
          <div class="toolbar">
            <label>${msg(str`Energy per kWh (${this.currency})`)}<input name="energy" inputmode="decimal" value="0.39" size="8"></label>
            <label>${msg('Per session')}<input name="flat" inputmode="decimal" size="8"></label>
            <label>${msg('Per hour charging')}<input name="hourly" inputmode="decimal" size="8"></label>
          </div>
          <div class="toolbar">
            <label>${msg('Off-peak energy per kWh')}<input name="offPeakEnergy" inputmode="decimal" size="8"></label>
            <label>${msg('Off-peak from')}<input name="offPeakFrom" type="time" value="22:00"></label>
            <label>${msg('Off-peak until')}<input name="offPeakTo" type="time" value="06:00"></label>
          </div>
          <div class="toolbar">
            <label>${msg('Idle fee per hour')}<input name="idleHourly" inputmode="decimal" size="8"></label>
            <label>${msg('Free minutes after charging')}<input name="idleGrace" type="number" min="0" max="1440" value="15"></label>
            <label>${msg('VAT %')}<input name="vat" inputmode="decimal" value="17" size="5"></label>
          </div>
          <label>${msg('Text drivers see')}<input name="displayText" maxlength="512"></label>
          <h3>${msg('Example session')}</h3>
          <div class="toolbar">
            <label>${msg('kWh')}<input name="exampleKwh" inputmode="decimal" value="30" size="6"></label>
            <label>${msg('Starts')}<input name="exampleStart" type="datetime-local" value=${exampleStart}></label>
            <label>${msg('Minutes charging')}<input name="exampleMinutes" type="number" min="1" max="2880" value="60"></label>
            <label>${msg('Minutes parked after')}<input name="exampleParked" type="number" min="0" max="2880" value="30"></label>
          </div>
          <div aria-live="polite" data-quote>
            ${
              q
                ? html`<p><strong>${msg(str`The example costs ${formatMoney(q.amount, q.currency, lang)}`)}</strong> <span class="muted">${msg(str`incl. VAT ${formatMoney(q.vat_amount, q.currency, lang)}`)}</span></p>
                  <table><tbody>${q.lines.map((l) => html`<tr><td>${lineLabel(l.type)}</td><td class="number">${formatMoney(l.amount, q.currency, lang)}</td></tr>`)}</tbody></table>`
                : nothing
            }
            ${this.quoteProblem ? html`<p class="error">${this.quoteProblem}</p>` : nothing}
          </div>
          <p class="actions"><button class="primary" type="submit" ?disabled=${this.busy}>${msg('Create tariff')}</button></p>
          <p role="status" class="good">${this.created}</p>
        </form>
        <section class="card" aria-labelledby="tariff-list"><h2 id="tariff-list">${msg('Tariffs')}</h2>
          <table><thead><tr><th>${msg('Created')}</th><th class="number">${msg('Energy per kWh')}</th><th class="number">${msg('Per session')}</th><th class="number">${msg('Per hour charging')}</th><th class="number">${msg('VAT %')}</th></tr></thead>
          <tbody>${this.tariffs.map(
            (
              t,
            ) => html`<tr><td title=${t.display_text ?? ''}>${formatDateTime(t.created_at, lang)}</td><td class="number">${money(t.energy_price_per_kwh, t.currency)}</td>
              <td class="number">${money(t.flat_price, t.currency)}</td><td class="number">${money(t.time_price_per_hour, t.currency)}</td><td class="number">${t.vat_percent}</td></tr>`,
          )}</tbody></table>
        </section>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-console-tariffs': VoltshareConsoleTariffs;
  }
}
