export { identityFromPath, negotiateSubprotocol, type OcppSubprotocol, SUPPORTED_SUBPROTOCOLS } from './endpoint.js';
export { attachOcppGateway, DEFAULT_GATEWAY_OPTIONS, type GatewayOptions } from './gateway.js';
export { SimulatedChargePoint, type SimulatorOptions } from './simulator/charge-point.js';
