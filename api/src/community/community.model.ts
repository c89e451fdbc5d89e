import type { CheckInOutcome, ContributionStatus, PhotoSubject, PostKind, ReportReason, ReportTarget } from './community.tables.js';

export type { CheckInOutcome, ContributionStatus, PhotoSubject, PostKind, ReportReason, ReportTarget };

/** Who wrote a contribution, as other drivers see them: a pseudonym, never an email or a name. */
export interface Contributor {
  pseudonym: string;
  vehicle_model: string | null;
}

export interface CheckInInput {
  /** Charged fine, could not charge, waiting for a charger, or the spot blocked (e.g. by a car not charging). */
  outcome: CheckInOutcome;
  /**
   * The EVSE (its uid) checked in at, when the driver knows it.
   * @maxLength 64
   */
  evse_uid?: string | null;
  /**
   * The driver's own session here: the check-in is then marked verified.
   * @maxLength 64
   */
  session_id?: string | null;
  /**
   * @maxLength 80
   */
  vehicle_model?: string | null;
  /**
   * The highest power reached, kW.
   * @minimum 0.1
   * @maximum 1000
   */
  power_kw?: number | null;
  /**
   * @maxLength 500
   */
  comment?: string | null;
}

export type CheckInUpdate = Partial<Omit<CheckInInput, 'session_id' | 'evse_uid'>>;

export interface CheckIn {
  id: string;
  location_id: string;
  evse_uid: string | null;
  /** The printed EVSE id, when known. */
  evse_id: string | null;
  outcome: CheckInOutcome;
  vehicle_model: string | null;
  power_kw: number | null;
  comment: string | null;
  /** Tied to the driver's own session here, which the platform saw. */
  verified: boolean;
  /** Edited after it was first posted (the earlier versions are kept). */
  edited: boolean;
  /** VISIBLE to all; HELD (waiting for a moderator) and HIDDEN ones are shown only to their author and moderators. */
  status: ContributionStatus;
  by: Contributor;
  /** The signed-in driver wrote it. */
  mine: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface CheckInEdit {
  outcome: CheckInOutcome;
  vehicle_model: string | null;
  power_kw: number | null;
  comment: string | null;
  /** When this version was replaced. */
  edited_at: Date;
}

/** A session the driver may check in for with one tap, pre-filled from what the platform saw. */
export interface CheckInSuggestion {
  session_id: string;
  location_id: string;
  location_name: string;
  evse_uid: string | null;
  evse_id: string | null;
  ended_at: Date;
  /** The highest power the session reached, kW, when metered. */
  power_kw: number | null;
  /** Delivered energy: above 100 Wh the suggestion is "charged fine". */
  energy_wh: number;
  outcome: CheckInOutcome;
  vehicle_model: string | null;
}

export interface PostInput {
  /** A tip for other drivers, or a question for drivers and the network. */
  kind: 'TIP' | 'QUESTION';
  /**
   * @minLength 3
   * @maxLength 1000
   */
  body: string;
}

export interface AnswerInput {
  /**
   * @minLength 1
   * @maxLength 1000
   */
  body: string;
}

export interface CommunityPost {
  id: string;
  location_id: string;
  kind: PostKind;
  /** For an answer, the question it answers. */
  parent_id: string | null;
  body: string;
  /** Written by the station's network (its staff). */
  official: boolean;
  helpful_count: number;
  /** The signed-in driver found it helpful. */
  voted: boolean;
  status: ContributionStatus;
  by: Contributor | null;
  mine: boolean;
  /** A question's answers, official first, then the most helpful. */
  answers?: CommunityPost[];
  created_at: Date;
}

export interface Photo {
  id: string;
  location_id: string;
  subject: PhotoSubject;
  caption: string | null;
  width: number;
  height: number;
  /** Paths of the image and its thumbnail (WebP). */
  url: string;
  thumbnail_url: string;
  status: ContributionStatus;
  by: Contributor;
  mine: boolean;
  created_at: Date;
}

/** The score and what it rests on, to show beside it. */
export interface ReliabilityView {
  /** 0–10; null while there is nothing to go on. */
  score: number | null;
  sessions: number;
  failed_sessions: number;
  check_ins: number;
  uptime_percent: number | null;
  window_days: number;
  computed_at: Date | null;
}

export interface EvseReliability extends ReliabilityView {
  evse_uid: string;
  evse_id: string | null;
}

/** A station's community page in one read. */
export interface StationCommunity {
  location_id: string;
  reliability: ReliabilityView & { evses: EvseReliability[] };
  /** Newest first. */
  check_ins: CheckIn[];
  photos: Photo[];
  /** Tips, most helpful first. */
  tips: CommunityPost[];
  /** Questions, newest first, with their answers. */
  questions: CommunityPost[];
  /** The signed-in driver follows the station. */
  following: boolean;
  followers: number;
}

export interface CommunityProfileInput {
  /**
   * The name other drivers see: 3 to 30 letters, digits, spaces, - and _.
   * @minLength 3
   * @maxLength 30
   */
  pseudonym?: string;
  /**
   * @maxLength 80
   */
  vehicle_model?: string | null;
}

export type Badge = 'first_check_in' | 'regular' | 'verified_reporter' | 'helpful' | 'photographer';

export interface CommunityProfile {
  pseudonym: string;
  vehicle_model: string | null;
  contributions: { check_ins: number; verified_check_ins: number; tips: number; answers: number; photos: number; helpful_votes: number };
  badges: Badge[];
  member_since: Date;
}

export interface ReportInput {
  target_type: ReportTarget;
  /**
   * @maxLength 64
   */
  target_id: string;
  reason: Exclude<ReportReason, 'AUTOMATIC'>;
  /**
   * @maxLength 500
   */
  note?: string | null;
}

export interface FollowedStation {
  location_id: string;
  name: string;
  followed_at: Date;
}

/** Something new near the driver. */
export interface FeedItem {
  type: 'check_in' | 'tip' | 'question' | 'photo';
  location_id: string;
  location_name: string;
  distance_m: number | null;
  check_in?: CheckIn;
  post?: CommunityPost;
  photo?: Photo;
  at: Date;
}

/** A contribution waiting for a moderator: held automatically, or reported. */
export interface ModerationItem {
  network_id: string;
  target_type: ReportTarget;
  target_id: string;
  location_id: string;
  location_name: string;
  status: ContributionStatus;
  /** What it says (or a photo's caption) and, for photos, its thumbnail. */
  text: string | null;
  thumbnail_url: string | null;
  hold_reason: string | null;
  reports: number;
  reasons: ReportReason[];
  by: Contributor | null;
  first_reported_at: Date | null;
  created_at: Date;
}

export interface ModerationAction {
  /** hide and restore act on the contribution; warn and suspend on its author (suspended drivers cannot post for `days`). */
  action: 'hide' | 'restore' | 'warn' | 'suspend' | 'dismiss';
  /**
   * @minLength 3
   * @maxLength 500
   */
  reason: string;
  /**
   * @isInt
   * @minimum 1
   * @maximum 365
   */
  days?: number;
}
