import type { NetworkStatus } from '../incidents/incidents.model.js';
import type { IncidentsService } from '../incidents/incidents.service.js';
import type { NetworksService } from '../networks/networks.service.js';
import type { UptimeService } from '../uptime/uptime.service.js';

const DAY = 24 * 60 * 60_000;

/**
 * A network's public status page: its open incidents at published sites (where and since when,
 * nothing about drivers or tickets) and its ports' uptime over the last 30 days.
 */
export class NetworkStatusFlow {
  constructor(
    private readonly networks: NetworksService,
    private readonly incidents: IncidentsService,
    private readonly uptime: UptimeService,
  ) {}

  async status(slug: string, now = new Date()): Promise<NetworkStatus> {
    const network = await this.networks.publicBySlug(slug);
    const open = (await this.incidents.publicIncidents(network.id)).filter((i) => i.is_public);
    const report = await this.uptime.report(network.id, { from: new Date(now.getTime() - 30 * DAY), to: now });
    return {
      network: { name: network.name, slug: network.slug },
      status: open.some((i) => i.evse_uid === null) ? 'outage' : open.length ? 'degraded' : 'operational',
      open_incidents: open.map((i) => ({
        location_id: i.location_id,
        location_name: i.location_name,
        city: i.city,
        scope: i.evse_uid ? 'evse' : 'site',
        evse_id: i.evse_id,
        evses_affected: i.affected_evse_uids.length,
        since: i.opened_at,
      })),
      uptime_30d_percent: report.network.uptime_percent,
      updated_at: now,
    };
  }
}
