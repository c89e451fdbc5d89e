import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../rls.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists btree_gist`.execute(db);
  await sql`create extension if not exists cube`.execute(db);
  await sql`create extension if not exists earthdistance`.execute(db);

  // The role every tenant-scoped transaction switches to: not a superuser and not the tables'
  // owner, so row-level security applies to it. Roles are cluster-wide, hence "if not exists".
  await sql`
    do $$ begin
      if not exists (select from pg_roles where rolname = 'voltshare_app') then
        create role voltshare_app nologin;
      end if;
    end $$`.execute(db);
  await sql`grant voltshare_app to current_user`.execute(db);
  await sql`grant usage on schema public to voltshare_app`.execute(db);

  await sql`
    create table networks (
      id text primary key,
      tenant_id text not null generated always as (id) stored,
      name text not null check (length(name) between 1 and 200),
      slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
      country char(2) not null check (country ~ '^[A-Z]{2}$'),
      currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
      public_sharing boolean not null default true,
      is_demo boolean not null default false,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table users (
      id text primary key,
      email text not null check (email = lower(email) and position('@' in email) > 1),
      name text not null,
      password_hash text not null,
      locale text not null default 'en',
      created_at timestamptz not null default now(),
      disabled_at timestamptz
    )`.execute(db);
  await sql`create unique index users_email_key on users (email)`.execute(db);

  await sql`
    create table drivers (
      user_id text primary key references users (id),
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table memberships (
      tenant_id text not null references networks (id),
      user_id text not null references users (id),
      role text not null check (role in ('owner', 'admin', 'operator', 'support', 'viewer')),
      created_at timestamptz not null default now(),
      primary key (tenant_id, user_id)
    )`.execute(db);
  await sql`create index memberships_user_idx on memberships (user_id)`.execute(db);

  await sql`
    create table invitations (
      tenant_id text not null references networks (id),
      id text not null,
      email text not null,
      role text not null check (role in ('owner', 'admin', 'operator', 'support', 'viewer')),
      token_hash text not null unique,
      invited_by text not null references users (id),
      expires_at timestamptz not null,
      accepted_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`.execute(db);

  await sql`
    create table partners (
      id text primary key,
      name text not null,
      kind text not null check (kind in ('automaker', 'city', 'utility')),
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table api_keys (
      id text primary key,
      tenant_id text references networks (id),
      partner_id text references partners (id),
      kind text not null check (kind in ('secret', 'publishable')),
      name text not null,
      prefix text not null,
      key_hash text not null unique,
      scopes text[] not null default '{}',
      allowed_origins text[] not null default '{}',
      created_by text references users (id),
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz,
      check ((tenant_id is null) <> (partner_id is null))
    )`.execute(db);
  await sql`create index api_keys_tenant_idx on api_keys (tenant_id, id)`.execute(db);

  await sql`
    create table refresh_tokens (
      id text primary key,
      user_id text not null references users (id),
      family_id text not null,
      tenant_id text references networks (id),
      token_hash text not null unique,
      expires_at timestamptz not null,
      rotated_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index refresh_tokens_family_idx on refresh_tokens (family_id)`.execute(db);

  await sql`
    create table idempotency_keys (
      scope text not null,
      key text not null,
      request_hash text not null,
      status integer,
      response jsonb,
      created_at timestamptz not null default now(),
      primary key (scope, key)
    )`.execute(db);

  await enableTenantIsolation(db, ['networks', 'memberships', 'invitations', 'api_keys']);
}
