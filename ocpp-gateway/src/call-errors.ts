import { DomainError, isDatabaseUnavailable } from '@voltshare/api';
import ocppRpc from 'ocpp-rpc';

// ocpp-rpc is CommonJS with spread exports, which Node's ESM loader cannot name.
const { RPCError, createRPCError } = ocppRpc;

/**
 * The one mapping of failures onto OCPP CALLERRORs: a domain refusal keeps its own words as a
 * GenericError (the charger's message was valid; the platform declined it), a protocol error
 * passes through, and anything else is a generic InternalError (never a database message or a
 * stack).
 */
export function toCallError(err: unknown): Error {
  if (err instanceof RPCError) return err as Error;
  if (err instanceof DomainError && err.kind !== 'unavailable' && err.kind !== 'timeout') return createRPCError('GenericError', err.message, {}) as Error;
  return createRPCError('InternalError', isDatabaseUnavailable(err) ? 'temporarily unavailable, try again' : 'internal error', {}) as Error;
}
