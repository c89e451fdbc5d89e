import { fail } from '../shared/errors.js';
import type { ChargerCommand, CommandAnswer } from './charger-commands.js';

/**
 * Remote commands travel addressed to a charge point identity; whichever gateway process holds
 * that socket runs them. Embedded mode routes in process; the scaled mode's Redis router keeps
 * the same interface.
 */
export interface CommandRouter {
  /** Sends `command` to the charger and resolves with its answer. */
  send(identity: string, command: ChargerCommand, timeoutMs: number): Promise<CommandAnswer>;
}

/** Runs a command on a socket this process holds; the gateway maps it onto the charger's protocol. */
export type CommandExecutor = (command: ChargerCommand, timeoutMs: number) => Promise<CommandAnswer>;

/** Raised by executors; turned into 409 / 504 / 422 problems for API callers. */
export class ChargePointOffline extends Error {}
export class ChargePointTimeout extends Error {}
export class ChargePointRejected extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export class InProcessCommandRouter implements CommandRouter {
  private readonly executors = new Map<string, CommandExecutor>();

  /** A gateway registers the sockets it holds; the returned function unregisters that one. */
  register(identity: string, executor: CommandExecutor): () => void {
    this.executors.set(identity, executor);
    return () => {
      if (this.executors.get(identity) === executor) this.executors.delete(identity);
    };
  }

  async send(identity: string, command: ChargerCommand, timeoutMs: number): Promise<CommandAnswer> {
    const executor = this.executors.get(identity);
    if (!executor) throw new ChargePointOffline(identity);
    return executor(command, timeoutMs);
  }
}

/** Router failures as domain errors: offline is a conflict, no answer a timeout, a refusal invalid input. */
export function commandFailure(error: unknown): Error {
  if (error instanceof ChargePointOffline) return fail.conflict('The charge point is not connected; try again when it is online.', 'charge-point-offline');
  if (error instanceof ChargePointTimeout) {
    return fail.timeout('charge-point-timeout', 'The charge point did not answer in time; it may still act on the command.');
  }
  if (error instanceof ChargePointRejected)
    return fail.invalid([{ field: 'payload', message: `${error.code}: ${error.message}` }], 'The command was refused before or by the charge point.');
  return error instanceof Error ? error : new Error(String(error));
}
