/**
 * Click-through rates of ads (issue 18), pure: clicks / impressions per creative and per
 * placement, with a 95 % Wilson score interval, which stays inside [0, 1] and is honest for the
 * small counts a new creative has (the normal approximation gives ±0 at 0 clicks).
 */

/** One group's counts, as the report query returns them. */
export interface CtrCounts {
  impressions: number;
  clicks: number;
}

/** A group's counts with its rate and interval; `ctr` and the bounds are null with no impressions. */
export interface CtrFigures extends CtrCounts {
  ctr: number | null;
  low: number | null;
  high: number | null;
}

/** z for a two-sided 95 % interval. */
export const Z_95 = 1.959964;

/** The Wilson score interval of `clicks` successes in `impressions` trials. */
export function wilsonInterval(clicks: number, impressions: number, z = Z_95): { low: number; high: number } {
  if (impressions <= 0) return { low: 0, high: 1 };
  const p = clicks / impressions;
  const z2 = z * z;
  const denominator = 1 + z2 / impressions;
  const centre = (p + z2 / (2 * impressions)) / denominator;
  const margin = (z * Math.sqrt((p * (1 - p)) / impressions + z2 / (4 * impressions * impressions))) / denominator;
  return { low: Math.max(0, centre - margin), high: Math.min(1, centre + margin) };
}

/** Rate and interval of one group. Clicks above impressions (a click whose impression event is late) are capped at impressions. */
export function ctrFigures(counts: CtrCounts): CtrFigures {
  const { impressions } = counts;
  const clicks = Math.min(counts.clicks, impressions);
  if (impressions === 0) return { impressions, clicks: counts.clicks, ctr: null, low: null, high: null };
  const { low, high } = wilsonInterval(clicks, impressions);
  return { impressions, clicks: counts.clicks, ctr: clicks / impressions, low, high };
}

/** Adds up groups' counts (a campaign's total from its creatives). */
export function sumCounts(groups: readonly CtrCounts[]): CtrCounts {
  return groups.reduce((sum, g) => ({ impressions: sum.impressions + g.impressions, clicks: sum.clicks + g.clicks }), {
    impressions: 0,
    clicks: 0,
  });
}

/** Rows grouped by a key and summed, each group with its figures, in first-seen order. */
export function ctrBy<R extends CtrCounts>(rows: readonly R[], key: (row: R) => string): Array<{ key: string } & CtrFigures> {
  const groups = new Map<string, CtrCounts[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return [...groups].map(([k, counts]) => ({ key: k, ...ctrFigures(sumCounts(counts)) }));
}

/** A campaign's report (`GET /admin/api/ad-campaigns/{id}/report`), as the console reads it. */
export interface AdCampaignReport {
  campaignId: string;
  name: string;
  budget: { impressions: number; spent: number | null };
  total: CtrFigures;
  creatives: Array<{ creativeId: string; variant: string | null; headline: { "zh-CN": string; en: string } | null } & CtrFigures>;
  placements: Array<{ placement: string } & CtrFigures>;
}
