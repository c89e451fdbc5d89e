import { sql } from 'kysely';
import type { Scopes } from '../db/tenancy.js';
import { type DomainFieldError, fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { priceSession } from '../tariffs/pricing.js';
import type { TariffsService } from '../tariffs/tariffs.service.js';

/** A session that happened before the network's chargers reported to this platform. */
export interface PastSession {
  evseUid: string;
  startedAt: Date;
  /** When the car left (the plug came out). */
  stoppedAt: Date;
  energyWh: number;
  /** When the last energy went in; the car stood idle from then until it left. Defaults to `stoppedAt`. */
  chargedUntil?: Date;
  /** The card or token it was started with, as the old system recorded it. */
  idTag: string;
}

const BATCH = 500;

/**
 * History a network brings along (from the system it leaves, or the demo's replayed real
 * sessions): completed sessions with their energy, priced by each EVSE's tariff, feeding the
 * charts, forecasts, uptime and reliability like the platform's own. Nothing is announced — these
 * are not news — and importing the same rows again adds nothing.
 */
export class SessionHistory {
  constructor(
    private readonly scopes: Scopes,
    private readonly tariffs: TariffsService,
  ) {}

  /** All or nothing: one bad row refuses the import, naming the row and field. */
  async import(tenantId: string, sessions: PastSession[], now = new Date()): Promise<{ imported: number; already: number }> {
    return this.scopes.tenant(tenantId, async (tx) => {
      const evses = new Map(
        (
          await tx
            .selectFrom('evses')
            .select(['id', 'charge_point_id', 'ocpp_connector_id'])
            .where('tenant_id', '=', tenantId)
            .where('charge_point_id', 'is not', null)
            .execute()
        ).map((e) => [e.id, e]),
      );
      const errors = sessions.flatMap((s, i) => checkPastSession(s, i, evses, now));
      if (errors.length) throw fail.invalid(errors.slice(0, 20), `${errors.length} field(s) in the history are invalid; nothing was imported.`);
      const terms = new Map<string, Awaited<ReturnType<TariffsService['termsForEvse']>>>();
      for (const uid of new Set(sessions.map((s) => s.evseUid))) terms.set(uid, await this.tariffs.termsForEvse(tx, tenantId, uid));
      let imported = 0;
      for (let from = 0; from < sessions.length; from += BATCH) {
        const rows = sessions.slice(from, from + BATCH).map((s) => {
          const evse = evses.get(s.evseUid) as { charge_point_id: string; ocpp_connector_id: number | null };
          const tariff = terms.get(s.evseUid);
          const energy = Math.round(s.energyWh);
          const readings = [
            { at: s.chargedUntil ?? s.stoppedAt, energyWh: energy },
            { at: s.stoppedAt, energyWh: energy },
          ];
          const cost = tariff ? priceSession(tariff, s.startedAt, s.stoppedAt, readings) : undefined;
          return {
            tenant_id: tenantId,
            id: newId('ses'),
            transaction_id: sql<number>`nextval('ocpp_transaction_id_seq')`,
            charge_point_id: evse.charge_point_id,
            evse_uid: s.evseUid,
            connector_id: evse.ocpp_connector_id ?? 1,
            id_tag: s.idTag,
            status: 'COMPLETED' as const,
            started_at: s.startedAt,
            stopped_at: s.stoppedAt,
            meter_start_wh: 0,
            meter_last_wh: energy,
            meter_stop_wh: energy,
            power_w: 0,
            stop_reason: 'EVDisconnected',
            authorization_status: 'Accepted',
            tariff: tariff ? JSON.stringify(tariff) : null,
            cost: cost ? JSON.stringify(cost) : null,
          };
        });
        const inserted = await tx
          .insertInto('charging_sessions')
          .values(rows as never)
          .onConflict((oc) => oc.columns(['tenant_id', 'charge_point_id', 'connector_id', 'id_tag', 'meter_start_wh', 'started_at']).doNothing())
          .returning(['id', 'started_at'])
          .execute();
        imported += inserted.length;
      }
      return { imported, already: sessions.length - imported };
    });
  }
}

function checkPastSession(s: PastSession, i: number, evses: Map<string, { charge_point_id: string | null }>, now: Date): DomainFieldError[] {
  const at = (field: string) => `sessions[${i}].${field}`;
  const errors: DomainFieldError[] = [];
  if (!evses.has(s.evseUid)) errors.push({ field: at('evse_uid'), message: 'is not an EVSE of this network behind a charge point' });
  if (!(s.startedAt instanceof Date) || Number.isNaN(s.startedAt.getTime())) errors.push({ field: at('started_at'), message: 'must be a date-time' });
  if (!(s.stoppedAt instanceof Date) || Number.isNaN(s.stoppedAt.getTime())) errors.push({ field: at('stopped_at'), message: 'must be a date-time' });
  else if (s.stoppedAt > now) errors.push({ field: at('stopped_at'), message: 'is in the future; history has ended' });
  else if (s.stoppedAt <= s.startedAt) errors.push({ field: at('stopped_at'), message: 'must be after started_at' });
  if (s.chargedUntil && !(s.chargedUntil >= s.startedAt && s.chargedUntil <= s.stoppedAt))
    errors.push({ field: at('charged_until'), message: 'must lie between started_at and stopped_at' });
  if (!Number.isFinite(s.energyWh) || s.energyWh < 0) errors.push({ field: at('energy_wh'), message: 'must be a number of Wh, 0 or more' });
  if (!s.idTag || s.idTag.length > 64) errors.push({ field: at('id_tag'), message: 'must be 1 to 64 characters' });
  return errors;
}
