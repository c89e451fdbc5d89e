import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../../db/rls.js';

/**
 * The drivers' community at each station: check-ins (verified when tied to the driver's own
 * session), tips, questions and answers with helpful votes, photos, follows, abuse reports and
 * moderators' sanctions — all stored with the station's network, which moderates them — plus the
 * reliability score per station and EVSE. Pseudonymous profiles and platform moderators belong
 * to no network.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const visibility = `status text not null default 'VISIBLE' check (status in ('VISIBLE', 'HELD', 'HIDDEN')),
      hold_reason text`;
  await sql`
    create table community_checkins (
      tenant_id text not null references networks (id),
      id text not null,
      location_id text not null,
      evse_uid text,
      driver_id text not null references users (id),
      session_id text,
      outcome text not null check (outcome in ('CHARGED', 'COULD_NOT_CHARGE', 'WAITING', 'BLOCKED')),
      vehicle_model text,
      power_kw numeric(6, 1) check (power_kw > 0),
      comment text,
      ${sql.raw(visibility)},
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, location_id) references locations (tenant_id, id),
      foreign key (tenant_id, evse_uid) references evses (tenant_id, id),
      foreign key (tenant_id, session_id) references charging_sessions (tenant_id, id)
    )`.execute(db);
  // One check-in per session; without a session, one per driver, station and hour (a double tap).
  await sql`create unique index community_checkins_session on community_checkins (tenant_id, session_id) where session_id is not null`.execute(db);
  await sql`create index community_checkins_location on community_checkins (tenant_id, location_id, created_at desc)`.execute(db);
  await sql`create index community_checkins_driver on community_checkins (driver_id, created_at desc)`.execute(db);
  await sql`
    create table community_checkin_edits (
      tenant_id text not null references networks (id),
      id text not null,
      checkin_id text not null,
      outcome text not null,
      vehicle_model text,
      power_kw numeric(6, 1),
      comment text,
      edited_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, checkin_id) references community_checkins (tenant_id, id)
    )`.execute(db);
  await sql`
    create table community_posts (
      tenant_id text not null references networks (id),
      id text not null,
      location_id text not null,
      kind text not null check (kind in ('TIP', 'QUESTION', 'ANSWER')),
      parent_id text,
      driver_id text references users (id),
      staff_user_id text references users (id),
      official boolean not null default false,
      body text not null check (length(body) between 1 and 1000),
      helpful_count integer not null default 0,
      ${sql.raw(visibility)},
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, location_id) references locations (tenant_id, id),
      foreign key (tenant_id, parent_id) references community_posts (tenant_id, id),
      check ((kind = 'ANSWER') = (parent_id is not null)),
      check ((driver_id is null) <> (staff_user_id is null))
    )`.execute(db);
  await sql`create index community_posts_location on community_posts (tenant_id, location_id, created_at desc)`.execute(db);
  await sql`create index community_posts_parent on community_posts (tenant_id, parent_id) where parent_id is not null`.execute(db);
  await sql`
    create table community_votes (
      tenant_id text not null references networks (id),
      post_id text not null,
      driver_id text not null references users (id),
      created_at timestamptz not null default now(),
      primary key (tenant_id, post_id, driver_id),
      foreign key (tenant_id, post_id) references community_posts (tenant_id, id)
    )`.execute(db);
  await sql`
    create table community_photos (
      tenant_id text not null references networks (id),
      id text not null,
      location_id text not null,
      driver_id text not null references users (id),
      subject text not null check (subject in ('SPOT', 'CHARGER', 'SIGNAGE', 'OTHER')),
      caption text,
      width integer not null check (width > 0),
      height integer not null check (height > 0),
      size_bytes integer not null check (size_bytes > 0),
      thumb_bytes integer not null check (thumb_bytes > 0),
      ${sql.raw(visibility)},
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, location_id) references locations (tenant_id, id)
    )`.execute(db);
  await sql`create index community_photos_location on community_photos (tenant_id, location_id, created_at desc)`.execute(db);
  await sql`
    create table community_follows (
      tenant_id text not null references networks (id),
      location_id text not null,
      driver_id text not null references users (id),
      created_at timestamptz not null default now(),
      -- "Free again" at most once an hour per follower.
      free_notified_at timestamptz,
      primary key (tenant_id, location_id, driver_id),
      foreign key (tenant_id, location_id) references locations (tenant_id, id)
    )`.execute(db);
  await sql`create index community_follows_driver on community_follows (driver_id)`.execute(db);
  await sql`
    create table community_reports (
      tenant_id text not null references networks (id),
      id text not null,
      target_type text not null check (target_type in ('checkin', 'post', 'photo', 'review')),
      target_id text not null,
      location_id text not null,
      reporter_driver_id text references users (id),
      reason text not null check (reason in ('SPAM', 'ABUSE', 'PERSONAL_DATA', 'OFF_TOPIC', 'WRONG', 'AUTOMATIC')),
      note text,
      status text not null default 'OPEN' check (status in ('OPEN', 'ACTIONED', 'DISMISSED')),
      resolved_by text references users (id),
      resolved_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`.execute(db);
  // One open report per reporter and contribution: reporting twice does not count twice.
  await sql`create unique index community_reports_once on community_reports (tenant_id, target_type, target_id, reporter_driver_id) where status = 'OPEN'`.execute(
    db,
  );
  await sql`create index community_reports_queue on community_reports (tenant_id, status, created_at)`.execute(db);
  await sql`
    create table community_sanctions (
      tenant_id text not null references networks (id),
      id text not null,
      driver_id text not null references users (id),
      kind text not null check (kind in ('WARN', 'SUSPEND')),
      reason text not null,
      until timestamptz,
      by_user_id text references users (id),
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`.execute(db);
  await sql`create index community_sanctions_driver on community_sanctions (tenant_id, driver_id, created_at desc)`.execute(db);
  await sql`
    create table community_reliability (
      tenant_id text not null references networks (id),
      location_id text not null,
      -- '' for the station as a whole.
      evse_uid text not null default '',
      score numeric(3, 1) check (score between 0 and 10),
      sessions integer not null,
      failed_sessions integer not null,
      check_ins integer not null,
      uptime_percent numeric(5, 2),
      computed_at timestamptz not null,
      primary key (tenant_id, location_id, evse_uid)
    )`.execute(db);
  await enableTenantIsolation(db, [
    'community_checkins',
    'community_checkin_edits',
    'community_posts',
    'community_votes',
    'community_photos',
    'community_follows',
    'community_reports',
    'community_sanctions',
    'community_reliability',
  ]);
  // A driver's public face: a pseudonym (never the email) and a vehicle, the same on every network.
  await sql`
    create table community_profiles (
      driver_id text primary key references users (id),
      pseudonym text not null,
      vehicle_model text,
      -- Set by a platform moderator: no contributions anywhere until then.
      suspended_until timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index community_profiles_pseudonym on community_profiles (lower(pseudonym))`.execute(db);
  // Platform moderators see every network's contributions; added by the operators of the platform (CLI).
  await sql`
    create table community_moderators (
      user_id text primary key references users (id),
      added_at timestamptz not null default now()
    )`.execute(db);
  // The app role makes a driver's pseudonym on first contribution (in the station network's transaction); changes go through the platform's scope.
  await sql`grant select, insert on community_profiles to voltshare_app`.execute(db);
  await sql`grant select on community_moderators to voltshare_app`.execute(db);
}
