import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { databaseSettings } from "../../../src/config.ts";
import { CRM_KEY_ID, CRM_SCOPES, generateCrmKey, hashCrmSecret } from "../../../src/crm/api-key.ts";
import { insertCrmKey, listCrmKeys, revokeCrmKey } from "../../../src/crm/api-key-store.ts";
import { listDeliveries, resendDead } from "../../../src/crm/crm-outbox.ts";
import { CrmConfigCatalog } from "../../../src/crm/crm-config-catalog.ts";
import { CRM_CONFIG_ID, type CrmWebhookConfig, crmWebhookConfigSchema, crmWebhookDraftSchema } from "../../../src/crm/webhook-config.ts";
import { type Database, withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError } from "../../../src/errors.ts";
import { CRM_EVENT_TYPES } from "../../../src/membership/crm-events.ts";
import { describeIssues } from "../../../src/sales/sale-config.ts";
import type { AppEnv } from "../app-env.ts";
import { adminRoute } from "../contract/admin-route.ts";
import { handlerValidatedBody } from "../contract/handler-validated-body.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { auditActor } from "./auth.ts";
import { readDatabase } from "./read-database.ts";
import { adminActorHeader, JSON_INPUT_ERRORS, jsonInput } from "./request.ts";
import { type ConfigKind, saveConfigVersion, versionTrailRoutes } from "./version-trail.ts";

/**
 * The console's CRM view behind /admin/api/crm (issue 16): the webhook endpoint and events (a
 * versioned KV document, audited like the other configurations), the deliveries (pending,
 * queued, delivered, dead; attempts and last error) with "send again" for a dead one, and the
 * inbound API's keys (created with scopes and shown once, listed, revoked).
 */
const CRM_CONFIG: ConfigKind<CrmWebhookConfig> = {
  kind: "crm",
  noun: "CRM webhook configuration",
  catalog: (env) => new CrmConfigCatalog(env.SALES),
};
const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const NO_STORE = noStore("deliveries and keys change all the time");

const BODIES = {
  CrmWebhookUpdate: crmWebhookDraftSchema
    .extend({ expectedVersion: z.number().int().min(0).describe("the version edited (0 before the first save)") })
    .strict()
    .describe("The endpoint (null: off) and the events to send"),
  CrmKeyRequest: z
    .object({ label: z.string().trim().min(1).max(60), scopes: z.array(z.enum(CRM_SCOPES)).min(1).max(CRM_SCOPES.length) })
    .strict()
    .describe("What the key is for (e.g. `Salesforce`) and what it may do"),
};

const configComponent = crmWebhookConfigSchema.openapi("CrmWebhookConfig");
const deliveryStatus = z.enum(["pending", "queued", "delivered", "dead"]);
const keyComponent = z
  .object({
    id: z.string().describe("the `<keyId>` of `crm_<keyId>_<secret>`"),
    label: z.string(),
    scopes: z.array(z.enum(CRM_SCOPES)),
    createdAt: epochMs,
    createdBy: z.string(),
    revokedAt: epochMs.nullable(),
    lastUsedAt: epochMs.nullable().describe("to the minute"),
  })
  .openapi("CrmApiKey");

const getConfig = adminRoute({
  method: "get",
  path: "/crm/webhooks",
  admits: "readCrm",
  summary: "The CRM webhook configuration (version 0: never saved, off) and the event types there are",
  responses: {
    200: {
      description: "the configuration",
      headers: NO_STORE,
      content: json(z.object({ config: configComponent, eventTypes: z.array(z.enum(CRM_EVENT_TYPES)) })),
    },
  },
});

const putConfig = adminRoute({
  method: "put",
  path: "/crm/webhooks",
  admits: "editCrm",
  summary: "Save the CRM's endpoint and events (a new version, audited)",
  description:
    "The drain reads it each minute: events not chosen stay in the outbox. `expectedVersion` must be the stored version (409 `conflict`).",
  request: { headers: adminActorHeader, body: handlerValidatedBody("CrmWebhookUpdate", "the endpoint, the events and the version edited") },
  responses: { 200: { description: "saved", content: json(z.object({ config: configComponent })) } },
  errors: [...JSON_INPUT_ERRORS, "conflict", "dependency_unavailable"],
});

const deliveries = adminRoute({
  method: "get",
  path: "/crm/deliveries",
  admits: "readCrm",
  summary: "The CRM webhooks: counts by status and the newest, with attempts and the last error",
  request: {
    query: z.object({ status: deliveryStatus.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
  },
  responses: {
    200: {
      description: "the deliveries, newest first",
      headers: NO_STORE,
      content: json(
        z
          .object({
            counts: z.object({ pending: int, queued: int, delivered: int, dead: int }),
            deliveries: z.array(
              z.object({
                id: z.string().describe("the `webhook-id`"),
                type: z.string(),
                shopperId: z.string(),
                status: deliveryStatus,
                createdAt: epochMs,
                deliveredAt: epochMs.nullable(),
                deadAt: epochMs.nullable(),
                attempts: int,
                lastError: z.string().nullable(),
              }),
            ),
          })
          .openapi("CrmDeliveries"),
      ),
    },
  },
  errors: ["dependency_unavailable"],
});

const resend = adminRoute({
  method: "post",
  path: "/crm/deliveries/{id}/resend",
  admits: "editCrm",
  summary: "Send a dead webhook again: it waits in the outbox for the next drain, with the same webhook-id",
  request: {
    params: z.object({
      id: z
        .string()
        .max(200)
        .openapi({ param: { description: "the webhook-id" } }),
    }),
  },
  responses: {
    200: { description: "waiting to be sent again", content: json(z.object({ id: z.string(), status: z.literal("pending") })) },
  },
  errors: ["not_found", "dependency_unavailable"],
});

const listKeys = adminRoute({
  method: "get",
  path: "/crm/keys",
  admits: "manageCrmKeys",
  summary: "The CRM API keys, revoked ones too (never their secrets)",
  responses: {
    200: { description: "the keys, oldest first", headers: NO_STORE, content: json(z.object({ keys: z.array(keyComponent) })) },
  },
  errors: ["dependency_unavailable"],
});

const createKey = adminRoute({
  method: "post",
  path: "/crm/keys",
  admits: "manageCrmKeys",
  summary: "Create a CRM API key: the answer is the only time its secret is shown",
  request: { headers: adminActorHeader, body: handlerValidatedBody("CrmKeyRequest", "the key's label and scopes") },
  responses: {
    201: {
      description: "created: give `secret` to the CRM now",
      headers: noStore("the secret is shown once"),
      content: json(z.object({ key: keyComponent, secret: z.string().describe("`crm_<keyId>_<secret>`") }).openapi("CrmApiKeyCreated")),
    },
  },
  errors: [...JSON_INPUT_ERRORS, "dependency_unavailable"],
});

const revokeKey = adminRoute({
  method: "delete",
  path: "/crm/keys/{keyId}",
  admits: "manageCrmKeys",
  summary: "Revoke a CRM API key: its next call is 401 (revoking again changes nothing)",
  request: { params: z.object({ keyId: z.string().openapi({ param: { description: "the key's id (12 characters)" } }) }) },
  responses: { 200: { description: "revoked", content: json(z.object({ key: keyComponent })) } },
  errors: ["not_found", "dependency_unavailable"],
});

/** Postgres for a change: unreachable is 503, nothing written; a refusal of the work's own passes. */
async function database<T>(c: Context<AppEnv>, work: (db: Database) => Promise<T>): Promise<T> {
  try {
    return await withDatabase(databaseSettings(c.env), work);
  } catch (error) {
    if (error instanceof AppError) throw error;
    console.error(`admin crm: Postgres failed (${describeDatabaseFailure(error).summary})`);
    throw new AppError("dependency_unavailable", "the CRM's records (Postgres) cannot be reached; try again shortly");
  }
}

function parsed<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = describeIssues(result.error.issues);
  throw new AppError("invalid_request", `invalid ${what}: ${problems.join("; ")}`, { problems });
}

const READ = { what: "the CRM deliveries", log: "admin crm", timeoutMs: 5_000 };

export const adminCrm = contractApp()
  .openapi(getConfig, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ config: await new CrmConfigCatalog(c.env.SALES).current(), eventTypes: [...CRM_EVENT_TYPES] }, 200);
  })
  .openapi(putConfig, async (c) => {
    const actor = auditActor(c);
    const { expectedVersion, ...draft } = parsed(BODIES.CrmWebhookUpdate, await jsonInput(c), "CRM webhook configuration");
    const current = await new CrmConfigCatalog(c.env.SALES).current();
    if (expectedVersion !== current.version) {
      throw new AppError(
        "conflict",
        `the CRM webhook configuration is at version ${current.version}, not ${expectedVersion}; read it again`,
        {
          version: current.version,
        },
      );
    }
    const config: CrmWebhookConfig = { id: CRM_CONFIG_ID, ...draft, version: current.version + 1, updatedAt: Date.now(), updatedBy: actor };
    const before = current.version === 0 ? null : current;
    await saveConfigVersion(c.env, CRM_CONFIG, { action: before ? "update" : "create", actor, before, after: config });
    return c.json({ config }, 200);
  })
  .openapi(deliveries, async (c) => {
    const { status, limit } = c.req.valid("query");
    const listed = await readDatabase(c.env, READ, (db) => listDeliveries(db, { status, limit }));
    c.header("Cache-Control", "no-store");
    return c.json(listed, 200);
  })
  .openapi(resend, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await database(c, (db) => resendDead(db, id)))) throw new AppError("not_found", `no dead webhook "${id}"`);
    return c.json({ id, status: "pending" as const }, 200);
  })
  .openapi(listKeys, async (c) => {
    const keys = await readDatabase(c.env, { ...READ, what: "the CRM API keys" }, (db) => listCrmKeys(db));
    c.header("Cache-Control", "no-store");
    return c.json({ keys }, 200);
  })
  .openapi(createKey, async (c) => {
    const { label, scopes } = parsed(BODIES.CrmKeyRequest, await jsonInput(c), "CRM API key request");
    const fresh = generateCrmKey();
    const key = await database(c, async (db) =>
      insertCrmKey(
        db,
        { id: fresh.keyId, label, scopes: [...new Set(scopes)], createdAt: Date.now(), createdBy: auditActor(c) },
        await hashCrmSecret(fresh.secret),
      ),
    );
    c.header("Cache-Control", "no-store");
    return c.json({ key, secret: fresh.key }, 201);
  })
  .openapi(revokeKey, async (c) => {
    const { keyId } = c.req.valid("param");
    const key = CRM_KEY_ID.test(keyId) ? await database(c, (db) => revokeCrmKey(db, keyId, Date.now())) : null;
    if (!key) throw new AppError("not_found", `no CRM API key "${keyId}"`);
    return c.json({ key }, 200);
  })
  .route(
    "/",
    versionTrailRoutes(CRM_CONFIG, { path: "/crm/config", component: configComponent, historyKey: "crm-history:webhooks:<version>" }),
  );

for (const [name, schema] of Object.entries(BODIES)) adminCrm.openAPIRegistry.register(name, schema);
