import { msg, str } from '@lit/localize';
import { type components, unwrap } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations } from 'lit';
import { formatDateTime } from '../shared/format.js';
import { ConsolePage, href } from './console-page.js';

type Review = components['schemas']['Review'];
type Site = components['schemas']['LocationSummary'];
type Item = components['schemas']['ModerationItem'];
type Action = components['schemas']['ModerationAction']['action'];

const kindLabel = (k: Item['target_type']) => ({ checkin: msg('Check-in'), post: msg('Tip or question'), photo: msg('Photo'), review: msg('Review') })[k];
const holdLabel = (reason: string | null | undefined) =>
  reason
    ? ((
        {
          phone: msg('a phone number'),
          email: msg('an e-mail address'),
          licence_plate: msg('a licence plate'),
          link: msg('a link'),
          reported: msg('reports'),
        } as Record<string, string>
      )[reason] ?? reason)
    : undefined;

/**
 * `<voltshare-console-reviews>`: the moderation queue (contributions held for personal data or
 * links, and reported ones) with its actions, then what drivers wrote about the network's
 * stations, lowest ratings on request.
 */
export class VoltshareConsoleReviews extends ConsolePage {
  static override properties: PropertyDeclarations = {
    ...ConsolePage.properties,
    networkId: { type: String, attribute: 'network-id' },
    maxRating: { state: true },
    reviews: { state: true },
    queue: { state: true },
    sites: { state: true },
    next: { state: true },
  };

  declare networkId: string;
  declare maxRating: number;
  declare reviews: Review[];
  /** What waits for a moderator, oldest first. */
  declare queue: Item[];
  declare sites: Site[];
  declare next: string | null;

  constructor() {
    super();
    this.maxRating = 0;
    this.reviews = [];
    this.queue = [];
    this.sites = [];
    this.next = null;
  }

  protected async load(): Promise<void> {
    if (!this.sites.length) {
      const page = unwrap(await this.client.GET('/v1/locations', { params: { query: { network_id: this.networkId, limit: 100 } } }));
      this.sites = page.data;
    }
    const page = unwrap(
      await this.client.GET('/v1/network/reviews', { params: { query: { limit: 50, ...(this.maxRating && { max_rating: this.maxRating }) } } }),
    );
    this.reviews = page.data;
    this.next = page.next_cursor;
    this.queue = unwrap(await this.client.GET('/v1/community/moderation', { params: { query: { scope: 'network' } } }));
  }

  /** One moderator's action on a queued contribution; the reason goes to the audit trail. */
  private async moderate(item: Item, action: Action): Promise<void> {
    const reason = prompt(msg('Why? (kept in the audit trail)'));
    if (!reason || reason.trim().length < 3) return;
    await this.attempt(async () => {
      unwrap(
        await this.client.POST('/v1/community/moderation/{target_type}/{target_id}', {
          params: { path: { target_type: item.target_type, target_id: item.target_id } },
          body: { action, reason: reason.trim(), ...(action === 'suspend' ? { days: 7 } : {}) },
        }),
      );
      await this.load();
    });
  }

  private renderQueue() {
    const lang = this.language;
    const actions: [Action, string][] = [
      ['hide', msg('Hide')],
      ['restore', msg('Show')],
      ['dismiss', msg('Dismiss reports')],
      ['warn', msg('Warn the author')],
      ['suspend', msg('Suspend for 7 days')],
    ];
    return html`<section class="card" data-moderation>
      <h2>${msg('Waiting for a moderator')}</h2>
      <table data-table="moderation">
        <thead><tr><th>${msg('Since')}</th><th>${msg('Site')}</th><th>${msg('What')}</th><th>${msg('Why')}</th><th>${msg('Actions')}</th></tr></thead>
        <tbody>${this.queue.map(
          (i) => html`<tr data-target=${i.target_id}>
            <td>${formatDateTime((i.first_reported_at ?? i.created_at) as unknown as string, lang)}</td>
            <td><a href=${href('sites', i.location_id)}>${i.location_name}</a></td>
            <td><strong>${kindLabel(i.target_type)}</strong> ${i.by ? html`<span class="muted">${i.by.pseudonym}</span>` : nothing}<div>${i.text ?? ''}</div></td>
            <td>
              ${i.status === 'HELD' ? html`<div>${msg('Held')}${holdLabel(i.hold_reason) ? html`: ${holdLabel(i.hold_reason)}` : nothing}</div>` : nothing}
              ${i.reports ? html`<div>${i.reports === 1 ? msg('1 report') : msg(str`${i.reports} reports`)}</div>` : nothing}
            </td>
            <td><div class="toolbar">${actions.map(([a, label]) => html`<button class="secondary" type="button" data-moderate=${a} @click=${() => this.moderate(i, a)}>${label}</button>`)}</div></td>
          </tr>`,
        )}</tbody>
      </table>
      ${this.queue.length || this.busy ? nothing : html`<p class="empty">${msg('Nothing waits for a moderator.')}</p>`}
    </section>`;
  }

  private async removeReview(review: Review): Promise<void> {
    if (!confirm(msg('Remove this review for good?'))) return;
    await this.attempt(async () => {
      const { error, response } = await this.client.DELETE('/v1/reviews/{review_id}', { params: { path: { review_id: review.id } } });
      if (error || !response.ok) throw new Error(msg('The review could not be removed.'));
      await this.load();
    });
  }

  override render() {
    const lang = this.language;
    const site = (id: string) => this.sites.find((s) => s.id === id);
    return html`<h1>${msg('Reviews and moderation')}</h1>
      ${this.status()}
      ${this.renderQueue()}
      <section class="card">
        <h2>${msg('Reviews')}</h2>
        <div class="toolbar"><label>${msg('Show')}<select @change=${(e: Event) => {
          this.maxRating = Number((e.target as HTMLSelectElement).value);
          void this.refresh();
        }}><option value="0">${msg('all ratings')}</option><option value="2">${msg('2 stars or fewer')}</option></select></label></div>
        <table data-table="reviews">
          <thead><tr><th>${msg('When')}</th><th>${msg('Site')}</th><th>${msg('Rating')}</th><th>${msg('Comment')}</th><th></th></tr></thead>
          <tbody>${this.reviews.map(
            (r) => html`<tr>
              <td>${formatDateTime(r.updated_at, lang)}</td>
              <td>${site(r.location_id) ? html`<a href=${href('sites', r.location_id)}>${site(r.location_id)?.name}</a>` : '–'}</td>
              <td><span aria-hidden="true">${'★'.repeat(r.rating)}${'☆'.repeat(5 - r.rating)}</span><span class="visually-hidden">${r.rating} / 5</span></td>
              <td>${r.comment ?? ''}</td>
              <td><button class="secondary" type="button" @click=${() => this.removeReview(r)}>${msg('Remove')}</button></td>
            </tr>`,
          )}</tbody>
        </table>
        ${this.reviews.length || this.busy ? nothing : html`<p class="empty">${msg('No reviews yet.')}</p>`}
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-console-reviews': VoltshareConsoleReviews;
  }
}
