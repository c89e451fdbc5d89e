import { sql } from 'kysely';
import type { Scopes } from '../db/tenancy.js';
import { parseBbox } from '../locations/discovery-query.js';
import { type DomainFieldError, fail } from '../shared/errors.js';
import { type Page, type PageRequest, toPage } from '../shared/pagination.js';
import type { LocationUtilisation } from './reports.model.js';

const MAX_PERIOD_MS = 92 * 86_400_000;

export interface UtilisationQuery {
  from: Date;
  to: Date;
  /** min_lng,min_lat,max_lng,max_lat */
  bbox?: string;
}

/**
 * Reports on public stations for cities, utilities and planners: aggregates only, of published
 * locations of networks that share publicly; no session, driver or tariff detail leaves.
 */
export class ReportsService {
  constructor(private readonly scopes: Scopes) {}

  async utilisation(q: UtilisationQuery, page: PageRequest, now = new Date()): Promise<Page<LocationUtilisation>> {
    const errors: DomainFieldError[] = [];
    if (q.to <= q.from) errors.push({ field: 'to', message: 'must be after from' });
    if (q.to.getTime() - q.from.getTime() > MAX_PERIOD_MS) errors.push({ field: 'to', message: 'the period may be at most 92 days' });
    if (q.from > now) errors.push({ field: 'from', message: 'must not be in the future' });
    const box = parseBbox(q.bbox);
    if (errors.length) throw fail.invalid(errors);
    const after = page.after?.[0];
    if (after !== undefined && typeof after !== 'string') throw fail.invalid([{ field: 'cursor', message: 'is not a cursor returned by this endpoint' }]);
    // A period that runs on into the future is measured up to now.
    const to = q.to < now ? q.to : now;
    const hours = (to.getTime() - q.from.getTime()) / 3_600_000;
    // Sessions belong to their networks; this one cross-tenant read returns aggregates of public sites only.
    const rows = await this.scopes.system((tx) =>
      tx
        .selectFrom('locations as l')
        .leftJoin('evses as e', (j) => j.onRef('e.tenant_id', '=', 'l.tenant_id').onRef('e.location_id', '=', 'l.id').on('e.status', '<>', 'REMOVED'))
        .leftJoin('charging_sessions as s', (j) =>
          j
            .onRef('s.tenant_id', '=', 'e.tenant_id')
            .onRef('s.evse_uid', '=', 'e.id')
            .on('s.started_at', '<', to)
            .on((eb) => eb.or([eb('s.stopped_at', 'is', null), eb('s.stopped_at', '>', q.from)])),
        )
        .select([
          'l.id',
          'l.tenant_id',
          'l.name',
          'l.city',
          sql<string>`count(distinct e.id)`.as('evses'),
          sql<string>`count(s.id)`.as('sessions'),
          // greatest() ignores NULLs, so a station without sessions would count the whole period: only joined sessions count.
          sql<string>`coalesce(sum(extract(epoch from least(coalesce(s.stopped_at, ${now}), ${to}) - greatest(s.started_at, ${q.from}))) filter (where s.id is not null), 0) / 3600`.as(
            'charging_hours',
          ),
          sql<string>`coalesce(sum(coalesce(s.meter_stop_wh, s.meter_last_wh) - s.meter_start_wh), 0) / 1000.0`.as('energy_kwh'),
        ])
        .where('l.is_public', '=', true)
        .where('l.status', '=', 'ACTIVE')
        .$if(box !== undefined, (qb) => {
          const [minLng, minLat, maxLng, maxLat] = box as [number, number, number, number];
          return qb.where('l.longitude', '>=', minLng).where('l.longitude', '<=', maxLng).where('l.latitude', '>=', minLat).where('l.latitude', '<=', maxLat);
        })
        .$if(typeof after === 'string', (qb) => qb.where('l.id', '>', after as string))
        .groupBy(['l.tenant_id', 'l.id', 'l.name', 'l.city'])
        .orderBy('l.id')
        .limit(page.limit + 1)
        .execute(),
    );
    return toPage(
      rows,
      page,
      (r) => [r.id],
      (r) => {
        const evses = Number(r.evses);
        const chargingHours = Number(r.charging_hours);
        return {
          location_id: r.id,
          network_id: r.tenant_id,
          name: r.name,
          city: r.city,
          evses,
          sessions: Number(r.sessions),
          charging_hours: Math.round(chargingHours * 100) / 100,
          energy_kwh: Math.round(Number(r.energy_kwh) * 100) / 100,
          utilisation: evses === 0 ? 0 : Math.round((chargingHours / (evses * hours)) * 10_000) / 10_000,
        };
      },
    );
  }
}
