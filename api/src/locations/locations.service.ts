import { sql } from 'kysely';
import { isUniqueViolation } from '../db/errors.js';
import type { EvseStatus } from '../db/schema.js';
import type { Scopes, Tx } from '../db/tenancy.js';
import type { ImportedLocation } from '../importers/ocm.js';
import { type Emit, writeThenPublish } from '../realtime/after-commit.js';
import type { Audience, DomainEvent, EventBus } from '../realtime/events.js';
import { nextVersion } from '../realtime/version.js';
import { type DomainFieldError, fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { recomputeAvailability } from './evse-availability.js';
import { audienceOf, audiences, locationEvent } from './location-events.js';
import type { Capability, ConnectorInput, EvseInput, EvseUpdate, LocationDetail, LocationInput, LocationUpdate } from './locations.model.js';
import { isValidTimeZone, validateOpeningHours } from './opening-hours.js';
import { loadLocations } from './read-model.js';

const PHASES: Record<ConnectorInput['power_type'], number> = { AC_1_PHASE: 1, AC_2_PHASE: 2, AC_2_PHASE_SPLIT: 2, AC_3_PHASE: 3, DC: 1 };

/** AC three-phase power is √3·U·I with line voltage (400 V) or 3·U·I with phase voltage (230 V). */
export function connectorPower(c: Pick<ConnectorInput, 'power_type' | 'max_voltage' | 'max_amperage'>): number {
  if (c.power_type === 'AC_3_PHASE')
    return Math.round(c.max_voltage > 300 ? Math.sqrt(3) * c.max_voltage * c.max_amperage : 3 * c.max_voltage * c.max_amperage);
  return Math.round(c.max_voltage * c.max_amperage * PHASES[c.power_type]);
}

/** `field`: the path of the connector's fields, ending in `.` (or empty at the top). */
function validateConnector(c: ConnectorInput, field: string, errors: DomainFieldError[]): void {
  const dc = c.power_type === 'DC';
  const dcOnly = ['CHADEMO', 'IEC_62196_T1_COMBO', 'IEC_62196_T2_COMBO', 'GBT_DC', 'CHAOJI'].includes(c.standard);
  if (dcOnly && !dc) errors.push({ field: `${field}power_type`, message: `${c.standard} is a DC connector` });
  if (!dc && c.max_voltage > 1000) errors.push({ field: `${field}max_voltage`, message: 'an AC connector above 1000 V is not plausible' });
  if (c.max_electric_power !== undefined && c.max_electric_power > connectorPower(c) * 1.1) {
    errors.push({
      field: `${field}max_electric_power`,
      message: `exceeds what ${c.max_voltage} V × ${c.max_amperage} A can deliver (${connectorPower(c)} W)`,
    });
  }
}

export interface EvseConfiguration {
  evseUid: string;
  capabilities?: Capability[];
  chargePoint?: { id: string; connectorId: number };
  /** `connectorId` '*' sets every connector of the EVSE; `onlyIfUnpriced` leaves connectors that have a tariff. */
  connectorTariffs?: { connectorId: string; tariffId: string; onlyIfUnpriced?: boolean }[];
}

export class LocationsService {
  constructor(
    private readonly scopes: Scopes,
    private readonly bus: EventBus,
  ) {}

  /** Runs tenant work and publishes the events it produced once the transaction has committed. */
  private write<T>(tenantId: string, work: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> {
    return writeThenPublish(this.scopes, this.bus, tenantId, work);
  }

  async create(tenantId: string, input: LocationInput): Promise<LocationDetail> {
    this.validate(input, '');
    const id = newId('loc');
    return this.write(tenantId, async (tx, emit) => {
      await tx
        .insertInto('locations')
        .values({ tenant_id: tenantId, id, ...this.allLocationColumns(input) })
        .execute();
      for (const [i, evse] of (input.evses ?? []).entries()) await this.insertEvse(tx, tenantId, id, evse, `evses[${i}].`);
      const [detail] = await loadLocations(tx, [{ tenant_id: tenantId, id }]);
      if (!detail) throw new Error('created location not readable');
      emit(await locationEvent(tx, tenantId, id));
      return detail;
    });
  }

  async update(tenantId: string, id: string, patch: LocationUpdate): Promise<LocationDetail> {
    this.validate(patch, '');
    return this.write(tenantId, async (tx, emit) => {
      const existing = await tx
        .selectFrom('locations')
        .select(['status'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!existing) throw fail.notFound('location', id);
      if (existing.status === 'REMOVED') throw fail.conflict('This location was removed; create a new one instead.', 'location-removed');
      const values = {
        ...this.locationColumns(patch),
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.address !== undefined ? { address: patch.address } : {}),
        ...(patch.city !== undefined ? { city: patch.city } : {}),
        ...(patch.country !== undefined ? { country: patch.country } : {}),
        ...(patch.time_zone !== undefined ? { time_zone: patch.time_zone } : {}),
        ...(patch.coordinates ? { latitude: patch.coordinates.latitude, longitude: patch.coordinates.longitude } : {}),
      };
      await tx
        .updateTable('locations')
        .set({ ...values, updated_at: new Date(), version: nextVersion() } as never)
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .execute();
      emit(await locationEvent(tx, tenantId, id));
      const [detail] = await loadLocations(tx, [{ tenant_id: tenantId, id }]);
      return detail as LocationDetail;
    });
  }

  /** Soft delete: sessions and history keep pointing at it; discovery and open data drop it. */
  async remove(tenantId: string, id: string): Promise<LocationDetail> {
    return this.write(tenantId, async (tx, emit) => {
      const updated = await tx
        .updateTable('locations')
        .set({ status: 'REMOVED', updated_at: new Date(), version: nextVersion() } as never)
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .returning('id')
        .executeTakeFirst();
      if (!updated) throw fail.notFound('location', id);
      const evses = await tx
        .selectFrom('evses')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('location_id', '=', id)
        .where('status', '<>', 'REMOVED')
        .execute();
      for (const e of evses) emit(...(await this.setStatus(tx, tenantId, e.id, 'REMOVED', new Date())));
      emit(await locationEvent(tx, tenantId, id));
      const [detail] = await loadLocations(tx, [{ tenant_id: tenantId, id }]);
      return detail as LocationDetail;
    });
  }

  async addEvse(tenantId: string, locationId: string, input: EvseInput): Promise<LocationDetail> {
    return this.write(tenantId, async (tx, emit) => {
      const location = await tx.selectFrom('locations').select('status').where('tenant_id', '=', tenantId).where('id', '=', locationId).executeTakeFirst();
      if (!location) throw fail.notFound('location', locationId);
      if (location.status === 'REMOVED') throw fail.conflict('This location was removed.', 'location-removed');
      await this.insertEvse(tx, tenantId, locationId, input, '');
      emit(await locationEvent(tx, tenantId, locationId));
      const [detail] = await loadLocations(tx, [{ tenant_id: tenantId, id: locationId }]);
      return detail as LocationDetail;
    });
  }

  async updateEvse(tenantId: string, evseUid: string, patch: EvseUpdate): Promise<LocationDetail> {
    return this.write(tenantId, async (tx, emit) => {
      const evse = await tx
        .selectFrom('evses')
        .select(['location_id', 'status'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', evseUid)
        .forUpdate()
        .executeTakeFirst();
      if (!evse) throw fail.notFound('EVSE', evseUid);
      if (evse.status === 'REMOVED') throw fail.conflict('This EVSE was removed.', 'evse-removed');
      const values = {
        ...(patch.capabilities ? { capabilities: [...new Set(patch.capabilities)] } : {}),
        ...(patch.physical_reference !== undefined ? { physical_reference: patch.physical_reference } : {}),
        ...(patch.floor_level !== undefined ? { floor_level: patch.floor_level } : {}),
      };
      if (Object.keys(values).length) {
        await tx
          .updateTable('evses')
          .set({ ...values, updated_at: new Date(), version: nextVersion() } as never)
          .where('tenant_id', '=', tenantId)
          .where('id', '=', evseUid)
          .execute();
        emit(await locationEvent(tx, tenantId, evse.location_id));
      }
      if (patch.tariff_id !== undefined) {
        if (patch.tariff_id !== null) {
          const tariff = await tx.selectFrom('tariffs').select('id').where('tenant_id', '=', tenantId).where('id', '=', patch.tariff_id).executeTakeFirst();
          if (!tariff) throw fail.invalid([{ field: 'tariff_id', message: 'no such tariff in this network' }]);
        }
        await tx.updateTable('connectors').set({ tariff_id: patch.tariff_id }).where('tenant_id', '=', tenantId).where('evse_id', '=', evseUid).execute();
        await tx
          .updateTable('evses')
          .set({ updated_at: new Date(), version: nextVersion() } as never)
          .where('tenant_id', '=', tenantId)
          .where('id', '=', evseUid)
          .execute();
        emit(await locationEvent(tx, tenantId, evse.location_id));
      }
      if (patch.status) emit(...(await this.setStatus(tx, tenantId, evseUid, patch.status, new Date())));
      const [detail] = await loadLocations(tx, [{ tenant_id: tenantId, id: evse.location_id }]);
      return detail as LocationDetail;
    });
  }

  /**
   * The domain entry for a status report, from staff or from a charger (the OCPP gateway calls
   * this). Stale reports (older than the last one) are ignored. Emits `evse.status` when what
   * drivers see changes.
   */
  /**
   * Configures many EVSEs in one transaction, as after an import: capabilities, the charge point
   * and connector behind each, and tariffs per connector. Announces nothing: call
   * `refreshChargePoint` for chargers attached here, as they go live.
   */
  async configureEvses(tenantId: string, changes: EvseConfiguration[]): Promise<void> {
    await this.scopes.tenant(tenantId, async (tx) => {
      for (const change of changes) {
        const evse = {
          ...(change.capabilities ? { capabilities: change.capabilities } : {}),
          ...(change.chargePoint ? { charge_point_id: change.chargePoint.id, ocpp_connector_id: change.chargePoint.connectorId } : {}),
        };
        if (Object.keys(evse).length) await tx.updateTable('evses').set(evse).where('tenant_id', '=', tenantId).where('id', '=', change.evseUid).execute();
        for (const { connectorId, tariffId, onlyIfUnpriced } of change.connectorTariffs ?? []) {
          await tx
            .updateTable('connectors')
            .set({ tariff_id: tariffId })
            .where('tenant_id', '=', tenantId)
            .where('evse_id', '=', change.evseUid)
            .$if(connectorId !== '*', (q) => q.where('id', '=', connectorId))
            .$if(onlyIfUnpriced === true, (q) => q.where('tariff_id', 'is', null))
            .execute();
        }
      }
    });
  }

  /** Names the utility partner that may push grid signals for a site; false when the site is not active. */
  async setGridOperator(tenantId: string, locationId: string, partnerId: string | null): Promise<boolean> {
    const updated = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .updateTable('locations')
        .set({ grid_operator_id: partnerId })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', locationId)
        .where('status', '=', 'ACTIVE')
        .executeTakeFirst(),
    );
    return Number(updated.numUpdatedRows) > 0;
  }

  async applyEvseStatus(tenantId: string, evseUid: string, status: EvseStatus, at: Date): Promise<{ availability: EvseStatus; changed: boolean }> {
    return this.write(tenantId, async (tx, emit) => {
      const events = await this.setStatus(tx, tenantId, evseUid, status, at);
      emit(...events);
      const row = await tx.selectFrom('evses').select('availability').where('tenant_id', '=', tenantId).where('id', '=', evseUid).executeTakeFirstOrThrow();
      return { availability: row.availability, changed: events.length > 0 };
    });
  }

  /** Recomputes availability of a charge point's EVSEs, e.g. after it connected or dropped. */
  async refreshChargePoint(tenantId: string, chargePointId: string): Promise<void> {
    await this.write(tenantId, async (tx, emit) => {
      const evses = await tx
        .selectFrom('evses')
        .select(['id', 'status'])
        .where('tenant_id', '=', tenantId)
        .where('charge_point_id', '=', chargePointId)
        .execute();
      emit(
        ...(await recomputeAvailability(
          tx,
          tenantId,
          evses.map((e) => e.id),
        )),
      );
    });
  }

  /**
   * Creates or updates a location that came from an outside source (`source` is its stable key),
   * with its EVSEs, in one transaction. EVSEs gone from the source are marked REMOVED; a location
   * staff removed stays removed.
   */
  async upsertImported(tenantId: string, record: ImportedLocation): Promise<'created' | 'updated' | 'kept-removed'> {
    this.validate(record.location, 'record');
    return this.write(tenantId, async (tx, emit) => {
      const l = record.location;
      const columns = { ...this.allLocationColumns(l), attribution: JSON.stringify(record.attribution) };
      const existing = await tx
        .selectFrom('locations')
        .select(['id', 'status'])
        .where('tenant_id', '=', tenantId)
        .where('source', '=', record.source)
        .forUpdate()
        .executeTakeFirst();
      if (existing?.status === 'REMOVED') return 'kept-removed';
      const locationId = existing?.id ?? newId('loc');
      if (existing) {
        await tx
          .updateTable('locations')
          .set({ ...columns, updated_at: new Date(), version: nextVersion() } as never)
          .where('tenant_id', '=', tenantId)
          .where('id', '=', locationId)
          .execute();
      } else {
        await tx
          .insertInto('locations')
          .values({ tenant_id: tenantId, id: locationId, source: record.source, ...columns })
          .execute();
      }
      const current = await tx
        .selectFrom('evses')
        .select(['id', 'source', 'charge_point_id'])
        .where('tenant_id', '=', tenantId)
        .where('location_id', '=', locationId)
        .execute();
      const bySource = new Map(current.map((e) => [e.source, e]));
      for (const imported of record.evses) {
        const evse = bySource.get(imported.source);
        if (evse) {
          await tx
            .updateTable('connectors')
            .set({ ...imported.connector, updated_at: new Date() })
            .where('tenant_id', '=', tenantId)
            .where('evse_id', '=', evse.id)
            .execute();
          // A connected charger reports its own status; the source only speaks for the others.
          if (!evse.charge_point_id) emit(...(await this.setStatus(tx, tenantId, evse.id, imported.status, new Date())));
        } else {
          const id = await this.insertEvse(tx, tenantId, locationId, { capabilities: imported.capabilities, connectors: [imported.connector] }, 'record.');
          await tx.updateTable('evses').set({ source: imported.source }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
          emit(...(await this.setStatus(tx, tenantId, id, imported.status, new Date())));
        }
      }
      const kept = new Set(record.evses.map((e) => e.source));
      for (const evse of current) {
        if (evse.source && !kept.has(evse.source)) emit(...(await this.setStatus(tx, tenantId, evse.id, 'REMOVED', new Date())));
      }
      emit(await locationEvent(tx, tenantId, locationId));
      return existing ? 'updated' : 'created';
    });
  }

  /** Refreshes planner statistics of the network model after bulk changes. */
  async analyze(): Promise<void> {
    await this.scopes.system(async (tx) => {
      for (const table of ['locations', 'evses', 'connectors', 'charge_points', 'tariffs'] as const) await sql`analyze ${sql.table(table)}`.execute(tx);
    });
  }

  private async setStatus(tx: Tx, tenantId: string, evseUid: string, status: EvseStatus, at: Date): Promise<DomainEvent[]> {
    const exists = await tx.selectFrom('evses').select('id').where('tenant_id', '=', tenantId).where('id', '=', evseUid).executeTakeFirst();
    if (!exists) throw fail.notFound('EVSE', evseUid);
    return this.applyStatuses(tx, tenantId, [{ evseUid, status, at }]);
  }

  /**
   * Status reports for many EVSEs in one set of statements (the OCPP gateway coalesces reports
   * arriving together). Per EVSE the newest report wins; reports older than the stored one are
   * ignored. Returns the `evse.status` events of what drivers now see differently.
   */
  async applyStatuses(tx: Tx, tenantId: string, reports: { evseUid: string; status: EvseStatus; at: Date }[]): Promise<DomainEvent[]> {
    const latest = new Map<string, { evseUid: string; status: EvseStatus; at: Date }>();
    for (const r of reports) {
      const seen = latest.get(r.evseUid);
      if (!seen || seen.at <= r.at) latest.set(r.evseUid, r);
    }
    if (latest.size === 0) return [];
    const values = sql.join([...latest.values()].map((r) => sql`(${r.evseUid}::text, ${r.status}::text, ${r.at}::timestamptz)`));
    const updated = await sql<{ id: string }>`
      update evses e set status = v.status, status_updated_at = v.at
      from (values ${values}) as v (id, status, at)
      where e.tenant_id = ${tenantId} and e.id = v.id and e.status_updated_at <= v.at
      returning e.id`.execute(tx);
    return recomputeAvailability(
      tx,
      tenantId,
      updated.rows.map((r) => r.id),
    );
  }

  /** Recomputes what drivers see of an EVSE inside `tx` (after its status, its charger or its reservations changed). */
  recompute(tx: Tx, tenantId: string, evseUid: string): Promise<DomainEvent[]> {
    return recomputeAvailability(tx, tenantId, [evseUid]);
  }

  private async insertEvse(tx: Tx, tenantId: string, locationId: string, input: EvseInput, field: string): Promise<string> {
    const errors: DomainFieldError[] = [];
    for (const [i, c] of input.connectors.entries()) validateConnector(c, `${field}connectors[${i}].`, errors);
    if ((input.charge_point_id === undefined) !== (input.ocpp_connector_id === undefined)) {
      errors.push({ field: `${field}ocpp_connector_id`, message: 'charge_point_id and ocpp_connector_id go together' });
    }
    if (input.charge_point_id) {
      const cp = await tx
        .selectFrom('charge_points')
        .select('location_id')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', input.charge_point_id)
        .executeTakeFirst();
      if (!cp) errors.push({ field: `${field}charge_point_id`, message: 'no such charge point in this network' });
      else if (cp.location_id !== locationId) errors.push({ field: `${field}charge_point_id`, message: 'the charge point is at another location' });
    }
    for (const [i, c] of input.connectors.entries()) {
      if (!c.tariff_id) continue;
      const tariff = await tx.selectFrom('tariffs').select('id').where('tenant_id', '=', tenantId).where('id', '=', c.tariff_id).executeTakeFirst();
      if (!tariff) errors.push({ field: `${field}connectors[${i}].tariff_id`, message: 'no such tariff in this network' });
    }
    if (errors.length) throw fail.invalid(errors);
    const id = newId('evse');
    try {
      await tx
        .insertInto('evses')
        .values({
          tenant_id: tenantId,
          id,
          location_id: locationId,
          evse_id: input.evse_id ?? null,
          charge_point_id: input.charge_point_id ?? null,
          ocpp_connector_id: input.ocpp_connector_id ?? null,
          capabilities: [...new Set(input.capabilities ?? [])],
          physical_reference: input.physical_reference ?? null,
          floor_level: input.floor_level ?? null,
          status: 'UNKNOWN',
          availability: 'UNKNOWN',
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error, 'evses_tenant_id_charge_point_id_ocpp_connector_id_key')) {
        throw fail.invalid([{ field: `${field}ocpp_connector_id`, message: 'another EVSE already uses this connector of the charge point' }]);
      }
      throw error;
    }
    for (const c of input.connectors) {
      await tx
        .insertInto('connectors')
        .values({
          tenant_id: tenantId,
          id: newId('con'),
          evse_id: id,
          standard: c.standard,
          format: c.format,
          power_type: c.power_type,
          max_voltage: c.max_voltage,
          max_amperage: c.max_amperage,
          max_electric_power: c.max_electric_power ?? connectorPower(c),
          tariff_id: c.tariff_id ?? null,
        })
        .execute();
    }
    return id;
  }

  private validate(input: LocationUpdate, field: string): void {
    const errors: DomainFieldError[] = [];
    if (input.time_zone !== undefined && !isValidTimeZone(input.time_zone))
      errors.push({ field: `${field}time_zone`, message: `"${input.time_zone}" is not an IANA time zone` });
    if (input.opening_hours) errors.push(...validateOpeningHours(input.opening_hours, `${field}opening_hours`));
    if (errors.length) throw fail.invalid(errors);
  }

  /** Every column of a complete location (create, import); `locationColumns` covers the optional ones. */
  private allLocationColumns(input: Omit<LocationInput, 'evses'>) {
    return {
      ...this.locationColumns(input),
      name: input.name,
      address: input.address,
      city: input.city,
      country: input.country,
      time_zone: input.time_zone,
      latitude: input.coordinates.latitude,
      longitude: input.coordinates.longitude,
    };
  }

  private locationColumns(input: LocationUpdate) {
    return {
      ...(input.postal_code !== undefined ? { postal_code: input.postal_code } : {}),
      ...(input.state !== undefined ? { state: input.state } : {}),
      ...(input.opening_hours !== undefined ? { opening_hours: JSON.stringify(input.opening_hours) } : {}),
      ...(input.facilities !== undefined ? { facilities: [...new Set(input.facilities)] } : {}),
      ...(input.parking_type !== undefined ? { parking_type: input.parking_type } : {}),
      ...(input.operator_name !== undefined ? { operator_name: input.operator_name } : {}),
      ...(input.owner_name !== undefined ? { owner_name: input.owner_name } : {}),
      ...(input.publish !== undefined ? { publish: input.publish } : {}),
      ...(input.energy_mix ? { renewable_share: input.energy_mix.renewable_share ?? null, co2_g_per_kwh: input.energy_mix.co2_g_per_kwh ?? null } : {}),
    };
  }

  /**
   * The network changed how all its locations are shown (sharing switched on or off): each
   * active location takes a new version, and the events that tell the index and clients.
   */
  async renewAll(tx: Tx, tenantId: string): Promise<DomainEvent[]> {
    const rows = await tx
      .updateTable('locations')
      .set({ updated_at: new Date(), version: nextVersion() } as never)
      .where('tenant_id', '=', tenantId)
      .where('status', '<>', 'REMOVED')
      .returning(['id', 'version', 'updated_at'])
      .execute();
    if (rows.length === 0) return [];
    const audienceByLocation = await audiences(
      tx,
      tenantId,
      rows.map((row) => row.id),
    );
    return rows.map((row) => ({
      type: 'location.updated',
      audience: audienceByLocation.get(row.id) as Audience,
      payload: { location_id: row.id, version: row.version, updated_at: row.updated_at.toISOString() },
    }));
  }

  /**
   * In the caller's transaction: the station's reliability score (the community module computes
   * it) for discovery to show, filter and sort by. A new version only when the figure changed, so
   * a nightly pass over unchanged stations wakes no client.
   */
  async setReliability(tx: Tx, tenantId: string, locationId: string, basis: { score: number | null } & Record<string, unknown>): Promise<DomainEvent[]> {
    const current = await tx
      .selectFrom('locations')
      .select(['reliability_score', 'reliability'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', locationId)
      .executeTakeFirst();
    if (!current) return [];
    const { computed_at: _at, ...figures } = basis;
    const { computed_at: _was, ...before } = (current.reliability ?? {}) as Record<string, unknown>;
    // jsonb keeps its own key order: compared key by key.
    const same =
      (current.reliability_score === null ? null : Number(current.reliability_score)) === basis.score &&
      Object.keys(before).length === Object.keys(figures).length &&
      Object.entries(figures).every(([k, v]) => before[k] === v);
    await tx
      .updateTable('locations')
      .set({ reliability_score: basis.score, reliability: JSON.stringify(basis), ...(same ? {} : { updated_at: new Date(), version: nextVersion() }) } as never)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', locationId)
      .execute();
    return same ? [] : [await locationEvent(tx, tenantId, locationId)];
  }

  /** Who may hear about a location: its network, and everyone when it is public. */
  audience(tx: Tx, tenantId: string, locationId: string): Promise<Audience> {
    return audienceOf(tx, tenantId, locationId);
  }
}
