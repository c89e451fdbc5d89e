import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, openDatabase, type RunningPlatform, startPlatform } from '@voltshare/api';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { attachOcppGateway } from '../gateway.js';

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

/** The demo installation (embedded PGlite, OCPP gateway attached) on a free port, as a browser sees it. */
export async function startDemoForBrowser(name: string): Promise<{ platform: RunningPlatform; base: string }> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    JWT_SECRET: `${name}-browser-test-secret-0123456789abcdef`,
    VOLTSHARE_DEMO: 'true',
    AUTH_RATE_LIMIT_MAX: '10000',
    JOB_POLL_MS: '100',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), `voltshare-${name}-data-`)),
  });
  const platform = await startPlatform(config, await openDatabase({}), [
    (server, services) => attachOcppGateway(server, services, { heartbeatIntervalS: 120 }),
  ]);
  await platform.indexLoaded;
  return { platform, base: platform.url.replace('localhost', '127.0.0.1') };
}

/** An access token for the account (the demo's owner or driver), as the API's sign-in gives it. */
export async function signIn(base: string, account: { email: string; password: string }): Promise<string> {
  const res = await fetch(`${base}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: account.email, password: account.password }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
