import { css } from 'lit';
import { theme } from '../shared/styles.js';

/** The styles of `<voltshare-session>`: the shared theme, then its own. */
export const sessionStyles = [
  theme,
  css`
    section { background: var(--_surface); border-radius: var(--_radius); display: grid; gap: 10px; }
    h2 { font-size: 16px; margin: 0; }
    .figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(110px, 1fr)); gap: 10px; margin: 0; }
    .figures div { border: 1px solid var(--_line); border-radius: 8px; padding: 8px 10px; }
    .figures dt { font-size: 12px; color: var(--_muted); }
    .figures dd { margin: 0; font-size: 20px; font-weight: 700; }
    progress { width: 100%; height: 12px; accent-color: var(--_available); }
  `,
];
