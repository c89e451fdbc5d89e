import type { Tx } from '../db/tenancy.js';
import { OUT_OF_SERVICE } from '../locations/availability.js';
import type { LocationDetail } from '../locations/locations.model.js';
import { HOLDS_SLOT } from '../reservations/reservation-rules.js';
import { afterReservations, expectedSessionEnd, minutesUntil, placeTimes, TYPICAL_SESSION_MS } from './eta.js';
import type { QueueOffer, QueuePlace } from './queue.model.js';

/** Queue entries still in line. */
export const IN_LINE = ['WAITING', 'OFFERED'] as const;

interface LineEntry {
  id: string;
  driver_id: string;
  connector_standard: string | null;
  status: 'WAITING' | 'OFFERED';
  joined_at: Date;
}

/** The EVSEs of a location that can serve a driver (in service, with the connector asked for). */
export function compatibleEvses(location: LocationDetail, standard: string | null) {
  return location.evses.filter((e) => !OUT_OF_SERVICE.includes(e.status) && (!standard || e.connectors.some((c) => c.standard === standard)));
}

/** The line in order. */
export function readLine(tx: Tx, tenantId: string, locationId: string): Promise<LineEntry[]> {
  return tx
    .selectFrom('queue_entries')
    .select(['id', 'driver_id', 'connector_standard', 'status', 'joined_at'])
    .where('tenant_id', '=', tenantId)
    .where('location_id', '=', locationId)
    .where('status', 'in', [...IN_LINE])
    .orderBy('line_key')
    .execute() as Promise<LineEntry[]>;
}

/** Everyone's place and expected wait, and the wait of someone joining now. */
export async function linePlaces(tx: Tx, location: LocationDetail, now: Date) {
  const tenantId = location.network_id;
  const entries = await readLine(tx, tenantId, location.id);
  const offers = entries.length
    ? await tx
        .selectFrom('queue_offers')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where(
          'entry_id',
          'in',
          entries.map((e) => e.id),
        )
        .where('status', '=', 'PENDING')
        .execute()
    : [];
  const freeAts = await evseFreeTimes(tx, location, now);
  const times = placeTimes(freeAts, entries.length + 1, now);
  return {
    entries: entries.map((e, i) => {
      const offer = offers.find((o) => o.entry_id === e.id);
      const place: QueuePlace = {
        entry_id: e.id,
        status: e.status,
        position: i + 1,
        connector_standard: e.connector_standard,
        estimated_wait_minutes: offer ? 0 : minutesUntil(times[i], now),
        joined_at: e.joined_at,
        offer: offer ? toOffer(offer) : null,
      };
      return { driver_id: e.driver_id, place };
    }),
    joinerWait: minutesUntil(times[entries.length], now),
  };
}

/** When each usable EVSE of the location is expected to be free for the line. */
export async function evseFreeTimes(tx: Tx, location: LocationDetail, now: Date): Promise<Date[]> {
  const evses = compatibleEvses(location, null);
  if (evses.length === 0) return [];
  const uids = evses.map((e) => e.uid);
  const tenantId = location.network_id;
  const sessions = await tx
    .selectFrom('charging_sessions')
    .select(['evse_uid', 'started_at', 'meter_start_wh', 'meter_last_wh', 'power_w', 'soc_percent', 'departure_at'])
    .where('tenant_id', '=', tenantId)
    .where('evse_uid', 'in', uids)
    .where('status', '=', 'ACTIVE')
    .execute();
  const reservations = await tx
    .selectFrom('reservations')
    .select(['evse_uid', 'starts_at', 'ends_at', 'status'])
    .where('tenant_id', '=', tenantId)
    .where('evse_uid', 'in', uids)
    .where('status', 'in', HOLDS_SLOT)
    .where('ends_at', '>', now)
    .execute();
  return evses.map((e) => {
    const session = sessions.find((s) => s.evse_uid === e.uid);
    let freeAt: Date;
    if (session) {
      freeAt = expectedSessionEnd(
        {
          started_at: session.started_at,
          energy_wh: Number(session.meter_last_wh) - Number(session.meter_start_wh),
          power_w: session.power_w,
          soc_percent: session.soc_percent,
          departure_at: session.departure_at,
        },
        now,
      );
    } else if (e.status === 'AVAILABLE' || e.status === 'RESERVED') freeAt = now;
    else freeAt = new Date(now.getTime() + TYPICAL_SESSION_MS / 2);
    return afterReservations(
      freeAt,
      reservations.filter((r) => r.evse_uid === e.uid).map((r) => ({ start: r.starts_at, end: r.ends_at })),
    );
  });
}

export function toOffer(o: { id: string; evse_uid: string; reservation_id: string; status: QueueOffer['status']; expires_at: Date }): QueueOffer {
  return { id: o.id, evse_uid: o.evse_uid, reservation_id: o.reservation_id, status: o.status, expires_at: o.expires_at };
}
