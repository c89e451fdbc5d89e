import { sql } from 'kysely';
import type { EvseStatus } from '../db/schema.js';
import type { Scopes } from '../db/tenancy.js';
import { type DomainFieldError, fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import {
  type Change,
  chargePointChanges,
  NEVI_MIN_UPTIME_PERCENT,
  type Span,
  serviceState,
  UK_MIN_RELIABILITY_PERCENT,
  UK_RAPID_MIN_W,
  type UptimeFigures,
  uptime,
} from './uptime.js';
import type { Exclusion, ExclusionRequest, PortUptime, SiteUptime, UptimeReport } from './uptime.model.js';

const METHOD =
  'Per port (EVSE), NEVI 23 CFR 680.116(b): uptime = (T − (T_outage − T_excluded)) / T × 100, T the minutes of the period the port was in service ' +
  '(from its first time able to charge; planned and removed time left out). Outage: the port could not charge (out of order, inoperative, or its charger offline). ' +
  'Excluded: the part of an outage covered by a recorded exclusion (grid outage, vandalism, natural disaster, scheduled maintenance, communication outage). ' +
  'Sites and the network: the same formula over the sum of their ports. UK PCPR 2023: the same share per rapid charge point (50 kW or more), operational while any of its connectors is.';

const weighted = (figures: UptimeFigures[]) => {
  const T = figures.reduce((s, f) => s + f.measured_minutes, 0);
  const down = figures.reduce((s, f) => s + f.outage_minutes - f.excluded_minutes, 0);
  return T > 0 ? Math.round(((T - down) / T) * 100 * 1000) / 1000 : null;
};

/**
 * Uptime and reliability from each EVSE's availability history (locations' changes), with the
 * network's recorded exclusions: per port, site and network, the share of ports under 97 %, and
 * the UK figure for rapid charge points; as JSON, CSV or PDF.
 */
export class UptimeService {
  constructor(private readonly scopes: Scopes) {}

  async addExclusion(tenantId: string, userId: string | undefined, input: ExclusionRequest): Promise<Exclusion> {
    return this.scopes.tenant(tenantId, async (tx) => {
      const errors: DomainFieldError[] = [];
      const location = await tx.selectFrom('locations').select('id').where('tenant_id', '=', tenantId).where('id', '=', input.location_id).executeTakeFirst();
      if (!location) errors.push({ field: 'location_id', message: 'no such location in this network' });
      if (input.evse_uid) {
        const evse = await tx.selectFrom('evses').select('location_id').where('tenant_id', '=', tenantId).where('id', '=', input.evse_uid).executeTakeFirst();
        if (!evse || evse.location_id !== input.location_id) errors.push({ field: 'evse_uid', message: 'no such EVSE at this location' });
      }
      if (input.incident_id) {
        const incident = await tx.selectFrom('incidents').select('id').where('tenant_id', '=', tenantId).where('id', '=', input.incident_id).executeTakeFirst();
        if (!incident) errors.push({ field: 'incident_id', message: 'no such incident in this network' });
      }
      if (input.ends_at <= input.starts_at) errors.push({ field: 'ends_at', message: 'is not after starts_at' });
      if (input.starts_at.getTime() > Date.now())
        errors.push({ field: 'starts_at', message: 'is in the future: record an exclusion once the outage happened' });
      if (errors.length) throw fail.invalid(errors);
      return tx
        .insertInto('uptime_exclusions')
        .values({
          tenant_id: tenantId,
          id: newId('upx'),
          location_id: input.location_id,
          evse_uid: input.evse_uid ?? null,
          starts_at: input.starts_at,
          ends_at: input.ends_at,
          reason: input.reason,
          note: input.note?.trim() || null,
          incident_id: input.incident_id ?? null,
          created_by: userId ?? null,
        })
        .returning(['id', 'location_id', 'evse_uid', 'starts_at', 'ends_at', 'reason', 'note', 'incident_id', 'created_at'])
        .executeTakeFirstOrThrow();
    });
  }

  async removeExclusion(tenantId: string, id: string): Promise<void> {
    const deleted = await this.scopes.tenant(tenantId, (tx) =>
      tx.deleteFrom('uptime_exclusions').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
    );
    if (Number(deleted.numDeletedRows) === 0) throw fail.notFound('exclusion', id);
  }

  /** The report for a period (a calendar month from the controller), optionally one site. */
  async report(tenantId: string, period: Span, locationId?: string): Promise<UptimeReport> {
    if (period.to <= period.from) throw fail.invalid([{ field: 'to', message: 'is not after from' }]);
    return this.scopes.tenant(tenantId, async (tx) => {
      const ports = await tx
        .selectFrom('evses')
        .innerJoin('locations', (j) => j.onRef('locations.tenant_id', '=', 'evses.tenant_id').onRef('locations.id', '=', 'evses.location_id'))
        .select([
          'evses.id',
          'evses.evse_id',
          'evses.location_id',
          'locations.name as location_name',
          'evses.charge_point_id',
          (eb) =>
            eb
              .selectFrom('connectors')
              .select(sql<number>`max(max_electric_power)`.as('w'))
              .whereRef('connectors.tenant_id', '=', 'evses.tenant_id')
              .whereRef('connectors.evse_id', '=', 'evses.id')
              .as('max_w'),
        ])
        .where('evses.tenant_id', '=', tenantId)
        .where('evses.charge_point_id', 'is not', null)
        .$if(locationId !== undefined, (q) => q.where('evses.location_id', '=', locationId as string))
        .orderBy('locations.name')
        .orderBy('evses.evse_id')
        .execute();
      const uids = ports.map((p) => p.id);
      const history = uids.length
        ? await sql<{ evse_uid: string; availability: string; at: Date; before: boolean; commissioned: boolean }>`
            with prior as (
              select distinct on (evse_uid) evse_uid, availability, at from evse_availability_changes
              where tenant_id = ${tenantId} and evse_uid = any(${uids}::text[]) and at < ${period.from}
              order by evse_uid, at desc, id desc
            ), served as (
              select evse_uid, bool_or(availability in ('AVAILABLE', 'CHARGING', 'RESERVED', 'BLOCKED')) as commissioned
              from evse_availability_changes where tenant_id = ${tenantId} and evse_uid = any(${uids}::text[]) and at < ${period.from}
              group by evse_uid
            )
            select p.evse_uid, p.availability, p.at, true as before, coalesce(s.commissioned, false) as commissioned from prior p left join served s using (evse_uid)
            union all
            select evse_uid, availability, at, false, false from evse_availability_changes
            where tenant_id = ${tenantId} and evse_uid = any(${uids}::text[]) and at >= ${period.from} and at < ${period.to}
            order by evse_uid, at`.execute(tx)
        : { rows: [] };
      const exclusions = await tx
        .selectFrom('uptime_exclusions')
        .select(['id', 'location_id', 'evse_uid', 'starts_at', 'ends_at', 'reason', 'note', 'incident_id', 'created_at'])
        .where('tenant_id', '=', tenantId)
        .where('starts_at', '<', period.to)
        .where('ends_at', '>', period.from)
        .$if(locationId !== undefined, (q) => q.where('location_id', '=', locationId as string))
        .orderBy('starts_at')
        .execute();

      const changesOf = new Map<string, Change[]>();
      const commissioned = new Set<string>();
      for (const h of history.rows) {
        changesOf.set(h.evse_uid, [...(changesOf.get(h.evse_uid) ?? []), { at: new Date(h.at), state: serviceState(h.availability as EvseStatus) }]);
        if (h.before && h.commissioned) commissioned.add(h.evse_uid);
      }
      const excludedFor = (p: { id: string; location_id: string }) =>
        exclusions
          .filter((e) => e.location_id === p.location_id && (e.evse_uid === null || e.evse_uid === p.id))
          .map((e) => ({ from: e.starts_at, to: e.ends_at }));

      const figures = new Map<string, UptimeFigures>();
      const portRows: PortUptime[] = ports.map((p) => {
        const f = uptime(changesOf.get(p.id) ?? [], period, excludedFor(p), commissioned.has(p.id));
        figures.set(p.id, f);
        return {
          evse_uid: p.id,
          evse_id: p.evse_id,
          location_id: p.location_id,
          location_name: p.location_name,
          ...f,
          below_target: f.uptime_percent !== null && f.uptime_percent < NEVI_MIN_UPTIME_PERCENT,
        };
      });
      const measured = portRows.filter((p) => p.uptime_percent !== null);
      const sites: SiteUptime[] = [...new Set(ports.map((p) => p.location_id))].map((id) => {
        const own = portRows.filter((p) => p.location_id === id);
        return {
          location_id: id,
          location_name: own[0]?.location_name ?? '',
          ports: own.length,
          uptime_percent: weighted(own),
          ports_below_target: own.filter((p) => p.below_target).length,
        };
      });
      const chargers = new Map<string, typeof ports>();
      for (const p of ports) if (p.charge_point_id) chargers.set(p.charge_point_id, [...(chargers.get(p.charge_point_id) ?? []), p]);
      const rapid = [...chargers.entries()]
        .filter(([, own]) => own.some((p) => Number(p.max_w ?? 0) >= UK_RAPID_MIN_W))
        .map(([chargePointId, own]) => {
          const first = own[0] as (typeof own)[number];
          const f = uptime(
            chargePointChanges(own.map((p) => changesOf.get(p.id) ?? [])),
            period,
            own.flatMap((p) => excludedFor(p)),
            own.some((p) => commissioned.has(p.id)),
          );
          return {
            charge_point_id: chargePointId,
            location_id: first.location_id,
            reliability_percent: f.uptime_percent,
            meets_target: f.uptime_percent !== null && f.uptime_percent >= UK_MIN_RELIABILITY_PERCENT,
          };
        });
      const below = measured.filter((p) => p.below_target).length;
      return {
        from: period.from,
        to: period.to,
        network: {
          ports: ports.length,
          ports_measured: measured.length,
          uptime_percent: weighted(portRows),
          ports_below_target: below,
          share_below_target: measured.length ? Math.round((below / measured.length) * 1000) / 1000 : null,
          outage_minutes: Math.round(portRows.reduce((s, p) => s + p.outage_minutes, 0)),
          excluded_minutes: Math.round(portRows.reduce((s, p) => s + p.excluded_minutes, 0)),
        },
        sites,
        ports: portRows,
        rapid_charge_points: rapid,
        exclusions,
        method: METHOD,
      };
    });
  }
}
