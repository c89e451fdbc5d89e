/** The OCPP-J subprotocols the gateway speaks, in order of preference. */
export const SUPPORTED_SUBPROTOCOLS = ['ocpp1.6'] as const;
export type OcppSubprotocol = (typeof SUPPORTED_SUBPROTOCOLS)[number];

// OCPP 1.6 limits chargeBoxIdentity to CiString25 (printable ASCII); ':' would break Basic auth.
const IDENTITY = /^[\x21-\x39\x3b-\x7e]{1,25}$/;

/**
 * The charge point identity from the WebSocket URL `/ocpp/{identity}` (percent-decoded), or
 * undefined when the path is not a valid charge point endpoint.
 */
export function identityFromPath(pathname: string): string | undefined {
  const match = /^\/ocpp\/([^/]+)\/?$/.exec(pathname);
  if (!match?.[1]) return undefined;
  let identity: string;
  try {
    identity = decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
  return IDENTITY.test(identity) ? identity : undefined;
}

/** Picks the first subprotocol we support from the client's offer (Sec-WebSocket-Protocol). */
export function negotiateSubprotocol(offered: Iterable<string>): OcppSubprotocol | undefined {
  const set = new Set([...offered].map((p) => p.trim().toLowerCase()));
  return SUPPORTED_SUBPROTOCOLS.find((p) => set.has(p));
}
