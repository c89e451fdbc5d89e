import { css } from 'lit';

/**
 * The theme every element shares. Partners restyle through these custom properties (they cross
 * the shadow boundary) and through the `part`s each element exposes. Default colours meet WCAG AA
 * for white text on the status badges and for body text on the background.
 */
export const theme = css`
  :host {
    --_brand: var(--voltshare-brand, #0b6b66);
    --_ink: var(--voltshare-ink, #102a43);
    --_muted: var(--voltshare-muted, #486581);
    --_surface: var(--voltshare-surface, #ffffff);
    --_line: var(--voltshare-line, #d9e2ec);
    --_radius: var(--voltshare-radius, 10px);
    --_available: var(--voltshare-available, #1b7a34);
    --_busy: var(--voltshare-busy, #1a5fb4);
    --_fault: var(--voltshare-fault, #b3261e);
    --_unknown: var(--voltshare-unknown, #5f6368);
    display: block;
    color: var(--_ink);
    font: var(--voltshare-font, 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
  }
  * { box-sizing: border-box; }
  button { font: inherit; cursor: pointer; }
  button:focus-visible, input:focus-visible, select:focus-visible, li:focus-visible { outline: 3px solid var(--_brand); outline-offset: 2px; }
  .badge { display: inline-block; font-size: 12px; font-weight: 600; padding: 2px 8px; border-radius: 999px; color: #fff; white-space: nowrap; }
  .available { background: var(--_available); }
  .green { background: var(--_available); justify-self: start; }
  /* A 24-hour outlook: taller is freer; the quietest hours green, the cleanest topped in amber. */
  .strip { display: flex; align-items: flex-end; gap: 2px; height: 52px; margin: 8px 0 4px; }
  .strip .bar { flex: 1; background: #9fb3c8; border-radius: 2px 2px 0 0; }
  .strip .bar.best { background: var(--_available); }
  .strip .bar.greenest { box-shadow: inset 0 3px 0 #f0b429; }
  .busy { background: var(--_busy); }
  .fault { background: var(--_fault); }
  .unknown { background: var(--_unknown); }
  .muted { color: var(--_muted); font-size: 13px; }
  .error { color: var(--_fault); font-weight: 600; }
  .primary { background: var(--_brand); color: #fff; border: 0; border-radius: 8px; padding: 8px 14px; font-weight: 600; }
  .secondary { background: transparent; color: var(--_brand); border: 1px solid var(--_brand); border-radius: 8px; padding: 7px 13px; font-weight: 600; }
  .primary[disabled], .secondary[disabled] { opacity: .55; cursor: not-allowed; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
