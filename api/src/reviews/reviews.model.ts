export interface ReviewInput {
  /**
   * Stars, 1 (poor) to 5 (excellent).
   * @isInt
   * @minimum 1
   * @maximum 5
   */
  rating: number;
  /**
   * What other drivers should know (up to 2,000 characters).
   * @maxLength 2000
   */
  comment?: string | null;
}

/** A driver's review of a location. Reviews carry no driver identity. */
export interface Review {
  id: string;
  location_id: string;
  rating: number;
  comment: string | null;
  /** VISIBLE; HELD (personal data, links or reports: waiting for a moderator); HIDDEN by one. Lists show only VISIBLE ones, but staff's. */
  status: 'VISIBLE' | 'HELD' | 'HIDDEN';
  created_at: Date;
  updated_at: Date;
}

/** A review as it was before an edit. */
export interface ReviewEdit {
  rating: number;
  comment: string | null;
  edited_at: Date;
}

/** What drivers say of a location, in short. */
export interface ReviewSummary {
  count: number;
  /** Mean of the ratings to one decimal; null without reviews. */
  average_rating: number | null;
}
