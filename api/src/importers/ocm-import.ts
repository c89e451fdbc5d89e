import type { LocationsService } from '../locations/locations.service.js';
import { mapPoi, type OcmReference } from './ocm.js';

export interface ImportReport {
  total: number;
  created: number;
  updated: number;
  skipped: { id: string; reason: string }[];
  /** Connections left out of locations that were imported. */
  skipped_connections: string[];
  evses: number;
}

export type Progress = (done: number, total: number) => void;

/**
 * Imports OCM POIs into a network. Each record is its own transaction: it lands whole or, if
 * the database refuses it, not at all and is reported as skipped. Re-importing updates.
 */
export async function importOcm(
  locations: LocationsService,
  tenantId: string,
  pois: unknown[],
  reference: OcmReference,
  progress?: Progress,
): Promise<ImportReport> {
  const report: ImportReport = { total: pois.length, created: 0, updated: 0, skipped: [], skipped_connections: [], evses: 0 };
  for (const [index, poi] of pois.entries()) {
    const mapped = mapPoi(poi, reference);
    if (!mapped.ok) {
      report.skipped.push({ id: mapped.id, reason: mapped.reason });
    } else {
      try {
        const outcome = await locations.upsertImported(tenantId, mapped.value);
        if (outcome === 'kept-removed') report.skipped.push({ id: mapped.value.source, reason: 'removed by staff; not restored' });
        else {
          report[outcome] += 1;
          report.evses += mapped.value.evses.length;
          report.skipped_connections.push(...mapped.value.skipped_connections);
        }
      } catch (error) {
        report.skipped.push({ id: mapped.value.source, reason: `rejected: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
    progress?.(index + 1, pois.length);
  }
  // A bulk load changes the tables' shape; fresh statistics keep discovery's plans fast
  // (PGlite has no autovacuum to do it).
  await locations.analyze();
  return report;
}
