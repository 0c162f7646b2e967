import { Hono, type Context } from "hono";
import { z } from "zod";
import type { SkuAdminView } from "../../../durable-objects/sku-sale/index.ts";
import { databaseSettings } from "../../../src/config.ts";
import { openDatabase } from "../../../src/db/client.ts";
import { AppError, unwrap } from "../../../src/errors.ts";
import { auditTrail } from "../../../src/sales/audit-log.ts";
import { CONSOLE_PHASES, consolePhase, type ConsolePhase } from "../../../src/sales/phase.ts";
import { SaleCatalog } from "../../../src/sales/sale-catalog.ts";
import { saleDraftSchema, saleConfigSchema, saleUpdateSchema, validateSale, type SaleConfig } from "../../../src/sales/sale-config.ts";
import type { SkuSnapshot } from "../../../src/sales/snapshot.ts";
import type { AppEnv } from "../app-env.ts";
import { skuObject } from "../api/sku-object.ts";
import { adminActor, jsonInput, valid, validQuery } from "./request.ts";
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

const skuSchema = saleConfigSchema.shape.sku;
const limitSchema = (max: number) => z.coerce.number().int().min(1).max(max);

/**
 * Sale management under /admin/api (issue 6): list by phase, create, read, update with
 * optimistic concurrency, pause and resume, history, audit log. Every change goes through
 * saveSale, which tells the SKU's object first and audits it.
 */
export const adminSales = new Hono<AppEnv>()
  .get("/sales", async (c) => {
    const { phase } = validQuery(c, z.object({ phase: z.enum(CONSOLE_PHASES).optional() }));
    const stored = await new SaleCatalog(c.env.SALES).list();
    const sales = await Promise.all(stored.map((sale) => adminSale(c.env, sale.sku, sale)));
    c.header("Cache-Control", "no-store");
    return c.json({ serverTime: Date.now(), sales: sales.filter((s) => !phase || s.phase === phase) });
  })
  .post("/sales", async (c) => {
    const actor = adminActor(c);
    const draft = valid(validateSale(saleDraftSchema, await jsonInput(c)));
    const config = { ...draft, version: 1, updatedAt: Date.now(), updatedBy: actor };
    const applied = await saveSale(c.env, { action: "create", actor, config });
    return c.json({ sale: applied.after, snapshot: applied.snapshot, changed: true } satisfies SaleSaved, 201);
  })
  .get("/sales/:sku", async (c) => {
    const sku = c.req.param("sku");
    skuObject(c.env, sku); // a name that cannot be a SKU is a 404 at once
    const entry = await adminSale(c.env, sku, await new SaleCatalog(c.env.SALES).find(sku));
    c.header("Cache-Control", "no-store");
    return c.json(entry);
  })
  .put("/sales/:sku", async (c) => {
    const actor = adminActor(c);
    const sku = c.req.param("sku");
    skuObject(c.env, sku);
    const { expectedVersion, ...draft } = valid(validateUpdate(await jsonInput(c), sku));
    const config = { ...draft, version: expectedVersion + 1, updatedAt: Date.now(), updatedBy: actor };
    const applied = await saveSale(c.env, { action: "update", actor, config });
    return c.json({ sale: applied.after, snapshot: applied.snapshot, changed: true } satisfies SaleSaved);
  })
  .post("/sales/:sku/pause", (c) => setPaused(c, true))
  .post("/sales/:sku/resume", (c) => setPaused(c, false))
  .get("/sales/:sku/history", async (c) => {
    const sku = c.req.param("sku");
    skuObject(c.env, sku);
    const { limit } = validQuery(c, z.object({ limit: limitSchema(200).default(50) }));
    const catalog = new SaleCatalog(c.env.SALES);
    let versions = await catalog.history(sku, limit);
    if (versions.length === 0) {
      // A sale written to KV by other means (a seed, `wrangler kv`) has no history: its current version is all there is.
      const current = await catalog.find(sku);
      if (!current) throw new AppError("not_found", `no sale for SKU "${sku}"`);
      versions = [current];
    }
    c.header("Cache-Control", "no-store");
    return c.json({ sku, versions });
  })
  .get("/audit", async (c) => {
    const query = validQuery(
      c,
      z.object({ sku: skuSchema.optional(), limit: limitSchema(500).default(100), before: z.coerce.number().int().positive().optional() }),
    );
    const { db, close } = openDatabase(databaseSettings(c.env));
    try {
      const entries = await auditTrail(db, query).catch((error: Error) => {
        console.error(`audit: read failed: ${error.message}`);
        throw new AppError("dependency_unavailable", "the audit log (Postgres) is unreachable");
      });
      c.header("Cache-Control", "no-store");
      return c.json({ entries });
    } finally {
      c.executionCtx.waitUntil(close().catch(() => undefined));
    }
  });

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
async function setPaused(c: Context<AppEnv>, paused: boolean) {
  const actor = adminActor(c);
  const object = skuObject(c.env, c.req.param("sku") ?? "");
  for (let attempt = 1; ; attempt++) {
    const { config, snapshot } = unwrap(await object.adminView());
    if (config.paused === paused) return c.json({ sale: config, snapshot, changed: false } satisfies SaleSaved);
    try {
      const next = { ...config, paused, version: config.version + 1, updatedAt: Date.now(), updatedBy: actor };
      const applied = await saveSale(c.env, { action: paused ? "pause" : "resume", actor, config: next });
      return c.json({ sale: applied.after, snapshot: applied.snapshot, changed: true } satisfies SaleSaved);
    } catch (error) {
      const raced = error instanceof AppError && error.code === "conflict" && error.details?.version !== undefined;
      if (!raced || attempt >= 3) throw error;
    }
  }
}

/** One sale for the console: the object's live view merged with what KV holds. */
async function adminSale(env: Env, sku: string, stored: SaleConfig | null): Promise<AdminSale> {
  const view = await env.SKU_SALE.getByName(sku)
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
