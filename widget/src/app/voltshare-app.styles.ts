import { css } from 'lit';

/** The app's frame: a header, the screen, and the navigation at the bottom on phones (at the side on wide screens). */
export const shellStyles = css`
  :host { min-height: 100vh; display: grid; grid-template-rows: auto auto auto 1fr auto; background: #f2f5f8; }
  header { display: flex; align-items: center; justify-content: space-between; padding: 10px 16px; background: var(--_brand); color: #fff; }
  header a { color: #fff; font-weight: 700; text-decoration: none; }
  .brand { font-size: 18px; }
  main { padding: 12px 16px 88px; max-width: 720px; width: 100%; margin: 0 auto; outline: none; }
  nav { position: fixed; inset-inline: 0; bottom: 0; display: grid; grid-template-columns: repeat(5, 1fr); background: var(--_surface); border-top: 1px solid var(--_line); padding-bottom: env(safe-area-inset-bottom); }
  nav a { display: grid; justify-items: center; gap: 2px; padding: 8px 2px; min-height: 56px; color: var(--_muted); text-decoration: none; font-size: 11px; font-weight: 600; }
  nav a span { font-size: 20px; line-height: 1; }
  nav a[aria-current='page'] { color: var(--_brand); box-shadow: inset 0 3px 0 var(--_brand); }
  nav a:focus-visible, header a:focus-visible { outline: 3px solid var(--_brand); outline-offset: -3px; }
  .notice, .offer { margin: 8px 16px 0; padding: 10px 14px; border-radius: 10px; background: #e6f2f1; border: 1px solid var(--_brand); }
  .offer .row { margin-top: 8px; }
  .link { background: none; border: 0; color: var(--_brand); text-decoration: underline; padding: 0 4px; min-height: 0; }
  a.primary, a.secondary { display: inline-flex; align-items: center; text-decoration: none; }
  @media (min-width: 900px) {
    :host { grid-template-columns: 200px 1fr; grid-template-rows: auto auto auto 1fr; }
    header, .notice, .offer { grid-column: 1 / -1; }
    nav { position: static; grid-row: 4; grid-column: 1; grid-template-columns: 1fr; align-content: start; border-top: 0; border-inline-end: 1px solid var(--_line); }
    nav a { grid-auto-flow: column; justify-content: start; gap: 10px; padding: 12px 18px; min-height: 48px; font-size: 15px; }
    nav a[aria-current='page'] { box-shadow: inset 3px 0 0 var(--_brand); }
    main { grid-row: 4; grid-column: 2; padding-bottom: 24px; }
  }
  /* A badge a driver earned in the community. */
  .badge.earned { background: var(--_brand); margin: 0 4px 4px 0; }
`;
