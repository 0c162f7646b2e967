import { z } from "@hono/zod-openapi";
import { CouponCatalog } from "../../../src/coupons/coupon-catalog.ts";
import { AppError } from "../../../src/errors.ts";
import {
  type Sequence,
  sequenceDraftSchema,
  sequenceSchema,
  sequenceUpdateSchema,
  thenLoop,
  validateSequence,
} from "../../../src/sequences/sequence.ts";
import { SequenceCatalog } from "../../../src/sequences/sequence-catalog.ts";
import { sequenceFigures } from "../../../src/sequences/sequence-figures.ts";
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

/**
 * Follow-up sequences under /admin/api (issue 17), designed as livestreams and coupon templates
 * are (./livestreams.ts): validated with every problem listed, versioned in KV
 * (`sequence:<id>`, each version kept: a running enrolment reads its own back), every change
 * audited in Postgres (config_audit_log, kind `sequence`). A save also checks what the sequence
 * names: each step's coupon template exists, and `thenEnrol` names a stored sequence without
 * making a loop. The figures count enrolments and sends per step.
 */

const SEQUENCES: ConfigKind<Sequence> = { kind: "sequence", noun: "sequence", catalog: (env) => new SequenceCatalog(env.SALES) };

/** One entry of a sequence's audit log, as the console reads it. */
export type SequenceAuditEntry = AuditEntryOf<Sequence>;

const sequenceComponent = component(
  "Sequence",
  sequenceSchema,
  "A follow-up sequence as stored in KV (`sequence:<id>`): a `trigger` enrols a shopper once per trigger (`segment_entered` names its `segment`; `order_paid` with `firstPurchaseOnly` only on the shopper's first paid order); each step goes out `after` the enrolment (steps ascend), deferred past `quietHours` in the shopper's zone (default Asia/Shanghai), in the shopper's language, placeholders {name} {product} {coupon} filled, with the step's `couponTemplate` granted; `exit` ends it early; `thenEnrol` enrols in another sequence when it completes. `version`, `updatedAt`, `updatedBy` are the server's",
);

const BODIES = {
  SequenceDraft: sequenceDraftSchema.describe("A new sequence: every field but the server's"),
  SequenceUpdate: sequenceUpdateSchema.describe(
    "A full edit: every field of the draft and expectedVersion, the version it was edited from",
  ),
};

const figuresSchema = z
  .object({
    enrolled: int,
    active: int,
    completed: int,
    exited: int,
    exitReasons: z.record(z.string(), int).describe("exits by reason: `purchase`, `segment_left`"),
    steps: z.array(z.object({ step: int, sent: int, exitedBefore: int.describe("enrolments that ended while waiting for this step") })),
  })
  .openapi("SequenceFigures");

const { listRoute, createRoute, getRoute, updateRoute, idParams } = versionedEditRoutes({
  path: "/sequences",
  noun: "sequence",
  plural: "sequences",
  admits: { read: "readFollowUps", edit: "editFollowUps" },
  one: z.object({ sequence: sequenceComponent }),
  listed: z.object({ sequences: z.array(sequenceComponent) }),
  bodies: { draft: "SequenceDraft", update: "SequenceUpdate" },
  noStoreReason: "a sequence may be edited, and its figures change, at any time",
  summaries: {
    list: "Every follow-up sequence, by id",
    create: "Create a follow-up sequence (version 1)",
    get: "One sequence (its version is the next update's expectedVersion)",
    update: "Replace a sequence from the version it was read at",
  },
  saveNote:
    "Every problem is listed in `problems`: unknown placeholders, steps out of order, oversized templates, a missing coupon template, a `thenEnrol` naming no sequence or making a loop (`a → b → a`). Audited in Postgres and stored in KV in one transaction: Postgres unreachable or KV refusing, nothing is saved (503). Two saves from one version: the second is 409 `conflict`. Enrolments already running keep the version they were enrolled under.",
});

const figuresRoute = adminRoute({
  method: "get",
  path: "/sequences/{id}/figures",
  admits: "readFollowUps",
  summary: "A sequence's enrolments (enrolled, active, completed, exited by reason) and, per step, messages sent and exits before it",
  request: { params: idParams },
  responses: {
    200: {
      description: "the figures",
      headers: noStore("a sequence's figures change with every enrolment and send"),
      content: { "application/json": { schema: z.object({ figures: figuresSchema }) } },
    },
  },
  errors: ["not_found", "dependency_unavailable"],
});

export const adminSequences = contractApp()
  .openapi(listRoute, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ sequences: await new SequenceCatalog(c.env.SALES).list() }, 200);
  })
  .openapi(createRoute, async (c) => {
    const actor = auditActor(c);
    const draft = valid(validateSequence(sequenceDraftSchema, await jsonInput(c)), "sequence");
    const catalog = new SequenceCatalog(c.env.SALES);
    await checkReferences(c.env, catalog, draft);
    if (await catalog.find(draft.id)) throw new AppError("conflict", `a sequence "${draft.id}" exists already`);
    const sequence: Sequence = { ...draft, version: 1, updatedAt: Date.now(), updatedBy: actor };
    await saveConfigVersion(c.env, SEQUENCES, { action: "create", actor, before: null, after: sequence });
    return c.json({ sequence }, 201);
  })
  .openapi(getRoute, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ sequence: await existingVersion(c.env, SEQUENCES, c.req.valid("param").id) }, 200);
  })
  .openapi(updateRoute, async (c) => {
    const actor = auditActor(c);
    const { id } = c.req.valid("param");
    const current = await existingVersion(c.env, SEQUENCES, id);
    const draft = updatedDraft(SEQUENCES, await jsonInput(c), current, (input) =>
      valid(validateSequence(sequenceUpdateSchema, input), "sequence"),
    );
    await checkReferences(c.env, new SequenceCatalog(c.env.SALES), draft);
    const sequence: Sequence = { ...draft, version: current.version + 1, updatedAt: Date.now(), updatedBy: actor };
    await saveConfigVersion(c.env, SEQUENCES, { action: "update", actor, before: current, after: sequence });
    return c.json({ sequence }, 200);
  })
  .openapi(figuresRoute, async (c) => {
    const sequence = await existingVersion(c.env, SEQUENCES, c.req.valid("param").id);
    const figures = await readDatabase(c.env, { what: "the sequence's figures", log: "sequence figures", timeoutMs: 5_000 }, (db) =>
      sequenceFigures(db, sequence.id, sequence.steps.length),
    );
    c.header("Cache-Control", "no-store");
    return c.json({ figures }, 200);
  })
  .route(
    "/",
    versionTrailRoutes(SEQUENCES, { path: "/sequences", component: sequenceComponent, historyKey: "sequence-history:<id>:<version>" }),
  );

for (const [name, schema] of Object.entries(BODIES)) adminSequences.openAPIRegistry.register(name, schema);

/**
 * What the sequence names must exist: each step's coupon template, and the `thenEnrol` sequence,
 * which must not lead back round (following `thenEnrol` from the stored sequences, this one as
 * saved). Every problem listed at once, as the schema's are.
 */
async function checkReferences(env: Env, catalog: SequenceCatalog, sequence: Pick<Sequence, "id" | "thenEnrol" | "steps">): Promise<void> {
  const coupons = new CouponCatalog(env.SALES);
  const templates = await Promise.all(sequence.steps.map((step) => (step.couponTemplate ? coupons.find(step.couponTemplate) : null)));
  const problems = sequence.steps.flatMap((step, i) =>
    step.couponTemplate && !templates[i] ? [`steps.${i}.couponTemplate: no coupon template "${step.couponTemplate}"`] : [],
  );
  if (sequence.thenEnrol) {
    const stored = await catalog.list();
    if (!stored.some((s) => s.id === sequence.thenEnrol)) problems.push(`thenEnrol: no sequence "${sequence.thenEnrol}"`);
    const loop = thenLoop(sequence, stored);
    if (loop) problems.push(`thenEnrol: the sequences would loop: ${loop.join(" → ")}`);
  }
  if (problems.length > 0) throw new AppError("invalid_request", `invalid sequence: ${problems.join("; ")}`, { problems });
}
