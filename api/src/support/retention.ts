import type { Tx } from '../db/tenancy.js';

export const WIPED_MESSAGE = '[removed after the retention period]';

/** Tickets closed before `before` keep their facts (kind, times, SLA) but lose their words and photos. */
export async function wipeClosedTickets(tx: Tx, tenantId: string, before: Date): Promise<number> {
  const tickets = await tx
    .selectFrom('support_tickets')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'closed')
    .where('closed_at', '<', before)
    .execute();
  if (!tickets.length) return 0;
  const ids = tickets.map((t) => t.id);
  const wiped = await tx
    .updateTable('support_messages')
    .set({ body: WIPED_MESSAGE, attachment_id: null })
    .where('tenant_id', '=', tenantId)
    .where('ticket_id', 'in', ids)
    .where('body', '!=', WIPED_MESSAGE)
    .executeTakeFirst();
  await tx.deleteFrom('support_attachments').where('tenant_id', '=', tenantId).where('ticket_id', 'in', ids).execute();
  return Number(wiped.numUpdatedRows);
}
