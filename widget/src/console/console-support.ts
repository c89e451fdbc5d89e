import { msg, str } from '@lit/localize';
import { type components, unwrap } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { formatDateTime } from '../shared/format.js';
import { ConsolePage, href } from './console-page.js';

type Ticket = components['schemas']['Ticket'];
type Detail = components['schemas']['TicketWithMessages'];
type Canned = components['schemas']['CannedReply'];
type Status = components['schemas']['TicketStatus'];
type Priority = components['schemas']['TicketPriority'];
type Kind = components['schemas']['TicketKind'];
type Sla = components['schemas']['SlaState'];
type Action = components['schemas']['TicketActionRequest']['action'];

export const statusLabel = (s: Status) => ({ open: msg('open'), waiting: msg('waiting for the driver'), resolved: msg('resolved'), closed: msg('closed') })[s];
export const priorityLabel = (p: Priority) => ({ low: msg('low'), normal: msg('normal'), high: msg('high'), urgent: msg('urgent') })[p];
export const kindLabel = (k: Kind) => ({ question: msg('question'), fault: msg('fault at a charger'), billing: msg('billing'), booking: msg('booking') })[k];
const slaLabel = (s: Sla) => ({ met: msg('met'), on_track: msg('on track'), at_risk: msg('at risk'), breached: msg('breached') })[s];
const slaClass = (s: Sla) => ({ met: 'good', on_track: 'good', at_risk: 'warn', breached: 'bad' })[s];
const actionLabel = (a: Action) =>
  ({
    remote_start: msg('Start charging'),
    remote_stop: msg('Stop charging'),
    unlock: msg('Unlock the connector'),
    reset: msg('Restart the charger'),
    set_availability: msg('Take the EVSE out of service'),
    refund: msg('Refund the session'),
  })[a];

/**
 * `<voltshare-console-support>`: the support queue with its SLA clocks, and one ticket
 * (`ticket`) — the conversation live, replies and internal notes, canned replies in the
 * ticket's language, status and priority, and acting on the charger or the session from it.
 */
export class VoltshareConsoleSupport extends ConsolePage {
  static override properties: PropertyDeclarations = {
    ...ConsolePage.properties,
    ticket: { type: String },
    filter: { state: true },
    tickets: { state: true },
    detail: { state: true },
    canned: { state: true },
    saved: { state: true },
  };

  declare ticket: string | undefined;
  declare filter: '' | Status;
  declare tickets: Ticket[];
  declare detail: Detail | undefined;
  declare canned: Canned[];
  declare saved: string;

  constructor() {
    super();
    this.filter = 'open';
    this.tickets = [];
    this.canned = [];
    this.saved = '';
  }

  protected override get followedEvents(): string[] {
    return ['ticket.created', 'ticket.updated', 'ticket.message'];
  }

  protected async load(): Promise<void> {
    const query = { limit: 50, ...(this.filter && { status: this.filter }) };
    const list = this.client.GET('/v1/support/tickets', { params: { query } }).then(unwrap);
    if (!this.ticket) {
      this.detail = undefined;
      this.tickets = (await list).data;
      return;
    }
    const id = this.ticket;
    const [page, detail] = await Promise.all([list, this.client.GET('/v1/support/tickets/{ticket_id}', { params: { path: { ticket_id: id } } }).then(unwrap)]);
    this.tickets = page.data;
    if (!this.detail || this.detail.id !== detail.id)
      this.canned = unwrap(await this.client.GET('/v1/support/canned-replies', { params: { query: { language: detail.language } } }));
    this.detail = detail;
  }

  /** Another ticket, site or session in the same element (the route changed): read it. */
  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.hasUpdated && changed.has('ticket')) void this.refresh();
  }

  private async reply(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const body = String(data.get('body') ?? '').trim();
    if (!body || !this.detail) return;
    const id = this.detail.id;
    await this.attempt(async () => {
      unwrap(
        await this.client.POST('/v1/support/tickets/{ticket_id}/messages', {
          params: { path: { ticket_id: id } },
          body: { body, internal: data.get('internal') === 'on' },
        }),
      );
      form.reset();
      await this.load();
    });
  }

  private useCanned(event: Event): void {
    const chosen = this.canned.find((c) => c.id === (event.target as HTMLSelectElement).value);
    const box = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea[name="body"]');
    if (chosen && box) box.value = chosen.body;
  }

  private async save(): Promise<void> {
    if (!this.detail) return;
    const root = this.renderRoot;
    const status = root.querySelector<HTMLSelectElement>('select[name="status"]')?.value as Status;
    const priority = root.querySelector<HTMLSelectElement>('select[name="priority"]')?.value as Priority;
    const id = this.detail.id;
    this.saved = '';
    await this.attempt(async () => {
      unwrap(await this.client.PATCH('/v1/support/tickets/{ticket_id}', { params: { path: { ticket_id: id } }, body: { status, priority } }));
      this.saved = msg('Saved.');
      await this.load();
    });
  }

  private async act(action: Action): Promise<void> {
    if (!this.detail) return;
    const id = this.detail.id;
    this.saved = '';
    await this.attempt(async () => {
      const done = unwrap(await this.client.POST('/v1/support/tickets/{ticket_id}/actions', { params: { path: { ticket_id: id } }, body: { action } }));
      this.saved = done.outcome === 'done' ? msg(str`${actionLabel(action)}: done.`) : msg(str`${actionLabel(action)}: refused.`);
      await this.load();
    });
  }

  override render() {
    const lang = this.language;
    const due = this.tickets.filter((t) => t.sla === 'breached' || t.sla === 'at_risk').length;
    return html`<h1>${msg('Support')}</h1>
      ${this.status()}
      <div class="grid">
        <section class="card" aria-labelledby="queue">
          <div class="toolbar"><h2 id="queue" style="flex:1;margin:0">${msg('Queue')}</h2>
            <label>${msg('Status')}<select @change=${(e: Event) => {
              this.filter = (e.target as HTMLSelectElement).value as typeof this.filter;
              void this.refresh();
            }}>
              ${(['open', 'waiting', 'resolved', 'closed'] as const).map((s) => html`<option value=${s} ?selected=${s === this.filter}>${statusLabel(s)}</option>`)}
              <option value="">${msg('all')}</option>
            </select></label></div>
          <p class="muted" data-summary>${msg(str`${this.tickets.length} tickets, ${due} breached or at risk.`)}</p>
          <table data-table="tickets">
            <thead><tr><th>#</th><th>${msg('Subject')}</th><th>${msg('Kind')}</th><th>${msg('Priority')}</th><th>${msg('EVSE')}</th><th>${msg('SLA')}</th></tr></thead>
            <tbody>${this.tickets.map(
              (t) => html`<tr aria-current=${t.id === this.ticket ? 'true' : 'false'}>
                <td>${t.number}</td><td><a href=${href('support', t.id)}>${t.subject}</a></td><td>${kindLabel(t.kind)}</td>
                <td>${priorityLabel(t.priority)}</td><td>${t.evse_id ?? '–'}</td><td><span class=${slaClass(t.sla)}>${slaLabel(t.sla)}</span></td>
              </tr>`,
            )}</tbody>
          </table>
        </section>
        ${this.detail ? this.renderTicket(this.detail, lang) : nothing}
      </div>`;
  }

  private renderTicket(t: Detail, lang: string) {
    const who = (m: Detail['messages'][number]) =>
      m.author === 'staff'
        ? m.internal
          ? msg('internal note')
          : (m.author_name ?? msg('staff'))
        : m.author === 'system'
          ? msg('platform')
          : m.author === 'partner'
            ? msg('partner')
            : msg('driver');
    const actions: Action[] = t.kind === 'fault' && t.evse_uid ? ['unlock', 'reset', 'set_availability'] : t.session_id ? ['remote_stop', 'refund'] : [];
    return html`<section class="card" aria-labelledby="ticket-title">
      <h2 id="ticket-title">#${t.number} · ${t.subject}</h2>
      <p class="muted" data-meta>${kindLabel(t.kind)} · ${priorityLabel(t.priority)}${t.evse_id ? html` · ${msg(str`EVSE ${t.evse_id}`)}` : nothing} ·
        ${msg(str`first answer due ${formatDateTime(t.first_response_due_at, lang)}`)} · ${msg(str`language ${t.language}`)}</p>
      <ol class="thread" aria-live="polite" aria-label=${msg('Conversation')}>
        ${t.messages.map(
          (m) => html`<li class=${m.internal ? 'note' : m.author === 'staff' ? 'staff' : m.author === 'system' ? 'system' : ''}>
            <span class="who">${who(m)} · ${formatDateTime(m.created_at, lang)}</span>${m.body}</li>`,
        )}
      </ol>
      <form @submit=${this.reply}>
        ${
          this.canned.length
            ? html`<label>${msg('Canned reply')}<select name="canned" @change=${this.useCanned}>
                <option value="">${msg('— pick one to start from —')}</option>${this.canned.map((c) => html`<option value=${c.id}>${c.title}</option>`)}
              </select></label>`
            : nothing
        }
        <label>${msg('Reply')}<textarea name="body" rows="3" required maxlength="10000"></textarea></label>
        <div class="actions"><label class="check"><input type="checkbox" name="internal"> ${msg('internal note')}</label>
          <button class="primary" type="submit" ?disabled=${this.busy}>${msg('Send')}</button></div>
      </form>
      <div class="toolbar">
        <label>${msg('Status')}<select name="status">${(['open', 'waiting', 'resolved', 'closed'] as const).map((s) => html`<option value=${s} ?selected=${s === t.status}>${statusLabel(s)}</option>`)}</select></label>
        <label>${msg('Priority')}<select name="priority">${(['low', 'normal', 'high', 'urgent'] as const).map((p) => html`<option value=${p} ?selected=${p === t.priority}>${priorityLabel(p)}</option>`)}</select></label>
        <button class="secondary" type="button" @click=${this.save}>${msg('Save')}</button>
      </div>
      ${actions.length ? html`<div class="actions">${actions.map((a) => html`<button class="secondary" type="button" @click=${() => this.act(a)}>${actionLabel(a)}</button>`)}</div>` : nothing}
      <p role="status" data-result>${this.saved}</p>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-console-support': VoltshareConsoleSupport;
  }
}
