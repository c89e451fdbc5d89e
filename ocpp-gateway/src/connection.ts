import type { Services } from '@voltshare/api';

/** What the gateway uses of the platform: the charging domain, the command router, logs and metrics. */
export type GatewayServices = Pick<Services, 'charging' | 'commands' | 'logger' | 'metrics'>;

/** The charge point a connection belongs to, fixed at the handshake. */
export interface Connection {
  tenantId: string;
  chargePointId: string;
  identity: string;
}

export interface GatewaySettings {
  heartbeatIntervalS: number;
}

/** An OCPP payload, validated against the official schema of the connection's version before any handler sees it. */
// biome-ignore lint/suspicious/noExplicitAny: the schema, not TypeScript, guarantees the shape here
export type OcppParams = Record<string, any>;

export type InboundHandler = (params: OcppParams) => Promise<Record<string, unknown>>;
