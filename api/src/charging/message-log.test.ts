import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scopes } from '../db/tenancy.js';
import { type Backend, backends, signUpNetwork, startTestApp, type TestApp } from '../test/harness.js';
import { MessageLog } from './message-log.js';

const silent = pino({ level: 'silent' });

describe.each(backends())('OCPP message log on %s', (backend: Backend) => {
  let t: TestApp;
  let a: string;
  let b: string;
  beforeAll(async () => {
    t = await startTestApp(backend);
    a = (await signUpNetwork(t.http, 'Log A')).networkId;
    b = (await signUpNetwork(t.http, 'Log B')).networkId;
  });
  afterAll(() => t.close());

  const count = async (tenantId: string, chargePointId: string) =>
    Number(
      (
        await t.services.database.db
          .selectFrom('ocpp_messages')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('tenant_id', '=', tenantId)
          .where('charge_point_id', '=', chargePointId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('writes a burst far past PostgreSQL’s bind-parameter limit in one flush', async () => {
    const log = new MessageLog(t.services.scopes, silent);
    for (let i = 0; i < 20_000; i++) log.append(a, 'cp_burst', 'in', [2, `m${i}`, 'Heartbeat', {}]);
    await log.flush();
    expect(await count(a, 'cp_burst')).toBe(20_000);
    expect(log.stats()).toMatchObject({ queued: 0, stored: 20_000, dropped: { overflow: 0, unstorable: 0 } });
  });

  it('stores a frame PostgreSQL cannot take as JSON as its text, without touching the frames beside it or another network’s', async () => {
    const log = new MessageLog(t.services.scopes, silent);
    log.append(a, 'cp_nul', 'in', [2, '1', 'Heartbeat', {}]);
    log.append(a, 'cp_nul', 'in', [2, '2', 'DataTransfer', { vendorId: 'x', data: 'a\u0000b' }]);
    log.append(a, 'cp_nul', 'in', [2, '3', 'DataTransfer', { vendorId: 'x', data: 'lone \ud800 surrogate' }]);
    log.append(b, 'cp_other', 'in', [2, '4', 'Heartbeat', {}]);
    log.append(a, 'cp_nul', 'in', [2, '5', 'Heartbeat', {}]);
    await log.flush();
    const rows = await t.services.database.db
      .selectFrom('ocpp_messages')
      .select('frame')
      .where('tenant_id', '=', a)
      .where('charge_point_id', '=', 'cp_nul')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.frame)).toEqual([
      [2, '1', 'Heartbeat', {}],
      { unstorable: 'NUL character', text: '[2,"2","DataTransfer",{"vendorId":"x","data":"a\\u0000b"}]' },
      // PostgreSQL's jsonb refuses a lone surrogate too; it is kept the same way.
      expect.objectContaining({ unstorable: 'not storable as JSON' }),
      [2, '5', 'Heartbeat', {}],
    ]);
    expect(await count(b, 'cp_other')).toBe(1);
    expect(log.stats()).toMatchObject({ queued: 0, stored: 5, storedAsText: 2, dropped: { unstorable: 0 } });
    // The log goes on writing afterwards.
    log.append(a, 'cp_nul', 'in', [2, '6', 'Heartbeat', {}]);
    await log.flush();
    expect(await count(a, 'cp_nul')).toBe(5);
  });

  it('keeps frames while the database is away, bounded (oldest dropped and counted), and writes them when it is back', async () => {
    let away = true;
    const unreachable = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' });
    const real = t.services.scopes;
    const flaky = Object.create(Scopes.prototype) as Scopes;
    flaky.tenant = ((tenantId: string, work: never) => (away ? Promise.reject(unreachable) : real.tenant(tenantId, work))) as Scopes['tenant'];
    const log = new MessageLog(flaky, silent, { maxQueued: 1_000, flushEveryMs: 5, maxBackoffMs: 20 });
    for (let i = 0; i < 1_500; i++) log.append(a, 'cp_outage', 'in', [2, `o${i}`, 'Heartbeat', {}]);
    await expect(log.flush()).rejects.toThrow(/ECONNREFUSED/);
    const held = log.stats();
    expect(held.queued).toBeLessThanOrEqual(1_000);
    expect(held.queued + held.dropped.overflow).toBe(1_500);
    // The queue keeps the newest frames.
    away = false;
    await new Promise((resolve) => setTimeout(resolve, 200)); // the backoff timer retries by itself
    expect(log.stats().queued).toBe(0);
    expect(await count(a, 'cp_outage')).toBe(held.queued);
    const newest = await t.services.database.db
      .selectFrom('ocpp_messages')
      .select('frame')
      .where('tenant_id', '=', a)
      .where('charge_point_id', '=', 'cp_outage')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(newest.frame).toEqual([2, 'o1499', 'Heartbeat', {}]);
  });
});
