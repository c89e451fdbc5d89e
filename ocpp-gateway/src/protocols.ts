import type { ChargerCommand, CommandAnswer } from '@voltshare/api';
import type { Connection, GatewayServices, GatewaySettings, InboundHandler } from './connection.js';
import type { OcppSubprotocol } from './endpoint.js';
import { v16Answer, v16Call } from './v16/commands.js';
import { v16Handlers } from './v16/handlers.js';

/**
 * One OCPP version's mapping: the handlers for what its chargers send (protocol in, domain call,
 * protocol out) and the frames that carry each neutral command out.
 */
export interface ProtocolBinding {
  handlers(services: GatewayServices, connection: Connection, settings: GatewaySettings): Record<string, InboundHandler>;
  call(command: ChargerCommand): { action: string; payload: Record<string, unknown> };
  answer(command: ChargerCommand, response: unknown): CommandAnswer;
}

/** The mapping for each subprotocol the gateway negotiates; a connection uses its own for life. */
export const PROTOCOLS: Record<OcppSubprotocol, ProtocolBinding> = {
  'ocpp1.6': { handlers: v16Handlers, call: v16Call, answer: v16Answer },
};
