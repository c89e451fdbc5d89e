import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Headless Chromium from the system (CHROMIUM_PATH, else Debian's). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** axe-core on the whole page, inside every shadow root: no violations at all, and the `checked` rules were run. */
export async function audit(page: Page, screen: string, checked = ['color-contrast', 'label']): Promise<void> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    type Rule = { id: string; impact: string; nodes: { target: unknown }[] };
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Rule[]; passes: Rule[] }> } }).axe;
    const run = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return { passes: run.passes.map((r) => r.id), violations: run.violations.map((v) => ({ id: v.id, targets: v.nodes.slice(0, 3).map((n) => n.target) })) };
  });
  expect({ screen, violations: result.violations }).toEqual({ screen, violations: [] });
  expect(result.passes).toEqual(expect.arrayContaining(checked));
}
