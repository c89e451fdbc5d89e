import leafletCss from 'leaflet/dist/leaflet.css';
import { css, unsafeCSS } from 'lit';
import { theme } from '../shared/styles.js';

/** The styles of `<voltshare-map>`: the shared theme, then its own. */
export const mapStyles = [
  unsafeCSS(leafletCss),
  theme,
  css`
    .frame { background: var(--_surface); border-radius: var(--_radius); display: grid; gap: 12px; }
    .filters { display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: center; font-size: 14px; }
    .filters select { margin-left: 6px; padding: 4px 6px; border: 1px solid var(--_line); border-radius: 6px; background: #fff; color: var(--_ink); }
    .body { display: grid; grid-template-columns: minmax(260px, 3fr) minmax(240px, 2fr); gap: 12px; min-height: var(--voltshare-map-height, 460px); }
    @media (max-width: 720px) { .body { grid-template-columns: 1fr; } }
    .map { min-height: var(--voltshare-map-height, 460px); border-radius: 8px; background: #e6eef0; z-index: 0; }
    .list { list-style: none; margin: 0; padding: 0; overflow: auto; max-height: var(--voltshare-map-height, 460px); border: 1px solid var(--_line); border-radius: 8px; }
    .list li { border-bottom: 1px solid var(--_line); }
    .list button { display: grid; grid-template-columns: 1fr auto; gap: 2px 10px; width: 100%; text-align: left; padding: 9px 10px; background: none; border: 0; color: inherit; }
    .list button[aria-current='true'] { background: #e3f4f2; }
    .list .name { font-weight: 600; }
    .list .badge { align-self: start; justify-self: end; }
    .notice { margin: 0; font-size: 13px; color: var(--_muted); }
    .marker { stroke: #fff; stroke-width: 2; fill-opacity: 1; }
    .marker.available { fill: var(--_available); }
    .marker.busy { fill: var(--_busy); }
    .marker.fault { fill: var(--_fault); }
    .marker.unknown { fill: var(--_unknown); }
    .marker.selected { stroke: var(--_ink); stroke-width: 3; }
    .advice { border-top: 1px solid var(--_line); padding: 8px 10px; }
    .advice h3 { font-size: 14px; margin: 0 0 6px; }
    .advice ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 4px; }
    .advice button { background: none; border: 0; padding: 0; color: var(--_brand); font: inherit; font-weight: 600; text-decoration: underline; cursor: pointer; }
    .cluster { display: grid; place-items: center; border-radius: 50%; color: #fff; font-weight: 700; font-size: 13px; border: 2px solid #fff; box-shadow: 0 1px 4px rgba(0, 0, 0, .3); }
  `,
];
