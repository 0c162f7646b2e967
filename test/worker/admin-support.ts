import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { databaseSettings } from "../../src/config.ts";
import { openDatabase } from "../../src/db/client.ts";
import { saleHistoryPrefix, saleKey, type SaleConfig, type SaleConfigInput } from "../../src/sales/sale-config.ts";
import type { AdminSale, SaleSaved } from "../../workers/storefront/admin/sales.ts";
import worker from "../../workers/storefront/index.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import type { ApiError } from "./support.ts";

export type { AdminSale, SaleSaved };

const MINUTE = 60_000;

/** A valid draft under a fresh SKU, live from a minute ago for an hour; nothing written. */
export function draftSale(overrides: Partial<SaleConfigInput> = {}): SaleConfigInput {
  const now = Date.now();
  return {
    sku: `a-${crypto.randomUUID().slice(0, 18)}`,
    title: "Admin test sale",
    listPrice: 10_000,
    stock: 50,
    startsAt: now - MINUTE,
    endsAt: now + 60 * MINUTE,
    tiers: [{ fromRank: 1, toRank: 10, unitPrice: 5_000, label: "First 10 at half price" }],
    perShopperLimit: 5,
    holdSeconds: 600,
    ...overrides,
  };
}

/** A request to the admin API with the test token (unless `token` says otherwise). */
export function admin(
  path: string,
  init: { method?: string; body?: unknown; actor?: string; token?: string | null; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token !== null) headers.set("Authorization", `Bearer ${init.token ?? TEST_SECRETS.ADMIN_TOKEN}`);
  if (init.actor !== undefined) headers.set("X-Admin-Actor", init.actor);
  if (init.body !== undefined) headers.set("Content-Type", "application/json");
  return exports.default.fetch(`https://shop.test/admin/api${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

/** The same request, answered by the Worker with some of its environment replaced. */
export async function adminWithEnv(overrides: Partial<Env>, path: string, init: { method: string; body?: unknown }): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`https://shop.test/admin/api${path}`, {
      method: init.method,
      headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    }),
    { ...env, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

/** Creates a sale through the admin API; fails the test if it is refused. */
export async function createSale(overrides: Partial<SaleConfigInput> = {}, actor?: string): Promise<SaleSaved> {
  const response = await admin("/sales", { body: draftSale(overrides), actor });
  if (response.status !== 201) throw new Error(`create refused: ${response.status} ${await response.text()}`);
  return response.json<SaleSaved>();
}

/** A full update of `sale` with `changes`, from the version it has. */
export function update(sale: SaleConfig, changes: Partial<SaleConfigInput>, init: { expectedVersion?: number; actor?: string } = {}) {
  const { version, updatedAt: _at, updatedBy: _by, ...draft } = sale;
  return admin(`/sales/${sale.sku}`, {
    method: "PUT",
    body: { ...draft, ...changes, expectedVersion: init.expectedVersion ?? version },
    actor: init.actor,
  });
}

export async function readError(response: Response): Promise<ApiError["error"]> {
  return (await response.json<ApiError>()).error;
}

/** Asserts an `invalid_request` listing exactly these problems' paths (each at least once). */
export async function expectProblems(response: Response, paths: string[]): Promise<string[]> {
  expect(response.status).toBe(400);
  const error = await readError(response);
  expect(error.code).toBe("invalid_request");
  const problems = error.problems as string[];
  const listed = problems.map((p) => p.slice(0, p.indexOf(": ")));
  for (const path of paths) expect(listed, `problems: ${problems.join(" | ")}`).toContain(path);
  return problems;
}

/** What KV holds for a sale: the current entry and the history keys. */
export async function kvState(sku: string): Promise<{ current: SaleConfig | null; history: string[] }> {
  const current = await env.SALES.get<SaleConfig>(saleKey(sku), "json");
  const listed = await env.SALES.list({ prefix: saleHistoryPrefix(sku) });
  return { current, history: listed.keys.map((k) => k.name) };
}

/** The configuration the SKU's object runs, or null when it runs none. */
export async function objectConfig(sku: string): Promise<SaleConfig | null> {
  const view = await env.SKU_SALE.getByName(sku).adminView();
  return view.ok ? view.value.config : null;
}

export interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  sku: string;
  before: SaleConfig | null;
  after: SaleConfig;
}

/** The audit rows Postgres holds for a SKU, oldest first. */
export async function auditRows(sku: string): Promise<AuditRow[]> {
  const { pool, close } = openDatabase(databaseSettings(env));
  try {
    const { rows } = await pool.query<AuditRow>("select * from admin_audit_log where sku = $1 order by id", [sku]);
    return rows.map((row) => ({ ...row, id: Number(row.id) }));
  } finally {
    await close();
  }
}

/** Asserts that nothing at all was written for `sku`: no KV entry or history, no object state, no audit row. */
export async function expectNothingWritten(sku: string): Promise<void> {
  expect(await kvState(sku)).toEqual({ current: null, history: [] });
  expect(await objectConfig(sku)).toBeNull();
  expect(await auditRows(sku)).toEqual([]);
}
