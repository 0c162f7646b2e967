import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { databaseSettings } from "../../../src/config.ts";
import { type Database, withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError } from "../../../src/errors.ts";
import { configAuditTrail } from "../../../src/kv/config-audit.ts";
import { describeIssues } from "../../../src/sales/sale-config.ts";
import { STAFF_TOKEN_ID } from "../../../src/stores/staff-token.ts";
import { type Store, STORE_ID } from "../../../src/stores/store.ts";
import { parseStoreCsv, STORE_CSV_COLUMNS, STORE_CSV_LIMITS } from "../../../src/stores/store-csv.ts";
import { storeInputSchema, validateStoreInput } from "../../../src/stores/store-input.ts";
import { readBody } from "../api/request-body.ts";
import { forgetStaffToken } from "../api/store-staff.ts";
import { forgetStores } from "../api/store-directory.ts";
import {
  issueStaffToken,
  listStaffTokens,
  readAllStores,
  readStore,
  revokeStaffToken,
  STORE_AUDIT_KIND,
  type StoreAuditAction,
  writeStores,
} from "../api/store-records.ts";
import { storeComponent } from "../api/store-schema.ts";
import type { AppEnv } from "../app-env.ts";
import { adminRoute } from "../contract/admin-route.ts";
import { handlerValidatedBody } from "../contract/handler-validated-body.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { auditActor } from "./auth.ts";
import { adminActorHeader, JSON_INPUT_ERRORS, jsonInput, valid } from "./request.ts";

/**
 * Stores under /admin/api (issue 15): list, read, create, replace, deactivate (never delete:
 * redemptions and staff tokens name their store), the all-or-nothing CSV import, and each
 * store's staff tokens (issued and shown once, listed without secrets, revoked). Stores live in
 * Postgres; every change is audited in the same transaction (api/store-records.ts), and this
 * isolate's store directory is dropped after it (the others follow within 30 s).
 */

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const idParams = z.object({ id: z.string().openapi({ param: { description: "the store's id" } }) });
const tokenParams = idParams.extend({ tokenId: z.string().openapi({ param: { description: "the token's id (12 characters)" } }) });
const NO_STORE = noStore("stores and tokens change with every edit");
const POSTGRES_NOTE = "Written to Postgres with its audit row in one transaction: Postgres unreachable, nothing is written (503).";

const BODIES = {
  StoreInput: storeInputSchema.describe("A store: every field; `openingHours` as the week or its one-line text"),
  StaffTokenRequest: z
    .object({ label: z.string().trim().min(1).max(60) })
    .strict()
    .describe("What the token is for: the till or person, e.g. `Till 2`"),
};

const tokenSchema = z
  .object({
    id: z.string().describe("the token's id: the `<tokenId>` of `sst_<tokenId>_<secret>`"),
    storeId: z.string(),
    label: z.string(),
    createdAt: epochMs,
    createdBy: z.string(),
    revokedAt: epochMs.nullable(),
  })
  .openapi("StoreStaffToken", { description: "A staff token's record, never the token nor its hash" });

const storeOnly = json(z.object({ store: storeComponent }).openapi("StoreRecord"));

const listRoute = adminRoute({
  method: "get",
  path: "/stores",
  admits: "readSales",
  summary: "Every store, active or not, by id",
  responses: { 200: { description: "the stores", headers: NO_STORE, content: json(z.object({ stores: z.array(storeComponent) })) } },
  errors: ["dependency_unavailable"],
});

const getRoute = adminRoute({
  method: "get",
  path: "/stores/{id}",
  admits: "readSales",
  summary: "One store",
  request: { params: idParams },
  responses: { 200: { description: "the store", headers: NO_STORE, content: storeOnly } },
  errors: ["not_found", "dependency_unavailable"],
});

const createRoute = adminRoute({
  method: "post",
  path: "/stores",
  admits: "editSales",
  summary: "Create a store",
  description: `Every problem is listed in \`problems\` (400 \`invalid_request\`). An id in use: 409 \`conflict\`. ${POSTGRES_NOTE}`,
  request: { headers: adminActorHeader, body: handlerValidatedBody("StoreInput", "the store") },
  responses: { 201: { description: "created", content: storeOnly } },
  errors: [...JSON_INPUT_ERRORS, "conflict", "dependency_unavailable"],
});

const updateRoute = adminRoute({
  method: "put",
  path: "/stores/{id}",
  admits: "editSales",
  summary: "Replace a store (its id is the URL's); `active: true` reopens a deactivated one",
  description: `A store that moved loses its geofence cell until the index files it again. ${POSTGRES_NOTE}`,
  request: { params: idParams, headers: adminActorHeader, body: handlerValidatedBody("StoreInput", "the whole store") },
  responses: { 200: { description: "saved", content: storeOnly } },
  errors: [...JSON_INPUT_ERRORS, "not_found", "conflict", "dependency_unavailable"],
});

const deactivateRoute = adminRoute({
  method: "post",
  path: "/stores/{id}/deactivate",
  admits: "editSales",
  summary: "Close a store down: no longer found, pushed or redeemed in; its history and tokens' records stay",
  description: `Its staff tokens stop signing in (the middleware refuses an inactive store's). ${POSTGRES_NOTE}`,
  request: { params: idParams, headers: adminActorHeader },
  responses: {
    200: {
      description: "deactivated",
      content: json(z.object({ store: storeComponent, changed: z.boolean().describe("false when it was inactive already") })),
    },
  },
  errors: ["not_found", "conflict", "dependency_unavailable"],
});

const importRoute = adminRoute({
  method: "post",
  path: "/stores/import",
  admits: "editSales",
  summary: "Import stores from CSV: all rows or none, upserted by id",
  description: `A \`text/csv\` body of at most ${STORE_CSV_LIMITS.maxBytes} bytes and ${STORE_CSV_LIMITS.maxRows} rows, header \`${STORE_CSV_COLUMNS.join(",")}\` (any order). \`opening_hours\` is the one-line text (\`mon-fri 09:00-21:00; sat,sun 10:00-22:00\`); \`time_zone\` empty means Asia/Shanghai; \`redeem_only_when_open\` true/false/yes/no/1/0. Every problem of every row is answered at once: 400 \`invalid_request\`, \`problems\` as \`row N, column: message\` (the header is row 1), and nothing is written. Imported stores are active. ${POSTGRES_NOTE}`,
  request: {
    headers: adminActorHeader,
    body: { required: true, description: "the CSV file", content: { "text/csv": { schema: z.string() } } },
  },
  responses: {
    200: {
      description: "imported",
      content: json(
        z
          .object({
            created: z.array(z.string()),
            updated: z.array(z.string()),
            unchanged: z.array(z.string()).describe("rows equal to the store as it was: not written, not audited"),
          })
          .openapi("StoreImport"),
      ),
    },
  },
  errors: ["invalid_request", "payload_too_large", "unsupported_media_type", "dependency_unavailable", "conflict"],
});

const listTokensRoute = adminRoute({
  method: "get",
  path: "/stores/{id}/staff-tokens",
  admits: "editSales",
  summary: "A store's staff tokens, newest first, revoked ones too (never a secret)",
  request: { params: idParams },
  responses: { 200: { description: "the tokens", headers: NO_STORE, content: json(z.object({ tokens: z.array(tokenSchema) })) } },
  errors: ["not_found", "dependency_unavailable"],
});

const issueTokenRoute = adminRoute({
  method: "post",
  path: "/stores/{id}/staff-tokens",
  admits: "editSales",
  summary: "Issue a staff token for the store's tills: the token is in this answer only",
  description: `Only the SHA-256 of its secret is kept: a lost token is revoked and another issued. The store must be active. ${POSTGRES_NOTE}`,
  request: { params: idParams, headers: adminActorHeader, body: handlerValidatedBody("StaffTokenRequest", "the token's label") },
  responses: {
    201: {
      description: "issued",
      headers: noStore("the token is shown once"),
      content: json(
        z
          .object({
            token: tokenSchema,
            secret: z.string().describe("`sst_<tokenId>_<secret>`: give it to the till now; it cannot be shown again"),
          })
          .openapi("StoreStaffTokenIssued"),
      ),
    },
  },
  errors: [...JSON_INPUT_ERRORS, "not_found", "conflict", "dependency_unavailable"],
});

const revokeTokenRoute = adminRoute({
  method: "delete",
  path: "/stores/{id}/staff-tokens/{tokenId}",
  admits: "editSales",
  summary: "Revoke a staff token: refused everywhere within 10 s (at once by this isolate)",
  request: { params: tokenParams, headers: adminActorHeader },
  responses: {
    200: {
      description: "revoked",
      content: json(z.object({ token: tokenSchema, changed: z.boolean().describe("false when it was revoked already") })),
    },
  },
  errors: ["not_found", "conflict", "dependency_unavailable"],
});

const auditEntrySchema = z.object({
  id: int,
  at: epochMs,
  actor: z.string(),
  action: z.string().describe("create, update, deactivate, import, issue_staff_token, revoke_staff_token"),
  version: int.describe("the store's change number"),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()),
});

const auditRoute = adminRoute({
  method: "get",
  path: "/stores/{id}/audit",
  admits: "readAudit",
  summary: "The store's audit log, newest first: its edits and its tokens' issues and revocations",
  request: { params: idParams, query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
  responses: { 200: { description: "the entries", headers: NO_STORE, content: json(z.object({ entries: z.array(auditEntrySchema) })) } },
  errors: ["dependency_unavailable"],
});

export const adminStores = contractApp()
  .openapi(listRoute, async (c) => {
    const stores = await database(c, readAllStores);
    c.header("Cache-Control", "no-store");
    return c.json({ stores }, 200);
  })
  .openapi(getRoute, async (c) => {
    const store = await existing(c, c.req.valid("param").id);
    c.header("Cache-Control", "no-store");
    return c.json({ store }, 200);
  })
  .openapi(createRoute, async (c) => {
    const store = valid(validateStoreInput(await jsonInput(c)), "store");
    if (await database(c, (db) => readStore(db, store.id))) throw new AppError("conflict", `a store "${store.id}" exists already`);
    await write(c, [store], "create");
    return c.json({ store }, 201);
  })
  .openapi(updateRoute, async (c) => {
    const { id } = c.req.valid("param");
    const input = await jsonInput(c);
    await existing(c, id);
    const isRecord = typeof input === "object" && input !== null && !Array.isArray(input);
    const store = valid(validateStoreInput(isRecord && !("id" in input) ? { ...input, id } : input), "store");
    if (store.id !== id) {
      const problem = `id: must be "${id}", the id in the URL`;
      throw new AppError("invalid_request", problem, { problems: [problem] });
    }
    await write(c, [store], "update");
    return c.json({ store }, 200);
  })
  .openapi(deactivateRoute, async (c) => {
    const current = await existing(c, c.req.valid("param").id);
    if (!current.active) return c.json({ store: current, changed: false }, 200);
    const store = { ...current, active: false };
    await write(c, [store], "deactivate");
    return c.json({ store, changed: true }, 200);
  })
  .openapi(importRoute, async (c) => {
    if (!/^text\/csv$/i.test((c.req.header("Content-Type") ?? "").split(";")[0]!.trim())) {
      throw new AppError("unsupported_media_type", "send the stores as Content-Type: text/csv");
    }
    const bytes = await readBody(c, STORE_CSV_LIMITS.maxBytes);
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      throw new AppError("invalid_request", "the file is not UTF-8 text: save it as CSV UTF-8", {
        problems: ["the file is not UTF-8 text: save it as CSV UTF-8"],
      });
    }
    const parsed = parseStoreCsv(text);
    if (!parsed.ok) {
      throw new AppError("invalid_request", `the file has ${parsed.problems.length} problem(s); nothing was imported`, {
        problems: parsed.problems,
      });
    }
    const written = await write(c, parsed.value, "import");
    return c.json(written, 200);
  })
  .openapi(listTokensRoute, async (c) => {
    const { id } = c.req.valid("param");
    await existing(c, id);
    const tokens = await database(c, (db) => listStaffTokens(db, id));
    c.header("Cache-Control", "no-store");
    return c.json({ tokens }, 200);
  })
  .openapi(issueTokenRoute, async (c) => {
    const store = await existing(c, c.req.valid("param").id);
    const input = BODIES.StaffTokenRequest.safeParse(await jsonInput(c));
    if (!input.success) {
      const problems = describeIssues(input.error.issues);
      throw new AppError("invalid_request", `invalid staff token request: ${problems.join("; ")}`, { problems });
    }
    if (!store.active) throw new AppError("conflict", `store "${store.id}" is deactivated: reopen it before issuing tokens`);
    const issued = await database(c, (db) => issueStaffToken(db, store.id, input.data.label, auditActor(c), Date.now()));
    c.header("Cache-Control", "no-store");
    return c.json({ token: issued.record, secret: issued.token }, 201);
  })
  .openapi(revokeTokenRoute, async (c) => {
    const { id, tokenId } = c.req.valid("param");
    if (!STORE_ID.test(id) || !STAFF_TOKEN_ID.test(tokenId)) throw new AppError("not_found", `no token ${tokenId} of store ${id}`);
    const revoked = await database(c, (db) => revokeStaffToken(db, id, tokenId, auditActor(c), Date.now()));
    if (!revoked) throw new AppError("not_found", `no token ${tokenId} of store ${id}`);
    forgetStaffToken(tokenId);
    return c.json({ token: revoked.record, changed: revoked.changed }, 200);
  })
  .openapi(auditRoute, async (c) => {
    const { id } = c.req.valid("param");
    const entries = await database(c, (db) =>
      configAuditTrail<Record<string, unknown>>(db, STORE_AUDIT_KIND, id, c.req.valid("query").limit),
    );
    c.header("Cache-Control", "no-store");
    return c.json(
      {
        entries: entries.map((e) => ({
          id: e.id,
          at: e.at,
          actor: e.actor,
          action: e.action,
          version: e.version,
          before: e.before,
          after: e.after,
        })),
      },
      200,
    );
  });

for (const [name, schema] of Object.entries(BODIES)) adminStores.openAPIRegistry.register(name, schema);

/** Work on Postgres; unreachable or failing: 503, nothing written. A second writer of one store at once: 409. */
async function database<T>(c: Context<AppEnv>, work: (db: Database) => Promise<T>): Promise<T> {
  try {
    return await withDatabase(databaseSettings(c.env), work);
  } catch (error) {
    if (error instanceof AppError) throw error;
    const failure = describeDatabaseFailure(error);
    if (failure.constraint === "config_audit_log_version") {
      throw new AppError("conflict", "the store was changed by someone else at the same moment; read it again and retry");
    }
    console.error(`stores: Postgres failed (${failure.summary})`);
    throw new AppError("dependency_unavailable", "the stores (Postgres) cannot be reached, so nothing was written; try again shortly");
  }
}

async function write(c: Context<AppEnv>, list: Store[], action: StoreAuditAction) {
  const written = await database(c, (db) => writeStores(db, list, action, auditActor(c), Date.now()));
  forgetStores();
  return written;
}

async function existing(c: Context<AppEnv>, id: string): Promise<Store> {
  const store = STORE_ID.test(id) ? await database(c, (db) => readStore(db, id)) : null;
  if (!store) throw new AppError("not_found", `no store "${id}"`);
  return store;
}
