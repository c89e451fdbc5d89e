import { msg } from '@lit/localize';
import type { Realtime, VoltshareClient } from '@voltshare/sdk';
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { AppSession } from '../app/app-session.js';
import { VoltshareElement } from '../shared/element.js';
import { theme } from '../shared/styles.js';
import { consoleStyles } from './console.styles.js';

/**
 * A page of the operator console: the signed-in staff member's client, and a load that shows
 * progress and a readable error instead of a blank page. Pages know nothing of the shell.
 */
export abstract class ConsolePage extends VoltshareElement {
  static override properties: PropertyDeclarations = {
    ...VoltshareElement.properties,
    session: { attribute: false },
    live: { attribute: false },
    busy: { state: true },
    problem: { state: true },
  };
  static override styles = [theme, consoleStyles];

  declare session: AppSession;
  /** The network's realtime feed, shared by the console's pages. */
  declare live: Realtime | undefined;
  declare busy: boolean;
  declare problem: string | undefined;

  constructor() {
    super();
    this.busy = false;
  }
  private unfollow: (() => void)[] = [];
  private reloadSoon: ReturnType<typeof setTimeout> | undefined;

  /** Realtime events after which the page reads again what it shows (once, shortly after a burst). */
  protected get followedEvents(): string[] {
    return [];
  }

  protected get client(): VoltshareClient {
    return this.session.client;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
    const live = this.live;
    if (!live) return;
    const reload = () => {
      clearTimeout(this.reloadSoon);
      this.reloadSoon = setTimeout(() => void this.followLive().catch(() => undefined), 300);
    };
    this.unfollow = this.followedEvents.map((event) => live.on(event, reload));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const off of this.unfollow) off();
    this.unfollow = [];
    clearTimeout(this.reloadSoon);
  }

  /** Reloads what the page shows. */
  refresh(): Promise<void> {
    return this.attempt(() => this.load());
  }

  protected abstract load(): Promise<void>;

  /** What a followed event reads again: everything by default. */
  protected followLive(): Promise<void> {
    return this.load();
  }

  /** Runs one piece of work, showing that it is under way and what went wrong if it fails. */
  protected async attempt(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.problem = undefined;
    try {
      await work();
    } catch (error) {
      this.problem = this.describe(error, msg('Something went wrong. Try again.'));
    } finally {
      this.busy = false;
    }
  }

  /** The progress line and the error, for the top of every page. */
  protected status(): TemplateResult {
    return html`<p class="muted" role="status" aria-live="polite">${this.busy ? msg('Loading…') : nothing}</p>
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : nothing}`;
  }
}

/** An EVSE as people know it: its printed id, or a plain word when the network gave it none (never an internal id). */
export const evseName = (printedId: string | null | undefined) => printedId ?? msg('EVSE without a printed id');

/** Navigates the console (hash routes), so every page can link to another. */
export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;
