import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { AppError } from "../../../src/errors.ts";
import { proportionEstimate } from "../../../src/experiments/statistics.ts";
import { CONFIG_SAME_VERSION, configAuditTrail, recordConfigChange } from "../../../src/kv/config-audit.ts";
import { decodeModel, recModelArtifactSchema } from "../../../src/recs/model.ts";
import { ctrByArm, REC_ARMS, type RecCtrReport } from "../../../src/recs/serving.ts";
import { readJson } from "../api/request-body.ts";
import { requireJsonContentType } from "../api/validation.ts";
import { adminRoute } from "../contract/admin-route.ts";
import { handlerValidatedBody } from "../contract/handler-validated-body.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { epochMs, int } from "../contract/units.ts";
import { modelsChanged } from "../recs/active-model.ts";
import { type ActivePointer, type ModelDescription, RecModelStore } from "../recs/model-store.ts";
import { adminActor, adminActorHeader, JSON_INPUT_ERRORS, valid } from "./request.ts";
import { readDatabase } from "./read-database.ts";
import { saveVersion } from "./save-version.ts";

/**
 * The recommender's models under /admin/api/recommendations (issue 18, part E): upload a
 * trained artifact (`npm run train:recs -- --publish` does), list the versions with their
 * evaluation, activate one, roll back, read the audit log and the click-through rate per arm
 * of the `recommendations` experiment surface. The models live in KV (../recs/model-store.ts).
 */

/** The largest artifact accepted: far above a 10,000-item, 64-dimension model (about 3.5 MB). */
export const MODEL_BODY_LIMIT = 48 * 1024 * 1024;
const AUDIT_KIND = "rec-model";
const AUDIT_KEY = "active";

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const NO_STORE = noStore("models are uploaded and activated at any time");

const descriptionSchema = z
  .object({
    version: z.string(),
    trainedAt: epochMs,
    dims: int,
    items: int.describe("items in the model"),
    metrics: z.unknown().describe("the evaluation the trainer published (recall@10, NDCG@10 per ranker…)"),
    uploadedAt: epochMs,
    uploadedBy: z.string(),
    chunks: int.describe("KV values the artifact is stored in"),
    size: int.describe("characters of JSON"),
  })
  .openapi("RecModelVersion");
const pointerSchema = z
  .object({
    model: z.string().describe("the version served"),
    revision: int.describe("counts every activation and rollback"),
    previous: z.string().nullable().describe("the version served before: what a rollback goes back to"),
    activatedAt: epochMs,
    activatedBy: z.string(),
  })
  .openapi("RecModelActive");

const listRoute = adminRoute({
  method: "get",
  path: "/recommendations/models",
  admits: "readRecs",
  summary: "The recommender's model versions with their metrics, the newest trained first, and which is active",
  responses: {
    200: {
      description: "the versions",
      headers: NO_STORE,
      content: json(z.object({ active: pointerSchema.nullable(), models: z.array(descriptionSchema) }).openapi("RecModels")),
    },
  },
});

const uploadRoute = adminRoute({
  method: "post",
  path: "/recommendations/models",
  admits: "editRecs",
  summary: "Upload a trained model (the artifact `npm run train:recs` writes); it is served once activated",
  description: `The artifact is validated whole (\`decodeModel\`: the schema, then matrix sizes, the layer chain, unique SKUs, popularity SKUs known), every problem listed in one 400. At most ${MODEL_BODY_LIMIT / 1024 / 1024} MiB. The same artifact again (a retry) answers 200 with what was stored; another artifact under a version already uploaded is 409 \`conflict\`: models are never overwritten, a new one is a new version. The upload is audited.`,
  request: { headers: adminActorHeader, body: handlerValidatedBody("RecModelArtifact", "the model artifact") },
  responses: {
    200: {
      description: "the same artifact was stored already (a retried upload): what was stored",
      content: json(z.object({ model: descriptionSchema })),
    },
    201: { description: "stored", content: json(z.object({ model: descriptionSchema })) },
  },
  errors: [...JSON_INPUT_ERRORS, "conflict", "dependency_unavailable"],
});

const versionParams = z.object({
  version: z
    .string()
    .max(64)
    .openapi({ param: { description: "the model's version" } }),
});

const activateRoute = adminRoute({
  method: "post",
  path: "/recommendations/models/{version}/activate",
  admits: "editRecs",
  summary: "Serve this model version from now on (a new revision of the active pointer, audited)",
  description:
    "Isolates pick the new model up within 5 s (KV's propagation elsewhere, about a minute). Two changes from the same revision at once: the second is 409 `conflict`. Activating the active version again changes nothing and answers it.",
  request: { params: versionParams, headers: adminActorHeader },
  responses: { 200: { description: "the active pointer", content: json(z.object({ active: pointerSchema })) } },
  errors: ["invalid_request", "not_found", "conflict", "dependency_unavailable"],
});

const rollbackRoute = adminRoute({
  method: "post",
  path: "/recommendations/models/rollback",
  admits: "editRecs",
  summary: "Serve the version that was active before the current one again (audited)",
  description:
    "409 `conflict` when nothing was active before. A rollback is itself a revision: rolling back twice returns to where it started.",
  request: { headers: adminActorHeader },
  responses: { 200: { description: "the active pointer", content: json(z.object({ active: pointerSchema })) } },
  errors: ["invalid_request", "not_found", "conflict", "dependency_unavailable"],
});

const auditRoute = adminRoute({
  method: "get",
  path: "/recommendations/audit",
  admits: "readAudit",
  summary: "Uploads, activations and rollbacks of recommender models, newest first",
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }) },
  responses: {
    200: {
      description: "the entries",
      headers: NO_STORE,
      content: json(
        z
          .object({
            entries: z.array(
              z.object({
                id: int,
                at: epochMs,
                actor: z.string(),
                action: z.string(),
                version: int,
                before: z.unknown(),
                after: z.unknown(),
              }),
            ),
          })
          .openapi("RecModelAudit"),
      ),
    },
  },
  errors: ["dependency_unavailable"],
});

const ctrRoute = adminRoute({
  method: "get",
  path: "/recommendations/ctr",
  admits: "readRecs",
  summary: 'Click-through rate of "Recommended for you" per arm (popularity, two_tower), with its 95 % Wilson interval',
  description:
    "From the `rec_impression` (one per card shown) and `rec_click` events of the last `days` days: clicks / impressions per arm, and per source (what actually ranked: the model, or popularity when the model had nothing for the shopper).",
  request: { query: z.object({ days: z.coerce.number().int().min(1).max(90).default(7) }) },
  responses: {
    200: {
      description: "the rates",
      headers: noStore("events arrive all the time"),
      content: json(
        z
          .object({
            since: epochMs,
            arms: z.array(
              z.object({
                arm: z.enum(REC_ARMS),
                impressions: int,
                clicks: int,
                ctr: z.number().nullable(),
                low: z.number().nullable().describe("95 % Wilson interval"),
                high: z.number().nullable(),
              }),
            ),
            sources: z.array(z.object({ source: z.string(), impressions: int, clicks: int, ctr: z.number().nullable() })),
          })
          .openapi("RecCtr"),
      ),
    },
  },
  errors: ["dependency_unavailable"],
});

/** What `/ctr` answers is what the console reads (src/recs/serving.ts RecCtrReport). */
type RecCtrBody = z.output<(typeof ctrRoute)["responses"][200]["content"]["application/json"]["schema"]>;
export type CtrSchemaMatchesCode = Holds<Describes<RecCtrReport, RecCtrBody>>;

const store = (env: Env) => new RecModelStore(env.SALES);

/** Sets the pointer to `model`: a new revision, audited with the pointer before and after, KV written inside the transaction. */
async function movePointer(
  env: Env,
  actor: string,
  action: "activate" | "rollback",
  model: string,
  current: ActivePointer | null,
): Promise<ActivePointer> {
  const next: ActivePointer = {
    model,
    revision: (current?.revision ?? 0) + 1,
    previous: current?.model ?? null,
    activatedAt: Date.now(),
    activatedBy: actor,
  };
  await saveVersion(env, {
    what: "the active recommender model",
    audit: (tx) =>
      recordConfigChange(tx, {
        kind: AUDIT_KIND,
        key: AUDIT_KEY,
        at: next.activatedAt,
        actor,
        action,
        before: current,
        after: { ...next, version: next.revision },
      }),
    store: () => store(env).setActive(next),
    sameVersionConstraint: CONFIG_SAME_VERSION,
    currentVersion: async () => (await store(env).active())?.revision,
    version: next.revision,
    entry: next,
  });
  modelsChanged();
  return next;
}

export const adminRecommendations = contractApp()
  .openapi(listRoute, async (c) => {
    const models = store(c.env);
    const [active, list] = await Promise.all([models.active(), models.list()]);
    c.header("Cache-Control", "no-store");
    return c.json({ active, models: list }, 200);
  })
  .openapi(uploadRoute, async (c) => {
    const actor = adminActor(c);
    requireJsonContentType(c);
    const input = await readJson(c, MODEL_BODY_LIMIT);
    const model = valid(decodeModel(input), "model");
    const models = store(c.env);
    const existing = await models.describe(model.version);
    if (existing) {
      // A retried upload (the trainer's --publish after a lost answer) of the very same artifact answers what it stored.
      if ((await models.text(model.version)) === JSON.stringify(input)) return c.json({ model: existing }, 200);
      throw new AppError("conflict", `model ${model.version} was uploaded already with other contents; a new model needs a new version`);
    }
    const now = Date.now();
    let stored: ModelDescription | undefined;
    const description = {
      version: model.version,
      trainedAt: model.trainedAt,
      dims: model.dims,
      items: model.items.length,
      metrics: model.metrics,
      uploadedAt: now,
      uploadedBy: actor,
    };
    await saveVersion(c.env, {
      what: `model ${model.version}`,
      // One audit row per version (`key` the version, version 1): the unique key refuses a second upload of it racing this one.
      audit: (tx) =>
        recordConfigChange(tx, {
          kind: "rec-model-upload",
          key: model.version,
          at: now,
          actor,
          action: "upload",
          before: null,
          after: { ...description, version: 1 },
        }),
      store: async () => {
        stored = await models.put(description, JSON.stringify(input));
      },
      sameVersionConstraint: CONFIG_SAME_VERSION,
      currentVersion: async () => 1,
      version: 1,
      entry: description,
    });
    return c.json({ model: stored! }, 201);
  })
  .openapi(activateRoute, async (c) => {
    const { version } = c.req.valid("param");
    const actor = adminActor(c);
    const models = store(c.env);
    const [description, current] = await Promise.all([models.describe(version), models.active()]);
    if (!description) throw new AppError("not_found", `no model ${version}`);
    if (current?.model === version) return c.json({ active: current }, 200);
    return c.json({ active: await movePointer(c.env, actor, "activate", version, current) }, 200);
  })
  .openapi(rollbackRoute, async (c) => {
    const actor = adminActor(c);
    const models = store(c.env);
    const current = await models.active();
    if (!current?.previous) throw new AppError("conflict", "no model was active before this one, so there is nothing to roll back to");
    if (!(await models.describe(current.previous)))
      throw new AppError("not_found", `the previous model ${current.previous} is no longer stored`);
    return c.json({ active: await movePointer(c.env, actor, "rollback", current.previous, current) }, 200);
  })
  .openapi(auditRoute, async (c) => {
    const { limit } = c.req.valid("query");
    const entries = await readDatabase(c.env, { what: "the audit log", log: "recommendations/audit", timeoutMs: 5_000 }, async (db) => {
      const [moves, uploads] = await Promise.all([
        configAuditTrail<unknown>(db, AUDIT_KIND, AUDIT_KEY, limit),
        db.execute(
          sql`select id, at, actor, action, version, before, after from config_audit_log where kind = 'rec-model-upload' order by id desc limit ${limit}`,
        ),
      ]);
      const uploaded = (uploads.rows as Array<Record<string, unknown>>).map((row) => ({
        id: Number(row.id),
        at: new Date(row.at as string).getTime(),
        actor: String(row.actor),
        action: String(row.action),
        version: Number(row.version),
        before: row.before,
        after: row.after,
      }));
      return [
        ...moves.map(({ id, at, actor, action, version, before, after }) => ({ id, at, actor, action, version, before, after })),
        ...uploaded,
      ]
        .sort((a, b) => b.id - a.id)
        .slice(0, limit);
    });
    c.header("Cache-Control", "no-store");
    return c.json({ entries }, 200);
  })
  .openapi(ctrRoute, async (c) => {
    const { days } = c.req.valid("query");
    const since = Date.now() - days * 86_400_000;
    const rows = await readDatabase(
      c.env,
      { what: "the recommendation events", log: "recommendations/ctr", timeoutMs: 5_000 },
      async (db) => {
        const result = await db.execute(sql`
        select props->>'arm' as arm, props->>'source' as source,
               count(*) filter (where type = 'rec_impression')::int as impressions,
               count(*) filter (where type = 'rec_click')::int as clicks
        from events where type in ('rec_impression', 'rec_click') and at > ${new Date(since).toISOString()}::timestamptz
        group by 1, 2`);
        return result.rows as Array<{ arm: string; source: string; impressions: number; clicks: number }>;
      },
    );
    const sum = (key: "arm" | "source") => {
      const totals = new Map<string, { impressions: number; clicks: number }>();
      for (const row of rows) {
        const t = totals.get(row[key]) ?? { impressions: 0, clicks: 0 };
        t.impressions += Number(row.impressions);
        t.clicks += Number(row.clicks);
        totals.set(row[key], t);
      }
      return [...totals].map(([name, t]) => ({ name, ...t }));
    };
    const arms = ctrByArm(sum("arm").map(({ name, ...t }) => ({ arm: name, ...t }))).map((row) => {
      const estimate = proportionEstimate(Math.min(row.clicks, row.impressions), row.impressions);
      return { ...row, low: estimate?.low ?? null, high: estimate?.high ?? null };
    });
    const sources = sum("source").map(({ name, impressions, clicks }) => ({
      source: name,
      impressions,
      clicks,
      ctr: impressions ? clicks / impressions : null,
    }));
    c.header("Cache-Control", "no-store");
    return c.json({ since, arms, sources }, 200);
  });

adminRecommendations.openAPIRegistry.register("RecModelArtifact", recModelArtifactSchema);
