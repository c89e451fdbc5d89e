import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ELEMENTS = ['map', 'station', 'booking', 'session', 'community'] as const;
const source = (name: string, suffix = '') => readFileSync(new URL(`./${name}/voltshare-${name}${suffix}.ts`, import.meta.url), 'utf8');
const all = (text: string, pattern: RegExp) => [...new Set([...text.matchAll(pattern)].map((m) => m[1] as string))].sort();
const guide = readFileSync(new URL('../../docs/guides/embed-the-widget.md', import.meta.url), 'utf8');

// Each element's contract is written on it (Shoelace-style tags) and must match what it renders and fires.
describe.each(ELEMENTS)('<voltshare-%s> declares its contract', (name) => {
  const code = source(name);

  it('documents every part it renders, and no other', () => {
    expect(all(code, /@csspart ([a-z-]+)/g)).toEqual(all(code, /part="([a-z-]+)"/g));
  });

  it('documents and types every event it fires', () => {
    const fired = all(code, /new CustomEvent(?:<[^>]+>)?\('([a-z-]+)'/g);
    expect(all(code, /@fires ([a-z-]+)/g)).toEqual(fired);
    for (const event of fired) expect(code).toMatch(new RegExp(`'${event}': Voltshare\\w+Event;`));
  });

  it('is declared in HTMLElementTagNameMap and keeps its styles in a file of their own', () => {
    expect(code).toMatch(new RegExp(`'voltshare-${name}': Voltshare\\w+;`));
    expect(code).not.toMatch(/css`/);
    expect(source(name, '.styles')).toMatch(/css`/);
  });

  it('lists its parts in the embedding guide', () => {
    const row = guide.split('\n').find((line) => line.startsWith(`| \`<voltshare-${name}>\` |`) && line.includes('(all of it)'));
    const documented = all(row ?? '', /`([a-z-]+)`/g).filter((p) => p !== `voltshare-${name}`);
    expect(documented).toEqual(all(code, /part="([a-z-]+)"/g));
  });
});

// The driver app's elements live together in app/, their styles in app.styles.ts and voltshare-app.styles.ts.
const APP_ELEMENTS = ['app', 'find', 'charge', 'wallet', 'history'] as const;
const appSource = (name: string) => readFileSync(new URL(`./app/voltshare-${name}.ts`, import.meta.url), 'utf8');

describe.each(APP_ELEMENTS)('the app’s <voltshare-%s> declares its contract', (name) => {
  const code = appSource(name);

  it('documents and types every event it fires', () => {
    const fired = all(code, /new CustomEvent(?:<[^>]+>)?\('([a-z-]+)'/g);
    expect(all(code, /@fires ([a-z-]+)/g)).toEqual(fired);
    for (const event of fired) expect(code).toMatch(new RegExp(`'${event}': Voltshare\\w+Event;`));
  });

  it('is declared in HTMLElementTagNameMap, keeps its styles apart and says every string through msg()', () => {
    expect(code).toMatch(new RegExp(`'voltshare-${name}': Voltshare\\w+;`));
    expect(code).not.toMatch(/css`/);
    // Text between tags is a placeholder (`${…}`), never an English word written in the template.
    const literal = [...code.matchAll(/>\s*([A-Za-z][A-Za-z ,.'’!?]{2,}?)\s*</g)]
      .map((m) => m[1] as string)
      .filter((t) => !['Voltshare', 'Promise'].includes(t));
    expect(literal).toEqual([]);
  });

  it('is in the embedding guide', () => {
    expect(guide).toContain(`<voltshare-${name}>`);
  });
});

// The operator console: the shell and one element per page, in console/, their styles in console.styles.ts.
const CONSOLE_ELEMENTS = ['console', 'console-overview', 'console-sites', 'console-charger', 'console-sessions', 'console-reservations'] as const;
const MORE_CONSOLE_ELEMENTS = ['console-tariffs', 'console-support', 'console-incidents', 'console-reviews', 'console-uptime'] as const;
const consoleSource = (name: string) => readFileSync(new URL(`./console/${name === 'console' ? 'voltshare-console' : name}.ts`, import.meta.url), 'utf8');

describe.each([...CONSOLE_ELEMENTS, ...MORE_CONSOLE_ELEMENTS])('the console’s <voltshare-%s> declares its contract', (name) => {
  const code = consoleSource(name);

  it('is declared in HTMLElementTagNameMap, keeps its styles apart and says every string through msg()', () => {
    expect(code).toMatch(new RegExp(`'voltshare-${name}': Voltshare\\w+;`));
    expect(code).not.toMatch(/css`/);
    const literal = [...code.matchAll(/>\s*([A-Za-z][A-Za-z ,.'’!?]{2,}?)\s*</g)].map((m) => m[1] as string).filter((t) => !['Voltshare', 'OCPP'].includes(t));
    expect(literal).toEqual([]);
  });

  it('is in the embedding guide', () => {
    expect(guide).toContain(name === 'console' ? '<voltshare-console>' : `-${name.replace('console-', '')}`);
  });
});
