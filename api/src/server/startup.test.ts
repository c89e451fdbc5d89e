import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts the built server the way `npm start` does and waits for its banner. */
function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 120 s:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /API\s+(http:\/\/localhost:\d+)\/v1/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Polls `/ready` from the moment the process is spawned and resolves with its first 200 answer. */
async function firstReady(url: string): Promise<{ status: string; database: string; discovery_index: string }> {
  const end = Date.now() + 120_000;
  while (Date.now() < end) {
    const res = await fetch(`${url}/ready`).catch(() => undefined);
    if (res?.status === 200) return (await res.json()) as { status: string; database: string; discovery_index: string };
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('never ready');
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

function run(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH ?? '', PORT: '0', ...env } });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c));
  child.stderr.on('data', (c: Buffer) => (output += c));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

// Seeding the demo imports the real stations: allow for a slow, shared machine.
describe('start-up of the built server', { timeout: 180_000 }, () => {
  const running: ChildProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map(stop));
  });

  it('starts on an empty data dir, seeds the demo once, serves /ready, and keeps data across restarts', async () => {
    expect(existsSync(main)).toBe(true);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'voltshare-start-'));
    const port = await freePort();
    const starting = start({ DATA_DIR: dataDir, PORT: String(port) });
    // Ready only once the demo is seeded and the discovery index loaded: the first 200 must mean it.
    const readiness = await firstReady(`http://127.0.0.1:${port}`);
    const seeded = await fetch(`http://127.0.0.1:${port}/v1/open-data/locations.geojson`);
    const first = await starting;
    running.push(first.child);
    expect(first.output()).toContain('owner@demo.voltshare.dev');
    expect(readiness).toEqual({ status: 'ready', database: 'pglite', discovery_index: 'ready' });
    expect(((await seeded.json()) as { features: unknown[] }).features.length).toBeGreaterThan(80);
    const home = await fetch(`${first.url}/`);
    expect(home.headers.get('content-type')).toMatch(/text\/html/);
    expect(await home.text()).toContain('data-publishable-key="pk_demo_');
    const nearby = await fetch(`${first.url}/v1/locations?lat=49.6&lng=6.1335&radius_m=1000`, {
      headers: { authorization: 'Bearer pk_demo_VoltshareDemoPublishableKey2026', origin: first.url },
    });
    const names = ((await nearby.json()) as { data: { name: string }[] }).data.map((l) => l.name);
    expect(names).toContain('Park Inn By Radisson Luxembourg City');
    expect(names).toContain('Voltshare Demo Hub (bring your own charger)');
    const credentials = (await (await fetch(`${first.url}/demo/credentials.json`)).json()) as Record<string, { email: string; password: string }>;
    expect(credentials).toMatchObject({ owner: { email: 'owner@demo.voltshare.dev' }, driver: { email: 'driver@demo.voltshare.dev' } });
    const login = await fetch(`${first.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials.owner),
    });
    expect(login.status).toBe(200);
    const { access_token } = (await login.json()) as { access_token: string };
    await fetch(`${first.url}/v1/network`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${access_token}` },
      body: JSON.stringify({ name: 'Kept across restarts' }),
    });
    expect(await stop(first.child)).toBe(0);

    const second = await start({ DATA_DIR: dataDir });
    running.push(second.child);
    const secretKey = (credentials as unknown as { secret_key: string }).secret_key;
    const network = await fetch(`${second.url}/v1/network`, { headers: { authorization: `Bearer ${secretKey}` } });
    expect(((await network.json()) as { name: string }).name).toBe('Kept across restarts');
    const staff = await fetch(`${second.url}/v1/network/staff`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(((await staff.json()) as { data: unknown[] }).data).toHaveLength(1);
  });

  it('a second process on the same embedded data directory refuses with one line, and the server keeps its data', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'voltshare-lock-'));
    const server = await start({ DATA_DIR: dataDir });
    running.push(server.child);
    const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
    const ocm = fileURLToPath(new URL('../../data/ocm/LU.json', import.meta.url));
    const second = spawn(process.execPath, [cli, 'import', 'ocm', ocm], { env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir } });
    let output = '';
    second.stderr.on('data', (c: Buffer) => (output += c));
    second.stdout.on('data', (c: Buffer) => (output += c));
    const code = await new Promise((resolve) => second.once('exit', resolve));
    expect(code).toBe(1);
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).toMatch(new RegExp(`^voltshare: the embedded data directory .* is in use by process ${server.child.pid}: stop it first`));
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    // After the server stops (or dies), the directory is free again.
    expect(await stop(server.child)).toBe(0);
    const again = spawn(process.execPath, [cli, 'import', 'ocm', ocm], { env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir } });
    expect(await new Promise((resolve) => again.once('exit', resolve))).toBe(0);
  });

  it('refuses a bad configuration with one line naming the variable', async () => {
    const { code, output } = await run({ PORT: 'abc', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'voltshare-bad-')) });
    expect(code).toBe(1);
    expect(output.trim()).toBe('voltshare: invalid configuration: PORT: expected a whole number, got "abc"');
  });

  it('production refuses demo mode', async () => {
    const { code, output } = await run({
      NODE_ENV: 'production',
      VOLTSHARE_DEMO: 'true',
      JWT_SECRET: 'x'.repeat(40),
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'voltshare-prod-')),
    });
    expect(code).toBe(1);
    expect(output).toMatch(/VOLTSHARE_DEMO/);
  });
});
