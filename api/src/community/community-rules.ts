import { sql } from 'kysely';
import type { Tx } from '../db/tenancy.js';
import { fail } from '../shared/errors.js';
import type { Contributor } from './community.model.js';
import type { ContributionStatus } from './community.tables.js';

/**
 * The community's rules that more than one of its services needs, each stated once: who sees a
 * contribution, who may contribute and how often, and how a driver is named in public.
 */

/** At most this many contributions (check-ins, tips, answers, photos) per driver per hour, over all networks. */
export const CONTRIBUTIONS_PER_HOUR = 20;
/** And at most this many photos a day. */
export const PHOTOS_PER_DAY = 10;
/** This many open reports by different drivers hold a contribution until a moderator looks. */
export const REPORTS_TO_HOLD = 3;

const HOUR_MS = 3_600_000;

/** A contribution is shown to everyone when VISIBLE, and always to its author (with its status). */
export const shownTo = (status: ContributionStatus, authorId: string | null, viewerId: string | undefined) =>
  status === 'VISIBLE' || (viewerId !== undefined && authorId === viewerId);

/** A driver's pseudonym, made on first use from their id (never from their name or email). */
export async function contributorOf(tx: Tx, driverId: string): Promise<Contributor> {
  const existing = await tx.selectFrom('community_profiles').select(['pseudonym', 'vehicle_model']).where('driver_id', '=', driverId).executeTakeFirst();
  if (existing) return existing;
  const pseudonym = `Driver ${driverId.slice(-6).toUpperCase()}`;
  await tx
    .insertInto('community_profiles')
    .values({ driver_id: driverId, pseudonym })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return { pseudonym, vehicle_model: null };
}

/** Pseudonyms of many drivers at once (for a list). */
export async function contributorsOf(tx: Tx, driverIds: (string | null)[]): Promise<Map<string, Contributor>> {
  const ids = [...new Set(driverIds.filter((id): id is string => id !== null))];
  if (ids.length === 0) return new Map();
  const rows = await tx.selectFrom('community_profiles').select(['driver_id', 'pseudonym', 'vehicle_model']).where('driver_id', 'in', ids).execute();
  const found = new Map(rows.map((r) => [r.driver_id, { pseudonym: r.pseudonym, vehicle_model: r.vehicle_model }]));
  for (const id of ids) if (!found.has(id)) found.set(id, { pseudonym: `Driver ${id.slice(-6).toUpperCase()}`, vehicle_model: null });
  return found;
}

/**
 * Refuses a contribution from a driver suspended by the platform or by this network, or one who
 * has contributed too much in the last hour (photos: the last day). Runs without a tenant
 * (`system` scope): the budget spans every network.
 */
export async function checkMayContribute(tx: Tx, tenantId: string, driverId: string, now: Date, kind: 'text' | 'photo'): Promise<void> {
  const profile = await tx.selectFrom('community_profiles').select('suspended_until').where('driver_id', '=', driverId).executeTakeFirst();
  const networkSuspension = await tx
    .selectFrom('community_sanctions')
    .select('until')
    .where('tenant_id', '=', tenantId)
    .where('driver_id', '=', driverId)
    .where('kind', '=', 'SUSPEND')
    .where('until', '>', now)
    .orderBy('until', 'desc')
    .executeTakeFirst();
  const until = [profile?.suspended_until, networkSuspension?.until]
    .filter((d): d is Date => d instanceof Date && d > now)
    .sort((a, b) => b.getTime() - a.getTime())[0];
  if (until) throw fail.forbidden(`Your contributions are suspended until ${until.toISOString()}.`);
  const hourAgo = new Date(now.getTime() - HOUR_MS);
  const counts = await sql<{ n: string }>`
    select (select count(*) from community_checkins where driver_id = ${driverId} and created_at > ${hourAgo})
         + (select count(*) from community_posts where driver_id = ${driverId} and created_at > ${hourAgo})
         + (select count(*) from community_photos where driver_id = ${driverId} and created_at > ${hourAgo}) as n`.execute(tx);
  if (Number(counts.rows[0]?.n ?? 0) >= CONTRIBUTIONS_PER_HOUR) {
    throw fail.rateLimited('contribution-limit', `At most ${CONTRIBUTIONS_PER_HOUR} contributions an hour; try again later.`, 3600);
  }
  if (kind === 'photo') {
    const dayAgo = new Date(now.getTime() - 24 * HOUR_MS);
    const photos = await tx
      .selectFrom('community_photos')
      .select(sql<string>`count(*)`.as('n'))
      .where('driver_id', '=', driverId)
      .where('created_at', '>', dayAgo)
      .executeTakeFirstOrThrow();
    if (Number(photos.n) >= PHOTOS_PER_DAY) throw fail.rateLimited('photo-limit', `At most ${PHOTOS_PER_DAY} photos a day; try again tomorrow.`, 86_400);
  }
}
