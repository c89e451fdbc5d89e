import { msg, str } from '@lit/localize';
import type { components } from '@voltshare/sdk';
import { unwrap } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { apiBaseOf } from '../shared/connection.js';
import { VoltshareElement } from '../shared/element.js';
import { formatDateTime } from '../shared/format.js';
import { communityStyles } from './voltshare-community.styles.js';

type Community = components['schemas']['StationCommunity'];
type CheckIn = components['schemas']['CheckIn'];
type Post = components['schemas']['CommunityPost'];
type Photo = components['schemas']['Photo'];
type Suggestion = components['schemas']['CheckInSuggestion'];
type Outcome = CheckIn['outcome'];
type Target = components['schemas']['ReportTarget'];

export type VoltshareCheckedInEvent = CustomEvent<CheckIn>;

const outcomeLabel = (o: Outcome) =>
  ({ CHARGED: msg('Charged fine'), COULD_NOT_CHARGE: msg('Could not charge'), WAITING: msg('Waited for a charger'), BLOCKED: msg('Spot blocked') })[o];
const subjectLabel = (s: Photo['subject']) => ({ SPOT: msg('The parking spot'), CHARGER: msg('The charger'), SIGNAGE: msg('Signage'), OTHER: msg('Photo') })[s];

/**
 * `<voltshare-community location-id="…">`: what drivers say of a station, verified where the
 * platform saw the session — its reliability score explained beside the number (and each
 * EVSE's), check-ins newest first, photos, tips and questions with answers (the network's
 * marked official). Signed in (`token`), a driver checks in (one tap after a session), posts
 * tips, questions, answers and photos, votes, reports and follows the station.
 *
 * @csspart community - The whole element.
 * @csspart reliability - The score, what it rests on, and each EVSE's.
 * @csspart check-ins - The check-ins, newest first, and the check-in form.
 * @csspart photos - The photos.
 * @csspart tips - Tips, most helpful first.
 * @csspart questions - Questions and their answers.
 * @fires voltshare-checked-in - The driver checked in; `detail` is the check-in.
 * @cssprop --voltshare-brand - Buttons, links and the score.
 * @cssprop --voltshare-ink - Text.
 * @cssprop --voltshare-muted - Secondary text.
 * @cssprop --voltshare-surface - The element's background.
 * @cssprop --voltshare-line - Borders and separators.
 * @cssprop --voltshare-radius - Corner radius of the element's frame.
 * @cssprop --voltshare-fault - A low score, and errors.
 * @cssprop --voltshare-font - The font shorthand.
 */
export class VoltshareCommunity extends VoltshareElement {
  static override properties: PropertyDeclarations = {
    locationId: { type: String, attribute: 'location-id' },
    community: { state: true },
    suggestion: { state: true },
    status: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  declare locationId: string | undefined;
  declare community: Community | undefined;
  /** The driver's latest session here without a check-in: one tap checks in for it. */
  declare suggestion: Suggestion | undefined;
  /** What the last action did, said politely to screen readers too. */
  declare status: string;
  declare error: string | undefined;
  declare busy: boolean;

  constructor() {
    super();
    this.status = '';
    this.busy = false;
  }

  static override styles = communityStyles;

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('locationId') || changed.has('token') || changed.has('apiBase') || changed.has('publishableKey')) void this.load();
  }

  /** Where the API is, for image sources and the photo upload. */
  private get base(): string {
    return apiBaseOf(this.apiBase);
  }

  private get signedIn(): boolean {
    return Boolean(this.token);
  }

  private async load(): Promise<void> {
    const id = this.locationId;
    if (!id) return;
    try {
      const community = unwrap(await this.api.GET('/v1/locations/{location_id}/community', { params: { path: { location_id: id } } }));
      if (id !== this.locationId) return;
      this.community = community;
      this.error = undefined;
      if (this.signedIn) {
        const { data } = await this.api.GET('/v1/me/check-in-suggestion', {});
        this.suggestion = data && data.location_id === id ? data : undefined;
      }
    } catch (error) {
      this.error = this.describe(error, msg('What drivers say could not be loaded.'));
    }
  }

  /** Runs one driver action, says what it did, and reads the station's community again. */
  private async act(work: () => Promise<string>): Promise<void> {
    this.busy = true;
    this.error = undefined;
    try {
      this.status = await work();
      await this.load();
    } catch (error) {
      this.error = this.describe(error, msg('That did not work. Please try again.'));
    } finally {
      this.busy = false;
    }
  }

  private checkIn(body: components['schemas']['CheckInInput']): Promise<void> {
    return this.act(async () => {
      const created = unwrap(
        await this.api.POST('/v1/locations/{location_id}/check-ins', { params: { path: { location_id: this.locationId as string } }, body }),
      );
      this.dispatchEvent(new CustomEvent<CheckIn>('voltshare-checked-in', { detail: created, bubbles: true, composed: true }));
      return created.status === 'HELD' ? msg('Thanks. Your check-in waits for a moderator.') : msg('Thanks for checking in.');
    });
  }

  private submitCheckIn(e: Event): void {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const power = Number(form.get('power_kw'));
    void this.checkIn({
      outcome: String(form.get('outcome')) as Outcome,
      evse_uid: String(form.get('evse_uid') ?? '') || undefined,
      vehicle_model: String(form.get('vehicle_model') ?? '').trim() || undefined,
      power_kw: power > 0 ? power : undefined,
      comment: String(form.get('comment') ?? '').trim() || undefined,
    });
  }

  private submitPost(e: Event): void {
    e.preventDefault();
    const formElement = e.target as HTMLFormElement;
    const form = new FormData(formElement);
    const kind = String(form.get('kind')) as 'TIP' | 'QUESTION';
    void this.act(async () => {
      const post = unwrap(
        await this.api.POST('/v1/locations/{location_id}/posts', {
          params: { path: { location_id: this.locationId as string } },
          body: { kind, body: String(form.get('body') ?? '') },
        }),
      );
      formElement.reset();
      return post.status === 'HELD' ? msg('Posted. It waits for a moderator: it looks like it holds contact details or a link.') : msg('Posted.');
    });
  }

  private answer(question: Post, e: Event): void {
    e.preventDefault();
    const body = String(new FormData(e.target as HTMLFormElement).get('body') ?? '');
    void this.act(async () => {
      unwrap(await this.api.POST('/v1/posts/{post_id}/answers', { params: { path: { post_id: question.id } }, body: { body } }));
      return msg('Answered.');
    });
  }

  private vote(post: Post): Promise<void> {
    return this.act(async () => {
      const path = { params: { path: { post_id: post.id } } };
      unwrap(post.voted ? await this.api.DELETE('/v1/posts/{post_id}/helpful', path) : await this.api.PUT('/v1/posts/{post_id}/helpful', path));
      return post.voted ? msg('Vote taken back.') : msg('Marked helpful.');
    });
  }

  private report(target: Target, id: string): Promise<void> {
    return this.act(async () => {
      unwrap(await this.api.POST('/v1/community/reports', { body: { target_type: target, target_id: id, reason: 'ABUSE' } }));
      return msg('Reported. Thank you: a moderator will look.');
    });
  }

  private follow(): Promise<void> {
    const following = this.community?.following;
    return this.act(async () => {
      const path = { params: { path: { location_id: this.locationId as string } } };
      unwrap(following ? await this.api.DELETE('/v1/locations/{location_id}/follow', path) : await this.api.PUT('/v1/locations/{location_id}/follow', path));
      return following
        ? msg('You no longer follow this station.')
        : msg('Following: you will hear when it is free again, when a fault is fixed and of new tips.');
    });
  }

  private upload(e: Event): void {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    void this.act(async () => {
      // The image itself is the body; the API checks, strips and resizes it.
      const response = await fetch(`${this.base}/v1/locations/${encodeURIComponent(this.locationId as string)}/photos?subject=SPOT`, {
        method: 'POST',
        headers: { 'content-type': file.type || 'application/octet-stream', authorization: `Bearer ${this.token}` },
        body: file,
      });
      input.value = '';
      if (!response.ok) {
        const problem = (await response.json().catch(() => ({}))) as { errors?: { message: string }[]; detail?: string };
        throw new Error(problem.errors?.map((x) => x.message).join('; ') || problem.detail || msg('The photo could not be added.'));
      }
      return msg('Photo added.');
    });
  }

  private when(at: string): string {
    return formatDateTime(at, this.language);
  }

  private renderReliability(c: Community): unknown {
    const r = c.reliability;
    const number = (n: number) => new Intl.NumberFormat(this.language, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n);
    const because = msg(str`From ${r.sessions} sessions and ${r.check_ins} check-ins in the last ${r.window_days} days.`);
    return html`<div part="reliability" data-reliability>
      <h3>${msg('Reliability')}</h3>
      ${
        r.score == null
          ? html`<p class="muted">${msg('Not enough data for a reliability score yet.')}</p>`
          : html`<div class="score ${r.score < 6 ? 'low' : ''}"><strong>${number(r.score)}</strong><span>${msg(str`${number(r.score)} out of 10`)}</span></div>
            <div class="meter" aria-hidden="true"><span style="width:${r.score * 10}%"></span></div>
            <p class="muted" data-because>${because}${r.uptime_percent != null ? html` ${msg(str`Chargers up ${number(r.uptime_percent)}% of the time.`)}` : nothing}</p>
            ${
              r.evses.length > 1
                ? html`<ul>
                  ${r.evses.map((e, i) => html`<li class="muted">${e.evse_id ?? msg(str`Charger ${i + 1}`)}: ${e.score == null ? '–' : msg(str`${number(e.score)} out of 10`)}</li>`)}
                </ul>`
                : nothing
            }`
      }
    </div>`;
  }

  private renderCheckIn(ci: CheckIn): unknown {
    return html`<li class="item" data-check-in=${ci.id}>
      <div class="head">
        <span class="outcome">${outcomeLabel(ci.outcome)}</span>
        ${ci.verified ? html`<span class="tag" data-verified>${msg('Verified session')}</span>` : nothing}
        ${ci.status === 'HELD' ? html`<span class="tag held">${msg('Waiting for a moderator')}</span>` : nothing}
        <span class="muted">${ci.by.pseudonym} · ${this.when(ci.created_at as unknown as string)}${ci.edited ? ` · ${msg('edited')}` : ''}</span>
      </div>
      ${ci.vehicle_model || ci.power_kw ? html`<div class="muted">${[ci.vehicle_model, ci.power_kw ? `${new Intl.NumberFormat(this.language).format(ci.power_kw)} kW` : ''].filter(Boolean).join(' · ')}</div>` : nothing}
      ${ci.comment ? html`<p>${ci.comment}</p>` : nothing}
      ${this.signedIn && !ci.mine ? html`<button class="link" @click=${() => this.report('checkin', ci.id)}>${msg('Report')}</button>` : nothing}
    </li>`;
  }

  private renderPost(p: Post): unknown {
    return html`<div data-post=${p.id}>
      <div class="head">
        ${p.official ? html`<span class="tag official">${msg('Official answer')}</span>` : nothing}
        ${p.status === 'HELD' ? html`<span class="tag held">${msg('Waiting for a moderator')}</span>` : nothing}
        <span class="muted">${p.by?.pseudonym ?? msg('The network')} · ${this.when(p.created_at as unknown as string)}</span>
      </div>
      <p>${p.body}</p>
      <div class="row">
        ${
          this.signedIn && !p.mine && p.kind !== 'QUESTION'
            ? html`<button class="secondary" aria-pressed=${p.voted ? 'true' : 'false'} ?disabled=${this.busy} @click=${() => this.vote(p)}>
              ${msg(str`Helpful (${p.helpful_count})`)}
            </button>`
            : p.kind !== 'QUESTION'
              ? html`<span class="muted">${msg(str`Helpful (${p.helpful_count})`)}</span>`
              : nothing
        }
        ${this.signedIn && !p.mine && !p.official ? html`<button class="link" @click=${() => this.report('post', p.id)}>${msg('Report')}</button>` : nothing}
      </div>
    </div>`;
  }

  private renderForms(c: Community): unknown {
    const evses = c.reliability.evses;
    const s = this.suggestion;
    return html`
      ${
        s
          ? html`<div class="item" data-suggestion>
            <p>${msg(str`You charged here until ${this.when(s.ended_at as unknown as string)}. Check in with one tap?`)}</p>
            <button
              class="primary"
              ?disabled=${this.busy}
              @click=${() =>
                this.checkIn({
                  outcome: s.outcome,
                  session_id: s.session_id,
                  vehicle_model: s.vehicle_model ?? undefined,
                  power_kw: s.power_kw ?? undefined,
                })}
            >
              ${outcomeLabel(s.outcome)}
            </button>
          </div>`
          : nothing
      }
      <form id="check-in" @submit=${(e: Event) => this.submitCheckIn(e)}>
        <label
          >${msg('How did it go?')}
          <select name="outcome" required>
            ${(['CHARGED', 'COULD_NOT_CHARGE', 'WAITING', 'BLOCKED'] as Outcome[]).map((o) => html`<option value=${o}>${outcomeLabel(o)}</option>`)}
          </select>
        </label>
        ${
          evses.length
            ? html`<label
              >${msg('Charger')}
              <select name="evse_uid">
                <option value="">${msg('Not sure')}</option>
                ${evses.map((e, i) => html`<option value=${e.evse_uid}>${e.evse_id ?? msg(str`Charger ${i + 1}`)}</option>`)}
              </select>
            </label>`
            : nothing
        }
        <label>${msg('Vehicle')} <input name="vehicle_model" maxlength="80" autocomplete="off" /></label>
        <label>${msg('Power reached (kW)')} <input name="power_kw" type="number" min="0.1" max="1000" step="0.1" inputmode="decimal" /></label>
        <label>${msg('Comment')} <textarea name="comment" maxlength="500" rows="2"></textarea></label>
        <button class="primary" type="submit" ?disabled=${this.busy}>${msg('Check in')}</button>
      </form>`;
  }

  override render(): unknown {
    const c = this.community;
    if (this.error && !c) return html`<p class="error" role="alert">${this.error}</p>`;
    if (!c) return html`<p class="muted" role="status">${msg('Loading what drivers say…')}</p>`;
    return html`<section part="community" aria-label=${msg('What drivers say')}>
      ${this.renderReliability(c)}
      ${
        this.signedIn
          ? html`<div class="row"><button class="secondary" data-action="follow" aria-pressed=${c.following ? 'true' : 'false'} ?disabled=${this.busy} @click=${() => this.follow()}>
              ${c.following ? msg('Following') : msg('Follow this station')}
            </button><span class="muted">${msg(str`${c.followers} following`)}</span></div>`
          : html`<p class="muted">${msg('Sign in to check in, post tips and follow this station.')}</p>`
      }
      <p class=${this.error ? 'error' : 'muted'} role="status" aria-live="polite">${this.error ?? this.status}</p>
      <div part="check-ins">
        <h3>${msg('Check-ins')}</h3>
        ${this.signedIn ? this.renderForms(c) : nothing}
        ${c.check_ins.length ? html`<ul>${c.check_ins.map((ci) => this.renderCheckIn(ci))}</ul>` : html`<p class="muted">${msg('No check-ins yet.')}</p>`}
      </div>
      <div part="photos">
        <h3>${msg('Photos')}</h3>
        ${
          c.photos.length
            ? html`<div class="photos">
              ${c.photos.map((p) => html`<a href=${`${this.base}${p.url}`} target="_blank" rel="noopener"><img src=${`${this.base}${p.thumbnail_url}`} alt=${p.caption ?? subjectLabel(p.subject)} loading="lazy" /></a>`)}
            </div>`
            : html`<p class="muted">${msg('No photos yet.')}</p>`
        }
        ${this.signedIn ? html`<label>${msg('Add a photo')} <input type="file" accept="image/jpeg,image/png,image/webp,image/heic" @change=${(e: Event) => this.upload(e)} ?disabled=${this.busy} /></label>` : nothing}
      </div>
      <div part="tips">
        <h3>${msg('Tips')}</h3>
        ${c.tips.length ? html`<ul>${c.tips.map((p) => html`<li class="item">${this.renderPost(p)}</li>`)}</ul>` : html`<p class="muted">${msg('No tips yet.')}</p>`}
      </div>
      <div part="questions">
        <h3>${msg('Questions')}</h3>
        ${
          c.questions.length
            ? html`<ul>
              ${c.questions.map(
                (q) => html`<li class="item">
                  ${this.renderPost(q)}
                  <div class="answers">${(q.answers ?? []).map((a) => this.renderPost(a))}</div>
                  ${
                    this.signedIn
                      ? html`<form class="row" @submit=${(e: Event) => this.answer(q, e)}>
                        <label class="visually-hidden" for=${`answer-${q.id}`}>${msg('Your answer')}</label>
                        <input id=${`answer-${q.id}`} name="body" required maxlength="1000" placeholder=${msg('Your answer')} />
                        <button class="secondary" type="submit" ?disabled=${this.busy}>${msg('Answer')}</button>
                      </form>`
                      : nothing
                  }
                </li>`,
              )}
            </ul>`
            : html`<p class="muted">${msg('No questions yet.')}</p>`
        }
        ${
          this.signedIn
            ? html`<form id="post" @submit=${(e: Event) => this.submitPost(e)}>
              <label
                >${msg('Share a tip or ask')}
                <select name="kind">
                  <option value="TIP">${msg('A tip for other drivers')}</option>
                  <option value="QUESTION">${msg('A question')}</option>
                </select>
              </label>
              <label>${msg('Your text')} <textarea name="body" required minlength="3" maxlength="1000" rows="2"></textarea></label>
              <button class="primary" type="submit" ?disabled=${this.busy}>${msg('Post')}</button>
            </form>`
            : nothing
        }
      </div>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voltshare-community': VoltshareCommunity;
  }
  interface HTMLElementEventMap {
    'voltshare-checked-in': VoltshareCheckedInEvent;
  }
}
