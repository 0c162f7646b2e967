import { z } from "@hono/zod-openapi";
import { AdCampaignCatalog } from "../../../src/ads/campaign-catalog.ts";
import { campaignCtrRows } from "../../../src/ads/ctr-query.ts";
import { CLICK_TTL_MS } from "../../../src/ads/ad-serving-click.ts";
import { type AdCampaignReport, ctrBy, ctrFigures, sumCounts } from "../../../src/ads/ctr.ts";
import { FrequencyCapStore } from "../../../src/ads/frequency-cap.ts";
import { redisSettings } from "../../../src/config.ts";
import { AppError } from "../../../src/errors.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { openRedis } from "../../../src/redis/client.ts";
import { withTimeout } from "../../../src/timeout.ts";
import { adminRoute } from "../contract/admin-route.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { int } from "../contract/units.ts";
import { readDatabase } from "./read-database.ts";

/**
 * An ad campaign's report under /admin/api (issue 18): impressions, clicks and CTR (with a 95 %
 * Wilson interval) per creative and per placement, from the `ad_impression` / `ad_click` events
 * in Postgres, and the budget spent as serving counted it in Redis.
 */

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const rate = z.number().min(0).max(1).nullable();
const figures = {
  impressions: int.describe("`ad_impression` events"),
  clicks: int.describe("`ad_click` events (one per impression at most: a click's id is its impression's)"),
  ctr: rate.describe("clicks / impressions; null with no impressions"),
  low: rate.describe("the 95 % Wilson interval's lower bound"),
  high: rate.describe("its upper bound"),
};

const reportSchema = z
  .object({
    campaignId: z.string(),
    name: z.string(),
    budget: z
      .object({
        impressions: int.describe("the campaign's budget"),
        spent: int.nullable().describe("impressions served, as the frequency cap's script counted them; null when Redis cannot say"),
      })
      .describe("serving stops when `spent` reaches `impressions`"),
    total: z.object(figures),
    creatives: z.array(
      z.object({
        creativeId: z.string(),
        variant: z.string().nullable().describe("the creative's letter"),
        headline: z.object({ "zh-CN": z.string(), en: z.string() }).nullable().describe("null: no longer in the campaign"),
        ...figures,
      }),
    ),
    placements: z.array(z.object({ placement: z.string(), ...figures })),
  })
  .openapi("AdCampaignReport");
export type ReportSchemaMatchesCode = Holds<Describes<z.output<typeof reportSchema>, AdCampaignReport>>;

const reportRoute = adminRoute({
  method: "get",
  path: "/ad-campaigns/{id}/report",
  admits: "readAds",
  summary: "An ad campaign's impressions, clicks and CTR per creative and per placement, and its budget spent",
  description:
    "From the `ad_impression` and `ad_click` events (Postgres): events reach it through the events queue, so the last seconds may be missing. CTR with a 95 % Wilson score interval. 404 `not_found` for a campaign that does not exist.",
  request: {
    params: z.object({
      id: z
        .string()
        .max(64)
        .openapi({ param: { description: "the campaign's id" } }),
    }),
  },
  responses: { 200: { description: "the report", headers: noStore("figures grow with every impression"), content: json(reportSchema) } },
  errors: ["not_found", "dependency_unavailable"],
});

const READ = { what: "the ad report", log: "ad-campaigns/report", timeoutMs: 10_000 };

export const adminAdReport = contractApp().openapi(reportRoute, async (c) => {
  const { id } = c.req.valid("param");
  const campaign = await new AdCampaignCatalog(c.env.SALES).find(id);
  if (!campaign) throw new AppError("not_found", `no ad campaign ${id}`);
  const rows = await readDatabase(c.env, READ, (db) =>
    campaignCtrRows(db, id, { from: campaign.startsAt, to: campaign.endsAt + CLICK_TTL_MS }),
  );
  const spent = await budgetSpent(c.env, id);
  const creatives = ctrBy(rows, (r) => r.creativeId).map(({ key, ...f }) => {
    const creative = campaign.creatives.find((cr) => cr.id === key);
    return { creativeId: key, variant: creative?.variant ?? null, headline: creative?.headline ?? null, ...f };
  });
  // Creatives not yet shown are listed too, with no figures.
  for (const creative of campaign.creatives) {
    if (!creatives.some((row) => row.creativeId === creative.id)) {
      creatives.push({
        creativeId: creative.id,
        variant: creative.variant,
        headline: creative.headline,
        ...ctrFigures({ impressions: 0, clicks: 0 }),
      });
    }
  }
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      campaignId: id,
      name: campaign.name,
      budget: { impressions: campaign.budget.impressions, spent },
      total: ctrFigures(sumCounts(rows)),
      creatives,
      placements: ctrBy(rows, (r) => r.placement).map(({ key, ...f }) => ({ placement: key, ...f })),
    },
    200,
  );
});

async function budgetSpent(env: Env, campaignId: string): Promise<number | null> {
  try {
    const spent = await withTimeout(new FrequencyCapStore(openRedis(redisSettings(env))).spent([campaignId]), 2_000);
    return spent.get(campaignId) ?? 0;
  } catch (error) {
    console.error(`ad report: no budget figure (${redactSecrets((error as Error).message)})`);
    return null;
  }
}
