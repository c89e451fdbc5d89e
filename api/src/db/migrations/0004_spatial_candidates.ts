import { type Kysely, sql } from 'kysely';

/**
 * Row-level security evaluates its policies before any non-leakproof condition, and the cube
 * operator behind earthdistance is not leakproof, so a search under RLS cannot use the GiST
 * index. These functions run as the owner, use the index, and return only keys and distances
 * of active locations; the caller joins them back to `locations` under RLS, which decides what
 * is visible.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function locations_within(lat float8, lng float8, radius_m float8)
    returns table (tenant_id text, id text, distance_m float8)
    language sql stable security definer set search_path = public rows 200 as $$
      select l.tenant_id, l.id, earth_distance(ll_to_earth(l.latitude, l.longitude), ll_to_earth($1, $2))
      from locations l
      where earth_box(ll_to_earth($1, $2), $3) @> ll_to_earth(l.latitude, l.longitude)
        and earth_distance(ll_to_earth(l.latitude, l.longitude), ll_to_earth($1, $2)) <= $3
        and l.status = 'ACTIVE'
    $$`.execute(db);
  await sql`
    create function locations_in_box(min_lng float8, min_lat float8, max_lng float8, max_lat float8)
    returns table (tenant_id text, id text, distance_m float8)
    language sql stable security definer set search_path = public rows 500 as $$
      select l.tenant_id, l.id,
             earth_distance(ll_to_earth(l.latitude, l.longitude), ll_to_earth(($2 + $4) / 2, ($1 + $3) / 2))
      from locations l
      where earth_box(ll_to_earth(($2 + $4) / 2, ($1 + $3) / 2),
                      earth_distance(ll_to_earth($2, $1), ll_to_earth($4, $3)) / 2 + 1) @> ll_to_earth(l.latitude, l.longitude)
        and l.latitude between $2 and $4 and l.longitude between $1 and $3
        and l.status = 'ACTIVE'
    $$`.execute(db);
  await sql`revoke all on function locations_within(float8, float8, float8), locations_in_box(float8, float8, float8, float8) from public`.execute(db);
  await sql`grant execute on function locations_within(float8, float8, float8), locations_in_box(float8, float8, float8, float8) to voltshare_app`.execute(db);
}
