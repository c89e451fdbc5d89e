import { Readable } from 'node:stream';
import type { Archiver } from 'archiver';
import { stringify } from 'csv-stringify/sync';
import { sql } from 'kysely';
import type { Scopes, Tx } from '../db/tenancy.js';

const PAGE = 1_000;

type Row = Record<string, unknown>;

/**
 * Every row of a keyset-paged query, one page at a time (never the whole table in memory):
 * `page(tx, after)` returns up to PAGE rows ordered by `key`, after the key given.
 */
async function* paged(scopes: Scopes, page: (tx: Tx, after: string | undefined) => Promise<Row[]>, key = 'id'): AsyncGenerator<Row> {
  let after: string | undefined;
  for (;;) {
    const rows = await scopes.system((tx) => page(tx, after));
    for (const row of rows) yield row;
    if (rows.length < PAGE) return;
    after = String(rows.at(-1)?.[key]);
  }
}

/** The readings of the person's sessions, a page of sessions at a time. */
async function* meterReadings(scopes: Scopes, userId: string): AsyncGenerator<Row> {
  let after: string | undefined;
  for (;;) {
    const sessions = await scopes.system((tx) =>
      tx
        .selectFrom('charging_sessions')
        .select(['id', 'tenant_id'])
        .where('driver_id', '=', userId)
        .$if(after !== undefined, (q) => q.where('id', '>', after as string))
        .orderBy('id')
        .limit(PAGE)
        .execute(),
    );
    if (!sessions.length) return;
    const readings = await scopes.system((tx) =>
      tx
        .selectFrom('meter_samples')
        .select(['session_id', 'at', 'energy_wh', 'power_w'])
        // By the primary key (tenant, session, time): a driver's sessions span networks.
        .where('tenant_id', 'in', [...new Set(sessions.map((r) => r.tenant_id))])
        .where(
          'session_id',
          'in',
          sessions.map((r) => r.id),
        )
        .orderBy('session_id')
        .orderBy('at')
        .execute(),
    );
    for (const r of readings) yield r;
    if (sessions.length < PAGE) return;
    after = sessions.at(-1)?.id;
  }
}

const cell = (v: unknown) => (v instanceof Date ? v.toISOString() : v !== null && typeof v === 'object' ? JSON.stringify(v) : v);

/**
 * A CSV file inside the archive, streamed from the rows as the archive asks for them, a
 * thousand rows to a chunk (row-sized chunks would make the compressor crawl).
 */
function csvEntry(archive: Archiver, name: string, columns: string[], rows: AsyncIterable<Row>): void {
  const source = Readable.from(
    (async function* () {
      let batch: unknown[][] = [];
      let header = true;
      const flush = () => {
        const text = stringify(batch, { header, columns });
        header = false;
        batch = [];
        return Buffer.from(text);
      };
      for await (const row of rows) {
        batch.push(columns.map((c) => cell(row[c])));
        if (batch.length >= PAGE) yield flush();
      }
      yield flush();
    })(),
    { objectMode: false },
  );
  archive.append(source, { name });
}

async function all(rows: AsyncIterable<Row>): Promise<Row[]> {
  const out: Row[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

const json = (value: unknown) => `${JSON.stringify(value, (_k, v) => (v instanceof Date ? v.toISOString() : v), 2)}\n`;

/**
 * A person's data across every network, as GDPR access and portability ask: profile, id tags,
 * sessions with their meter readings, bookings, payments and wallet movements, reviews,
 * check-ins, tickets with the conversation (never staff's internal notes), logins, and the audit
 * entries about them. The large tables stream in pages; only small ones are read whole.
 * Reads other modules' tables, writes none.
 */
export async function writeDriverArchive(scopes: Scopes, userId: string, archive: Archiver, now = new Date()): Promise<void> {
  const profile = await scopes.system(async (tx) => ({
    account: await tx
      .selectFrom('users')
      .select(['id', 'email', 'name', 'locale', 'created_at', 'email_verified_at'])
      .where('id', '=', userId)
      .executeTakeFirst(),
    driver: await tx
      .selectFrom('drivers')
      .select(['preferences', 'terms_version', 'terms_accepted_at', 'created_at'])
      .where('user_id', '=', userId)
      .executeTakeFirst(),
    memberships: await tx
      .selectFrom('memberships')
      .innerJoin('networks', 'networks.id', 'memberships.tenant_id')
      .select(['networks.name as network', 'memberships.role', 'memberships.created_at'])
      .where('memberships.user_id', '=', userId)
      .execute(),
    community_profile: await tx.selectFrom('community_profiles').selectAll().where('driver_id', '=', userId).executeTakeFirst(),
  }));
  archive.append(
    json({
      exported_at: now,
      about: 'Everything Voltshare holds about you, across every charging network you used. CSV files open in any spreadsheet.',
      ...profile,
    }),
    { name: 'profile.json' },
  );

  const byDriver = (table: 'charging_sessions' | 'reservations' | 'payments') => (tx: Tx, after: string | undefined) =>
    tx
      .selectFrom(table)
      .selectAll()
      .where('driver_id', '=', userId)
      .$if(after !== undefined, (q) => q.where('id', '>', after as string))
      .orderBy('id')
      .limit(PAGE)
      .execute() as Promise<Row[]>;

  csvEntry(
    archive,
    'id-tags.csv',
    ['id_tag', 'token_type', 'status', 'expires_at', 'created_at'],
    paged(scopes, (tx) => tx.selectFrom('id_tags').selectAll().where('driver_id', '=', userId).orderBy('id_tag').execute() as Promise<Row[]>, 'id_tag'),
  );
  csvEntry(
    archive,
    'sessions.csv',
    [
      'id',
      'tenant_id',
      'status',
      'started_at',
      'stopped_at',
      'evse_uid',
      'charge_point_id',
      'id_tag',
      'meter_start_wh',
      'meter_stop_wh',
      'stop_reason',
      'cost',
      'departure_at',
      'energy_wanted_wh',
    ],
    paged(scopes, byDriver('charging_sessions')),
  );
  csvEntry(archive, 'meter-readings.csv', ['session_id', 'at', 'energy_wh', 'power_w'], meterReadings(scopes, userId));
  csvEntry(
    archive,
    'bookings.csv',
    ['id', 'tenant_id', 'location_id', 'evse_uid', 'status', 'start', 'end', 'created_at'],
    paged(scopes, byDriver('reservations')),
  );
  csvEntry(
    archive,
    'payments.csv',
    ['id', 'tenant_id', 'session_id', 'provider', 'status', 'currency', 'hold_amount', 'captured_amount', 'refunded_amount', 'created_at'],
    paged(scopes, byDriver('payments')),
  );
  csvEntry(
    archive,
    'wallet.csv',
    ['created_at', 'currency', 'amount', 'kind', 'reference'],
    paged(
      scopes,
      (tx, after) =>
        tx
          .selectFrom('ledger_entries')
          .select(['id', 'created_at', 'currency', 'amount', 'kind', 'reference'])
          .where('account', '=', `wallet:${userId}`)
          .$if(after !== undefined, (q) => q.where('id', '>', Number(after)))
          .orderBy('id')
          .limit(PAGE)
          .execute() as Promise<Row[]>,
    ),
  );

  const small = await scopes.system(async (tx) => ({
    reviews: await tx.selectFrom('reviews').selectAll().where('driver_id', '=', userId).orderBy('created_at').execute(),
    check_ins: await tx.selectFrom('community_checkins').selectAll().where('driver_id', '=', userId).orderBy('created_at').execute(),
    posts: await tx.selectFrom('community_posts').selectAll().where('driver_id', '=', userId).orderBy('created_at').execute(),
    tickets: await tx.selectFrom('support_tickets').selectAll().where('driver_id', '=', userId).orderBy('created_at').execute(),
    consents: await tx
      .selectFrom('consents')
      .select(['purpose', 'partner_id', 'granted', 'text_version', 'language', 'text_shown', 'at'])
      .where('user_id', '=', userId)
      .orderBy('at')
      .execute(),
    logins: await tx
      .selectFrom('refresh_tokens')
      .select(['family_id', 'device', 'created_at', 'revoked_at'])
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute(),
  }));
  const ticketIds = small.tickets.map((t) => t.id);
  const messages = ticketIds.length
    ? await scopes.system((tx) =>
        tx
          .selectFrom('support_messages')
          .select(['ticket_id', 'author', 'body', 'created_at'])
          .where('ticket_id', 'in', ticketIds)
          // Staff's internal notes are about the case, not shared with the driver.
          .where('internal', '=', false)
          .orderBy('created_at')
          .execute(),
      )
    : [];
  archive.append(json(small.reviews), { name: 'reviews.json' });
  archive.append(json({ check_ins: small.check_ins, tips_and_questions: small.posts }), { name: 'community.json' });
  archive.append(json(small.tickets.map((t) => ({ ...t, messages: messages.filter((m) => m.ticket_id === t.id) }))), { name: 'support-tickets.json' });
  archive.append(json(small.logins), { name: 'logins.json' });
  archive.append(json(small.consents), { name: 'consents.json' });
  // What staff did about this person or their sessions, bookings and tickets.
  const audit = await all(
    paged(
      scopes,
      (tx, after) =>
        tx
          .selectFrom('audit_events')
          .select(['id', 'tenant_id', 'actor_user_id', 'action', 'subject_type', 'subject_id', 'outcome', 'at'])
          .where((eb) =>
            eb.or([
              eb('subject_id', '=', userId),
              eb('subject_id', 'in', eb.selectFrom('charging_sessions').select('id').where('driver_id', '=', userId)),
              eb('subject_id', 'in', eb.selectFrom('support_tickets').select('id').where('driver_id', '=', userId)),
              eb('subject_id', 'in', eb.selectFrom('reservations').select('id').where('driver_id', '=', userId)),
              // Staff reading a session or a list that held this person's data.
              sql<boolean>`detail -> 'drivers' ? ${userId}`,
            ]),
          )
          .$if(after !== undefined, (q) => q.where('id', '>', after as string))
          .orderBy('id')
          .limit(PAGE)
          .execute() as Promise<Row[]>,
    ),
  );
  archive.append(json(audit), { name: 'audit-entries.json' });
}
