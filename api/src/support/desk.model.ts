import type { ResourceId } from '../shared/validation.js';
import type { TicketKind } from './support.tables.js';

/**
 * A language tag (BCP 47), e.g. `de` or `fr-LU`.
 * @maxLength 35
 * @pattern ^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$
 */
export type LanguageTag = string;

/**
 * A time of day, `HH:MM` (24 h); `24:00` ends a shift at midnight.
 * @pattern ^([01]\d|2[0-3]):[0-5]\d$|^24:00$
 * @maxLength 5
 */
export type TimeOfDay = string;

/**
 * An IANA time zone.
 * @maxLength 64
 * @example "Europe/Luxembourg"
 */
export type TimeZoneName = string;

/** Who answers at which hours, in which languages. A shift ending before it starts runs past midnight. */
export interface OnCallShiftRequest {
  /** A staff member with support rights. */
  user_id: ResourceId;
  /**
   * Days of the week, 0 = Sunday … 6 = Saturday.
   * @minItems 1
   * @maxItems 7
   */
  weekdays: number[];
  starts: TimeOfDay;
  ends: TimeOfDay;
  time_zone: TimeZoneName;
  /**
   * @minItems 1
   * @maxItems 10
   */
  languages: LanguageTag[];
}

export interface OnCallShift extends OnCallShiftRequest {
  id: string;
  /** The staff member's name. */
  name: string;
}

export interface CannedReplyRequest {
  language: LanguageTag;
  /**
   * @minLength 1
   * @maxLength 120
   */
  title: string;
  /**
   * @minLength 1
   * @maxLength 5000
   */
  body: string;
}

export interface CannedReply extends CannedReplyRequest {
  id: string;
}

export interface ArticleRequest {
  language: LanguageTag;
  /** The kind of ticket the article answers before one is written. */
  topic: TicketKind;
  /**
   * @minLength 1
   * @maxLength 200
   */
  title: string;
  /**
   * @minLength 1
   * @maxLength 20000
   */
  body: string;
}

export interface Article extends ArticleRequest {
  id: string;
  network_id: string;
  updated_at: Date;
}
