import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { SkuAdminView } from "../../../durable-objects/sku-sale/index.ts";
import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError, unwrap } from "../../../src/errors.ts";
import { auditTrail, type AuditRecord } from "../../../src/sales/audit-log.ts";
import { CONSOLE_PHASES, consolePhase, type ConsolePhase } from "../../../src/sales/phase.ts";
import { SaleCatalog } from "../../../src/sales/sale-catalog.ts";
import { saleConfigSchema, saleDraftSchema, saleUpdateSchema, validateSale, type SaleConfig } from "../../../src/sales/sale-config.ts";
import type { SkuSnapshot } from "../../../src/sales/snapshot.ts";
import { skuParams } from "../api/sku-param.ts";
import { skuObject } from "../api/sku-object.ts";
import { skuSnapshotSchema } from "../api/snapshot-schema.ts";
import type { AppEnv } from "../app-env.ts";
import { adminRoute } from "../contract/admin-route.ts";
import { component } from "../contract/component.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { handlerValidatedBody } from "../contract/handler-validated-body.ts";
import { LIVE_NUMBERS } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { auditActor } from "./auth.ts";
import { adminActorHeader, JSON_INPUT_ERRORS, jsonInput, valid } from "./request.ts";
import { saveSale } from "./save-sale.ts";

/** A sale as the console lists it: its configuration in effect and its live numbers. */
export interface AdminSale {
  phase: ConsolePhase;
  /** The configuration in effect: the SKU object's, or KV's when KV holds a newer one. */
  sale: SaleConfig;
  /** The version KV holds: below `sale.version` while KV catches up with a save; null when KV has none. */
  kvVersion: number | null;
  /** The SKU object's live state; null when it could not be read. */
  live: Omit<SkuAdminView, "config"> | null;
}

/** What a save answers: the configuration now in effect, and the sale's live snapshot. */
export interface SaleSaved {
  sale: SaleConfig;
  snapshot: SkuSnapshot;
  /** false when there was nothing to change (pausing a paused sale): nothing written. */
  changed: boolean;
}

// ---- The contracts' schemas ----------------------------------------------------------------

const saleConfig = component(
  "SaleConfig",
  saleConfigSchema,
  "A sale as stored in KV (`sale:<sku>`) and run by its SKU object. Money in fen, times in epoch ms. `version` counts saves; `updatedAt`/`updatedBy` are null for an entry written to KV by other means",
);

/**
 * The sale bodies, by component name: validated by the handlers with validateSale, documented
 * by reference (handlerValidatedBody) to these, registered with the app below. Described
 * copies: registering names the schema it is given (contract/component.ts).
 */
const SALE_BODIES = {
  SaleDraft: saleDraftSchema.describe("A sale as a marketer submits it: the stored form without version, updatedAt, updatedBy"),
  SaleUpdate: saleUpdateSchema.describe("A full update: every field of the sale, and expectedVersion, the version it was edited from"),
};

const adminSaleSchema = z
  .object({
    phase: z.enum(CONSOLE_PHASES).describe("a paused sale that has not ended is `paused`"),
    sale: saleConfig,
    kvVersion: int.nullable().describe("the version KV holds: below sale.version while KV catches up with a save"),
    live: z
      .object({
        snapshot: skuSnapshotSchema,
        ordersPlaced: int.describe("orders ever placed: successive reads give orders per second"),
        giftsGiven: z.record(z.string(), int).describe("gifts out with orders that hold or bought units, by gift id"),
        outbox: z
          .object({
            pending: int.describe("changes not yet written to Postgres"),
            deadLettered: int.describe("changes Postgres refused for their data, parked until retried"),
          })
          .describe("the way of the sale's orders to Postgres"),
      })
      .nullable()
      .describe("the SKU object's live state; null when it could not be read"),
  })
  .openapi("AdminSale", { description: "A sale as the marketer console lists it" });

const saleSavedSchema = z
  .object({
    sale: saleConfig,
    snapshot: skuSnapshotSchema,
    changed: z.boolean().describe("false when there was nothing to change (pausing a paused sale): nothing written"),
  })
  .openapi("SaleSaved");

const auditRecordSchema = z
  .object({
    id: int,
    at: epochMs,
    actor: z.string().describe("who made the change: a staff account's email, an API key, or the X-Admin-Actor of a break-glass call"),
    action: z.enum(["create", "update", "pause", "resume"]),
    sku: z.string(),
    before: saleConfig.nullable().describe("null when the change created the sale"),
    after: saleConfig,
  })
  .openapi("AuditRecord");

export type AdminSchemasMatchCode = [
  Holds<Describes<z.output<typeof adminSaleSchema>, AdminSale>>,
  Holds<Describes<NonNullable<z.output<typeof adminSaleSchema>["live"]>, NonNullable<AdminSale["live"]>>>,
  Holds<Describes<z.output<typeof saleSavedSchema>, SaleSaved>>,
  Holds<Describes<z.output<typeof auditRecordSchema>, AuditRecord>>,
];

const limitSchema = (max: number, byDefault: number) => z.coerce.number().int().min(1).max(max).default(byDefault);
const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
/** Every change to a sale: its ordering, answers and audit. */
const SAVE_NOTE =
  "The SKU's object takes the change first, so a running sale changes at once; then KV gets the version (history and current), then the audit log a row. " +
  "Postgres must answer before anything is touched: unreachable, the save is refused with 503 and nothing is written.";
const BODY_NOTE =
  "The body must be sent as `Content-Type: application/json` (else 415) and be at most 256 KiB (else 413, before it is read in full).";
/** What a save can answer beyond its body: another save first or a stock cut too deep (409), Postgres or KV unreachable (503). */
const SAVE_ERRORS = ["conflict", "dependency_unavailable"] as const;

// ---- Routes ---------------------------------------------------------------------------------

const listSales = adminRoute({
  method: "get",
  path: "/sales",
  admits: "readSales",
  summary: "Every configured sale with its live state, optionally of one phase",
  request: {
    query: z.object({
      phase: z
        .enum(CONSOLE_PHASES)
        .optional()
        .openapi({ param: { description: "only the sales in this phase" } }),
    }),
  },
  responses: {
    200: {
      description: "the sales, by start time",
      headers: LIVE_NUMBERS,
      content: json(z.object({ serverTime: epochMs, sales: z.array(adminSaleSchema).describe("by start time") }).openapi("AdminSaleList")),
    },
  },
});

const createSale = adminRoute({
  method: "post",
  path: "/sales",
  admits: "editSales",
  summary: "Create a sale (now or scheduled ahead): version 1",
  description: `Every validation problem is listed in \`problems\` (\`path: message\`), and nothing is written. ${BODY_NOTE} ${SAVE_NOTE}`,
  request: { headers: adminActorHeader, body: handlerValidatedBody("SaleDraft", "the sale") },
  responses: { 201: { description: "created", content: json(saleSavedSchema) } },
  errors: [...JSON_INPUT_ERRORS, ...SAVE_ERRORS],
});

const getSale = adminRoute({
  method: "get",
  path: "/sales/{sku}",
  admits: "readSales",
  summary: "One sale: the configuration in effect (its version is the next update's expectedVersion) and its live state",
  request: { params: skuParams },
  responses: { 200: { description: "the sale", headers: LIVE_NUMBERS, content: json(adminSaleSchema) } },
  errors: ["not_found"],
});

const updateSale = adminRoute({
  method: "put",
  path: "/sales/{sku}",
  admits: "editSales",
  summary: "Replace a sale's configuration: top up or cut stock, move the end, change tiers, gifts…",
  description:
    "The body is the whole sale plus `expectedVersion`, the version it was edited from; another save since answers 409 `conflict` with the current `version`. " +
    "Stock may not go below the units sold or held (409, `problems`, `minimumStock`). The body's `sku` may be left out; if given it must match the URL. " +
    `${BODY_NOTE} ${SAVE_NOTE}`,
  request: {
    params: skuParams,
    headers: adminActorHeader,
    body: handlerValidatedBody("SaleUpdate", "the whole sale and the version it was edited from"),
  },
  responses: { 200: { description: "saved: the new version is live", content: json(saleSavedSchema) } },
  errors: [...JSON_INPUT_ERRORS, "not_found", ...SAVE_ERRORS],
});

const pauseOrResume = (paused: boolean) =>
  adminRoute({
    method: "post",
    path: paused ? "/sales/{sku}/pause" : "/sales/{sku}/resume",
    admits: "editSales",
    summary: paused ? "Pause: checkouts answer 409 `sale_paused` at once; held orders may still be paid" : "Resume a paused sale",
    description: paused
      ? `A new version with \`paused: true\`, audited as \`pause\`; pausing a paused sale changes nothing (\`changed: false\`). ${SAVE_NOTE}`
      : `A new version with \`paused: false\`, audited as \`resume\`; resuming a running sale changes nothing (\`changed: false\`). ${SAVE_NOTE}`,
    request: { params: skuParams, headers: adminActorHeader },
    responses: { 200: { description: paused ? "paused" : "resumed", content: json(saleSavedSchema) } },
    errors: ["not_found", ...SAVE_ERRORS],
  });

const saleHistory = adminRoute({
  method: "get",
  path: "/sales/{sku}/history",
  admits: "readSales",
  summary: "Every saved version of a sale, newest first (KV `sale-history:<sku>:<version>`)",
  request: { params: skuParams, query: z.object({ limit: limitSchema(200, 50) }) },
  responses: {
    200: {
      description: "the versions",
      headers: LIVE_NUMBERS,
      content: json(z.object({ sku: z.string(), versions: z.array(saleConfig).describe("newest first") }).openapi("SaleHistory")),
    },
  },
  errors: ["not_found"],
});

const auditLog = adminRoute({
  method: "get",
  path: "/audit",
  admits: "readAudit",
  summary: "The audit log from Postgres, newest first: who changed which sale when, before and after",
  request: {
    query: z.object({
      sku: saleConfigSchema.shape.sku.optional().openapi({ param: { description: "only this sale's changes" } }),
      limit: limitSchema(500, 100),
      before: z.coerce
        .number()
        .int()
        .positive()
        .optional()
        .openapi({ param: { description: "only entries with a lower id: the next page" } }),
    }),
  },
  responses: {
    200: {
      description: "the entries",
      headers: LIVE_NUMBERS,
      content: json(z.object({ entries: z.array(auditRecordSchema).describe("newest first") }).openapi("AuditLog")),
    },
  },
  errors: ["dependency_unavailable"],
});

/**
 * Sale management under /admin/api (issue 6): list by phase, create, read, update with
 * optimistic concurrency, pause and resume, history, audit log. Every change goes through
 * saveSale, which tells the SKU's object first and audits it.
 */
export const adminSales = contractApp()
  .openapi(listSales, async (c) => {
    const { phase } = c.req.valid("query");
    const stored = await new SaleCatalog(c.env.SALES).list();
    const sales = await Promise.all(stored.map((sale) => adminSale(c.env, sale.sku, sale)));
    c.header("Cache-Control", "no-store");
    return c.json({ serverTime: Date.now(), sales: sales.filter((s) => !phase || s.phase === phase) }, 200);
  })
  .openapi(createSale, async (c) => {
    const actor = auditActor(c);
    const draft = valid(validateSale(saleDraftSchema, await jsonInput(c)));
    const config = { ...draft, version: 1, updatedAt: Date.now(), updatedBy: actor };
    const applied = await saveSale(c.env, { action: "create", actor, config }, { pagesOrigin: new URL(c.req.url).origin });
    return c.json({ sale: applied.after, snapshot: applied.snapshot, changed: true } satisfies SaleSaved, 201);
  })
  .openapi(getSale, async (c) => {
    const { sku } = c.req.valid("param");
    skuObject(c.env, sku); // a name that cannot be a SKU is a 404 at once
    const entry = await adminSale(c.env, sku, await new SaleCatalog(c.env.SALES).find(sku));
    c.header("Cache-Control", "no-store");
    return c.json(entry, 200);
  })
  .openapi(updateSale, async (c) => {
    const actor = auditActor(c);
    const { sku } = c.req.valid("param");
    skuObject(c.env, sku);
    const { expectedVersion, ...draft } = valid(validateUpdate(await jsonInput(c), sku));
    const config = { ...draft, version: expectedVersion + 1, updatedAt: Date.now(), updatedBy: actor };
    const applied = await saveSale(c.env, { action: "update", actor, config }, { pagesOrigin: new URL(c.req.url).origin });
    return c.json({ sale: applied.after, snapshot: applied.snapshot, changed: true } satisfies SaleSaved, 200);
  })
  .openapi(pauseOrResume(true), (c) => setPaused(c, c.req.valid("param").sku, true))
  .openapi(pauseOrResume(false), (c) => setPaused(c, c.req.valid("param").sku, false))
  .openapi(saleHistory, async (c) => {
    const { sku } = c.req.valid("param");
    skuObject(c.env, sku);
    const { limit } = c.req.valid("query");
    const catalog = new SaleCatalog(c.env.SALES);
    let versions = await catalog.history(sku, limit);
    if (versions.length === 0) {
      // A sale written to KV by other means (a seed, `wrangler kv`) has no history: its current version is all there is.
      const current = await catalog.find(sku);
      if (!current) throw new AppError("not_found", `no sale for SKU "${sku}"`);
      versions = [current];
    }
    c.header("Cache-Control", "no-store");
    return c.json({ sku, versions }, 200);
  })
  .openapi(auditLog, async (c) => {
    const query = c.req.valid("query");
    const entries = await withDatabase(databaseSettings(c.env), (db) => auditTrail(db, query)).catch((error: Error) => {
      if (error instanceof AppError) throw error;
      console.error(`audit: read failed: ${describeDatabaseFailure(error).summary}`);
      throw new AppError("dependency_unavailable", "the audit log (Postgres) is unreachable");
    });
    c.header("Cache-Control", "no-store");
    return c.json({ entries }, 200);
  });

// A body given by reference is in the document only if its component is registered.
for (const [name, schema] of Object.entries(SALE_BODIES)) adminSales.openAPIRegistry.register(name, schema);

/**
 * A full update names its SKU in the URL; the body may repeat it, but not name another.
 * Problems of both kinds come back together.
 */
function validateUpdate(input: unknown, sku: string) {
  const isRecord = typeof input === "object" && input !== null && !Array.isArray(input);
  const named = isRecord && "sku" in input ? input.sku : undefined;
  const result = validateSale(saleUpdateSchema, isRecord && named === undefined ? { ...input, sku } : input);
  if (named === undefined || named === sku) return result;
  const mismatch = `sku: must be "${sku}", the SKU in the URL`;
  return { ok: false as const, problems: result.ok ? [mismatch] : [...result.problems, mismatch] };
}

/**
 * Pause or resume: a new version with only `paused` changed, so it is versioned and audited
 * like any edit. It is not an edit of a version the marketer read, so a save landing in
 * between is no conflict: the current version is read again and the toggle retried.
 */
async function setPaused(c: Context<AppEnv>, sku: string, paused: boolean) {
  const actor = auditActor(c);
  const object = skuObject(c.env, sku);
  for (let attempt = 1; ; attempt++) {
    const { config, snapshot } = unwrap(await object.adminView());
    if (config.paused === paused) return c.json({ sale: config, snapshot, changed: false } satisfies SaleSaved, 200);
    try {
      const next = { ...config, paused, version: config.version + 1, updatedAt: Date.now(), updatedBy: actor };
      const applied = await saveSale(
        c.env,
        { action: paused ? "pause" : "resume", actor, config: next },
        { pagesOrigin: new URL(c.req.url).origin },
      );
      return c.json({ sale: applied.after, snapshot: applied.snapshot, changed: true } satisfies SaleSaved, 200);
    } catch (error) {
      const raced = error instanceof AppError && error.code === "conflict" && error.details?.version !== undefined;
      if (!raced || attempt >= 3) throw error;
    }
  }
}

/** One sale for the console: the object's live view merged with what KV holds. */
async function adminSale(env: Env, sku: string, stored: SaleConfig | null): Promise<AdminSale> {
  const view = await skuObject(env, sku)
    .adminView()
    .catch((error: Error) => ({ ok: false as const, error: { code: "internal" as const, message: error.message } }));
  if (!view.ok) {
    if (!stored) throw AppError.from(view.error);
    return { phase: consolePhase(stored, stored.stock, Date.now()), sale: stored, kvVersion: stored.version, live: null };
  }
  const { config, ...live } = view.value;
  const sale = stored && stored.version > config.version ? stored : config;
  return {
    phase: consolePhase(sale, live.snapshot.stock.remaining, live.snapshot.serverTime),
    sale,
    kvVersion: stored?.version ?? null,
    live,
  };
}
