import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError, unwrap } from "../../../src/errors.ts";
import { experimentAuditTrail, type ExperimentAuditRecord } from "../../../src/experiments/experiment-audit.ts";
import { ExperimentCatalog } from "../../../src/experiments/experiment-catalog.ts";
import {
  type ExperimentConfig,
  experimentConfigSchema,
  experimentDraftSchema,
  experimentUpdateSchema,
  validateExperiment,
} from "../../../src/experiments/experiment-config.ts";
import {
  createExperiment,
  startExperiment,
  stopExperiment,
  updateExperiment,
  type ExperimentAction,
} from "../../../src/experiments/lifecycle.ts";
import { experimentResults, tallyExperiment, type ExperimentResults } from "../../../src/experiments/results.ts";
import type { AppEnv } from "../app-env.ts";
import { adminRoute } from "../contract/admin-route.ts";
import { component } from "../contract/component.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { handlerValidatedBody } from "../contract/handler-validated-body.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { auditActor } from "./auth.ts";
import { adminActorHeader, JSON_INPUT_ERRORS, jsonInput, valid } from "./request.ts";
import { saveExperiment } from "./save-experiment.ts";

/**
 * Experiments under /admin/api (issue 13), designed as sales are: validated with every
 * problem listed, versioned in KV (each version kept), every change audited in Postgres.
 * Create makes a draft; start and stop move it along; results come from Postgres.
 */

const experimentConfig = component(
  "ExperimentConfig",
  experimentConfigSchema,
  "An A/B experiment as stored in KV (`experiment:<key>`). `variants[0]` is the control; weights are shares on any scale. Targeting lists narrow who is enrolled (empty: everyone). `seed` is GrowthBook's hash seed (the key). `status`, `startedAt`, `stoppedAt`, `version`, `updatedAt`, `updatedBy` are the server's",
);

const BODIES = {
  ExperimentDraft: experimentDraftSchema.describe("A new experiment: key, name, description, surface, primaryMetric, variants, targeting"),
  ExperimentUpdate: experimentUpdateSchema.describe(
    "A full edit: every field of the draft and expectedVersion, the version it was edited from. While running, only name, description, weights and targeting may change",
  ),
};

const estimate = z.object({ value: z.number(), low: z.number(), high: z.number() }).describe("a value and its 95 % interval");
const comparison = z.object({
  variant: z.string(),
  difference: z.number().describe("variant − control: a rate, or fen per shopper"),
  uplift: z.number().nullable().describe("the difference relative to the control; null when the control's value is 0"),
  statistic: z.number().describe("z (conversion) or Welch's t (revenue)"),
  pValue: z.number().describe("two-sided"),
  ciLow: z.number().describe("95 % interval of the difference"),
  ciHigh: z.number(),
});
const resultsSchema = z
  .object({
    experiment: z.string(),
    status: experimentConfigSchema.shape.status,
    metric: experimentConfigSchema.shape.primaryMetric,
    startedAt: epochMs.nullable(),
    stoppedAt: epochMs.nullable(),
    computedAt: epochMs,
    variants: z
      .array(
        z.object({
          variant: z.string(),
          name: z.string(),
          weight: z.number(),
          shoppers: int.describe("shoppers exposed (first exposure before the experiment stopped)"),
          checkouts: int.describe("of them, shoppers with an order created after their first exposure"),
          payments: int.describe("of them, shoppers with an order paid after their first exposure"),
          revenue: z
            .object({ total: z.number(), mean: z.number(), stddev: z.number() })
            .describe("paid order amounts per shopper exposed, fen: total, mean, sample standard deviation"),
          primary: estimate
            .nullable()
            .describe(
              "the primary metric: a rate (Wilson interval) or revenue per shopper in fen (t interval); null with too few shoppers",
            ),
        }),
      )
      .describe("in configured order; the first is the control"),
    comparisons: z.array(comparison).describe("each variant after the first against the control; left out without enough shoppers"),
    srm: z
      .object({
        chiSquare: z.number(),
        pValue: z.number(),
        mismatch: z.boolean().describe("p < 0.001: the split is not the configured one; do not trust the results"),
      })
      .describe("sample-ratio mismatch: shoppers per variant against the weights"),
  })
  .openapi("ExperimentResults");

const auditRecordSchema = z
  .object({
    id: int,
    at: epochMs,
    actor: z.string(),
    action: z.enum(["create", "update", "start", "stop"]),
    experiment: z.string(),
    version: int,
    before: experimentConfig.nullable(),
    after: experimentConfig,
  })
  .openapi("ExperimentAuditRecord");

export type ExperimentSchemasMatchCode = [
  Holds<Describes<z.output<typeof resultsSchema>, ExperimentResults>>,
  Holds<Describes<z.output<typeof auditRecordSchema>, ExperimentAuditRecord>>,
];

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const keyParams = z.object({ key: z.string().openapi({ param: { description: "the experiment's key" } }) });
const NO_STORE = noStore("experiments change from the console at any time");
const SAVE_NOTE =
  "Audited in Postgres and stored in KV in one transaction: Postgres unreachable or KV refusing, nothing is saved (503). Two saves from one version: the second is 409 `conflict` with the current `version`.";
const saved = z.object({ experiment: experimentConfig }).openapi("ExperimentSaved");

const listExperiments = adminRoute({
  method: "get",
  path: "/experiments",
  admits: "readExperiments",
  summary: "Every experiment, the last changed first",
  responses: {
    200: { description: "the experiments", headers: NO_STORE, content: json(z.object({ experiments: z.array(experimentConfig) })) },
  },
});

const createRoute = adminRoute({
  method: "post",
  path: "/experiments",
  admits: "editExperiments",
  summary: "Create an experiment, as a draft (version 1)",
  description: `Every problem is listed in \`problems\` (\`path: message\`). ${SAVE_NOTE}`,
  request: { headers: adminActorHeader, body: handlerValidatedBody("ExperimentDraft", "the experiment") },
  responses: { 201: { description: "created", content: json(saved) } },
  errors: [...JSON_INPUT_ERRORS, "conflict", "dependency_unavailable"],
});

const getRoute = adminRoute({
  method: "get",
  path: "/experiments/{key}",
  admits: "readExperiments",
  summary: "One experiment (its version is the next update's expectedVersion)",
  request: { params: keyParams },
  responses: { 200: { description: "the experiment", headers: NO_STORE, content: json(saved) } },
  errors: ["not_found"],
});

const updateRoute = adminRoute({
  method: "put",
  path: "/experiments/{key}",
  admits: "editExperiments",
  summary: "Replace an experiment's configuration from the version it was read at",
  description:
    "Weights may change while it runs: shoppers already assigned keep their variant (sticky), only new shoppers follow the new split. Surface, metric and variants are fixed once it runs; a stopped experiment is final (409). " +
    SAVE_NOTE,
  request: {
    params: keyParams,
    headers: adminActorHeader,
    body: handlerValidatedBody("ExperimentUpdate", "the whole experiment and expectedVersion"),
  },
  responses: { 200: { description: "saved", content: json(saved) } },
  errors: [...JSON_INPUT_ERRORS, "not_found", "conflict", "dependency_unavailable"],
});

const lifecycleRoute = (action: "start" | "stop") =>
  adminRoute({
    method: "post",
    path: `/experiments/{key}/${action}`,
    admits: "editExperiments",
    summary:
      action === "start"
        ? "Start a draft: shoppers are assigned from now on (one running experiment per surface)"
        : "Stop a running experiment: no one new is enrolled, everyone sees the control, results count up to now",
    description: `A new version, audited as \`${action}\`. ${SAVE_NOTE}`,
    request: { params: keyParams, headers: adminActorHeader },
    responses: { 200: { description: action === "start" ? "running" : "stopped", content: json(saved) } },
    errors: ["not_found", "conflict", "dependency_unavailable"],
  });

const historyRoute = adminRoute({
  method: "get",
  path: "/experiments/{key}/history",
  admits: "readExperiments",
  summary: "Every saved version, newest first (KV `experiment-history:<key>:<version>`)",
  request: { params: keyParams, query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }) },
  responses: {
    200: {
      description: "the versions",
      headers: NO_STORE,
      content: json(z.object({ key: z.string(), versions: z.array(experimentConfig) })),
    },
  },
  errors: ["not_found"],
});

const auditRoute = adminRoute({
  method: "get",
  path: "/experiments/{key}/audit",
  admits: "readAudit",
  summary: "The experiment's audit log from Postgres, newest first: who changed what when, before and after",
  request: { params: keyParams, query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
  responses: { 200: { description: "the entries", headers: NO_STORE, content: json(z.object({ entries: z.array(auditRecordSchema) })) } },
  errors: ["dependency_unavailable"],
});

const resultsRoute = adminRoute({
  method: "get",
  path: "/experiments/{key}/results",
  admits: "readExperiments",
  summary:
    "Results per variant: shoppers exposed, conversions, the primary metric with its 95 % interval, uplift and p-value against the control, and the sample-ratio check",
  description:
    "From Postgres in one aggregate query: shoppers with an exposure, and their order events after their first exposure (until the experiment stopped). " +
    "Conversion metrics: two-proportion z-test (200/1000 against 250/1000: z = 2.6774, p = 0.00742); revenue per shopper: Welch's t-test. " +
    "The sample-ratio chi-square flags p < 0.001.",
  request: { params: keyParams },
  responses: { 200: { description: "the results", headers: NO_STORE, content: json(resultsSchema) } },
  errors: ["not_found", "dependency_unavailable"],
});

export const experimentRoutes = contractApp()
  .openapi(listExperiments, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ experiments: await new ExperimentCatalog(c.env.SALES).list() }, 200);
  })
  .openapi(createRoute, async (c) => {
    const actor = auditActor(c);
    const draft = valid(validateExperiment(experimentDraftSchema, await jsonInput(c)), "experiment");
    if (await new ExperimentCatalog(c.env.SALES).find(draft.key)) {
      throw new AppError("conflict", `an experiment "${draft.key}" exists already`);
    }
    const after = createExperiment(draft, { now: Date.now(), actor });
    const experiment = await save(c.env, "create", actor, null, after);
    return c.json({ experiment }, 201);
  })
  .openapi(getRoute, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ experiment: await existing(c.env, c.req.valid("param").key) }, 200);
  })
  .openapi(updateRoute, async (c) => {
    const actor = auditActor(c);
    const { key } = c.req.valid("param");
    const input = await jsonInput(c);
    const current = await existing(c.env, key);
    const { expectedVersion, ...draft } = valid(validateUpdate(input, key), "experiment");
    const after = unwrap(updateExperiment(current, draft, expectedVersion, { now: Date.now(), actor }));
    return c.json({ experiment: await save(c.env, "update", actor, current, after) }, 200);
  })
  .openapi(lifecycleRoute("start"), (c) => move(c, "start"))
  .openapi(lifecycleRoute("stop"), (c) => move(c, "stop"))
  .openapi(historyRoute, async (c) => {
    const { key } = c.req.valid("param");
    const catalog = new ExperimentCatalog(c.env.SALES);
    let versions = await catalog.history(key, c.req.valid("query").limit);
    // One seeded into KV directly (npm start) has no history: its current version is all there is.
    if (versions.length === 0) versions = [await existing(c.env, key)];
    c.header("Cache-Control", "no-store");
    return c.json({ key, versions }, 200);
  })
  .openapi(auditRoute, async (c) => {
    const { key } = c.req.valid("param");
    const entries = await readPostgres(c.env, "the audit log", (db) => experimentAuditTrail(db, key, c.req.valid("query").limit));
    c.header("Cache-Control", "no-store");
    return c.json({ entries }, 200);
  })
  .openapi(resultsRoute, async (c) => {
    const experiment = await existing(c.env, c.req.valid("param").key);
    const tallies = await readPostgres(c.env, "the results", (db) => tallyExperiment(db, experiment));
    c.header("Cache-Control", "no-store");
    return c.json(experimentResults(experiment, tallies, Date.now()), 200);
  });

for (const [name, schema] of Object.entries(BODIES)) experimentRoutes.openAPIRegistry.register(name, schema);

/** Start or stop: read the version in KV, move it along, save. */
async function move(c: Context<AppEnv>, action: "start" | "stop") {
  const actor = auditActor(c);
  const key = c.req.param("key") ?? "";
  const catalog = new ExperimentCatalog(c.env.SALES);
  const current = await existing(c.env, key);
  const stamp = { now: Date.now(), actor };
  const after = unwrap(action === "start" ? startExperiment(current, await catalog.list(), stamp) : stopExperiment(current, stamp));
  return c.json({ experiment: await save(c.env, action, actor, current, after) }, 200);
}

function save(env: Env, action: ExperimentAction, actor: string, before: ExperimentConfig | null, after: ExperimentConfig) {
  return saveExperiment(env, { at: after.updatedAt ?? Date.now(), actor, action, experiment: after.key, before, after });
}

async function existing(env: Env, key: string): Promise<ExperimentConfig> {
  const experiment = await new ExperimentCatalog(env.SALES).find(key);
  if (!experiment) throw new AppError("not_found", `no experiment "${key}"`);
  return experiment;
}

/** An update names its experiment in the URL; the body may repeat the key, not name another. Problems of both kinds come back together. */
function validateUpdate(input: unknown, key: string) {
  const isRecord = typeof input === "object" && input !== null && !Array.isArray(input);
  const named = isRecord && "key" in input ? input.key : undefined;
  const result = validateExperiment(experimentUpdateSchema, isRecord && named === undefined ? { ...input, key } : input);
  if (named === undefined || named === key) return result;
  const mismatch = `key: must be "${key}", the key in the URL`;
  return { ok: false as const, problems: result.ok ? [mismatch] : [...result.problems, mismatch] };
}

async function readPostgres<T>(
  env: Env,
  what: string,
  read: (db: Parameters<Parameters<typeof withDatabase>[1]>[0]) => Promise<T>,
): Promise<T> {
  return withDatabase(databaseSettings(env), read).catch((error: Error) => {
    if (error instanceof AppError) throw error;
    console.error(`experiments: ${what} could not be read (${describeDatabaseFailure(error).summary})`);
    throw new AppError("dependency_unavailable", `${what} (Postgres) could not be read`);
  });
}
