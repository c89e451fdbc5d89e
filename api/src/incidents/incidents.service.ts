import { type Selectable, sql } from 'kysely';
import type { Logger } from 'pino';
import { faultName } from '../charging/fault-codes.js';
import { failedStartSql } from '../charging/session-outcome.js';
import type { Scopes, Tx } from '../db/tenancy.js';
import { type JobRunner, scheduleJob, scheduleJobs } from '../jobs/job-runner.js';
import { type Emit, writeThenPublish } from '../realtime/after-commit.js';
import type { EventBus, IncidentEvent } from '../realtime/events.js';
import { fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { Page, PageRequest } from '../shared/pagination.js';
import { newestFirst } from '../shared/pagination.js';
import type { FaultReports, SupportService } from '../support/support.service.js';
import { enqueueWebhookBatch, webhookEvent } from '../webhooks/webhook-outbox.js';
import type { Incident, IncidentDetail, LoggedMessage } from './incidents.model.js';
import type { IncidentCause, IncidentsTable } from './incidents.tables.js';

type IncidentRow = Selectable<IncidentsTable>;

const SWEEP_JOB = 'incidents.sweep';
const TICK_JOB = 'incidents.tick';
/** The flow that tells drivers with a booking on the EVSEs of a new incident (`flows/incident-bookings.flow.ts`). */
export const AFFECTED_BOOKINGS_JOB = 'incidents.affected-bookings';
const MINUTE = 60_000;
const TICK_MS = MINUTE;
const PROMPT_SWEEP_DELAY_MS = 2_000;
/** This many failed starts in the last hour, and none that worked since, open an incident. */
const FAILED_STARTS = 3;
/** A car drawing more than its share by this much, minutes after the charger was told, ignores the limit. */
const LIMIT_TOLERANCE = 1.1;
const LIMIT_SLACK_W = 500;
const LIMIT_GRACE_MS = 2 * MINUTE;
/** A driver's fault report stands until a session on the EVSE delivers this much, the EVSE is back in service, or staff close the ticket. */
const RECOVERED_SESSION_WH = 500;
const REPORT_WINDOW_MS = 7 * 24 * 60 * MINUTE;
const MESSAGE_LOG_WINDOW_MS = 15 * MINUTE;
const MESSAGE_LOG_MAX = 50;

export interface IncidentOptions {
  /** How long a charger may be offline before it is an incident (a reboot is not). */
  offlineAfterMs: number;
}

/** What the sweep wants open at one site: incidents by scope key (an EVSE's uid, or `site`). */
interface Wanted {
  location_id: string;
  evse_uid: string | null;
  causes: Set<IncidentCause>;
  affected: Set<string>;
  chargePoints: Set<string>;
  fault?: { code: string; info: string | null; vendor: string | null };
}

const scopeKey = (evseUid: string | null) => evseUid ?? 'site';
const sameSet = (a: readonly string[], b: Set<string>) => a.length === b.size && a.every((x) => b.has(x));

/**
 * Faults become incidents by themselves. A sweep per network (after a charger changes state, and
 * every minute) reads what is wrong now — OCPP faults, chargers offline past a threshold, starts
 * that keep failing, power limits ignored, drivers' reports — and reconciles it with the open
 * incidents: opens what is new (one per EVSE; one per site when every charger there is offline),
 * updates what changed, resolves what recovered. Being a reconciliation, a missed event or a
 * killed process only delays it; the unique index keeps it from ever opening a duplicate.
 */
export class IncidentsService implements FaultReports {
  constructor(
    private readonly scopes: Scopes,
    private readonly bus: EventBus,
    private readonly support: SupportService,
    private readonly logger: Logger,
    private readonly options: IncidentOptions,
  ) {}

  // ---- detection ----------------------------------------------------------------------------

  /** Reconciles one network's incidents with what its chargers and drivers say now. */
  async sweep(tenantId: string, now = new Date()): Promise<{ opened: number; resolved: number }> {
    return writeThenPublish(this.scopes, this.bus, tenantId, async (tx, emit) => {
      // One sweep of a network at a time, whichever process runs it.
      await sql`select pg_advisory_xact_lock(hashtext(${`incidents:${tenantId}`}))`.execute(tx);
      const wanted = await this.signals(tx, tenantId, now);
      const open = await tx.selectFrom('incidents').selectAll().where('tenant_id', '=', tenantId).where('status', '=', 'open').execute();
      const openByKey = new Map(open.map((i) => [`${i.location_id}/${i.scope_key}`, i]));
      const fresh: Wanted[] = [];
      for (const [key, want] of wanted) {
        const existing = openByKey.get(key);
        openByKey.delete(key);
        if (!existing) {
          fresh.push(want);
          continue;
        }
        const causes = [...want.causes].sort() as IncidentCause[];
        if (
          !sameSet(existing.causes, want.causes) ||
          !sameSet(existing.affected_evse_uids, want.affected) ||
          want.fault?.code !== (existing.fault_code ?? undefined)
        ) {
          const updated = await tx
            .updateTable('incidents')
            .set({
              causes,
              affected_evse_uids: [...want.affected].sort(),
              charge_point_ids: [...new Set([...existing.charge_point_ids, ...want.chargePoints])].sort(),
              fault_code: want.fault?.code ?? existing.fault_code,
              fault_info: want.fault?.info ?? existing.fault_info,
              vendor_error_code: want.fault?.vendor ?? existing.vendor_error_code,
              last_signal_at: now,
              updated_at: now,
            })
            .where('tenant_id', '=', tenantId)
            .where('id', '=', existing.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          await this.announce(tx, [updated], 'incident.updated', emit, now);
        }
      }
      const opened = (await this.openIncidents(tx, tenantId, fresh, now, emit)).length;
      // What is open and no longer signalled has recovered; EVSE incidents inside a site outage were merged into it.
      const recovered: IncidentRow[] = [];
      for (const incident of openByKey.values()) {
        const site = wanted.get(`${incident.location_id}/site`);
        if (!site || !incident.evse_uid || !site.affected.has(incident.evse_uid)) {
          recovered.push(incident);
          continue;
        }
        const siteRow = await tx
          .selectFrom('incidents')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('location_id', '=', incident.location_id)
          .where('scope_key', '=', 'site')
          .where('status', '=', 'open')
          .executeTakeFirst();
        await this.close(tx, [incident], 'merged', now, emit, siteRow?.id);
      }
      await this.close(tx, recovered, 'recovered', now, emit);
      const resolved = openByKey.size;
      if (opened || resolved) this.logger.info({ tenant_id: tenantId, opened, resolved }, 'incidents reconciled');
      return { opened, resolved };
    });
  }

  /** What is wrong at this network now, grouped into the incidents it should have open. */
  private async signals(tx: Tx, tenantId: string, now: Date): Promise<Map<string, Wanted>> {
    const evses = await tx
      .selectFrom('evses')
      .innerJoin('charge_points', (j) => j.onRef('charge_points.tenant_id', '=', 'evses.tenant_id').onRef('charge_points.id', '=', 'evses.charge_point_id'))
      .select([
        'evses.id',
        'evses.location_id',
        'evses.status',
        'evses.charge_point_id',
        'evses.ocpp_connector_id',
        'charge_points.online',
        'charge_points.last_seen_at',
      ])
      .where('evses.tenant_id', '=', tenantId)
      .where('evses.status', 'not in', ['REMOVED', 'PLANNED'])
      .where('charge_points.status', '=', 'ACTIVE')
      .execute();
    const offlineSince = now.getTime() - this.options.offlineAfterMs;
    const perEvse = new Map<string, { causes: Set<IncidentCause>; fault?: Wanted['fault'] }>();
    const add = (evseUid: string, cause: IncidentCause) => {
      const entry = perEvse.get(evseUid) ?? { causes: new Set<IncidentCause>() };
      entry.causes.add(cause);
      perEvse.set(evseUid, entry);
    };
    const faulted = evses.filter((e) => e.online && e.status === 'OUTOFORDER');
    // A charger never seen yet is being commissioned, not offline.
    for (const e of evses) if (!e.online && e.last_seen_at && e.last_seen_at.getTime() <= offlineSince) add(e.id, 'offline');
    for (const e of faulted) add(e.id, 'fault');
    if (faulted.length) {
      // The latest error code each faulted connector reported (connector 0 speaks for the whole charger).
      const codes = await tx
        .selectFrom('evse_faults')
        .select(['charge_point_id', 'connector_id', 'error_code', 'info', 'vendor_error_code', 'occurred_at'])
        .where('tenant_id', '=', tenantId)
        .where('charge_point_id', 'in', [...new Set(faulted.map((e) => e.charge_point_id as string))])
        .where('occurred_at', '>', new Date(now.getTime() - 24 * 60 * MINUTE))
        .orderBy('occurred_at', 'desc')
        .execute();
      for (const e of faulted) {
        const code = codes.find((c) => c.charge_point_id === e.charge_point_id && (c.connector_id === e.ocpp_connector_id || c.connector_id === 0));
        const entry = perEvse.get(e.id);
        if (code && entry) entry.fault = { code: code.error_code, info: code.info, vendor: code.vendor_error_code };
      }
    }
    const failedStarts = await sql<{ evse_uid: string }>`
      select evse_uid from (
        select evse_uid,
          count(*) filter (where failed) as failures,
          max(started_at) filter (where failed) as last_failed,
          max(started_at) filter (where not failed) as last_ok
        from (
          select evse_uid, started_at,
            ${failedStartSql} as failed
          from charging_sessions
          where tenant_id = ${tenantId} and evse_uid is not null and started_at > ${new Date(now.getTime() - 60 * MINUTE)}
        ) s
        group by evse_uid
      ) t
      where failures >= ${FAILED_STARTS} and (last_ok is null or last_ok < last_failed)`.execute(tx);
    for (const r of failedStarts.rows) add(r.evse_uid, 'failed_starts');
    const overLimit = await sql<{ evse_uid: string }>`
      select s.evse_uid from charging_sessions s
      join evse_power_shares p on p.tenant_id = s.tenant_id and p.evse_uid = s.evse_uid
      where s.tenant_id = ${tenantId} and s.status = 'ACTIVE' and p.share_w is not null
        and s.power_w > p.share_w * ${LIMIT_TOLERANCE}::float8 + ${LIMIT_SLACK_W}
        and p.told_at < ${new Date(now.getTime() - LIMIT_GRACE_MS)} and s.updated_at > p.told_at + interval '1 minute'`.execute(tx);
    for (const r of overLimit.rows) add(r.evse_uid, 'power_limit_ignored');
    const reported = await sql<{ evse_uid: string }>`
      select distinct t.evse_uid from support_tickets t
      where t.tenant_id = ${tenantId} and t.kind = 'fault' and t.status in ('open', 'waiting') and t.evse_uid is not null
        and t.created_at > ${new Date(now.getTime() - REPORT_WINDOW_MS)}
        -- The report stands until the charger shows it works again: a session that delivered, or the EVSE back in service after the report.
        and not exists (
          select 1 from charging_sessions s
          where s.tenant_id = t.tenant_id and s.evse_uid = t.evse_uid and s.started_at > t.created_at
            and coalesce(s.meter_stop_wh, s.meter_last_wh) - s.meter_start_wh >= ${RECOVERED_SESSION_WH})
        and not exists (
          select 1 from evse_availability_changes c
          where c.tenant_id = t.tenant_id and c.evse_uid = t.evse_uid and c.at > t.created_at
            and c.availability in ('AVAILABLE', 'CHARGING'))`.execute(tx);
    for (const r of reported.rows) add(r.evse_uid, 'driver_report');

    const wanted = new Map<string, Wanted>();
    const bySite = new Map<string, typeof evses>();
    for (const e of evses) bySite.set(e.location_id, [...(bySite.get(e.location_id) ?? []), e]);
    for (const [locationId, siteEvses] of bySite) {
      const troubled = siteEvses.filter((e) => perEvse.has(e.id));
      if (troubled.length === 0) continue;
      // Every charger of the site disconnected at once is one outage (grid, network), not one incident per EVSE;
      // it counts from the first charger past the threshold, so a storm opens one incident per site.
      const siteDown = siteEvses.every((e) => !e.online && e.last_seen_at) && troubled.some((e) => perEvse.get(e.id)?.causes.has('offline'));
      for (const e of siteDown ? siteEvses : troubled) {
        const signal = perEvse.get(e.id) ?? { causes: new Set<IncidentCause>(['offline']) };
        const evseUid = siteDown ? null : e.id;
        const key = `${locationId}/${scopeKey(evseUid)}`;
        const want = wanted.get(key) ?? { location_id: locationId, evse_uid: evseUid, causes: new Set(), affected: new Set(), chargePoints: new Set() };
        for (const c of signal.causes) want.causes.add(c);
        want.affected.add(e.id);
        if (e.charge_point_id) want.chargePoints.add(e.charge_point_id);
        want.fault ??= signal.fault;
        wanted.set(key, want);
      }
    }
    return wanted;
  }

  /** Opens incidents (but none another sweep or a report just opened), each with its chargers' recent messages. */
  private async openIncidents(tx: Tx, tenantId: string, wants: Wanted[], now: Date, emit: Emit, reportingTicket?: string): Promise<IncidentRow[]> {
    if (wants.length === 0) return [];
    const chargePoints = [...new Set(wants.flatMap((w) => [...w.chargePoints]))];
    const recent = chargePoints.length
      ? await sql<{ charge_point_id: string; created_at: Date; direction: 'in' | 'out'; frame: unknown }>`
          select charge_point_id, created_at, direction, frame from (
            select charge_point_id, created_at, direction, frame, id, row_number() over (partition by charge_point_id order by id desc) as n
            from ocpp_messages
            where tenant_id = ${tenantId} and charge_point_id = any(${chargePoints}::text[]) and created_at > ${new Date(now.getTime() - MESSAGE_LOG_WINDOW_MS)}
          ) m where n <= ${MESSAGE_LOG_MAX} order by id`.execute(tx)
      : { rows: [] };
    const logOf = (want: Wanted): LoggedMessage[] =>
      recent.rows
        .filter((m) => want.chargePoints.has(m.charge_point_id))
        .slice(-MESSAGE_LOG_MAX)
        .map((m) => ({ at: m.created_at, direction: m.direction, frame: m.frame }));
    const rows = await tx
      .insertInto('incidents')
      .values(
        wants.map((want) => ({
          tenant_id: tenantId,
          id: newId('inc'),
          location_id: want.location_id,
          evse_uid: want.evse_uid,
          scope_key: scopeKey(want.evse_uid),
          causes: [...want.causes].sort() as IncidentCause[],
          affected_evse_uids: [...want.affected].sort(),
          charge_point_ids: [...want.chargePoints].sort(),
          fault_code: want.fault?.code ?? null,
          fault_info: want.fault?.info ?? null,
          vendor_error_code: want.fault?.vendor ?? null,
          opened_at: now,
          last_signal_at: now,
          message_log: JSON.stringify(logOf(want)),
        })),
      )
      .onConflict((oc) => oc.columns(['tenant_id', 'location_id', 'scope_key']).where('status', '=', 'open').doNothing())
      .returningAll()
      .execute();
    if (rows.length === 0) return [];
    await this.support.linkFaultTickets(
      tx,
      tenantId,
      rows.map((r) => ({ incidentId: r.id, evseUids: r.affected_evse_uids })),
      new Date(now.getTime() - REPORT_WINDOW_MS),
      reportingTicket,
    );
    await scheduleJobs(
      tx,
      rows.map((r) => ({ kind: AFFECTED_BOOKINGS_JOB, key: `${AFFECTED_BOOKINGS_JOB}:${r.id}`, tenantId, runAt: now, payload: { incident_id: r.id } })),
    );
    await this.announce(tx, rows, 'incident.opened', emit, now);
    return rows;
  }

  private async close(
    tx: Tx,
    incidents: IncidentRow[],
    resolution: 'recovered' | 'staff' | 'merged',
    now: Date,
    emit: Emit,
    mergedInto?: string,
  ): Promise<void> {
    if (incidents.length === 0) return;
    const rows = await tx
      .updateTable('incidents')
      .set({ status: 'resolved', resolved_at: now, resolution, merged_into: mergedInto ?? null, updated_at: now })
      .where('tenant_id', '=', incidents[0]?.tenant_id as string)
      .where(
        'id',
        'in',
        incidents.map((i) => i.id),
      )
      .where('status', '=', 'open')
      .returningAll()
      .execute();
    if (rows.length === 0) return;
    const tenantId = rows[0]?.tenant_id as string;
    if (mergedInto) for (const row of rows) await this.support.moveToIncident(tx, tenantId, row.id, mergedInto);
    else
      await this.support.incidentsResolved(
        tx,
        tenantId,
        rows.map((r) => r.id),
        now,
        emit,
      );
    await this.announce(tx, rows, 'incident.resolved', emit, now);
  }

  private async announce(tx: Tx, rows: IncidentRow[], type: IncidentEvent['type'], emit: Emit, now: Date): Promise<void> {
    // Partners (automakers routing drivers) hear of incidents at the stations they can see.
    const tenantId = rows[0]?.tenant_id as string;
    const visible = new Set(
      rows.length
        ? (
            await tx
              .selectFrom('locations')
              .innerJoin('networks', 'networks.id', 'locations.tenant_id')
              .select('locations.id')
              .where('locations.tenant_id', '=', tenantId)
              .where('locations.id', 'in', [...new Set(rows.map((r) => r.location_id))])
              .where('locations.publish', '=', true)
              .where('networks.public_sharing', '=', true)
              .execute()
          ).map((l) => l.id)
        : [],
    );
    const events = rows.map((row) => {
      const data = {
        incident_id: row.id,
        location_id: row.location_id,
        evse_uid: row.evse_uid,
        scope: row.evse_uid ? 'evse' : 'site',
        status: row.status,
        causes: row.causes,
        affected_evse_uids: row.affected_evse_uids,
        fault_code: row.fault_code,
        opened_at: row.opened_at.toISOString(),
        resolved_at: row.resolved_at?.toISOString() ?? null,
        resolution: row.resolution,
      };
      emit({ type, audience: { tenant_id: row.tenant_id, incident_id: row.id }, payload: data } satisfies IncidentEvent);
      return { ...webhookEvent(row.tenant_id, type, data, now), ...(visible.has(row.location_id) && { partners: 'public' as const }) };
    });
    await enqueueWebhookBatch(tx, tenantId, events);
  }

  /** A driver's (or reporter's) fault ticket, in its own transaction: joins the EVSE's open incident or opens one. */
  async faultReported(tx: Tx, tenantId: string, report: { ticket_id: string; evse_uid: string; at: Date }): Promise<{ incident_id: string; known: boolean }> {
    const evse = await tx
      .selectFrom('evses')
      .select(['location_id', 'charge_point_id'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', report.evse_uid)
      .executeTakeFirstOrThrow();
    const covering = await tx
      .selectFrom('incidents')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('location_id', '=', evse.location_id)
      .where('status', '=', 'open')
      .where(sql<boolean>`${report.evse_uid} = any(affected_evse_uids)`)
      .orderBy('scope_key', 'desc') // the site's ('site') before an EVSE's own ('evse_…')
      .executeTakeFirst();
    if (covering) {
      if (!covering.causes.includes('driver_report'))
        await tx
          .updateTable('incidents')
          .set({ causes: [...covering.causes, 'driver_report' as const].sort(), last_signal_at: report.at, updated_at: report.at })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', covering.id)
          .execute();
      return { incident_id: covering.id, known: true };
    }
    const [opened] = await this.openIncidents(
      tx,
      tenantId,
      [
        {
          location_id: evse.location_id,
          evse_uid: report.evse_uid,
          causes: new Set(['driver_report']),
          affected: new Set([report.evse_uid]),
          chargePoints: new Set(evse.charge_point_id ? [evse.charge_point_id] : []),
        },
      ],
      report.at,
      // Inside the ticket's transaction: the incident's realtime event waits for the next sweep.
      () => {},
      report.ticket_id,
    );
    if (opened) return { incident_id: opened.id, known: false };
    // Opened by a sweep a moment ago.
    const now = await tx
      .selectFrom('incidents')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('location_id', '=', evse.location_id)
      .where('scope_key', '=', report.evse_uid)
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    return { incident_id: now.id, known: true };
  }

  // ---- staff --------------------------------------------------------------------------------

  /** Staff resolve an incident by hand (a fix the charger cannot report). It opens again if the fault persists. */
  async resolve(tenantId: string, id: string, now = new Date()): Promise<IncidentDetail> {
    await writeThenPublish(this.scopes, this.bus, tenantId, async (tx, emit) => {
      const row = await tx.selectFrom('incidents').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      if (!row) throw fail.notFound('incident', id);
      if (row.status !== 'open') throw fail.conflict('This incident is already resolved.', 'incident-resolved');
      await this.close(tx, [row], 'staff', now, emit);
    });
    return this.get(tenantId, id);
  }

  async get(tenantId: string, id: string): Promise<IncidentDetail> {
    return this.scopes.tenant(tenantId, async (tx) => {
      const row = await tx.selectFrom('incidents').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      if (!row) throw fail.notFound('incident', id);
      const [incident] = await this.present(tx, tenantId, [row]);
      const tickets = await this.support.ticketsOfIncident(tx, tenantId, id);
      return {
        ...(incident as Incident),
        message_log: (row.message_log as { at: string; direction: 'in' | 'out'; frame: unknown }[]).map((m) => ({ ...m, at: new Date(m.at) })),
        ticket_ids: tickets.map((t) => t.id),
      };
    });
  }

  list(tenantId: string, filter: { status?: 'open' | 'resolved'; location_id?: string; evse_uid?: string }, page: PageRequest): Promise<Page<Incident>> {
    return newestFirst(
      page,
      (before, limit) =>
        this.scopes.tenant(tenantId, async (tx) => {
          const rows = await tx
            .selectFrom('incidents')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status as 'open'))
            .$if(filter.location_id !== undefined, (q) => q.where('location_id', '=', filter.location_id as string))
            .$if(filter.evse_uid !== undefined, (q) => q.where(sql<boolean>`${filter.evse_uid} = any(affected_evse_uids)`))
            .$if(before !== undefined, (q) => q.where('id', '<', before as string))
            .orderBy('id', 'desc')
            .limit(limit)
            .execute();
          return this.present(tx, tenantId, rows);
        }),
      (incident) => incident,
    );
  }

  /** Rows as staff read them: site names, printed EVSE ids, fault names, ticket counts. */
  private async present(tx: Tx, tenantId: string, rows: IncidentRow[]): Promise<(Incident & { id: string })[]> {
    if (rows.length === 0) return [];
    const evseUids = [...new Set(rows.flatMap((r) => r.affected_evse_uids))];
    const printed = new Map(
      (await tx.selectFrom('evses').select(['id', 'evse_id']).where('tenant_id', '=', tenantId).where('id', 'in', evseUids).execute()).map((e) => [
        e.id,
        e.evse_id,
      ]),
    );
    const names = new Map(
      (
        await tx
          .selectFrom('locations')
          .select(['id', 'name'])
          .where('tenant_id', '=', tenantId)
          .where('id', 'in', [...new Set(rows.map((r) => r.location_id))])
          .execute()
      ).map((l) => [l.id, l.name]),
    );
    const counts = await this.support.ticketCounts(
      tx,
      tenantId,
      rows.map((r) => r.id),
    );
    return rows.map((row) => ({
      id: row.id,
      location_id: row.location_id,
      location_name: names.get(row.location_id) ?? '',
      evse_uid: row.evse_uid,
      evse_id: row.evse_uid ? (printed.get(row.evse_uid) ?? null) : null,
      scope: row.evse_uid ? 'evse' : 'site',
      status: row.status,
      causes: row.causes,
      affected_evses: row.affected_evse_uids.map((uid) => ({ evse_uid: uid, evse_id: printed.get(uid) ?? null })),
      fault: row.fault_code ? { code: row.fault_code, name: faultName(row.fault_code), info: row.fault_info, vendor_error_code: row.vendor_error_code } : null,
      opened_at: row.opened_at,
      last_signal_at: row.last_signal_at,
      resolved_at: row.resolved_at,
      resolution: row.resolution,
      tickets: counts.get(row.id) ?? 0,
    }));
  }

  /** Open incidents of a network, for its public status page (no tickets, no drivers, no log). */
  publicIncidents(tenantId: string) {
    return this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('incidents')
        .innerJoin('locations', (j) => j.onRef('locations.tenant_id', '=', 'incidents.tenant_id').onRef('locations.id', '=', 'incidents.location_id'))
        .leftJoin('evses', (j) => j.onRef('evses.tenant_id', '=', 'incidents.tenant_id').onRef('evses.id', '=', 'incidents.evse_uid'))
        .select([
          'incidents.location_id',
          'locations.name as location_name',
          'locations.city',
          'locations.is_public',
          'incidents.evse_uid',
          'evses.evse_id',
          'incidents.affected_evse_uids',
          'incidents.opened_at',
        ])
        .where('incidents.tenant_id', '=', tenantId)
        .where('incidents.status', '=', 'open')
        .orderBy('incidents.opened_at')
        .execute(),
    );
  }

  /** EVSEs with an open incident among these: the queue and rebooking pass them over. */
  async troubled(tx: Tx, tenantId: string, evseUids: string[]): Promise<Set<string>> {
    if (evseUids.length === 0) return new Set();
    const rows = await sql<{ evse_uid: string }>`
      select distinct unnest(affected_evse_uids) as evse_uid from incidents
      where tenant_id = ${tenantId} and status = 'open' and affected_evse_uids && ${evseUids}::text[]`.execute(tx);
    return new Set(rows.rows.map((r) => r.evse_uid).filter((uid) => evseUids.includes(uid)));
  }

  // ---- scheduling ---------------------------------------------------------------------------

  /**
   * A sweep of the network soon, or at `at` (asks while one is pending are that one; later ones
   * share ten-second slots). "Soon" waits a moment so a burst of reports is one sweep and the
   * message log (written in the background) holds the frames that led to the incident.
   */
  private async requestSweep(tenantId: string, at?: Date): Promise<void> {
    const slot = at ? Math.ceil(at.getTime() / 10_000) * 10_000 : undefined;
    const runAt = slot ? new Date(slot) : new Date(Date.now() + PROMPT_SWEEP_DELAY_MS);
    const key = `${SWEEP_JOB}:${tenantId}:${slot ?? 'soon'}`;
    // A busy network changes state many times a second: one ask per pending sweep reaches the database.
    if ((this.askedUntil.get(key) ?? 0) > Date.now()) return;
    this.askedUntil.set(key, runAt.getTime());
    if (this.askedUntil.size > 10_000) for (const [k, until] of this.askedUntil) if (until <= Date.now()) this.askedUntil.delete(k);
    try {
      await this.scopes.system((tx) => scheduleJob(tx, { kind: SWEEP_JOB, key, tenantId, runAt, payload: {} }));
    } catch (error) {
      this.askedUntil.delete(key); // the next change asks again
      throw error;
    }
  }

  /** Sweeps this process has asked for and that are still due, by job key: asking again would change nothing. */
  private readonly askedUntil = new Map<string, number>();

  /**
   * Sweeps promptly after an EVSE changes state: now for a fault or a recovery, once the offline
   * threshold has passed for a charger that went away. The minute tick covers anything missed.
   */
  watch(): () => void {
    return this.bus.subscribe((event) => {
      if (event.type !== 'evse.status') return;
      const tenantId = event.audience.tenant_id;
      const when = event.payload.status === 'UNKNOWN' ? new Date(Date.now() + this.options.offlineAfterMs + 1_000) : undefined;
      this.requestSweep(tenantId, when).catch((error: unknown) =>
        this.logger.warn({ err: error, tenant_id: tenantId }, 'could not schedule an incident sweep'),
      );
    });
  }

  /** Every minute: a sweep for each network with something wrong or something open. */
  async tick(now: Date): Promise<void> {
    await this.scopes.system(async (tx) => {
      const networks = await sql<{ tenant_id: string }>`
        select distinct tenant_id from evses where availability in ('OUTOFORDER', 'UNKNOWN') and charge_point_id is not null and status <> 'REMOVED'
        union select distinct tenant_id from incidents where status = 'open'
        union select distinct tenant_id from support_tickets where kind = 'fault' and status in ('open', 'waiting') and incident_id is null`.execute(tx);
      await scheduleJobs(
        tx,
        networks.rows.map((n) => ({
          kind: SWEEP_JOB,
          key: `${SWEEP_JOB}:${n.tenant_id}:tick:${now.getTime()}`,
          tenantId: n.tenant_id,
          runAt: now,
          payload: {},
        })),
      );
      await scheduleJob(tx, { kind: TICK_JOB, key: TICK_JOB, runAt: new Date(now.getTime() + TICK_MS) });
    });
  }

  /** The first tick, once, at startup. */
  startTicking(now = new Date()): Promise<void> {
    return this.scopes.system((tx) => scheduleJob(tx, { kind: TICK_JOB, key: TICK_JOB, runAt: now }));
  }

  registerJobs(jobs: JobRunner): void {
    jobs.register(SWEEP_JOB, async (_payload, { tenantId, now }) => {
      if (tenantId) await this.sweep(tenantId, now);
    });
    jobs.register(TICK_JOB, async (_payload, { now }) => {
      await this.tick(now);
    });
  }
}
