import { msg, str } from '@lit/localize';
import type { components } from '@voltshare/sdk';
import { unwrap } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { apiBaseOf } from '../shared/connection.js';
import { VoltshareElement } from '../shared/element.js';
import { formatDateTime } from '../shared/format.js';
import { theme } from '../shared/styles.js';
import { appStyles, helpStyles } from './app.styles.js';

type Ticket = components['schemas']['Ticket'];
type TicketWithMessages = components['schemas']['TicketWithMessages'];
type TicketMessage = components['schemas']['TicketMessage'];
type TicketKind = components['schemas']['TicketRequest']['kind'];
type Symptom = NonNullable<components['schemas']['TicketRequest']['symptom']>;
type Article = components['schemas']['Article'];

const KINDS = (): Record<TicketKind, string> => ({
  fault: msg('A charger does not work'),
  question: msg('A question'),
  billing: msg('A charge on my bill'),
  booking: msg('A booking'),
});
const SYMPTOMS = (): Record<Symptom, string> => ({
  wont_start: msg('Charging does not start'),
  stops_early: msg('Charging stops early'),
  slow: msg('Charging is very slow'),
  cable_stuck: msg('The cable is stuck'),
  damaged: msg('The charger is damaged'),
  payment: msg('Paying does not work'),
  screen: msg('The screen or reader is broken'),
  other: msg('Something else'),
});
const STATUS = (): Record<Ticket['status'], string> => ({
  open: msg('With support'),
  waiting: msg('Answered'),
  resolved: msg('Resolved'),
  closed: msg('Closed'),
});

/**
 * `<voltshare-help>`: the driver's support tickets at every network — writing in (a question, a
 * charger that does not work, a charge or a booking), and each conversation, live: support's
 * answers arrive while the screen is open; one the driver has seen is not also emailed.
 *
 * @fires voltshare-open-ticket - A ticket was opened or chosen; `detail.ticket_id`.
 */
export class VoltshareHelp extends VoltshareElement {
  static override properties: PropertyDeclarations = {
    ticketId: { type: String, attribute: 'ticket-id' },
    evseRef: { type: String, attribute: 'evse-ref' },
    follow: { attribute: false },
    receipt: { state: true },
    tickets: { state: true },
    ticket: { state: true },
    kind: { state: true },
    articles: { state: true },
    error: { state: true },
    busy: { state: true },
    photos: { state: true },
  };

  /** The conversation shown; without one, the list and the form. */
  declare ticketId: string | undefined;
  /** A charger to report (the station screen's "Report a problem", the charger's QR code): the form opens as a fault there. */
  declare evseRef: string | undefined;
  /** An anonymous report to follow, by its secret link. */
  declare follow: { ticket: string; token: string } | undefined;
  /** What an anonymous reporter keeps: the report's number and its link. */
  declare receipt: { ticket_id: string; number: number; follow_token: string } | undefined;
  declare tickets: Ticket[] | undefined;
  declare ticket: TicketWithMessages | undefined;
  declare kind: TicketKind;
  /** The network's help articles on what the driver is about to write, shown first. */
  declare articles: Article[];
  declare error: string | undefined;
  declare busy: boolean;
  /** Photos on the conversation, loaded when asked for (they need the driver's credentials). */
  declare photos: Map<string, string>;
  private stopListening: (() => void) | undefined;
  /** The network whose articles are shown: the reported charger's, else that of the driver's last session. */
  private articleNetwork: string | undefined;

  static override styles = [theme, appStyles, helpStyles];

  constructor() {
    super();
    this.kind = 'question';
    this.busy = false;
    this.articles = [];
    this.articleNetwork = undefined;
    this.photos = new Map();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('evseRef') && this.evseRef) this.kind = 'fault';
    if (changed.has('token') && this.isConnected) this.listen();
    if ((changed.has('token') || changed.has('ticketId')) && this.token) void this.load();
    if (changed.has('follow') && this.follow) void this.loadFollowed();
    if ((changed.has('kind') || changed.has('token')) && this.token && !this.ticketId) void this.loadArticles();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.listen();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopListening?.();
  }

  /** Support's answers reach the driver's own socket; the open conversation takes them in as they come. */
  private listen(): void {
    this.stopListening?.();
    if (!this.token) return;
    const realtime = this.connection.realtime();
    const stops = [
      realtime.on('ticket.message', (event: { ticket_id: string; message: TicketMessage }) => {
        if (this.ticket?.id !== event.ticket_id || this.ticket.messages.some((m) => m.id === event.message.id)) return;
        this.ticket = { ...this.ticket, messages: [...this.ticket.messages, event.message] };
        void this.markRead();
      }),
      realtime.on('ticket.updated', (event: { ticket_id: string; status: Ticket['status'] }) => {
        if (this.ticket?.id === event.ticket_id) this.ticket = { ...this.ticket, status: event.status };
      }),
    ];
    this.stopListening = () => {
      for (const stop of stops) stop();
    };
  }

  private async load(): Promise<void> {
    try {
      if (this.ticketId) {
        this.ticket = unwrap(await this.api.GET('/v1/support/tickets/{ticket_id}', { params: { path: { ticket_id: this.ticketId } } }));
        await this.markRead();
      } else {
        this.ticket = undefined;
        this.tickets = unwrap(await this.api.GET('/v1/me/support/tickets', { params: { query: { limit: 50 } } })).data;
      }
      this.error = undefined;
    } catch (error) {
      this.error = this.describe(error, msg('Support could not be reached. Try again in a moment.'));
    }
  }

  private async loadFollowed(): Promise<void> {
    const follow = this.follow as { ticket: string; token: string };
    try {
      this.ticket = unwrap(
        await this.api.GET('/v1/support/fault-reports/{ticket_id}', { params: { path: { ticket_id: follow.ticket }, query: { token: follow.token } } }),
      );
      this.error = undefined;
    } catch (error) {
      this.error = this.describe(error, msg('This report could not be found. Check the link.'));
    }
  }

  /** Without an account: the QR code's form, a fault at this charger only. */
  private async submitAnonymous(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? '').trim() || undefined;
    this.busy = true;
    try {
      this.receipt = unwrap(
        await this.api.POST('/v1/support/fault-reports', {
          body: {
            evse_ref: text('evse_ref') ?? '',
            symptom: text('symptom') as Symptom,
            message: text('message'),
            email: text('email'),
            language: this.language,
          },
        }),
      );
      this.error = undefined;
    } catch (error) {
      this.error = this.describe(error, msg('Your report could not be sent.'));
    } finally {
      this.busy = false;
    }
  }

  private renderAnonymous(): unknown {
    const symptoms = SYMPTOMS();
    if (this.receipt) {
      const link = `#/help/follow/${encodeURIComponent(this.receipt.ticket_id)}~${encodeURIComponent(this.receipt.follow_token)}`;
      return html`<h1 id="screen-title">${msg('Thank you')}</h1>
        <p role="status">${msg(str`Your report #${this.receipt.number} has reached the network. They answer around the clock.`)}</p>
        <p>${msg('Keep this link to read their answer:')} <a href=${link}>${msg('Follow your report')}</a></p>`;
    }
    return html`<h1 id="screen-title">${msg('Report a problem')}</h1>
      <form class="card" @submit=${this.submitAnonymous}>
        <p class="muted">${msg('No account needed. Support answers around the clock, in your language.')}</p>
        <div class="field">
          <label for="evse_ref">${msg('Charger ID (printed on the charger)')}</label>
          <input id="evse_ref" name="evse_ref" .value=${this.evseRef ?? ''} required autocomplete="off" />
        </div>
        <div class="field">
          <label for="symptom">${msg('What happens?')}</label>
          <select id="symptom" name="symptom" required>
            ${(Object.keys(symptoms) as Symptom[]).map((s) => html`<option value=${s}>${symptoms[s]}</option>`)}
          </select>
        </div>
        <div class="field"><label for="message">${msg('What happened?')}</label><textarea id="message" name="message" rows="3" maxlength="2000"></textarea></div>
        <div class="field"><label for="email">${msg('Email for the answer (optional)')}</label><input id="email" name="email" type="email" autocomplete="email" /></div>
        <button class="primary wide" type="submit" ?disabled=${this.busy}>${msg('Send')}</button>
      </form>`;
  }

  private async loadArticles(): Promise<void> {
    try {
      if (!this.articleNetwork && this.evseRef) {
        this.articleNetwork = (await this.api.GET('/v1/evses/{evse_ref}', { params: { path: { evse_ref: this.evseRef } } })).data?.network_id;
      }
      if (!this.articleNetwork) this.articleNetwork = (await this.api.GET('/v1/me/sessions', { params: { query: { limit: 1 } } })).data?.data[0]?.network_id;
      if (!this.articleNetwork) return;
      const { data } = await this.api.GET('/v1/support/articles', {
        params: { query: { network_id: this.articleNetwork, language: this.language, topic: this.kind } },
      });
      this.articles = data ?? [];
    } catch {
      this.articles = [];
    }
  }

  private async markRead(): Promise<void> {
    if (this.ticket) await this.api.POST('/v1/support/tickets/{ticket_id}/read', { params: { path: { ticket_id: this.ticket.id } } }).catch(() => undefined);
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? '').trim() || undefined;
    this.busy = true;
    try {
      const ticket = unwrap(
        await this.api.POST('/v1/support/tickets', {
          body: {
            kind: this.kind,
            subject: text('subject') ?? KINDS()[this.kind],
            message: text('message') ?? '',
            evse_ref: text('evse_ref'),
            symptom: this.kind === 'fault' ? (text('symptom') as Symptom | undefined) : undefined,
            session_id: text('session_id'),
            reservation_id: text('reservation_id'),
            language: this.language,
            channel: 'app',
          },
        }),
      );
      const photo = form.get('photo');
      if (photo instanceof File && photo.size > 0) await this.attachPhoto(ticket.id, photo);
      this.dispatchEvent(new CustomEvent('voltshare-open-ticket', { detail: { ticket_id: ticket.id }, bubbles: true, composed: true }));
      this.error = undefined;
    } catch (error) {
      this.error = this.describe(error, msg('Your message could not be sent.'));
    } finally {
      this.busy = false;
    }
  }

  /** A photo of the fault goes up as the image itself, then into a message of its own. */
  private async attachPhoto(ticketId: string, photo: File): Promise<void> {
    const res = await fetch(`${apiBaseOf(this.apiBase)}/v1/support/tickets/${encodeURIComponent(ticketId)}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': photo.type || 'application/octet-stream' },
      body: photo,
    });
    if (!res.ok) {
      this.error = res.status === 413 ? msg('The photo is larger than 5 MB.') : msg('The photo could not be added.');
      return;
    }
    const attachment = (await res.json()) as { id: string };
    await this.api.POST('/v1/support/tickets/{ticket_id}/messages', {
      params: { path: { ticket_id: ticketId } },
      body: { body: msg('Photo'), attachment_id: attachment.id },
    });
  }

  private async showPhoto(ticketId: string, attachmentId: string): Promise<void> {
    const res = await fetch(`${apiBaseOf(this.apiBase)}/v1/support/tickets/${encodeURIComponent(ticketId)}/attachments/${encodeURIComponent(attachmentId)}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (res.ok) this.photos = new Map(this.photos).set(attachmentId, URL.createObjectURL(await res.blob()));
  }

  private async reply(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const formEl = event.target as HTMLFormElement;
    const body = String(new FormData(formEl).get('body') ?? '').trim();
    if (!body || !this.ticket) return;
    this.busy = true;
    try {
      const message = unwrap(
        await this.api.POST('/v1/support/tickets/{ticket_id}/messages', { params: { path: { ticket_id: this.ticket.id } }, body: { body } }),
      );
      if (!this.ticket.messages.some((m) => m.id === message.id))
        this.ticket = { ...this.ticket, messages: [...this.ticket.messages, message], status: 'open' };
      formEl.reset();
      this.error = undefined;
    } catch (error) {
      this.error = this.describe(error, msg('Your message could not be sent.'));
    } finally {
      this.busy = false;
    }
  }

  private async replyAnonymous(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const formEl = event.target as HTMLFormElement;
    const body = String(new FormData(formEl).get('body') ?? '').trim();
    const follow = this.follow;
    if (!body || !follow || !this.ticket) return;
    try {
      const message = unwrap(
        await this.api.POST('/v1/support/fault-reports/{ticket_id}/messages', {
          params: { path: { ticket_id: follow.ticket }, query: { token: follow.token } },
          body: { body },
        }),
      );
      this.ticket = { ...this.ticket, messages: [...this.ticket.messages, message] };
      formEl.reset();
    } catch (error) {
      this.error = this.describe(error, msg('Your message could not be sent.'));
    }
  }

  private async rate(rating: number): Promise<void> {
    if (!this.ticket) return;
    try {
      const rated = unwrap(await this.api.PUT('/v1/support/tickets/{ticket_id}/rating', { params: { path: { ticket_id: this.ticket.id } }, body: { rating } }));
      this.ticket = { ...this.ticket, rating: rated.rating };
    } catch (error) {
      this.error = this.describe(error, msg('Your rating could not be saved.'));
    }
  }

  private renderForm(): unknown {
    const kinds = KINDS();
    const symptoms = SYMPTOMS();
    return html`<form class="card" @submit=${this.submit}>
      <h2>${msg('Write to support')}</h2>
      <p class="muted">${msg('Support answers around the clock, in your language.')}</p>
      ${
        this.articles.length
          ? html`<section class="articles" aria-labelledby="articles-title">
              <h3 id="articles-title">${msg('Maybe this helps')}</h3>
              ${this.articles.slice(0, 4).map((a) => html`<details><summary>${a.title}</summary><p>${a.body}</p></details>`)}
            </section>`
          : nothing
      }
      <div class="field">
        <label for="kind">${msg('What is it about?')}</label>
        <select id="kind" name="kind" @change=${(e: Event) => (this.kind = (e.target as HTMLSelectElement).value as TicketKind)}>
          ${(Object.keys(kinds) as TicketKind[]).map((k) => html`<option value=${k} ?selected=${k === this.kind}>${kinds[k]}</option>`)}
        </select>
      </div>
      ${
        this.kind === 'fault' || this.kind === 'question'
          ? html`<div class="field">
              <label for="evse_ref">${this.kind === 'fault' ? msg('Charger ID (printed on the charger)') : msg('Charger ID, if it is about one')}</label>
              <input id="evse_ref" name="evse_ref" .value=${this.evseRef ?? ''} ?required=${this.kind === 'fault'} autocomplete="off" />
            </div>`
          : nothing
      }
      ${
        this.kind === 'fault'
          ? html`<div class="field">
              <label for="symptom">${msg('What happens?')}</label>
              <select id="symptom" name="symptom" required>
                ${(Object.keys(symptoms) as Symptom[]).map((s) => html`<option value=${s}>${symptoms[s]}</option>`)}
              </select>
            </div>`
          : nothing
      }
      ${
        this.kind === 'billing'
          ? html`<div class="field"><label for="session_id">${msg('Session (from your history)')}</label><input id="session_id" name="session_id" required /></div>`
          : nothing
      }
      ${
        this.kind === 'booking'
          ? html`<div class="field"><label for="reservation_id">${msg('Booking (from your history)')}</label><input id="reservation_id" name="reservation_id" required /></div>`
          : nothing
      }
      <div class="field"><label for="subject">${msg('In a few words')}</label><input id="subject" name="subject" maxlength="200" required /></div>
      <div class="field"><label for="message">${msg('What happened?')}</label><textarea id="message" name="message" rows="4" maxlength="5000" required></textarea></div>
      <div class="field"><label for="photo">${msg('A photo (optional, up to 5 MB)')}</label><input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp" /></div>
      <button class="primary wide" type="submit" ?disabled=${this.busy}>${msg('Send')}</button>
    </form>`;
  }

  private renderList(): unknown {
    const status = STATUS();
    return html`<h1 id="screen-title">${msg('Help')}</h1>
      ${this.renderForm()}
      <h2>${msg('Your conversations with support')}</h2>
      ${
        this.tickets?.length
          ? html`<ul class="list">
              ${this.tickets.map(
                (t) => html`<li>
                  <a class="card ticket" href="#/help/${t.id}">
                    <span class="subject">${t.subject}</span>
                    <span class="status status-${t.status}">${status[t.status]}</span>
                    <span class="muted">${msg(str`#${t.number} · ${formatDateTime(t.updated_at, this.language)}`)}</span>
                  </a>
                </li>`,
              )}
            </ul>`
          : html`<p class="muted">${this.tickets ? msg('No conversations yet.') : msg('Loading…')}</p>`
      }`;
  }

  private authorOf(m: TicketMessage): string {
    if (m.author === 'driver' || m.author === 'reporter') return msg('You');
    if (m.author === 'system') return 'Voltshare';
    return m.author_name ?? msg('Support');
  }

  private renderTicket(t: TicketWithMessages, anonymous = false): unknown {
    const status = STATUS();
    const closed = t.status === 'closed';
    return html`${anonymous ? nothing : html`<p><a href="#/help">${msg('All conversations')}</a></p>`}
      <h1 id="screen-title">${t.channel === 'qr' && t.symptom ? (SYMPTOMS()[t.symptom as Symptom] ?? t.subject) : t.subject}</h1>
      <p class="muted">${msg(str`#${t.number} · ${status[t.status]}`)}${t.evse_id ? html` · ${t.evse_id}` : nothing}</p>
      <ol class="thread" aria-live="polite" aria-label=${msg('Messages')}>
        ${t.messages.map(
          (m) => html`<li class="message ${m.author === 'driver' || m.author === 'reporter' ? 'mine' : 'theirs'}">
            <span class="who">${this.authorOf(m)} · <time datetime=${m.created_at}>${formatDateTime(m.created_at, this.language)}</time></span>
            <p>${m.body}</p>
            ${
              m.attachment_id && !anonymous
                ? this.photos.has(m.attachment_id)
                  ? html`<img class="photo" src=${this.photos.get(m.attachment_id) as string} alt=${msg('Photo')} />`
                  : html`<button class="link" @click=${() => this.showPhoto(t.id, m.attachment_id as string)}>${msg('Show the photo')}</button>`
                : nothing
            }
          </li>`,
        )}
      </ol>
      ${
        !anonymous && (t.status === 'resolved' || t.status === 'closed')
          ? html`<div class="card">
              <h2>${msg('How did we do?')}</h2>
              <div class="row" role="group" aria-label=${msg('Rate the help you got')}>
                ${[1, 2, 3, 4, 5].map(
                  (n) =>
                    html`<button class="star" aria-pressed=${t.rating === n ? 'true' : 'false'} aria-label=${msg(str`${n} of 5`)} @click=${() => this.rate(n)}>
                      ${(t.rating ?? 0) >= n ? '★' : '☆'}
                    </button>`,
                )}
              </div>
            </div>`
          : nothing
      }
      ${
        closed
          ? html`<p class="muted">${msg('This conversation is closed. Write to support again if you need more help.')}</p>`
          : html`<form class="composer" @submit=${anonymous ? this.replyAnonymous : this.reply}>
              <label for="body">${msg('Your message')}</label>
              <textarea id="body" name="body" rows="3" maxlength="5000" required></textarea>
              <button class="primary" type="submit" ?disabled=${this.busy}>${msg('Send')}</button>
            </form>`
      }`;
  }

  override render(): unknown {
    const error = this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing;
    if (this.follow) return html`${this.ticket ? this.renderTicket(this.ticket, true) : html`<p class="muted">${msg('Loading…')}</p>`} ${error}`;
    if (!this.token) return html`${this.renderAnonymous()} ${error}`;
    return html`${this.ticketId ? (this.ticket ? this.renderTicket(this.ticket) : html`<p class="muted">${msg('Loading…')}</p>`) : this.renderList()}
    ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-help': VoltshareHelp;
  }
}
