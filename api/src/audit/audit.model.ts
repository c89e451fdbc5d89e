export interface AuditEvent {
  id: string;
  actor_user_id: string | null;
  /** What was done, e.g. `charger.reset`, `session.refund`. */
  action: string;
  subject_type: string;
  subject_id: string;
  outcome: 'done' | 'refused' | 'failed';
  detail: unknown;
  at: Date;
}
