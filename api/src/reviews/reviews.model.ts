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
  created_at: Date;
  updated_at: Date;
}

/** What drivers say of a location, in short. */
export interface ReviewSummary {
  count: number;
  /** Mean of the ratings to one decimal; null without reviews. */
  average_rating: number | null;
}
