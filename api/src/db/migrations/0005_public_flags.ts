import { type Kysely, sql } from 'kysely';

/**
 * Public reads checked a function per row (connector → EVSE → location → network), which made
 * every discovery request pay for hundreds of calls. Publicness is now a column kept by
 * triggers: it changes only when a location's publish/status or a network's sharing changes,
 * and the public_read policies become a plain column test.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['locations', 'evses', 'connectors']) {
    await sql`alter table ${sql.table(table)} add column is_public boolean not null default false`.execute(db);
  }
  await sql`
    create function network_shares(t text) returns boolean
    language sql stable security definer set search_path = public as $$
      select coalesce((select public_sharing from networks where id = t), false)
    $$`.execute(db);
  await sql`
    create function set_location_public() returns trigger
    language plpgsql security definer set search_path = public as $$
    begin
      new.is_public := new.publish and new.status = 'ACTIVE' and network_shares(new.tenant_id);
      return new;
    end $$`.execute(db);
  await sql`
    create function cascade_location_public() returns trigger
    language plpgsql security definer set search_path = public as $$
    begin
      update evses set is_public = new.is_public where tenant_id = new.tenant_id and location_id = new.id and is_public <> new.is_public;
      update connectors c set is_public = new.is_public from evses e
       where c.tenant_id = new.tenant_id and e.tenant_id = new.tenant_id and e.location_id = new.id and c.evse_id = e.id and c.is_public <> new.is_public;
      return null;
    end $$`.execute(db);
  await sql`
    create function set_evse_public() returns trigger
    language plpgsql security definer set search_path = public as $$
    begin
      new.is_public := coalesce((select is_public from locations where tenant_id = new.tenant_id and id = new.location_id), false);
      return new;
    end $$`.execute(db);
  await sql`
    create function set_connector_public() returns trigger
    language plpgsql security definer set search_path = public as $$
    begin
      new.is_public := coalesce((select is_public from evses where tenant_id = new.tenant_id and id = new.evse_id), false);
      return new;
    end $$`.execute(db);
  await sql`
    create function cascade_network_sharing() returns trigger
    language plpgsql security definer set search_path = public as $$
    begin
      update locations set is_public = (publish and status = 'ACTIVE' and new.public_sharing) where tenant_id = new.id;
      return null;
    end $$`.execute(db);

  await sql`create trigger location_public before insert or update of publish, status, is_public on locations for each row execute function set_location_public()`.execute(
    db,
  );
  await sql`create trigger location_public_cascade after update of is_public on locations for each row when (old.is_public is distinct from new.is_public) execute function cascade_location_public()`.execute(
    db,
  );
  await sql`create trigger evse_public before insert or update of location_id on evses for each row execute function set_evse_public()`.execute(db);
  await sql`create trigger connector_public before insert or update of evse_id on connectors for each row execute function set_connector_public()`.execute(db);
  await sql`create trigger network_sharing after update of public_sharing on networks for each row when (old.public_sharing is distinct from new.public_sharing) execute function cascade_network_sharing()`.execute(
    db,
  );

  // Existing rows.
  await sql`update locations set is_public = true where publish and status = 'ACTIVE'`.execute(db);

  const isPublic = sql`current_setting('app.public_read', true) = 'on'`;
  for (const table of ['locations', 'evses', 'connectors']) {
    await sql`drop policy public_read on ${sql.table(table)}`.execute(db);
    await sql`create policy public_read on ${sql.table(table)} for select using (${isPublic} and is_public)`.execute(db);
  }
}
