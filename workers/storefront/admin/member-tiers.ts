import { z } from "@hono/zod-openapi";
import { CouponCatalog } from "../../../src/coupons/coupon-catalog.ts";
import { AppError } from "../../../src/errors.ts";
import { grantsOf, memberStanding } from "../../../src/membership/member-standing.ts";
import { TierCatalog } from "../../../src/membership/tier-catalog.ts";
import { type TierConfig, tierConfigDraftSchema, tierConfigSchema, validateTierConfig } from "../../../src/membership/tier-config.ts";
import { adminRoute } from "../contract/admin-route.ts";
import { component } from "../contract/component.ts";
import { handlerValidatedBody } from "../contract/handler-validated-body.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int, minorUnits } from "../contract/units.ts";
import { auditActor } from "./auth.ts";
import { readDatabase } from "./read-database.ts";
import { adminActorHeader, JSON_INPUT_ERRORS, jsonInput, valid } from "./request.ts";
import { type AuditEntryOf, type ConfigKind, saveConfigVersion, versionTrailRoutes } from "./version-trail.ts";

/**
 * Member tiers under /admin/api (issue 16): the one tier document (`membership:tiers` in KV,
 * each version kept, audited in Postgres as kind `member-tiers`), read and saved as coupon
 * templates are (./version-trail.ts), and the member lookup.
 */

const MEMBER_TIERS: ConfigKind<TierConfig> = { kind: "member-tiers", noun: "member tiers", catalog: (env) => new TierCatalog(env.SALES) };

export type TierConfigAuditEntry = AuditEntryOf<TierConfig>;

const tierConfigComponent = component(
  "MemberTiers",
  tierConfigSchema,
  "The member tiers as stored in KV (`membership:tiers`), lowest first. A member reaches a tier when their 12-month paid spend (fen) is at least `minSpend` OR their 12-month points at least `minPoints` (null: that way never reaches it); the highest reached counts. Thresholds rise with rank. `version`, `updatedAt`, `updatedBy` are the server's (version 0: nothing saved yet, no tiers)",
);

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const NO_STORE = noStore("the tiers may be edited at any time");
const BODY = tierConfigDraftSchema.extend({ expectedVersion: int.min(0).describe("the version edited from; 0 when none was saved yet") });

const getRoute = adminRoute({
  method: "get",
  path: "/membership/tiers",
  admits: "readSales",
  summary: "The member tiers in force (version 0 with no tiers when none was saved)",
  responses: { 200: { description: "the tiers", headers: NO_STORE, content: json(z.object({ tiers: tierConfigComponent })) } },
});

const putRoute = adminRoute({
  method: "put",
  path: "/membership/tiers",
  admits: "editSales",
  summary: "Replace the member tiers from the version they were read at",
  description:
    "Every problem is listed in `problems` (thresholds that do not rise with rank, a tier nobody can reach, unknown coupon templates…). Audited in Postgres and stored in KV in one transaction; two saves from one version: the second is 409 `conflict`. Members move to their new tier at their next recompute (within a day, at once on an order or a read of their standing).",
  request: { headers: adminActorHeader, body: handlerValidatedBody("MemberTiersUpdate", "the whole tier document and expectedVersion") },
  responses: { 200: { description: "saved", content: json(z.object({ tiers: tierConfigComponent })) } },
  errors: [...JSON_INPUT_ERRORS, "conflict", "dependency_unavailable"],
});

const memberSchema = z.object({
  shopperId: z.string(),
  tier: z.string().nullable(),
  tierName: z.object({ "zh-CN": z.string(), en: z.string() }).nullable(),
  spend12m: minorUnits,
  points12m: int,
  next: z.object({ tier: z.string(), spendToGo: minorUnits.nullable(), pointsToGo: int.nullable(), percent: int }).nullable(),
  protectionDays: int,
  pointsMultiplierPercent: int,
  tierSince: epochMs.nullable(),
  recomputedAt: epochMs.nullable(),
  grants: z.array(z.object({ kind: z.string(), source: z.string(), tier: z.string().nullable(), key: z.string(), at: epochMs })),
});

const lookupRoute = adminRoute({
  method: "get",
  path: "/members/{id}",
  admits: "readShoppers",
  summary: "A member's standing: tier, 12-month spend and points, progress, and the benefits granted",
  request: { params: z.object({ id: z.string().openapi({ param: { description: "a shopper id, `shp_…`" } }) }) },
  responses: {
    200: { description: "the member", headers: noStore("a member's standing changes with each order"), content: json(memberSchema) },
  },
  errors: ["dependency_unavailable"],
});

export const adminMemberTiers = contractApp()
  .openapi(getRoute, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ tiers: await new TierCatalog(c.env.SALES).current() }, 200);
  })
  .openapi(putRoute, async (c) => {
    const actor = auditActor(c);
    const { expectedVersion, ...draft } = valid(validateTierConfig(BODY, await jsonInput(c)), "member tiers");
    const catalog = new TierCatalog(c.env.SALES);
    const current = await catalog.find();
    if (expectedVersion !== (current?.version ?? 0)) {
      throw new AppError("conflict", `the member tiers are at version ${current?.version ?? 0}, not ${expectedVersion}; read them again`, {
        version: current?.version ?? 0,
      });
    }
    await checkCoupons(c.env, draft);
    const tiers: TierConfig = { ...draft, version: (current?.version ?? 0) + 1, updatedAt: Date.now(), updatedBy: actor };
    await saveConfigVersion(c.env, MEMBER_TIERS, { action: current ? "update" : "create", actor, before: current, after: tiers });
    return c.json({ tiers }, 200);
  })
  .openapi(lookupRoute, async (c) => {
    const { id } = c.req.valid("param");
    const config = await new TierCatalog(c.env.SALES).current();
    const answer = await readDatabase(c.env, { what: "the member", log: "member lookup", timeoutMs: 5_000 }, async (db) => {
      const standing = await memberStanding(db, id, config);
      return {
        shopperId: id,
        tier: standing.tier,
        tierName: standing.tierName,
        spend12m: standing.spend12m,
        points12m: standing.points12m,
        next: standing.next && {
          tier: standing.next.tier,
          spendToGo: standing.next.spendToGo,
          pointsToGo: standing.next.pointsToGo,
          percent: standing.next.percent,
        },
        protectionDays: standing.benefits.protectionDays,
        pointsMultiplierPercent: standing.benefits.pointsMultiplierPercent,
        tierSince: standing.tierSince,
        recomputedAt: standing.recomputedAt,
        grants: await grantsOf(db, id),
      };
    });
    c.header("Cache-Control", "no-store");
    return c.json(answer, 200);
  })
  .route(
    "/",
    versionTrailRoutes(MEMBER_TIERS, {
      path: "/membership",
      component: tierConfigComponent,
      historyKey: "membership-history:tiers:<version>",
    }),
  );

adminMemberTiers.openAPIRegistry.register("MemberTiersUpdate", BODY);

/** Each coupon template a tier grants must exist; every missing one listed at once. */
async function checkCoupons(env: Env, config: Pick<TierConfig, "tiers">): Promise<void> {
  const catalog = new CouponCatalog(env.SALES);
  const problems: string[] = [];
  for (const [i, tier] of config.tiers.entries()) {
    const found = await Promise.all(tier.benefits.couponTemplates.map((id) => catalog.find(id)));
    tier.benefits.couponTemplates.forEach((id, j) => {
      if (!found[j]) problems.push(`tiers.${i}.benefits.couponTemplates.${j}: no coupon template "${id}"`);
    });
  }
  if (problems.length > 0) throw new AppError("invalid_request", `invalid member tiers: ${problems.join("; ")}`, { problems });
}
