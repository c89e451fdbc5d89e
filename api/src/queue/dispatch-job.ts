import type { JobRequest } from '../jobs/job-runner.js';

/**
 * The job that offers a location's free EVSEs to its queue. One is pending per location at a
 * time; one scheduled for later (after a snooze) has its own key.
 */
export function queueDispatchJob(tenantId: string, locationId: string, runAt?: Date): JobRequest & { key: string } {
  return {
    tenantId,
    kind: 'queue.dispatch',
    key: `queue.dispatch:${tenantId}:${locationId}${runAt ? `:${runAt.toISOString()}` : ''}`,
    runAt,
    payload: { location_id: locationId },
  };
}
