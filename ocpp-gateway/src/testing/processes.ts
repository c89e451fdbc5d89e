// Test support (not built): real processes for fault drills — a PostgreSQL server of the test's
// own (so it can be stopped without touching the shared one) and the built platform as `npm start` runs it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
/** The API alone (no OCPP), as a scaled deployment runs it beside separate gateway processes. */
const apiMain = fileURLToPath(new URL('../../../api/dist/main.js', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.once('error', reject);
  });
}

function postgresBin(): string | undefined {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(path.join(dir, 'initdb'))) return dir;
  } catch {}
  return undefined;
}

/** Whether this machine can run a private PostgreSQL server (initdb and pg_ctl are installed). */
export const canRunPrivatePostgres = postgresBin() !== undefined;

export interface PrivatePostgres {
  url: string;
  port: number;
  start(): void;
  /** `pg_ctl stop -m immediate`: the server dies as in a crash; clients see their connections drop. */
  stopImmediately(): void;
  destroy(): void;
}

/**
 * initdb into a temp dir and pg_ctl on a port of its own. Run as `postgres` through `su` when the
 * tests run as root (PostgreSQL refuses to run as root), else as the current user.
 */
export function privatePostgres(port: number): PrivatePostgres {
  const bin = postgresBin();
  if (!bin) throw new Error('initdb not found (pg_config --bindir)');
  const dir = mkdtempSync(path.join(tmpdir(), 'voltshare-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(dir, 0o777);
    execFileSync('chown', ['postgres', dir]);
  }
  const run = (command: string) => {
    if (asRoot) execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', command], { stdio: 'pipe' });
    else execFileSync('/bin/sh', ['-c', command], { stdio: 'pipe' });
  };
  const data = path.join(dir, 'data');
  run(`${bin}/initdb -D ${data} -A trust -U postgres -E UTF8 --no-sync >/dev/null`);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const pg: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start: () => run(`${bin}/pg_ctl -D ${data} -o "${options}" -l ${dir}/server.log -w -t 60 start >/dev/null`),
    stopImmediately: () => run(`${bin}/pg_ctl -D ${data} -m immediate -w stop >/dev/null`),
    destroy: () => {
      try {
        pg.stopImmediately();
      } catch {}
      rmSync(dir, { recursive: true, force: true });
    },
  };
  pg.start();
  return pg;
}

export interface PlatformProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote so far (JSON log lines and the banner). */
  output(): string;
  /** SIGTERM, and the exit code once it has stopped. */
  stop(): Promise<number | null>;
  /** SIGKILL: as in a crash, nothing runs on the way out. */
  kill(): Promise<void>;
}

/** Starts the built platform (API + gateway, like `npm start`; or the API alone) and waits until it answers `/ready`. */
export async function startPlatformProcess(env: Record<string, string>, port: number, entry: 'platform' | 'api' = 'platform'): Promise<PlatformProcess> {
  const child = spawn(process.execPath, [entry === 'api' ? apiMain : main], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      VOLTSHARE_DEMO: 'false',
      AUTH_RATE_LIMIT_MAX: '10000',
      PUBLIC_RATE_LIMIT_MAX: '100000',
      JOB_POLL_MS: '100',
      JWT_SECRET: 'fault-drill-secret-fault-drill-secret-00',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const end = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`platform exited with ${child.exitCode}:\n${out}`);
    const res = await fetch(`${url}/ready`).catch(() => undefined);
    if (res?.status === 200) break;
    if (Date.now() > end) throw new Error(`platform not ready in time:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => out,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** JSON over fetch with an optional bearer token; the body of any answer is parsed. */
export async function api(base: string, route: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const res = await fetch(`${base}${route}`, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary response JSON
  let body: Record<string, any> = {};
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, body };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the first truthy value of `check` (polled every 100 ms; a throw counts as not yet); fails after `ms`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > end) throw new Error(`${what}: not reached in ${ms} ms`);
    await sleep(100);
  }
}
