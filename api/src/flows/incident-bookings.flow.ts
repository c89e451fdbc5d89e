import type { Logger } from 'pino';
import type { IncidentsService } from '../incidents/incidents.service.js';
import { AFFECTED_BOOKINGS_JOB } from '../incidents/incidents.service.js';
import type { JobRunner } from '../jobs/job-runner.js';
import type { DiscoveryService } from '../locations/discovery.service.js';
import type { ReservationsService } from '../reservations/reservations.service.js';

/** Bookings from now to this far ahead are moved or told when their EVSE breaks. */
const HORIZON_MS = 24 * 60 * 60_000;
const ALTERNATIVES = 3;
const ALTERNATIVES_RADIUS_M = 10_000;

/**
 * When an incident opens, the drivers booked on its EVSEs: each booking moves to another EVSE at
 * the same site that is free for the slot (the driver is told why), or, with none, the driver is
 * told the EVSE is out of order and offered the nearest stations with a free EVSE now.
 * Runs as a durable job the incidents module schedules in the incident's own transaction.
 */
export class IncidentBookingsFlow {
  constructor(
    private readonly incidents: IncidentsService,
    private readonly reservations: ReservationsService,
    private readonly discovery: DiscoveryService,
    private readonly logger: Logger,
  ) {}

  async handle(tenantId: string, incidentId: string, now: Date): Promise<{ moved: number; told: number }> {
    const incident = await this.incidents.get(tenantId, incidentId);
    if (incident.status !== 'open') return { moved: 0, told: 0 };
    const affected = new Set(incident.affected_evses.map((e) => e.evse_uid));
    const bookings = await this.reservations.bookingsOn(tenantId, [...affected], now, HORIZON_MS);
    let moved = 0;
    let told = 0;
    let alternatives: { location_id: string; name: string; distance_m: number }[] | undefined;
    for (const booking of bookings) {
      if (await this.reservations.moveOffEvse(tenantId, booking.id, affected)) {
        moved += 1;
        continue;
      }
      alternatives ??= await this.nearby(incident.location_id);
      await this.reservations.tellEvseOutOfOrder(tenantId, booking.id, alternatives);
      told += 1;
    }
    if (bookings.length) this.logger.info({ tenant_id: tenantId, incident_id: incidentId, moved, told }, 'bookings on a faulty EVSE handled');
    return { moved, told };
  }

  /** The nearest other stations with an EVSE free now. */
  private async nearby(locationId: string): Promise<{ location_id: string; name: string; distance_m: number }[]> {
    const site = await this.discovery.detail(undefined, locationId).catch(() => undefined);
    if (!site) return [];
    const page = await this.discovery.search(
      undefined,
      { lat: site.coordinates.latitude, lng: site.coordinates.longitude, radius_m: ALTERNATIVES_RADIUS_M, available_now: true },
      { limit: ALTERNATIVES + 1 },
    );
    return page.data
      .filter((l) => l.id !== locationId)
      .slice(0, ALTERNATIVES)
      .map((l) => ({ location_id: l.id, name: l.name, distance_m: Math.round(l.distance_m ?? 0) }));
  }

  registerJobs(jobs: JobRunner): void {
    jobs.register(AFFECTED_BOOKINGS_JOB, async (payload: { incident_id: string }, { tenantId, now }) => {
      if (tenantId) await this.handle(tenantId, payload.incident_id, now);
    });
  }
}
