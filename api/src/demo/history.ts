import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { PastSession } from '../charging/session-history.js';
import type { Services } from '../server/services.js';
import { localDay, toLocalIso, zonedTime } from '../shared/local-time.js';
import { DEMO } from './credentials.js';

const DATA = new URL('../../data/acn/caltech-sessions-2019-autumn.csv.gz', import.meta.url);
const DAY = 86_400_000;
const WEEKS = 13;
/** The Caltech garage's Level 2 EVSEs deliver at most 6.6 kW; the rest of a stay is parking. */
const ACN_POWER_W = 6_600;

interface AcnSession {
  /** Local wall clock of arrival and departure, `YYYY-MM-DDTHH:mm:ss`. */
  arrival: string;
  departure: string;
  energyWh: number;
  station: string;
}

/** The shipped real sessions (see data/acn/ATTRIBUTION.md), times as the garage's local wall clock. */
export function acnSessions(): AcnSession[] {
  const [, ...lines] = gunzipSync(readFileSync(fileURLToPath(DATA)))
    .toString('utf8')
    .trim()
    .split(/\r?\n/);
  return lines.map((line) => {
    const [arrival, departure, kwh, station] = line.split(',') as [string, string, string, string];
    return { arrival: arrival.slice(0, 19).replace(' ', 'T'), departure: departure.slice(0, 19).replace(' ', 'T'), energyWh: Number(kwh) * 1000, station };
  });
}

const weekday = (isoDay: string) => new Date(`${isoDay}T12:00:00Z`).getUTCDay();
const addDays = (isoDay: string, days: number) => new Date(Date.parse(`${isoDay}T12:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/**
 * The real sessions moved onto `evses` (one garage EVSE each) over the last 13 weeks before
 * today in `timeZone`, on the same weekday and at the same local time of day as they happened;
 * a session still running at `now` is left out.
 */
export function replayedHistory(sessions: AcnSession[], evses: string[], timeZone: string, now: Date): PastSession[] {
  const stations = [...new Set(sessions.map((s) => s.station))].sort();
  const evseOf = new Map(stations.slice(0, evses.length).map((station, i) => [station, evses[i] as string]));
  const today = toLocalIso(now, timeZone).slice(0, 10);
  const firstTarget = addDays(today, -WEEKS * 7);
  const firstSource = (sessions[0] as AcnSession).arrival.slice(0, 10);
  // Source day = target day - shift, with the shift a whole number of weeks plus the weekday difference.
  const align = (weekday(firstTarget) - weekday(firstSource) + 7) % 7;
  const shiftDays = Math.round((Date.parse(`${firstTarget}T12:00:00Z`) - Date.parse(`${addDays(firstSource, align)}T12:00:00Z`)) / DAY);
  const at = (wall: string) => {
    const [y, mo, d] = addDays(wall.slice(0, 10), shiftDays).split('-').map(Number) as [number, number, number];
    const [h, m, sec] = wall.slice(11).split(':').map(Number) as [number, number, number];
    return new Date(zonedTime(y, mo, d, h, m, timeZone).getTime() + sec * 1000);
  };
  const out: PastSession[] = [];
  for (const s of sessions) {
    const evseUid = evseOf.get(s.station);
    if (!evseUid) continue;
    const startedAt = at(s.arrival);
    const stoppedAt = at(s.departure);
    if (startedAt < localDay(firstTarget, timeZone).start || stoppedAt >= now || stoppedAt <= startedAt) continue;
    const chargingMs = Math.min(stoppedAt.getTime() - startedAt.getTime(), (s.energyWh / ACN_POWER_W) * 3_600_000);
    out.push({
      evseUid,
      startedAt,
      stoppedAt,
      energyWh: s.energyWh,
      chargedUntil: new Date(startedAt.getTime() + chargingMs),
      idTag: `ACN-${s.station}`,
    });
  }
  return out;
}

/** The demo's simulated chargers get a history: the Caltech garage's real sessions, replayed. */
export async function seedHistory(services: Services, networkId: string, now = new Date()): Promise<number> {
  const evses = await services.scopes.tenant(networkId, (tx) =>
    tx
      .selectFrom('evses')
      .innerJoin('charge_points as cp', (j) => j.onRef('cp.tenant_id', '=', 'evses.tenant_id').onRef('cp.id', '=', 'evses.charge_point_id'))
      .innerJoin('locations', (j) => j.onRef('locations.tenant_id', '=', 'evses.tenant_id').onRef('locations.id', '=', 'evses.location_id'))
      .select(['evses.id', 'locations.time_zone'])
      .where('evses.tenant_id', '=', networkId)
      .where('cp.identity', 'like', `${DEMO.simulated.prefix}%`)
      .orderBy('evses.id')
      .execute(),
  );
  if (!evses.length) return 0;
  const timeZone = evses[0]?.time_zone ?? 'Europe/Luxembourg';
  const history = replayedHistory(
    acnSessions(),
    evses.map((e) => e.id),
    timeZone,
    now,
  );
  const { imported } = await services.sessionHistory.import(networkId, history, now);
  return imported;
}
