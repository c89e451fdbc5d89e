import type { AuditService } from '../audit/audit.service.js';
import type { ChargePointsService } from '../charge-points/charge-points.service.js';
import type { ChargerCommand } from '../charging/charger-commands.js';
import { type CommandRouter, commandFailure } from '../charging/commands.js';

const ANSWER_WITHIN_MS = 15_000;

/** What staff ask of a charger from the console, in the platform's terms (the gateway speaks its protocol). */
export type ChargerAction = 'report_status' | 'soft_reset' | 'hard_reset';

const COMMANDS: Record<ChargerAction, ChargerCommand> = {
  report_status: { kind: 'triggerReport', report: 'status' },
  soft_reset: { kind: 'reset', hard: false },
  hard_reset: { kind: 'reset', hard: true },
};

/**
 * Staff act on a charger: the charger (charge-points), a neutral command (the router), and the
 * audit trail, whatever it answered.
 */
export class ChargerActionsFlow {
  constructor(
    private readonly chargePoints: ChargePointsService,
    private readonly commands: CommandRouter,
    private readonly audit: AuditService,
  ) {}

  async act(tenantId: string, staffUserId: string | undefined, chargePointId: string, action: ChargerAction): Promise<{ accepted: boolean; status: string }> {
    const cp = await this.chargePoints.get(tenantId, chargePointId);
    const record = (outcome: 'done' | 'refused', answer: string) =>
      this.audit.record(tenantId, {
        actorUserId: staffUserId,
        action: `charger.${action}`,
        subjectType: 'charge_point',
        subjectId: chargePointId,
        outcome,
        detail: { answer },
      });
    try {
      const answer = await this.commands.send(cp.identity, COMMANDS[action], ANSWER_WITHIN_MS);
      await record(answer.accepted ? 'done' : 'refused', answer.status);
      return { accepted: answer.accepted, status: answer.status };
    } catch (error) {
      const failure = commandFailure(error);
      await record('refused', failure.message);
      throw failure;
    }
  }
}
