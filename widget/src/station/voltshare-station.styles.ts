import { css } from 'lit';
import { theme } from '../shared/styles.js';

/** The styles of `<voltshare-station>`: the shared theme, then its own. */
export const stationStyles = [
  theme,
  css`
    article { background: var(--_surface); border-radius: var(--_radius); }
    h2 { font-size: 18px; margin: 0 0 2px; }
    h3 { font-size: 14px; margin: 14px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--_muted); }
    .evses { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
    .evse { border: 1px solid var(--_line); border-radius: 8px; padding: 8px 10px; display: grid; grid-template-columns: 1fr auto; gap: 2px 10px; }
    .evse .id { font-weight: 600; }
    .prices { margin: 0; display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; font-size: 14px; }
    .prices dt { color: var(--_muted); }
    .prices dd { margin: 0; font-weight: 600; }
    table { border-collapse: collapse; font-size: 14px; }
    td { padding: 1px 12px 1px 0; }
  `,
];
