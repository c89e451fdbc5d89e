import { msg } from '@lit/localize';
import type { Realtime, VoltshareClient } from '@voltshare/sdk';
import { css, html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { AppSession } from '../app/app-session.js';
import { VoltshareElement } from '../shared/element.js';
import { theme } from '../shared/styles.js';

/** What every console page shares on top of the widget theme: cards, tables, forms, tiles. */
export const consoleStyles = css`
  h1 { font-size: 22px; margin: 0 0 14px; }
  h2 { font-size: 16px; margin: 0 0 10px; }
  h3 { font-size: 15px; margin: 14px 0 8px; }
  a { color: var(--_brand); }
  .card { background: var(--_surface); border-radius: 12px; box-shadow: 0 1px 3px rgba(16, 42, 67, 0.12); padding: 16px 18px; margin: 0 0 16px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); gap: 16px; }
  .grid > .card { margin: 0; }
  .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin: 0 0 16px; padding: 0; }
  .tiles div { background: var(--_surface); border-radius: 12px; box-shadow: 0 1px 3px rgba(16, 42, 67, 0.12); padding: 12px 14px; }
  .tiles dt { color: var(--_muted); font-size: 13px; }
  .tiles dd { margin: 0; font-size: 26px; font-weight: 700; }
  table { width: 100%; border-collapse: collapse; font-size: 14px; }
  th, td { text-align: start; padding: 7px 6px; border-bottom: 1px solid var(--_line); vertical-align: top; }
  th { color: var(--_muted); font-weight: 600; }
  td.number, th.number { text-align: end; font-variant-numeric: tabular-nums; }
  .toolbar { display: flex; flex-wrap: wrap; gap: 10px 14px; align-items: end; margin: 0 0 12px; }
  label { display: grid; gap: 3px; font-size: 13px; color: var(--_muted); font-weight: 600; }
  label.check { display: flex; align-items: center; gap: 6px; }
  input, select, textarea { font: inherit; color: var(--_ink); padding: 7px 9px; border: 1px solid #829ab1; border-radius: 8px; background: var(--_surface); }
  textarea { min-width: min(100%, 360px); }
  .actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
  .secondary, .primary { min-height: 36px; }
  .link { background: none; border: 0; padding: 0; color: var(--_brand); text-decoration: underline; font: inherit; text-align: start; }
  .pill { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 999px; border: 1px solid currentColor; white-space: nowrap; }
  .bad { color: var(--_fault); } .warn { color: #8a5a00; } .good { color: var(--_available); }
  .empty { color: var(--_muted); font-style: italic; }
  .thread { list-style: none; padding: 0; display: grid; gap: 8px; max-width: 760px; }
  .thread li { padding: 8px 12px; border-radius: 10px; border: 1px solid var(--_line); }
  .thread li.staff { background: #e6f2f1; } .thread li.note { background: #fff8e1; border-style: dashed; } .thread li.system { background: #f2f5f8; }
  .who { display: block; font-size: 12px; color: var(--_muted); }
  svg text { font: 11px system-ui, sans-serif; fill: var(--_muted); }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 0; }
  dl.facts dt { color: var(--_muted); }
  dl.facts dd { margin: 0; }
`;

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
      this.reloadSoon = setTimeout(() => void this.load().catch(() => undefined), 300);
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
