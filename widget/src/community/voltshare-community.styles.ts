import { css } from 'lit';
import { theme } from '../shared/styles.js';

/** The styles of `<voltshare-community>`: the shared theme, then its own. */
export const communityStyles = [
  theme,
  css`
    section { background: var(--_surface); border-radius: var(--_radius); }
    h3 { font-size: 14px; margin: 14px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--_muted); }
    .score { display: flex; align-items: baseline; gap: 10px; }
    .score strong { font-size: 28px; color: var(--_brand); }
    .score.low strong { color: var(--_fault); }
    .meter { height: 8px; border-radius: 4px; background: var(--_line); overflow: hidden; margin: 4px 0 2px; }
    .meter span { display: block; height: 100%; background: var(--_brand); }
    ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
    li.item { border: 1px solid var(--_line); border-radius: 8px; padding: 8px 10px; }
    .head { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; }
    .outcome { font-weight: 600; }
    .tag { font-size: 12px; border-radius: 10px; padding: 1px 8px; background: #e6f4ea; color: #14532d; }
    .tag.held { background: #fff4d6; color: #6b4500; }
    .tag.official { background: #e0ecff; color: #123a7a; }
    .photos { display: grid; grid-template-columns: repeat(auto-fill, minmax(96px, 1fr)); gap: 6px; }
    .photos img { width: 100%; aspect-ratio: 4 / 3; object-fit: cover; border-radius: 6px; display: block; }
    .answers { margin: 6px 0 0 12px; border-left: 3px solid var(--_line); padding-left: 8px; display: grid; gap: 4px; }
    form { display: grid; gap: 8px; margin-top: 8px; }
    label { display: grid; gap: 2px; font-size: 14px; }
    input, select, textarea { font: inherit; padding: 6px 8px; border: 1px solid var(--_line); border-radius: 6px; }
    .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
    .link { background: none; border: 0; color: var(--_brand); padding: 0; font: inherit; text-decoration: underline; cursor: pointer; }
  `,
];
