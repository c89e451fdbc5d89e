import type { ColumnType } from 'kysely';
import type { CreatedAt, NullableTimestamp, Timestamp, UpdatedAt } from '../db/column-types.js';

// The tables the community module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export type CheckInOutcome = 'CHARGED' | 'COULD_NOT_CHARGE' | 'WAITING' | 'BLOCKED';
/** VISIBLE to everyone; HELD until a moderator looks (automatic holds, reports); HIDDEN by a moderator. */
export type ContributionStatus = 'VISIBLE' | 'HELD' | 'HIDDEN';
export type PostKind = 'TIP' | 'QUESTION' | 'ANSWER';
export type PhotoSubject = 'SPOT' | 'CHARGER' | 'SIGNAGE' | 'OTHER';
export type ReportTarget = 'checkin' | 'post' | 'photo' | 'review';
export type ReportReason = 'SPAM' | 'ABUSE' | 'PERSONAL_DATA' | 'OFF_TOPIC' | 'WRONG' | 'AUTOMATIC';
export type SanctionKind = 'WARN' | 'SUSPEND';

type Status = ColumnType<ContributionStatus, ContributionStatus | undefined, ContributionStatus>;
/** numeric columns arrive as strings from PostgreSQL. */
type Numeric = ColumnType<string | null, number | null | undefined, number | null>;

export interface CommunityCheckinsTable {
  tenant_id: string;
  id: string;
  location_id: string;
  evse_uid: string | null;
  driver_id: string;
  session_id: string | null;
  outcome: CheckInOutcome;
  vehicle_model: string | null;
  power_kw: Numeric;
  comment: string | null;
  status: Status;
  hold_reason: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CommunityCheckinEditsTable {
  tenant_id: string;
  id: string;
  checkin_id: string;
  outcome: CheckInOutcome;
  vehicle_model: string | null;
  power_kw: Numeric;
  comment: string | null;
  edited_at: CreatedAt;
}

export interface CommunityPostsTable {
  tenant_id: string;
  id: string;
  location_id: string;
  kind: PostKind;
  parent_id: string | null;
  driver_id: string | null;
  staff_user_id: string | null;
  official: ColumnType<boolean, boolean | undefined, boolean>;
  body: string;
  helpful_count: ColumnType<number, number | undefined, number>;
  status: Status;
  hold_reason: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CommunityVotesTable {
  tenant_id: string;
  post_id: string;
  driver_id: string;
  created_at: CreatedAt;
}

export interface CommunityPhotosTable {
  tenant_id: string;
  id: string;
  location_id: string;
  driver_id: string;
  subject: PhotoSubject;
  caption: string | null;
  width: number;
  height: number;
  size_bytes: number;
  thumb_bytes: number;
  status: Status;
  hold_reason: string | null;
  created_at: CreatedAt;
}

export interface CommunityFollowsTable {
  tenant_id: string;
  location_id: string;
  driver_id: string;
  created_at: CreatedAt;
  free_notified_at: NullableTimestamp;
}

export interface CommunityReportsTable {
  tenant_id: string;
  id: string;
  target_type: ReportTarget;
  target_id: string;
  location_id: string;
  reporter_driver_id: string | null;
  reason: ReportReason;
  note: string | null;
  status: ColumnType<'OPEN' | 'ACTIONED' | 'DISMISSED', 'OPEN' | undefined, 'OPEN' | 'ACTIONED' | 'DISMISSED'>;
  resolved_by: string | null;
  resolved_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface CommunitySanctionsTable {
  tenant_id: string;
  id: string;
  driver_id: string;
  kind: SanctionKind;
  reason: string;
  until: NullableTimestamp;
  by_user_id: string | null;
  created_at: CreatedAt;
}

export interface CommunityReliabilityTable {
  tenant_id: string;
  location_id: string;
  evse_uid: string;
  score: Numeric;
  sessions: number;
  failed_sessions: number;
  check_ins: number;
  uptime_percent: Numeric;
  computed_at: Timestamp;
}

export interface CommunityProfilesTable {
  driver_id: string;
  pseudonym: string;
  vehicle_model: string | null;
  suspended_until: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CommunityModeratorsTable {
  user_id: string;
  added_at: CreatedAt;
}
