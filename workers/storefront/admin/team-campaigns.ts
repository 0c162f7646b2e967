import { z } from "@hono/zod-openapi";
import { CouponCatalog } from "../../../src/coupons/coupon-catalog.ts";
import type { CouponTemplate } from "../../../src/coupons/coupon-template.ts";
import { AppError } from "../../../src/errors.ts";
import { CONFIG_SAME_VERSION, recordConfigChange } from "../../../src/kv/config-audit.ts";
import {
  type TeamCampaign,
  teamCampaignDraftSchema,
  teamCampaignSchema,
  teamCampaignUpdateSchema,
  validateTeamCampaign,
} from "../../../src/teams/team-campaign.ts";
import { TeamCampaignCatalog } from "../../../src/teams/team-campaign-catalog.ts";
import { teamCouponId, teamCouponTemplate } from "../../../src/teams/team-coupon.ts";
import { component } from "../contract/component.ts";
import { contractApp } from "../contract/route.ts";
import { int, minorUnits } from "../contract/units.ts";
import { auditActor } from "./auth.ts";
import { jsonInput, valid } from "./request.ts";
import { saveVersion } from "./save-version.ts";
import { type AuditEntryOf, type ConfigKind, existingVersion, updatedDraft, versionTrailRoutes } from "./version-trail.ts";
import { versionedEditRoutes } from "./versioned-edit-routes.ts";

/**
 * Team-up red packet campaigns under /admin/api (issue 14), designed as coupon templates are
 * (./coupons.ts): every problem listed, versioned in KV (`team-campaign:<id>`, each version
 * kept), every change audited in Postgres (config_audit_log, kind `team-campaign`). Each save
 * also writes the campaign's coupon template (`team-<id>`, src/teams/team-coupon.ts), audited
 * as a coupon, in the same transaction: the coupons its teams are granted are of that template.
 * A campaign's figures come from its roster object.
 */

const TEAM_CAMPAIGNS: ConfigKind<TeamCampaign> = {
  kind: "team-campaign",
  noun: "team campaign",
  catalog: (env) => new TeamCampaignCatalog(env.SALES),
};
const AUDIT_KIND = TEAM_CAMPAIGNS.kind;

/** One entry of a team campaign's audit log, as the console reads it. */
export type TeamCampaignAuditEntry = AuditEntryOf<TeamCampaign>;
const COUPON_AUDIT_KIND = "coupon";

const campaignComponent = component(
  "TeamCampaign",
  teamCampaignSchema,
  "A team-up red packet campaign as stored in KV (`team-campaign:<id>`): teams of `teamSize` (the leader included) share `poolAmount` fen, `split` equally (the odd fen to the first members) or by WeChat's twice-the-mean draw, if they fill within `completeWithinSeconds`; `joinRule` new_shoppers admits only shoppers without a paid order. Teams may be started in startsAt ≤ now < endsAt. Each member's share is a coupon of template `team-<id>`, valid `couponValidDays` days from completion. `version`, `updatedAt`, `updatedBy` are the server's",
);

const BODIES = {
  TeamCampaignDraft: teamCampaignDraftSchema.describe("A new team campaign: every field but the server's"),
  TeamCampaignUpdate: teamCampaignUpdateSchema.describe(
    "A full edit: every field of the draft and expectedVersion, the version it was edited from",
  ),
};

const figuresSchema = z
  .object({
    teamsStarted: int,
    teamsOpen: int.describe("still filling"),
    teamsCompleted: int,
    teamsExpired: int.describe("ran out of time: granted nothing"),
    members: int.describe("shoppers in the campaign's teams, leaders included"),
    couponsGranted: int.describe("share coupons the pool has issued"),
    grantedAmount: minorUnits.describe("their total, fen"),
  })
  .openapi("TeamCampaignFigures");

const withFigures = z.object({ campaign: campaignComponent, figures: figuresSchema }).openapi("TeamCampaignWithFigures");
/** A campaign's figures, and a campaign with them: what the console reads (web/client/console/api-types.ts). */
export type TeamCampaignFigures = z.output<typeof figuresSchema>;
export type TeamCampaignWithFigures = z.output<typeof withFigures>;
const { listRoute, createRoute, getRoute, updateRoute } = versionedEditRoutes({
  path: "/team-campaigns",
  noun: "team campaign",
  plural: "campaigns",
  admits: { read: "readSales", edit: "editSales" },
  one: withFigures,
  listed: z.object({ campaigns: z.array(withFigures) }),
  bodies: { draft: "TeamCampaignDraft", update: "TeamCampaignUpdate" },
  noStoreReason: "a campaign's figures change with every team",
  summaries: {
    list: "Every team campaign with its figures (teams started, completed, expired; members; coupons granted and their total)",
    create: "Create a team campaign (version 1) and its coupon template `team-<id>`",
    get: "One team campaign and its figures (its version is the next update's expectedVersion)",
    update: "Replace a team campaign from the version it was read at",
  },
  saveNote:
    "Every problem is listed in `problems`. The campaign and its coupon template (`team-<id>`) are audited in Postgres and stored in KV in one transaction: Postgres unreachable or KV refusing, nothing is saved (503). Two saves from one version: the second is 409 `conflict` with the current `version`.",
  updateNote: "Teams already started keep the terms they started with (size, pool, split, join rule, coupon terms).",
});

export const adminTeamCampaigns = contractApp()
  .openapi(listRoute, async (c) => {
    const all = await new TeamCampaignCatalog(c.env.SALES).list();
    const campaigns = await Promise.all(all.map(async (campaign) => ({ campaign, figures: await figuresOf(c.env, campaign.id) })));
    c.header("Cache-Control", "no-store");
    return c.json({ campaigns }, 200);
  })
  .openapi(createRoute, async (c) => {
    const actor = auditActor(c);
    const draft = valid(validateTeamCampaign(await jsonInput(c)), "team campaign");
    if (await new TeamCampaignCatalog(c.env.SALES).find(draft.id)) {
      throw new AppError("conflict", `a team campaign "${draft.id}" exists already`);
    }
    // The coupon template's id is the campaign's own: one made by hand through /coupons would be taken over.
    if (await new CouponCatalog(c.env.SALES).find(teamCouponId(draft.id))) {
      throw new AppError("conflict", `a coupon "${teamCouponId(draft.id)}" exists already: pick another campaign id`);
    }
    const campaign: TeamCampaign = { ...draft, version: 1, updatedAt: Date.now(), updatedBy: actor };
    await save(c.env, "create", actor, null, campaign);
    return c.json({ campaign, figures: await figuresOf(c.env, campaign.id) }, 201);
  })
  .openapi(getRoute, async (c) => {
    const campaign = await existingVersion(c.env, TEAM_CAMPAIGNS, c.req.valid("param").id);
    c.header("Cache-Control", "no-store");
    return c.json({ campaign, figures: await figuresOf(c.env, campaign.id) }, 200);
  })
  .openapi(updateRoute, async (c) => {
    const actor = auditActor(c);
    const { id } = c.req.valid("param");
    const current = await existingVersion(c.env, TEAM_CAMPAIGNS, id);
    const draft = updatedDraft(TEAM_CAMPAIGNS, await jsonInput(c), current, (input) =>
      valid(validateTeamCampaign(input, teamCampaignUpdateSchema), "team campaign"),
    );
    const campaign: TeamCampaign = { ...draft, version: current.version + 1, updatedAt: Date.now(), updatedBy: actor };
    await save(c.env, "update", actor, current, campaign);
    return c.json({ campaign, figures: await figuresOf(c.env, id) }, 200);
  })
  .route(
    "/",
    versionTrailRoutes(TEAM_CAMPAIGNS, {
      path: "/team-campaigns",
      component: campaignComponent,
      historyKey: "team-campaign-history:<id>:<version>",
    }),
  );

for (const [name, schema] of Object.entries(BODIES)) adminTeamCampaigns.openAPIRegistry.register(name, schema);

function figuresOf(env: Env, campaignId: string) {
  return env.TEAM_CAMPAIGN_ROSTER.getByName(campaignId).figures();
}

/**
 * Saves the campaign and its coupon template as one version (./save-version.ts): both audit
 * rows in one transaction, then KV, the template first. A template ahead of its campaign is
 * harmless (it is derived from that very campaign); a campaign ahead of its template would
 * grant coupons under terms the wallet and checkout do not know yet.
 */
async function save(env: Env, action: "create" | "update", actor: string, before: TeamCampaign | null, after: TeamCampaign) {
  const campaigns = new TeamCampaignCatalog(env.SALES);
  const coupons = new CouponCatalog(env.SALES);
  const previousTemplate = await coupons.find(teamCouponId(after.id));
  const template = teamCouponTemplate(after, previousTemplate);
  const at = after.updatedAt ?? Date.now();
  const entry = { kind: AUDIT_KIND, key: after.id, at, actor, action, before, after };
  const templateEntry = {
    kind: COUPON_AUDIT_KIND,
    key: template.id,
    at,
    actor,
    action: previousTemplate ? "update" : "create",
    before: previousTemplate,
    after: template,
  } satisfies Parameters<typeof recordConfigChange<CouponTemplate>>[1];
  return saveVersion(env, {
    what: `team campaign "${after.id}"`,
    audit: async (tx) => {
      await recordConfigChange(tx, entry);
      await recordConfigChange(tx, templateEntry);
    },
    store: async () => {
      await coupons.put(template);
      await campaigns.put(after);
    },
    sameVersionConstraint: CONFIG_SAME_VERSION,
    currentVersion: async () => (await campaigns.find(after.id))?.version,
    version: after.version,
    entry: { campaign: entry, template: templateEntry },
  });
}
