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

export interface AuditChainBreak {
  /** The position where the chain stops holding. */
  seq: number;
  /** The entry found there (null when the entry at that position is gone). */
  entry_id: string | null;
  /** `edited`: its content no longer matches its hash; `missing`: an entry was removed; `relinked`: it no longer follows the one before. */
  reason: 'edited' | 'missing' | 'relinked';
}

/** The result of walking a network's audit chain from its first entry. */
export interface AuditChainCheck {
  intact: boolean;
  entries_checked: number;
  broken_at: AuditChainBreak | null;
}
