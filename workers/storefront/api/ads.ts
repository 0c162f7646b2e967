import { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import { campaignsToTry, chooseCreative, safeTarget } from "../../../src/ads/ad-serving.ts";
import { type ClickRecord, signClick, verifyClick } from "../../../src/ads/ad-serving-click.ts";
import { type AdCampaign, adImageUrl, campaignLiveAt, PLACEMENTS, type Placement } from "../../../src/ads/campaign.ts";
import { chooseCreativeSize, sizeHintsFrom, varyBySizeHints } from "../../../src/ads/creative-size.ts";
import { AdCampaignCatalog } from "../../../src/ads/campaign-catalog.ts";
import { FrequencyCapStore } from "../../../src/ads/frequency-cap.ts";
import { databaseSettings, redisSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError } from "../../../src/errors.ts";
import type { ShopperEvent } from "../../../src/events/event.ts";
import { enrolShopper } from "../../../src/experiments/enrol.ts";
import { StickyStore } from "../../../src/experiments/sticky-store.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { openRedis } from "../../../src/redis/client.ts";
import { shopperSegment } from "../../../src/rfm/segment-reads.ts";
import { withTimeout } from "../../../src/timeout.ts";
import type { AppEnv } from "../app-env.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { emitAfterAnswer } from "./event-queue.ts";
import { sessionLimit } from "./rate-limit.ts";
import { requestDevice } from "./request-device.ts";
import { runningExperiments } from "./running-experiments.ts";
import { session } from "./session.ts";

/**
 * The storefront's ads (issue 18): `GET /api/ads?placement=…` answers the one ad this shopper
 * is shown in a placement, and `GET /ads/click/<token>` counts a click on it and sends the
 * shopper to the creative's target. The pages are edge-cached and shared, so the banner and
 * the sale page's slot ask this route from the browser (web/client/shared/ad-slot.ts).
 *
 * Serving an ad counts it: the impression is recorded in Redis by the frequency cap's script
 * (./src/ads/frequency-cap.ts: the shopper's rolling window and the campaign's budget, in one
 * atomic step) and sent as an `ad_impression` event; the answer is the impression. An ad that
 * cannot be counted (Redis down) is not shown: 204, like a shopper with nothing to see.
 */

/** How long serving may wait for Postgres (the segment) or for an experiment's assignment before going on without it. */
const STORE_WAIT_MS = 800;
/**
 * How long serving waits for the campaigns (KV) and the cap's script before showing nothing. Longer: the
 * ad loads after the page, so a slow Redis delays only the slot, while giving up early would show
 * nothing for an impression the script may still record (it then counts against the cap and the
 * budget unseen: the cap errs towards fewer impressions, never more).
 */
const CAP_WAIT_MS = 2_500;
/** How long this isolate keeps the campaigns it read from KV. */
const FRESH_MS = 5_000;

const catalog = (kv: KVNamespace) => new AdCampaignCatalog(kv);

let cached: { at: number; campaigns: Promise<AdCampaign[]> } | null = null;

/** The live campaigns (active, in their window at `now`) as this isolate last read them from KV, kept a few seconds. */
function liveCampaigns(env: Env, now: number): Promise<AdCampaign[]> {
  if (!cached || now - cached.at >= FRESH_MS) {
    const entry = { at: now, campaigns: catalog(env.SALES).list() };
    cached = entry;
    entry.campaigns.catch(() => {
      if (cached === entry) cached = null;
    });
  }
  return cached.campaigns.then((all) => all.filter((c) => campaignLiveAt(c, now)));
}

/** A campaign was saved: read them again on the next request (admin saves call this, as tests do). */
export function adCampaignsChanged(): void {
  cached = null;
}

const placementSchema = z.enum(PLACEMENTS as [Placement, ...Placement[]]);

const adSchema = z
  .object({
    impressionId: z.string().describe("this impression's id: its `ad_impression` event's"),
    campaignId: z.string(),
    creativeId: z.string(),
    placement: placementSchema,
    variant: z.string().nullable().describe("the creative's letter when the campaign's `ad_creative` experiment chose it"),
    headline: z.string().describe("in the shopper's language (`locale`)"),
    alt: z.string().describe("the image's alternative text: the headline"),
    image: z
      .object({
        url: z.string().describe("WebP at the width chosen for this device (Client Hints, else the User-Agent)"),
        fallbackUrl: z.string().describe("the same size as JPEG"),
        width: z.number().int(),
        height: z.number().int(),
      })
      .openapi("AdImage"),
    clickUrl: z.string().describe("`/ads/click/<token>`: a signed link that counts the click and redirects to the creative's target"),
  })
  .openapi("Ad");

const serveRoute = contractRoute({
  method: "get",
  path: "/ads",
  tags: ["ads"],
  summary: "The ad this shopper is shown in a placement (home banner, sale page slot), counted as an impression",
  description:
    "Among the active campaigns for the placement, in their window, with budget left and targeting the shopper's RFM segment, device class and `locale`, the first (in a stable per-shopper order) that the shopper has seen fewer than its frequency cap's impressions in the rolling window; its creative is the one the campaign's `ad_creative` experiment assigns, else a stable pick. " +
    "Answering is serving: the impression is counted against the cap and the budget and sent as an `ad_impression` event. " +
    "204 when there is nothing to show (or Redis cannot count it). Never cached; the image size follows Client Hints (`Accept-CH`), so the answer varies by them.",
  middleware: [sessionLimit, session],
  request: {
    query: z.object({
      placement: placementSchema.describe("where the ad is shown"),
      locale: z.enum(["zh-CN", "en"]).default("zh-CN").describe("the page's language: the headline's, and for targeting"),
    }),
  },
  responses: {
    200: { description: "one ad, counted", content: { "application/json": { schema: adSchema } } },
    204: { description: "nothing to show" },
  },
  errors: ["dependency_unavailable"],
});

/** The shopper side of ads: serving. */
export const ads = contractApp().openapi(serveRoute, async (c) => {
  const { placement, locale } = c.req.valid("query");
  const shopperId = c.get("shopperId");
  const now = Date.now();
  c.header("Cache-Control", "no-store");
  varyBySizeHints(c.res.headers);
  const device = requestDevice(c);
  let campaigns: AdCampaign[];
  try {
    campaigns = await withTimeout(liveCampaigns(c.env, now), CAP_WAIT_MS);
  } catch (error) {
    console.error(`ads: no campaigns read (${redactSecrets((error as Error).message)})`);
    return c.body(null, 204);
  }
  const request = { placement, shopperId, segment: null as string | null, device, locale, now };
  // The segment costs a Postgres read: only when a campaign for this placement targets by it.
  const onPlacement = campaigns.filter((campaign) => (campaign.placements as readonly string[]).includes(placement));
  if (onPlacement.some((campaign) => campaign.targeting.segments !== "all")) request.segment = await segmentOf(c.env, shopperId);
  const candidates = campaignsToTry(campaigns, request);
  if (candidates.length === 0) return c.body(null, 204);
  const size = chooseCreativeSize(placement, sizeHintsFrom(c.req.raw.headers));
  try {
    const store = new FrequencyCapStore(openRedis(redisSettings(c.env)));
    for (const campaign of candidates) {
      const variant = await creativeVariant(c.env, campaign, { id: shopperId, device, locale });
      const creative = chooseCreative(campaign, shopperId, variant);
      const impressionId = crypto.randomUUID();
      const verdict = await withTimeout(
        store.serve({
          campaignId: campaign.id,
          shopperId,
          impressionId,
          cap: campaign.frequencyCap,
          budget: campaign.budget.impressions,
          now,
        }),
        CAP_WAIT_MS,
      );
      if (!verdict.served) continue;
      const chosenVariant = variant && variant === creative.variant ? variant : null;
      const record: ClickRecord = {
        impressionId,
        campaignId: campaign.id,
        creativeId: creative.id,
        placement,
        variant: chosenVariant,
        shopperId,
        servedAt: now,
      };
      emitAfterAnswer(c, adEvent("ad_impression", record, { device, locale, at: now, experiment: campaign.experiment }));
      const headline = creative.headline[locale];
      return c.json(
        {
          impressionId,
          campaignId: campaign.id,
          creativeId: creative.id,
          placement,
          variant: chosenVariant,
          headline,
          alt: headline,
          image: {
            url: adImageUrl(creative.imageId, size, "webp"),
            fallbackUrl: adImageUrl(creative.imageId, size, "jpg"),
            width: size.width,
            height: size.height,
          },
          clickUrl: `/ads/click/${await signClick(record, c.env.SESSION_SECRET)}`,
        },
        200,
      );
    }
  } catch (error) {
    // An impression that cannot be counted is not shown: the cap is exact or nothing.
    console.error(`ads: nothing served for ${placement} (${redactSecrets((error as Error).message)})`);
  }
  return c.body(null, 204);
});

/** The shopper's RFM segment, or null when Postgres cannot say in time (then only "all" campaigns match). */
async function segmentOf(env: Env, shopperId: string): Promise<string | null> {
  try {
    return await withTimeout(
      withDatabase(databaseSettings(env), (db) => shopperSegment(db, shopperId)),
      STORE_WAIT_MS,
    );
  } catch (error) {
    console.error(`ads: no segment for a shopper (${describeDatabaseFailure(error).summary})`);
    return null;
  }
}

/** The creative letter the campaign's experiment assigns the shopper, or null (no experiment, not running, not enrolled, stores down). */
async function creativeVariant(
  env: Env,
  campaign: AdCampaign,
  shopper: { id: string; device: ReturnType<typeof requestDevice>; locale: "zh-CN" | "en" },
): Promise<string | null> {
  if (!campaign.experiment) return null;
  try {
    const experiment = (await runningExperiments(env)).find((e) => e.key === campaign.experiment && e.surface === "ad_creative");
    if (!experiment) return null;
    const sticky = new StickyStore(openRedis(redisSettings(env)));
    const enrolments = await withTimeout(
      enrolShopper([experiment], shopper, {
        sticky: { read: (id) => sticky.read(id), keep: (id, first) => sticky.keep(id, first) },
        shopperKind: async () => null,
      }),
      STORE_WAIT_MS,
    );
    return enrolments[0]?.variant ?? null;
  } catch (error) {
    console.error(`ads: no creative experiment assignment (${redactSecrets((error as Error).message)})`);
    return null;
  }
}

/** An `ad_impression` or `ad_click` event of an impression: keyed by the impression, so a repeat is written once. */
function adEvent(
  type: "ad_impression" | "ad_click",
  record: ClickRecord,
  context: { device: ShopperEvent["device"]; locale?: "zh-CN" | "en"; at: number; experiment: string | null },
): ShopperEvent {
  return {
    id: `${type === "ad_impression" ? "adimp" : "adclk"}:${record.impressionId}`,
    type,
    shopperId: record.shopperId,
    device: context.device,
    at: context.at,
    ...(context.locale ? { locale: context.locale } : {}),
    ...(context.experiment && record.variant ? { experiments: { [context.experiment]: record.variant } } : {}),
    campaignId: record.campaignId,
    creativeId: record.creativeId,
    placement: record.placement,
    ...(record.variant ? { variant: record.variant } : {}),
  };
}

/**
 * `GET /ads/click/<token>`: counts an `ad_click` of the token's impression and answers 302 to
 * the creative's target as the campaign has it saved now (a path on this shop or an https URL).
 * A token the Worker did not sign, or older than a week, is 404; a campaign or creative deleted
 * since sends the shopper home, uncounted. A page, not API: the shopper's browser follows it.
 */
export const adClicks = new Hono<AppEnv>().get("/:token", async (c) => {
  const now = Date.now();
  const secret = c.env.SESSION_SECRET;
  if (!secret) throw new AppError("dependency_unavailable", "SESSION_SECRET is not configured");
  const record = await verifyClick(c.req.param("token"), secret, now);
  if (!record) throw new AppError("not_found", "no such ad link");
  c.header("Cache-Control", "no-store");
  c.header("Referrer-Policy", "strict-origin-when-cross-origin");
  const campaign = await catalog(c.env.SALES).find(record.campaignId);
  const creative = campaign?.creatives.find((cr) => cr.id === record.creativeId);
  const target = creative ? safeTarget(creative.targetUrl, new URL(c.req.url).origin) : null;
  if (!campaign || !target) return c.redirect("/", 302);
  emitAfterAnswer(c, adEvent("ad_click", record, { device: requestDevice(c), at: now, experiment: campaign.experiment }));
  return c.redirect(target, 302);
});
