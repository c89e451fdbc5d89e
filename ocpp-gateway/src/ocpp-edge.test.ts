import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ocppRpc from 'ocpp-rpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { api, freePort, type PlatformProcess, startPlatformProcess } from './testing/processes.js';

const { RPCClient } = ocppRpc;
const PASSWORD = 'edge-charge-point-password';

/** What the built process says and stores at its OCPP edge: log lines, refusals, the message log. */
describe('OCPP edge of the running platform (embedded)', { timeout: 120_000 }, () => {
  let platform: PlatformProcess;
  let port: number;
  const staff: string[] = [];
  const chargePoints: { id: string; identity: string }[] = [];

  beforeAll(async () => {
    port = await freePort();
    platform = await startPlatformProcess({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'voltshare-edge-')) }, port);
    for (const slug of ['edge-a', 'edge-b']) {
      const signup = await api(platform.url, '/v1/networks', {
        body: { network: { name: slug, slug, country: 'LU', currency: 'EUR' }, owner: { email: `${slug}@example.com`, name: 'E', password: 'owner password' } },
      });
      const token = signup.body.tokens.access_token as string;
      const site = await api(platform.url, '/v1/locations', {
        token,
        body: {
          name: `${slug} site`,
          address: 'Rue 4',
          city: 'Luxembourg',
          country: 'LU',
          coordinates: { latitude: 49.6, longitude: 6.1 },
          time_zone: 'Europe/Luxembourg',
        },
      });
      const identity = slug.toUpperCase();
      const cp = await api(platform.url, '/v1/charge-points', { token, body: { identity, location_id: site.body.id, password: PASSWORD } });
      staff.push(token);
      chargePoints.push({ id: cp.body.id, identity });
    }
  });
  afterAll(() => platform?.stop());

  const logLines = () =>
    platform
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const waitForLog = async (match: (line: Record<string, unknown>) => boolean) => {
    const end = Date.now() + 5_000;
    while (Date.now() < end) {
      const found = logLines().find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('log line not written');
  };

  it('logs refused handshakes (an unsupported subprotocol too), connects, protocol errors and disconnects', async () => {
    const { identity } = chargePoints[0] as { identity: string };
    const basic = { authorization: `Basic ${Buffer.from(`${identity}:${PASSWORD}`).toString('base64')}` };
    const refusedWith = (protocol: string, headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/ocpp/${identity}`, protocol, { headers });
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => resolve(101));
      });
    expect(await refusedWith('ocpp2.0.1', basic)).toBe(400);
    await waitForLog((l) => l.msg === 'charge point refused at handshake: no supported subprotocol' && l.identity === identity);
    expect(await refusedWith('ocpp1.6', { authorization: `Basic ${Buffer.from(`${identity}:wrong`).toString('base64')}` })).toBe(401);
    await waitForLog((l) => l.msg === 'charge point refused at handshake' && l.identity === identity);

    const ws = new WebSocket(`ws://127.0.0.1:${port}/ocpp/${identity}`, 'ocpp1.6', { headers: basic });
    await new Promise((r) => ws.once('open', r));
    await waitForLog((l) => l.msg === 'charge point connected' && l.identity === identity && l.protocol === 'ocpp1.6');
    ws.send('this is not OCPP');
    await waitForLog((l) => l.msg === 'OCPP frame refused' && l.identity === identity);
    ws.send(JSON.stringify([2, 'v1', 'StatusNotification', { connectorId: 'one', errorCode: 'NoError', status: 'Available' }]));
    await waitForLog((l) => l.msg === 'OCPP message failed schema validation' && l.action === 'StatusNotification');
    ws.close(1000, 'bye');
    await waitForLog((l) => l.msg === 'charge point disconnected' && l.identity === identity && l.code === 1000);
    // No secret reaches the log.
    expect(platform.output()).not.toContain(PASSWORD);
  });

  it('refuses NUL in any string with a schema-level CALLERROR, stores the frame safely, and every network’s log keeps working', async () => {
    const [a, b] = chargePoints as [{ id: string; identity: string }, { id: string; identity: string }];
    const client = new RPCClient({
      endpoint: `ws://127.0.0.1:${port}/ocpp`,
      identity: a.identity,
      password: PASSWORD,
      protocols: ['ocpp1.6'],
      strictMode: true,
    });
    await client.connect();
    const refusal = (call: Promise<unknown>) =>
      call.then(
        () => undefined,
        (err: Error & { rpcErrorCode?: string }) => err,
      );
    const data = await refusal(client.call('DataTransfer', { vendorId: 'x', data: 'a\u0000b' }));
    expect(data?.rpcErrorCode).toBe('PropertyConstraintViolation');
    expect(data?.message).toBe('DataTransfer.data must not contain NUL characters');
    expect((await refusal(client.call('Authorize', { idTag: 'TAG\u0000' })))?.rpcErrorCode).toBe('PropertyConstraintViolation');
    expect(await client.call('Heartbeat', {})).toHaveProperty('currentTime');
    await client.close();

    const log = await api(platform.url, `/v1/charge-points/${a.id}/messages?limit=50`, { token: staff[0] });
    expect(log.status).toBe(200);
    const frames = log.body.data.map((m: { frame: unknown }) => m.frame);
    expect(frames).toContainEqual({ unstorable: 'NUL character', text: expect.stringContaining('"data":"a\\u0000b"') });
    expect(frames.some((f: unknown[]) => Array.isArray(f) && f[2] === 'Heartbeat')).toBe(true);
    expect((await api(platform.url, `/v1/charge-points/${b.id}/messages`, { token: staff[1] })).status).toBe(200);
  });

  it('serves Prometheus metrics of what it just did', async () => {
    const res = await fetch(`${platform.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const value = (line: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(line))
          ?.slice(line.length)
          .trim(),
      );
    expect(value('voltshare_ocpp_messages_total{action="Heartbeat",result="ok"}')).toBeGreaterThanOrEqual(1);
    expect(value('voltshare_ocpp_messages_total{action="DataTransfer",result="PropertyConstraintViolation"}')).toBe(1);
    expect(value('voltshare_ocpp_messages_total{action="StatusNotification",result="TypeConstraintViolation"}')).toBe(1);
    expect(value('voltshare_ocpp_refused_handshakes_total{reason="subprotocol"}')).toBe(1);
    expect(value('voltshare_ocpp_refused_handshakes_total{reason="unauthorized"}')).toBe(1);
    expect(value('voltshare_ocpp_bad_frames_total')).toBe(1);
    expect(value('voltshare_ocpp_connections')).toBe(0);
    expect(value('voltshare_message_log_queued')).toBe(0);
    expect(value('voltshare_message_log_dropped{reason="overflow"}')).toBe(0);
    expect(value('voltshare_backlog_lag_seconds{queue="jobs"}')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('voltshare_http_request_duration_seconds_count{method="GET",route="/v1/charge-points/:charge_point_id/messages",status="200"} 2');
    // Every metric the Grafana dashboard in infra/ plots is one this process exports.
    const dashboard = readFileSync(new URL('../../infra/grafana-dashboard.json', import.meta.url), 'utf8');
    const plotted = new Set([...dashboard.matchAll(/voltshare_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, '')));
    expect(plotted.size).toBeGreaterThanOrEqual(8);
    for (const name of plotted) expect(text, name).toContain(`# TYPE ${name} `);
  });
});
