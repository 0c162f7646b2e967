import { z } from "@hono/zod-openapi";
import { CouponCatalog } from "../../../src/coupons/coupon-catalog.ts";
import {
  type CouponTemplate,
  couponDraftSchema,
  couponTemplateSchema,
  couponUpdateSchema,
  validateCouponTemplate,
} from "../../../src/coupons/coupon-template.ts";
import { AppError, unwrap } from "../../../src/errors.ts";
import { couponPool, couponTemplateSaved } from "../api/coupon-holds.ts";
import { component } from "../contract/component.ts";
import { contractApp } from "../contract/route.ts";
import { int } from "../contract/units.ts";
import { auditActor } from "./auth.ts";
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

/**
 * Coupon templates under /admin/api (issue 14), designed as sales and experiments are:
 * validated with every problem listed, versioned in KV (each version kept), every change
 * audited in Postgres (config_audit_log, kind `coupon`). Each template's figures come from its
 * pool object: claimed, held by unpaid orders, used.
 */

const COUPONS: ConfigKind<CouponTemplate> = { kind: "coupon", noun: "coupon", catalog: (env) => new CouponCatalog(env.SALES) };

/** One entry of a coupon template's audit log, as the console reads it. */
export type CouponAuditEntry = AuditEntryOf<CouponTemplate>;

const templateComponent = component(
  "CouponTemplate",
  couponTemplateSchema,
  "A coupon template as stored in KV (`coupon:<id>`). amount_off: `amountOff` fen off; percent_off: `percentOff` % off rounded down to whole fen, at most `maxDiscount` (0: no cap). `minSpend` > 0 makes a threshold coupon (满减). `skus` empty: every sale. `version`, `updatedAt`, `updatedBy` are the server's",
);

const BODIES = {
  CouponDraft: couponDraftSchema.describe("A new coupon template: every field but the server's"),
  CouponUpdate: couponUpdateSchema.describe("A full edit: every field of the draft and expectedVersion, the version it was edited from"),
};

const poolSchema = z
  .object({
    quantity: int.describe("the pool: coupons that can ever be claimed"),
    claimed: int,
    held: int.describe("held by unpaid orders"),
    used: int.describe("spent by paid orders"),
    redemptionRate: z.number().nullable().describe("used ÷ claimed; null before the first claim"),
  })
  .openapi("CouponPoolFigures");

const withPool = z.object({ template: templateComponent, pool: poolSchema }).openapi("CouponTemplateFigures");
/** A template's pool figures, and a template with them: what the console reads (web/client/console/api-types.ts). */
export type CouponPoolFigures = z.output<typeof poolSchema>;
export type CouponTemplateFigures = z.output<typeof withPool>;
const { listRoute, createRoute, getRoute, updateRoute } = versionedEditRoutes({
  path: "/coupons",
  noun: "coupon template",
  plural: "templates",
  admits: { read: "readSales", edit: "editSales" },
  one: withPool,
  listed: z.object({ coupons: z.array(withPool) }),
  bodies: { draft: "CouponDraft", update: "CouponUpdate" },
  noStoreReason: "coupon figures change with every claim",
  summaries: {
    list: "Every coupon template with its pool's figures (claimed, held, used, redemption rate)",
    create: "Create a coupon template (version 1); its pool opens at validFrom",
    get: "One coupon template and its pool's figures (its version is the next update's expectedVersion)",
    update: "Replace a coupon template from the version it was read at",
  },
  saveNote:
    "Every problem is listed in `problems`. Audited in Postgres and stored in KV in one transaction: Postgres unreachable or KV refusing, nothing is saved (503). Two saves from one version: the second is 409 `conflict` with the current `version`.",
  updateNote:
    "Coupons already claimed keep the terms of the version they are priced with at checkout; `totalQuantity` may not drop below the coupons claimed (409 `conflict`, `problems`).",
});

export const adminCoupons = contractApp()
  .openapi(listRoute, async (c) => {
    const templates = await new CouponCatalog(c.env.SALES).list();
    const coupons = await Promise.all(templates.map(async (template) => ({ template, pool: await poolFigures(c.env, template) })));
    c.header("Cache-Control", "no-store");
    return c.json({ coupons }, 200);
  })
  .openapi(createRoute, async (c) => {
    const actor = auditActor(c);
    const draft = valid(validateCouponTemplate(couponDraftSchema, await jsonInput(c)), "coupon");
    if (await new CouponCatalog(c.env.SALES).find(draft.id)) throw new AppError("conflict", `a coupon "${draft.id}" exists already`);
    const template: CouponTemplate = { ...draft, version: 1, updatedAt: Date.now(), updatedBy: actor };
    await save(c.env, "create", actor, null, template);
    return c.json({ template, pool: await poolFigures(c.env, template) }, 201);
  })
  .openapi(getRoute, async (c) => {
    const template = await existingVersion(c.env, COUPONS, c.req.valid("param").id);
    c.header("Cache-Control", "no-store");
    return c.json({ template, pool: await poolFigures(c.env, template) }, 200);
  })
  .openapi(updateRoute, async (c) => {
    const actor = auditActor(c);
    const { id } = c.req.valid("param");
    const current = await existingVersion(c.env, COUPONS, id);
    const draft = updatedDraft(COUPONS, await jsonInput(c), current, (input) =>
      valid(validateCouponTemplate(couponUpdateSchema, input), "coupon"),
    );
    const { claimed } = await couponPool(c.env, id).stats();
    if (draft.totalQuantity < claimed) {
      const problem = `totalQuantity: must be at least ${claimed}, the coupons claimed so far`;
      throw new AppError("conflict", problem, { problems: [problem] });
    }
    const template: CouponTemplate = { ...draft, version: current.version + 1, updatedAt: Date.now(), updatedBy: actor };
    await save(c.env, "update", actor, current, template);
    // The pool adopts the new version now (else at the next claim or hold, which carry it).
    unwrap(await couponPool(c.env, id).applyTemplate(template));
    return c.json({ template, pool: await poolFigures(c.env, template) }, 200);
  })
  .route("/", versionTrailRoutes(COUPONS, { path: "/coupons", component: templateComponent, historyKey: "coupon-history:<id>:<version>" }));

for (const [name, schema] of Object.entries(BODIES)) adminCoupons.openAPIRegistry.register(name, schema);

async function poolFigures(env: Env, template: CouponTemplate): Promise<z.output<typeof poolSchema>> {
  const stats = await couponPool(env, template.id).stats();
  return {
    quantity: template.totalQuantity,
    claimed: stats.claimed,
    held: stats.held,
    used: stats.used,
    redemptionRate: stats.claimed === 0 ? null : stats.used / stats.claimed,
  };
}

async function save(env: Env, action: "create" | "update", actor: string, before: CouponTemplate | null, after: CouponTemplate) {
  await saveConfigVersion(env, COUPONS, { action, actor, before, after });
  couponTemplateSaved(after);
}
