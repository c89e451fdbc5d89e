import { css } from 'lit';

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

/** `<voltshare-console>`'s own frame: the header, the navigation, the sign-in form. */
export const shellStyles = css`
      :host { min-height: 100vh; background: #f2f5f8; }
      header { background: #102a43; color: #fff; padding: 10px 24px; display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: center; }
      header .brand { font-size: 18px; font-weight: 700; margin: 0; flex: 1; }
      header a, header button, header select { color: #fff; background: none; border: 1px solid rgba(255, 255, 255, 0.55); border-radius: 6px; padding: 4px 10px; font: inherit; text-decoration: none; }
      header select option { color: #102a43; }
      header label { color: #d9e2ec; display: flex; align-items: center; gap: 6px; font-weight: 400; }
      .live { color: #bcccdc; font-size: 13px; }
      nav { background: #fff; border-bottom: 1px solid var(--_line); padding: 0 18px; }
      nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 2px; margin: 0; padding: 0; }
      nav a { display: block; padding: 10px 12px; color: var(--_ink); text-decoration: none; border-bottom: 3px solid transparent; }
      nav a[aria-current='page'] { border-bottom-color: var(--_brand); color: var(--_brand); font-weight: 700; }
      main { padding: 18px 24px; max-width: 1400px; }
      form.signin { max-width: 380px; margin: 60px auto; display: grid; gap: 12px; }
    `;
