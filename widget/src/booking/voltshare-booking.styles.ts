import { css } from 'lit';
import { theme } from '../shared/styles.js';

/** The styles of `<voltshare-booking>`: the shared theme, then its own. */
export const bookingStyles = [
  theme,
  css`
    section { background: var(--_surface); border-radius: var(--_radius); display: grid; gap: 10px; }
    h2 { font-size: 16px; margin: 0; }
    .row { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: end; }
    label { display: grid; gap: 2px; font-size: 13px; color: var(--_muted); }
    input, select { font: inherit; padding: 5px 8px; border: 1px solid var(--_line); border-radius: 6px; color: var(--_ink); background: #fff; }
    .slots { display: grid; grid-template-columns: repeat(auto-fill, minmax(64px, 1fr)); gap: 6px; max-height: 210px; overflow: auto; padding: 2px; }
    .slot { padding: 6px 0; border: 1px solid var(--_line); border-radius: 6px; background: #fff; color: var(--_ink); }
    .slot[aria-pressed='true'] { background: var(--_brand); color: #fff; border-color: var(--_brand); }
    .slot:disabled { color: #9aa5b1; background: #f0f4f8; cursor: not-allowed; text-decoration: line-through; }
    .card { border: 1px solid var(--_brand); border-radius: 8px; padding: 10px; background: #f0faf9; }
    .actions { display: flex; gap: 8px; flex-wrap: wrap; }
  `,
];
