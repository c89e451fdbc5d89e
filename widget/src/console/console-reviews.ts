import { msg } from '@lit/localize';
import { type components, unwrap } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations } from 'lit';
import { formatDateTime } from '../shared/format.js';
import { ConsolePage, href } from './console-page.js';

type Review = components['schemas']['Review'];
type Site = components['schemas']['LocationSummary'];

/** `<voltshare-console-reviews>`: what drivers wrote about the network's stations, lowest ratings on request; staff remove abuse. */
export class VoltshareConsoleReviews extends ConsolePage {
  static override properties: PropertyDeclarations = {
    ...ConsolePage.properties,
    networkId: { type: String, attribute: 'network-id' },
    maxRating: { state: true },
    reviews: { state: true },
    sites: { state: true },
    next: { state: true },
  };

  declare networkId: string;
  declare maxRating: number;
  declare reviews: Review[];
  declare sites: Site[];
  declare next: string | null;

  constructor() {
    super();
    this.maxRating = 0;
    this.reviews = [];
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
    return html`<h1>${msg('Reviews')}</h1>
      ${this.status()}
      <section class="card">
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
