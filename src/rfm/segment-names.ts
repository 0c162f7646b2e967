/**
 * The named RFM segments (issue 17), as stored in `rfm_scores.segment` and named by follow-up
 * triggers (`segment_entered`) and coupon audiences. Which scores map to which is in
 * src/rfm/ (the score map) and the README.
 */
export const SEGMENTS = [
  "champions",
  "loyal",
  "potential_loyalists",
  "new",
  "promising",
  "need_attention",
  "about_to_sleep",
  "at_risk",
  "cant_lose",
  "hibernating",
  "lost",
] as const;
export type Segment = (typeof SEGMENTS)[number];
