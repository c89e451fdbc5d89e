import { msg, str } from '@lit/localize';
import { type components, unwrap } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { formatDateTime } from '../shared/format.js';
import { ConsolePage, href } from './console-page.js';
import { faultName } from './fault-names.js';

type ChargePoint = components['schemas']['ChargePoint'];
type Fault = components['schemas']['ChargerFault'];
type Message = components['schemas']['OcppMessage'];
type Action = components['schemas']['ChargerActionRequest']['action'];

/** The message a logged OCPP frame carries (a call's action), or what kind of answer it is. */
export function frameSummary(frame: unknown): string {
  if (!Array.isArray(frame)) return '?';
  if (frame[0] === 2) return String(frame[2]);
  if (frame[0] === 3) return msg('answer');
  if (frame[0] === 4) return msg(str`error ${String(frame[2])}`);
  return '?';
}

/**
 * `<voltshare-console-charger>`: one charger (`charger`) — online or not, its make and firmware,
 * its faults by name and printed EVSE id, its OCPP messages, and asking it for its status or to
 * restart (kept in the audit trail).
 */
export class VoltshareConsoleCharger extends ConsolePage {
  static override properties: PropertyDeclarations = {
    ...ConsolePage.properties,
    charger: { type: String },
    point: { state: true },
    faults: { state: true },
    messages: { state: true },
    result: { state: true },
  };

  declare charger: string;
  declare point: ChargePoint | undefined;
  declare faults: Fault[];
  declare messages: Message[];
  declare result: string;

  constructor() {
    super();
    this.faults = [];
    this.messages = [];
    this.result = '';
  }

  protected async load(): Promise<void> {
    const path = { charge_point_id: this.charger };
    const [point, faults, messages] = await Promise.all([
      this.client.GET('/v1/charge-points/{charge_point_id}', { params: { path } }).then(unwrap),
      this.client.GET('/v1/charge-points/{charge_point_id}/faults', { params: { path, query: { limit: 20 } } }).then(unwrap),
      this.client.GET('/v1/charge-points/{charge_point_id}/messages', { params: { path, query: { limit: 20 } } }).then(unwrap),
    ]);
    this.point = point;
    this.faults = faults.data;
    this.messages = messages.data;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.hasUpdated && changed.has('charger')) void this.refresh();
  }

  private async act(action: Action): Promise<void> {
    this.result = '';
    await this.attempt(async () => {
      const answer = unwrap(
        await this.client.POST('/v1/charge-points/{charge_point_id}/actions', { params: { path: { charge_point_id: this.charger } }, body: { action } }),
      );
      this.result = answer.accepted ? msg('The charger accepted.') : msg(str`The charger refused (${answer.status}).`);
      await this.load();
    });
  }

  override render() {
    const p = this.point;
    const lang = this.language;
    const where = (f: Fault) => f.evse_id ?? (f.connector_id === 0 ? msg('whole charger') : msg(str`connector ${f.connector_id}`));
    return html`${p ? html`<p><a href=${href('sites', p.location_id)}>← ${msg('Its site')}</a></p>` : nothing}
      <h1>${p?.identity ?? msg('Charger')}</h1>
      ${this.status()}
      ${
        p
          ? html`<section class="card">
              <dl class="facts">
                <dt>${msg('Connection')}</dt><dd><span class=${p.online ? 'good' : 'bad'}>${p.online ? msg('online') : msg('offline')}</span>${p.last_seen_at ? html` · ${msg(str`last seen ${formatDateTime(p.last_seen_at, lang)}`)}` : nothing}</dd>
                <dt>${msg('Make and model')}</dt><dd>${[p.vendor, p.model].filter(Boolean).join(' ') || '–'}</dd>
                <dt>${msg('Firmware')}</dt><dd>${p.firmware_version ?? '–'}</dd>
                <dt>${msg('Protocol')}</dt><dd>OCPP ${p.ocpp_version}</dd>
              </dl>
              <div class="actions">
                <button class="secondary" type="button" ?disabled=${this.busy} @click=${() => this.act('report_status')}>${msg('Ask for its status')}</button>
                <button class="secondary" type="button" ?disabled=${this.busy} @click=${() => this.act('soft_reset')}>${msg('Restart')}</button>
                <button class="secondary" type="button" ?disabled=${this.busy} @click=${() => this.act('hard_reset')}>${msg('Restart hard')}</button>
              </div>
              <p role="status" data-result>${this.result}</p>
            </section>`
          : nothing
      }
      <div class="grid">
        <section class="card" aria-labelledby="faults"><h2 id="faults">${msg('Faults it reported')}</h2>
          <table data-table="faults"><thead><tr><th>${msg('When')}</th><th>${msg('EVSE')}</th><th>${msg('Fault')}</th><th>${msg('Vendor code')}</th></tr></thead>
          <tbody>${this.faults.map(
            (f) => html`<tr><td>${formatDateTime(f.occurred_at, lang)}</td><td>${where(f)}</td>
              <td>${faultName(f.error_code, f.name)} <span class="muted">(${f.error_code})</span>${f.info ? html` — ${f.info}` : nothing}</td><td>${f.vendor_error_code ?? '–'}</td></tr>`,
          )}</tbody></table>
          ${this.faults.length ? nothing : html`<p class="empty">${msg('No faults reported.')}</p>`}
        </section>
        <section class="card" aria-labelledby="log"><h2 id="log">${msg('OCPP messages, newest first')}</h2>
          <table data-table="messages"><thead><tr><th>${msg('When')}</th><th>${msg('Direction')}</th><th>${msg('Message')}</th></tr></thead>
          <tbody>${this.messages.map(
            (m) =>
              html`<tr><td>${new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(m.created_at))}</td><td>${m.direction === 'in' ? msg('from the charger') : msg('to the charger')}</td><td>${frameSummary(m.frame)}</td></tr>`,
          )}</tbody></table>
          ${this.messages.length ? nothing : html`<p class="empty">${msg('No messages yet.')}</p>`}
        </section>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-console-charger': VoltshareConsoleCharger;
  }
}
