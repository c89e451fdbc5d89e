import { type Kysely, sql } from 'kysely';

/**
 * Prepaid wallets on a double-entry ledger: every transaction is entries that sum to zero per
 * currency (checked by the database at commit), and a balance is always a sum of entries.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table ledger_entries (
      id bigint generated always as identity primary key,
      transaction_id text not null,
      account text not null,
      currency char(3) not null,
      amount bigint not null check (amount <> 0),
      kind text not null,
      reference text,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index ledger_entries_account_idx on ledger_entries (account, currency)`.execute(db);
  await sql`create index ledger_entries_tx_idx on ledger_entries (transaction_id)`.execute(db);
  // One posting per business event: a replayed webhook or job cannot post twice.
  await sql`create unique index ledger_entries_once_idx on ledger_entries (kind, reference, account) where reference is not null`.execute(db);
  await sql`
    create function ledger_balanced() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from ledger_entries where transaction_id = new.transaction_id group by currency having sum(amount) <> 0) then
        raise exception 'ledger transaction % does not balance', new.transaction_id using errcode = '23514';
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create constraint trigger ledger_entries_balanced after insert on ledger_entries
      deferrable initially deferred for each row execute function ledger_balanced()`.execute(db);
  // Entries are facts: never changed, never removed.
  await sql`
    create function ledger_append_only() returns trigger language plpgsql as $$
    begin raise exception 'ledger entries cannot be changed or deleted'; end $$`.execute(db);
  await sql`create trigger ledger_entries_append_only before update or delete on ledger_entries for each row execute function ledger_append_only()`.execute(db);

  await sql`
    create table wallets (
      driver_id text primary key references drivers (user_id),
      currency char(3) not null,
      pay_sessions_from_wallet boolean not null default false,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table wallet_top_ups (
      id text primary key,
      driver_id text not null references wallets (driver_id),
      amount bigint not null check (amount > 0),
      currency char(3) not null,
      provider text not null,
      intent_id text unique,
      status text not null check (status in ('pending', 'succeeded', 'failed')),
      failure_code text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
}
