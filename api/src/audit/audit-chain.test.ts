import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, bearer, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp } from '../test/harness.js';
import { canonicalJson } from './chain.js';

describe('canonical JSON for the audit hashes', () => {
  it('sorts keys at every depth and drops undefined, so jsonb’s own key order does not matter', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, e: undefined })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });
});

describe.each(backends())('the tamper-evident audit trail on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let other: SignedUpNetwork;
  const entry = (n: number) => ({
    action: 'session.refund',
    subjectType: 'session',
    subjectId: `ses_${n}`,
    outcome: 'done' as const,
    detail: { amount: n * 100, reason: `ré ${n}`, nested: { z: 1, a: [n] } },
  });

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'Audited Network');
    other = await signUpNetwork(t.http, 'Other Audited Network');
  });
  afterAll(() => t.close());

  it('chains every entry to the one before, also when staff act at the same moment', async () => {
    for (let n = 1; n <= 3; n++) await t.services.audit.record(net.networkId, entry(n));
    await Promise.all(Array.from({ length: 10 }, (_, i) => t.services.audit.record(net.networkId, entry(10 + i))));
    await t.services.audit.record(other.networkId, entry(99));
    const check = await t.http.get('/v1/audit-events/verification').set(bearer(net.accessToken)).expect(200);
    expect(check.body).toEqual({ intact: true, entries_checked: 13, broken_at: null });
    const { rows } = await sql<{ seq: string }>`select seq from audit_events where tenant_id = ${net.networkId} order by seq`.execute(t.services.database.db);
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
  });

  it('an entry edited in the database itself breaks the chain there, and only that network’s', async () => {
    // What someone with database access (not the app, which may not update) could do.
    await sql`update audit_events set detail = jsonb_set(detail, '{amount}', '1') where tenant_id = ${net.networkId} and seq = 2`.execute(
      t.services.database.db,
    );
    const check = await t.services.audit.verify(net.networkId);
    expect(check).toMatchObject({ intact: false, entries_checked: 1, broken_at: { seq: 2, reason: 'edited' } });
    expect((await t.services.audit.verify(other.networkId)).intact).toBe(true);
  });

  it('an entry removed, or rewritten with a fresh hash, is found too', async () => {
    const third = await signUpNetwork(t.http, 'Third Audited Network');
    for (let n = 1; n <= 4; n++) await t.services.audit.record(third.networkId, entry(n));
    await sql`delete from audit_events where tenant_id = ${third.networkId} and seq = 3`.execute(t.services.database.db);
    expect(await t.services.audit.verify(third.networkId)).toMatchObject({
      intact: false,
      entries_checked: 2,
      broken_at: { seq: 3, entry_id: null, reason: 'missing' },
    });

    const fourth = await signUpNetwork(t.http, 'Fourth Audited Network');
    for (let n = 1; n <= 3; n++) await t.services.audit.record(fourth.networkId, entry(n));
    // Edit entry 2 and give it a hash that matches its new content: entry 3 no longer follows it.
    await sql`update audit_events set detail = '{}', hash = repeat('f', 64) where tenant_id = ${fourth.networkId} and seq = 2`.execute(t.services.database.db);
    expect((await t.services.audit.verify(fourth.networkId)).broken_at).toMatchObject({ seq: 2, reason: 'edited' });
  });
});
