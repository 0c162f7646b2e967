import { z } from "@hono/zod-openapi";
import { creativeImageProblems } from "../../../src/ads/ad-images.ts";
import {
  type AdCampaign,
  adCampaignDraftSchema,
  adCampaignSchema,
  adCampaignUpdateSchema,
  OFFSITE_CHANNEL_NAMES,
  type OffsiteChannel,
  validateAdCampaign,
} from "../../../src/ads/campaign.ts";
import { AdCampaignCatalog } from "../../../src/ads/campaign-catalog.ts";
import { creativeSetManifest } from "../../../src/ads/creative-export.ts";
import { AppError } from "../../../src/errors.ts";
import { ExperimentCatalog } from "../../../src/experiments/experiment-catalog.ts";
import { adminRoute } from "../contract/admin-route.ts";
import { component } from "../contract/component.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { int } from "../contract/units.ts";
import { auditActor } from "./auth.ts";
import { readDatabase } from "./read-database.ts";
import { jsonInput, valid } from "./request.ts";
import {
  type AuditEntryOf,
  type ConfigKind,
  existingVersion,
  saveConfigVersion,
  updatedDraft,
  versionTrailRoutes,
} from "./version-trail.ts";
import { versionedEditRoutes } from "./versioned-edit-routes.ts";
import { adCampaignsChanged } from "../api/ads.ts";

/**
 * Ad campaigns under /admin/api (issue 18), designed as livestreams and sequences are: validated
 * with every problem listed, versioned in KV (`ad-campaign:<id>`, each version kept), every change
 * audited in Postgres (config_audit_log, kind `ad_campaign`). A save also checks what the campaign
 * names: each creative's image exists and is rendered, and its experiment (when set) exists on
 * surface `ad_creative` with variants the creatives carry. `GET …/{id}/export?channel=` gives the
 * creative set for an off-site channel.
 */

const AD_CAMPAIGNS: ConfigKind<AdCampaign> = {
  kind: "ad_campaign",
  noun: "ad campaign",
  catalog: (env) => new AdCampaignCatalog(env.SALES),
};

export type AdCampaignAuditEntry = AuditEntryOf<AdCampaign>;

const campaignComponent = component(
  "AdCampaign",
  adCampaignSchema,
  "An ad campaign as stored in KV (`ad-campaign:<id>`): served while `active` and startsAt ≤ now < endsAt with budget left, in its `placements`, to the shoppers its `targeting` names (each `\"all\"` or a non-empty list), at most `frequencyCap.impressions` per shopper in any `frequencyCap.hours`. Each creative has a variant letter (an `ad_creative` experiment's variant picks it), a headline in both languages, a target (a path on this shop or an https URL) and a rendered image. `version`, `updatedAt`, `updatedBy` are the server's",
);

const BODIES = {
  AdCampaignDraft: adCampaignDraftSchema.describe("A new ad campaign: every field but the server's"),
  AdCampaignUpdate: adCampaignUpdateSchema.describe(
    "A full edit: every field of the draft and expectedVersion, the version it was edited from",
  ),
};

const one = z.object({ campaign: campaignComponent });

const { listRoute, createRoute, getRoute, updateRoute, idParams } = versionedEditRoutes({
  path: "/ad-campaigns",
  noun: "ad campaign",
  plural: "ad campaigns",
  admits: { read: "readAds", edit: "editAds" },
  one,
  listed: z.object({ campaigns: z.array(campaignComponent) }),
  bodies: { draft: "AdCampaignDraft", update: "AdCampaignUpdate" },
  noStoreReason: "a campaign may be edited at any time",
  summaries: {
    list: "Every ad campaign, the soonest start first",
    create: "Plan an ad campaign (version 1)",
    get: "One ad campaign (its version is the next update's expectedVersion)",
    update: "Replace an ad campaign from the version it was read at",
  },
  saveNote:
    "Every problem is listed in `problems`: an empty or inverted window, an empty targeting list (it would target nobody), a creative whose image is missing or not rendered yet, an experiment that is not on surface `ad_creative`. Audited in Postgres and stored in KV in one transaction: Postgres unreachable or KV refusing, nothing is saved (503). Two saves from one version: the second is 409 `conflict` with the current `version`.",
  updateNote: "Impressions already served stay counted against the budget.",
});

const manifestSchema = z
  .object({
    campaignId: z.string(),
    campaignVersion: int,
    channel: z.enum(OFFSITE_CHANNEL_NAMES as [OffsiteChannel, ...OffsiteChannel[]]),
    creatives: z.array(
      z.object({
        id: z.string(),
        variant: z.string(),
        headline: z.object({ "zh-CN": z.string(), en: z.string() }),
        targetUrl: z.string().describe("absolute"),
        images: z.array(z.object({ width: int, height: int, webp: z.string(), jpg: z.string() })),
      }),
    ),
  })
  .openapi("AdCreativeSet");

const exportRoute = adminRoute({
  method: "get",
  path: "/ad-campaigns/{id}/export",
  admits: "readAds",
  summary: "The campaign's creative set for an off-site channel: each creative's image URLs at the channel's sizes, headline and target",
  description:
    "A JSON manifest (served as a download) for WeChat Moments, Douyin or Weibo: each creative's WebP and JPEG URLs at every size the channel takes, its headlines and its absolute target URL. A channel the campaign does not list is 400 naming the ones it does.",
  request: {
    params: idParams,
    query: z.object({
      channel: z
        .string()
        .openapi({ param: { description: `one of ${OFFSITE_CHANNEL_NAMES.join(", ")}, listed in the campaign's offsite` } }),
    }),
  },
  responses: {
    200: {
      description: "the manifest",
      headers: noStore("a campaign may be edited at any time"),
      content: { "application/json": { schema: manifestSchema } },
    },
  },
  errors: ["invalid_request", "not_found"],
});

export const adminAdCampaigns = contractApp()
  .openapi(listRoute, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ campaigns: await new AdCampaignCatalog(c.env.SALES).list() }, 200);
  })
  .openapi(createRoute, async (c) => {
    const actor = auditActor(c);
    const draft = valid(validateAdCampaign(adCampaignDraftSchema, await jsonInput(c)), "ad campaign");
    await checkReferences(c.env, draft);
    if (await new AdCampaignCatalog(c.env.SALES).find(draft.id))
      throw new AppError("conflict", `an ad campaign "${draft.id}" exists already`);
    const campaign: AdCampaign = { ...draft, version: 1, updatedAt: Date.now(), updatedBy: actor };
    await saveConfigVersion(c.env, AD_CAMPAIGNS, { action: "create", actor, before: null, after: campaign });
    adCampaignsChanged();
    return c.json({ campaign }, 201);
  })
  .openapi(getRoute, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ campaign: await existingVersion(c.env, AD_CAMPAIGNS, c.req.valid("param").id) }, 200);
  })
  .openapi(updateRoute, async (c) => {
    const actor = auditActor(c);
    const { id } = c.req.valid("param");
    const current = await existingVersion(c.env, AD_CAMPAIGNS, id);
    const draft = updatedDraft(AD_CAMPAIGNS, await jsonInput(c), current, (input) =>
      valid(validateAdCampaign(adCampaignUpdateSchema, input), "ad campaign"),
    );
    await checkReferences(c.env, draft);
    const campaign: AdCampaign = { ...draft, version: current.version + 1, updatedAt: Date.now(), updatedBy: actor };
    await saveConfigVersion(c.env, AD_CAMPAIGNS, { action: "update", actor, before: current, after: campaign });
    adCampaignsChanged();
    return c.json({ campaign }, 200);
  })
  .openapi(exportRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { channel } = c.req.valid("query");
    const campaign = await existingVersion(c.env, AD_CAMPAIGNS, id);
    if (!(campaign.offsite as string[]).includes(channel)) {
      const problem = `channel: "${channel}" is not one of the campaign's off-site channels (${campaign.offsite.join(", ") || "none"})`;
      throw new AppError("invalid_request", problem, { problems: [problem] });
    }
    c.header("Cache-Control", "no-store");
    c.header("Content-Disposition", `attachment; filename="${campaign.id}-${channel}.json"`);
    return c.json(creativeSetManifest(campaign, channel as OffsiteChannel, new URL(c.req.url).origin), 200);
  })
  .route(
    "/",
    versionTrailRoutes(AD_CAMPAIGNS, {
      path: "/ad-campaigns",
      component: campaignComponent,
      historyKey: "ad-campaign-history:<id>:<version>",
    }),
  );

for (const [name, schema] of Object.entries(BODIES)) adminAdCampaigns.openAPIRegistry.register(name, schema);

/**
 * What the campaign names must exist: each creative's image uploaded and rendered (Postgres),
 * its experiment on surface `ad_creative` with a creative for each of its variants. Every problem
 * listed at once, as the schema's are.
 */
async function checkReferences(env: Env, campaign: Pick<AdCampaign, "creatives" | "experiment">): Promise<void> {
  const problems = await readDatabase(env, { what: "the creative images", log: "admin ad campaigns", timeoutMs: 10_000 }, (db) =>
    creativeImageProblems(db, campaign.creatives),
  );
  if (campaign.experiment !== null) {
    const experiment = await new ExperimentCatalog(env.SALES).find(campaign.experiment);
    if (!experiment) problems.push(`experiment: no experiment "${campaign.experiment}"`);
    else if (experiment.surface !== "ad_creative") {
      problems.push(`experiment: "${campaign.experiment}" is on surface ${experiment.surface}, not ad_creative`);
    } else {
      const letters = new Set(campaign.creatives.map((creative) => creative.variant));
      const missing = experiment.variants.map((variant) => variant.key).filter((key) => !letters.has(key as never));
      if (missing.length > 0) problems.push(`experiment: no creative carries its variant ${missing.join(", ")}`);
    }
  }
  if (problems.length > 0) throw new AppError("invalid_request", `invalid ad campaign: ${problems.join("; ")}`, { problems });
}
