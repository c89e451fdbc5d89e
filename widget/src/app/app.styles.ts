import { css } from 'lit';

/** What the app's screens share on top of the widget theme: forms, rows, cards; touch targets of 44 px. */
export const appStyles = css`
  h1 { font-size: 22px; margin: 4px 0 12px; }
  h2 { font-size: 18px; margin: 18px 0 8px; }
  label { font-weight: 600; font-size: 14px; }
  input:not([type='checkbox']):not([type='radio']), select { font: inherit; min-height: 44px; padding: 8px 10px; border: 1px solid #829ab1; border-radius: 8px; background: var(--_surface); color: inherit; }
  input[type='checkbox'], input[type='radio'] { width: 20px; height: 20px; accent-color: var(--_brand); }
  .field { display: grid; gap: 4px; margin: 0 0 12px; }
  .field input, .field select { width: 100%; }
  .check { display: flex; gap: 8px; align-items: flex-start; font-weight: 400; margin: 0 0 12px; }
  .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
  .row > input { flex: 1; min-width: 0; }
  .spread { justify-content: space-between; }
  .primary, .secondary { min-height: 44px; }
  .wide { width: 100%; }
  .card { border: 1px solid var(--_line); border-radius: var(--_radius); padding: 14px; background: var(--_surface); margin: 0 0 12px; }
  .card > h2:first-child, .card > h3:first-child { margin-top: 0; }
  details summary { cursor: pointer; font-weight: 600; min-height: 44px; padding: 10px 0; }
  fieldset { border: 0; padding: 0; margin: 0; }
  a { color: var(--_brand); }
  .figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr)); gap: 8px; margin: 0; }
  .figures dt { font-size: 13px; color: var(--_muted); }
  .figures dd { margin: 0; font-size: 20px; font-weight: 700; }
  .list { list-style: none; margin: 0; padding: 0; display: grid; gap: 10px; }
  .ok { color: var(--_available); font-weight: 600; }
`;

/** `<voltshare-find>`'s own layout. */
export const findStyles = css`
      .search { position: relative; }
      .suggestions { list-style: none; margin: 4px 0 0; padding: 0; border: 1px solid var(--_line); border-radius: 8px; background: var(--_surface); }
      .suggestions button { display: block; width: 100%; text-align: start; background: none; border: 0; padding: 10px 12px; min-height: 44px; }
      .suggestions button:hover, .suggestions button:focus-visible { background: #e6f2f1; }
      .filters { display: flex; flex-wrap: wrap; gap: 8px 14px; margin: 10px 0; }
      .filters label { display: flex; align-items: center; gap: 6px; font-size: 14px; }
      .results { list-style: none; margin: 0; padding: 0; display: grid; gap: 10px; }
      .result a { display: grid; grid-template-columns: 1fr auto; gap: 2px 10px; padding: 12px; border: 1px solid var(--_line); border-radius: 10px; color: inherit; text-decoration: none; background: var(--_surface); }
      .result a:focus-visible { outline: 3px solid var(--_brand); outline-offset: 2px; }
      .result .name { font-weight: 600; }
      voltshare-map { height: 320px; margin-bottom: 12px; }
    `;

/** `<voltshare-charge>`'s own layout. */
export const chargeStyles = css`
      video { width: 100%; max-height: 260px; background: #000; border-radius: 8px; }
      .plan { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
      @media (max-width: 360px) { .plan { grid-template-columns: 1fr; } }
    `;

/** `<voltshare-history>`'s own layout. */
export const historyStyles = css`
      .session { display: grid; grid-template-columns: 1fr auto; gap: 2px 10px; }
      .receipts { grid-column: 1 / -1; display: flex; gap: 8px; margin-top: 6px; }
      .bar { height: 10px; background: var(--_brand); border-radius: 5px; min-width: 2px; }
      .carbon { grid-column: 1 / -1; }
      .year .big { font-size: 1.6em; font-weight: 700; margin: 4px 0; }
      .share { height: 12px; background: var(--_line, #d9e2ec); border-radius: 6px; overflow: hidden; }
      .share-fill { height: 100%; background: var(--_available); }
      .equivalents { margin: 8px 0; padding-inline-start: 20px; }
      .small { font-size: 0.8em; }
    `;

/** `<voltshare-help>`'s own layout: the list of conversations and a chat thread. */
export const helpStyles = css`
      textarea { font: inherit; width: 100%; padding: 8px 10px; border: 1px solid #829ab1; border-radius: 8px; background: var(--_surface); color: inherit; }
      .ticket { display: grid; grid-template-columns: 1fr auto; gap: 2px 10px; color: inherit; text-decoration: none; }
      .ticket .subject { font-weight: 600; }
      .ticket .muted { grid-column: 1 / -1; }
      .status { font-size: 13px; font-weight: 600; }
      .status-waiting { color: var(--_brand); }
      .status-resolved, .status-closed { color: var(--_muted); }
      .thread { list-style: none; margin: 0 0 12px; padding: 0; display: grid; gap: 8px; }
      .message { max-width: 85%; padding: 8px 12px; border-radius: 12px; background: var(--_surface); border: 1px solid var(--_line); }
      .message p { margin: 2px 0 0; white-space: pre-wrap; }
      .message .who { font-size: 12px; color: var(--_muted); }
      .mine { justify-self: end; background: #e6f2f1; }
      .theirs { justify-self: start; }
      .composer { display: grid; gap: 6px; }
      .link { background: none; border: 0; color: var(--_brand); text-decoration: underline; padding: 4px 0; min-height: 44px; font: inherit; cursor: pointer; }
      .photo { display: block; max-width: 100%; border-radius: 8px; margin-top: 6px; }
      input[type='file'] { font: inherit; }
      .articles { margin: 0 0 12px; padding: 4px 12px; border-inline-start: 4px solid var(--_brand); background: #f2f8f8; border-radius: 6px; }
      .articles h3 { margin: 6px 0; font-size: 15px; }
      .articles p { margin: 0 0 10px; white-space: pre-wrap; }
      .star { font-size: 26px; min-width: 44px; min-height: 44px; background: none; border: 0; color: #8a5a00; cursor: pointer; }
    `;
