import type { EvseStatus } from '../db/schema.js';
import type { Services } from '../server/services.js';

const NEXT: Record<string, EvseStatus[]> = {
  AVAILABLE: ['CHARGING', 'CHARGING', 'AVAILABLE'],
  CHARGING: ['AVAILABLE', 'AVAILABLE', 'CHARGING'],
  OUTOFORDER: ['AVAILABLE'],
};

/**
 * Demo mode only: drivers plugging in and leaving, so the live map moves before real chargers
 * are connected. Goes through the same domain function a charger's status report uses.
 */
export function startDemoActivity(services: Services, networkId: string, everyMs = 4000): () => void {
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const evses = await services.scopes.tenant(networkId, (tx) =>
        tx
          .selectFrom('evses')
          .select(['id', 'status'])
          .where('tenant_id', '=', networkId)
          .where('charge_point_id', 'is', null)
          .where('status', 'in', ['AVAILABLE', 'CHARGING', 'OUTOFORDER'])
          .execute(),
      );
      const evse = evses[Math.floor(Math.random() * evses.length)];
      if (!evse) return;
      const options = NEXT[evse.status] ?? ['AVAILABLE'];
      const next = options[Math.floor(Math.random() * options.length)] ?? 'AVAILABLE';
      if (next !== evse.status) await services.locations.applyEvseStatus(networkId, evse.id, next, new Date());
    } catch (error) {
      services.logger.warn({ err: error }, 'demo activity step failed');
    } finally {
      busy = false;
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
