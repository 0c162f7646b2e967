import { z } from "@hono/zod-openapi";
import { CouponCatalog } from "../../../src/coupons/coupon-catalog.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError } from "../../../src/errors.ts";
import {
  type Livestream,
  livestreamDraftSchema,
  livestreamSchema,
  livestreamUpdateSchema,
  validateLivestream,
} from "../../../src/livestreams/livestream.ts";
import { LivestreamCatalog } from "../../../src/livestreams/livestream-catalog.ts";
import { activeStores } from "../api/store-directory.ts";
import { component } from "../contract/component.ts";
import { contractApp } from "../contract/route.ts";
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
 * Livestreams under /admin/api (issue 15), designed as coupon templates and team campaigns are
 * (./coupons.ts, ./team-campaigns.ts): validated with every problem listed, versioned in KV
 * (`livestream:<id>`, each version kept), every change audited in Postgres
 * (config_audit_log, kind `livestream`). A save also checks what the livestream names: each
 * coupon template exists and is in_store, each store is an active store.
 */

const LIVESTREAMS: ConfigKind<Livestream> = { kind: "livestream", noun: "livestream", catalog: (env) => new LivestreamCatalog(env.SALES) };

/** One entry of a livestream's audit log, as the console reads it. */
export type LivestreamAuditEntry = AuditEntryOf<Livestream>;

const livestreamComponent = component(
  "Livestream",
  livestreamSchema,
  'A livestream as stored in KV (`livestream:<id>`): on air startsAt ≤ now < endsAt, when shoppers claim its `couponTemplates` (in_store templates) with its `claimCode` ("": none); each coupon claimed is redeemable in its `stores`. `embed` video: `streamUrl` is an HLS or MP4 URL; iframe: an embeddable player page. `version`, `updatedAt`, `updatedBy` are the server\'s',
);

const BODIES = {
  LivestreamDraft: livestreamDraftSchema.describe("A new livestream: every field but the server's"),
  LivestreamUpdate: livestreamUpdateSchema.describe(
    "A full edit: every field of the draft and expectedVersion, the version it was edited from",
  ),
};

const one = z.object({ livestream: livestreamComponent });

const { listRoute, createRoute, getRoute, updateRoute } = versionedEditRoutes({
  path: "/livestreams",
  noun: "livestream",
  plural: "livestreams",
  admits: { read: "readSales", edit: "editSales" },
  one,
  listed: z.object({ livestreams: z.array(livestreamComponent) }),
  bodies: { draft: "LivestreamDraft", update: "LivestreamUpdate" },
  noStoreReason: "a livestream may be edited at any time",
  summaries: {
    list: "Every livestream, the soonest first",
    create: "Schedule a livestream (version 1)",
    get: "One livestream (its version is the next update's expectedVersion)",
    update: "Replace a livestream from the version it was read at",
  },
  saveNote:
    "Every problem is listed in `problems`, including coupon templates that are missing or not in_store and stores that are not active. Audited in Postgres and stored in KV in one transaction: Postgres unreachable or KV refusing, nothing is saved (503). Two saves from one version: the second is 409 `conflict` with the current `version`.",
  updateNote: "Coupons already claimed keep the stores they were stamped with.",
});

export const adminLivestreams = contractApp()
  .openapi(listRoute, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ livestreams: await new LivestreamCatalog(c.env.SALES).list() }, 200);
  })
  .openapi(createRoute, async (c) => {
    const actor = auditActor(c);
    const draft = valid(validateLivestream(livestreamDraftSchema, await jsonInput(c)), "livestream");
    await checkReferences(c.env, draft);
    if (await new LivestreamCatalog(c.env.SALES).find(draft.id))
      throw new AppError("conflict", `a livestream "${draft.id}" exists already`);
    const livestream: Livestream = { ...draft, version: 1, updatedAt: Date.now(), updatedBy: actor };
    await saveConfigVersion(c.env, LIVESTREAMS, { action: "create", actor, before: null, after: livestream });
    return c.json({ livestream }, 201);
  })
  .openapi(getRoute, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ livestream: await existingVersion(c.env, LIVESTREAMS, c.req.valid("param").id) }, 200);
  })
  .openapi(updateRoute, async (c) => {
    const actor = auditActor(c);
    const { id } = c.req.valid("param");
    const current = await existingVersion(c.env, LIVESTREAMS, id);
    const draft = updatedDraft(LIVESTREAMS, await jsonInput(c), current, (input) =>
      valid(validateLivestream(livestreamUpdateSchema, input), "livestream"),
    );
    await checkReferences(c.env, draft);
    const livestream: Livestream = { ...draft, version: current.version + 1, updatedAt: Date.now(), updatedBy: actor };
    await saveConfigVersion(c.env, LIVESTREAMS, { action: "update", actor, before: current, after: livestream });
    return c.json({ livestream }, 200);
  })
  .route(
    "/",
    versionTrailRoutes(LIVESTREAMS, {
      path: "/livestreams",
      component: livestreamComponent,
      historyKey: "livestream-history:<id>:<version>",
    }),
  );

for (const [name, schema] of Object.entries(BODIES)) adminLivestreams.openAPIRegistry.register(name, schema);

/**
 * What the livestream names must exist: each template in KV and in_store (an online coupon
 * claimed through a livestream would be spendable online and at no till), each store active.
 * Every problem listed at once, as the schema's are.
 */
async function checkReferences(env: Env, livestream: Pick<Livestream, "couponTemplates" | "stores">): Promise<void> {
  const catalog = new CouponCatalog(env.SALES);
  const templates = await Promise.all(livestream.couponTemplates.map((id) => catalog.find(id)));
  const known = await activeStores(env).catch((error: Error) => {
    console.error(`livestreams: the stores could not be read (${describeDatabaseFailure(error).summary})`);
    throw new AppError("dependency_unavailable", "the stores (Postgres) could not be read, so nothing was saved");
  });
  const storeIds = new Set(known.map((store) => store.id));
  const problems = [
    ...livestream.couponTemplates.flatMap((id, i) => {
      const template = templates[i];
      if (!template) return [`couponTemplates.${i}: no coupon template "${id}"`];
      return template.redeem === "in_store"
        ? []
        : [`couponTemplates.${i}: "${id}" is redeemed online; a livestream hands out in_store coupons`];
    }),
    ...livestream.stores.flatMap((id, i) => (storeIds.has(id) ? [] : [`stores.${i}: no active store "${id}"`])),
  ];
  if (problems.length > 0) throw new AppError("invalid_request", `invalid livestream: ${problems.join("; ")}`, { problems });
}
