import type { Scopes } from '../db/tenancy.js';
import { OUT_OF_SERVICE } from '../locations/availability.js';
import type { DiscoveryService } from '../locations/discovery.service.js';
import { isOpenAt } from '../locations/opening-hours.js';
import { type DomainFieldError, fail } from '../shared/errors.js';
import { isCalendarDate, localDay, toLocalIso } from '../shared/local-time.js';
import { HOLDS_SLOT } from './reservation-rules.js';
import type { DayAvailability } from './reservations.model.js';

const MINUTE = 60_000;

/**
 * Bookable slots of one local calendar day at a location, in its time zone: 23 or 25 hours of
 * slots on the days the clocks change. A slot counts the EVSEs free for all of it.
 */
export async function dayAvailability(
  scopes: Scopes,
  discovery: DiscoveryService,
  callerTenantId: string | undefined,
  locationId: string,
  query: { date: string; connector_standard?: string; slot_minutes?: number },
  now = new Date(),
): Promise<Omit<DayAvailability, 'booking_terms'> & { network_id: string }> {
  const slotMinutes = query.slot_minutes ?? 30;
  const errors: DomainFieldError[] = [];
  if (!isCalendarDate(query.date)) errors.push({ field: 'date', message: 'must be a calendar date YYYY-MM-DD' });
  if (![15, 30, 60].includes(slotMinutes)) errors.push({ field: 'slot_minutes', message: 'must be 15, 30 or 60' });
  if (errors.length) throw fail.invalid(errors);
  const location = await discovery.detail(callerTenantId, locationId, now);
  const { start: dayStart, end: dayEnd } = localDay(query.date, location.time_zone);
  const evses = location.evses.filter(
    (e) => !OUT_OF_SERVICE.includes(e.status) && (!query.connector_standard || e.connectors.some((c) => c.standard === query.connector_standard)),
  );
  const booked = evses.length
    ? await scopes.system((tx) =>
        tx
          .selectFrom('reservations')
          .select(['evse_uid', 'starts_at', 'ends_at'])
          .where('tenant_id', '=', location.network_id)
          .where('location_id', '=', location.id)
          .where('status', 'in', HOLDS_SLOT)
          .where('starts_at', '<', dayEnd)
          .where('ends_at', '>', dayStart)
          .execute(),
      )
    : [];
  const slots = [];
  for (let t = dayStart.getTime(); t < dayEnd.getTime(); t += slotMinutes * MINUTE) {
    const start = new Date(t);
    const end = new Date(Math.min(t + slotMinutes * MINUTE, dayEnd.getTime()));
    const open =
      isOpenAt(location.opening_hours, location.time_zone, start) && isOpenAt(location.opening_hours, location.time_zone, new Date(end.getTime() - 1));
    const free =
      !open || end <= now
        ? []
        : evses.filter((e) => {
            if (start <= now && e.status !== 'AVAILABLE') return false;
            return !booked.some((b) => b.evse_uid === e.uid && b.starts_at < end && b.ends_at > start);
          });
    slots.push({ start, end, local_start: toLocalIso(start, location.time_zone), available_evses: free.length, evse_uids: free.map((e) => e.uid), open });
  }
  return { location_id: location.id, network_id: location.network_id, date: query.date, time_zone: location.time_zone, slot_minutes: slotMinutes, slots };
}
