import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import type { CtrCounts } from "./ctr.ts";

type Executor = Pick<Database, "execute">;

/** One creative on one placement: its impressions and clicks. */
export interface CtrRow extends CtrCounts {
  creativeId: string;
  placement: string;
  /** The creative's experiment letter when an experiment chose it; null otherwise. */
  variant: string | null;
}

/**
 * A campaign's `ad_impression` and `ad_click` events counted per creative, placement and
 * variant (issue 18), from Postgres `events`. The time range keeps the read on the
 * `events_type_at` index: a campaign's events lie between its start and a week (a click link's
 * life) after its end.
 */
export async function campaignCtrRows(db: Executor, campaignId: string, range: { from: number; to: number }): Promise<CtrRow[]> {
  const rows = await db.execute<{
    creative_id: string;
    placement: string;
    variant: string | null;
    impressions: string;
    clicks: string;
  }>(sql`
    select props->>'creativeId' as creative_id, props->>'placement' as placement, props->>'variant' as variant,
      count(*) filter (where type = 'ad_impression') as impressions,
      count(*) filter (where type = 'ad_click') as clicks
    from events
    where type in ('ad_impression', 'ad_click') and at >= ${new Date(range.from)} and at < ${new Date(range.to)}
      and props->>'campaignId' = ${campaignId}
    group by 1, 2, 3
    order by 1, 2, 3`);
  return rows.rows.map((r) => ({
    creativeId: r.creative_id,
    placement: r.placement,
    variant: r.variant,
    impressions: Number(r.impressions),
    clicks: Number(r.clicks),
  }));
}
