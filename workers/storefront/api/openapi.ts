import { Hono } from "hono";
import { z } from "zod";
import { cancelBody, checkoutBody } from "./checkout.ts";
import { payBody } from "./orders.ts";
import { ERROR_CODES, ERRORS, type ErrorCode } from "../../../src/error-codes.ts";
import { clientMessageSchema, type ServerMessage } from "../../../src/live/messages.ts";
import type { SkuReconciliation } from "../../../src/orders/reconcile.ts";
import { LOCAL_PAYMENT_METHODS } from "../../../src/payments/index.ts";
import { CONSOLE_PHASES } from "../../../src/sales/phase.ts";
import { saleConfigSchema, saleDraftSchema, saleUpdateSchema } from "../../../src/sales/sale-config.ts";
import type { SkuSnapshot } from "../../../src/sales/snapshot.ts";
import type { AdminSale, SaleSaved } from "../admin/sales.ts";
import type { AuditRecord } from "../../../src/sales/audit-log.ts";
import type { AppEnv } from "../app-env.ts";
import { presentOrder } from "./present.ts";
import { SESSION_COOKIE } from "./session.ts";

/**
 * `GET /api/openapi.json`: an OpenAPI 3.1 description of the shopper API and the admin
 * reconciliation endpoint (README, "Shopper API"). Schemas are zod, turned into JSON Schema
 * by `z.toJSONSchema`; the type checks below fail the build when a response this document
 * describes no longer matches the code, and test/worker/openapi.test.ts checks the routes
 * and error statuses against the running app.
 */

// ---- Errors: the one table is src/error-codes.ts ----------------------------------------



// ---- Schemas ------------------------------------------------------------------------------

const int = z.number().int();
const epochMs = int.nonnegative().describe("epoch milliseconds, server time");
const minorUnits = int.nonnegative().describe("integer minor units (fen)");
const orderStatus = z.enum(["pending_payment", "paid", "cancelled", "expired"]);
const unitsByStatus = z.object({ pending_payment: int, paid: int, cancelled: int, expired: int }).describe("units by order status");

/** The request bodies: the very schemas the routes validate with. */
const order = z
  .object({
    id: z.string().describe("ord_<sku>_<random>: the id names its SKU"),
    sku: z.string(),
    qty: int.positive(),
    unitPrices: z.array(minorUnits).describe("each unit's price, in sale-rank order"),
    totalAmount: minorUnits,
    currency: z.literal("CNY"),
    tier: z.string().nullable().describe("the price tier of the order's first unit, if it was in one"),
    status: orderStatus,
    createdAt: epochMs,
    updatedAt: epochMs,
    expiresAt: epochMs.nullable().describe("when an unpaid hold is released; null once paid, cancelled or expired"),
    paymentRef: z.string().nullable().describe("the payment provider's reference once paid"),
    gift: z
      .object({ id: z.string(), title: z.string() })
      .nullable()
      .describe("the limited-time gift that goes with the order, fixed when it was placed; a cancelled or expired order gives it back"),
  })
  .describe("A checkout as its shopper sees it: the TCC record, priced by sale rank");

const skuSnapshot = z
  .object({
    sku: z.string(),
    title: z.string(),
    phase: z.enum(["upcoming", "live", "sold_out", "ended"]),
    paused: z.boolean().describe("paused by its marketer: checkouts answer 409 `sale_paused` until it resumes"),
    serverTime: epochMs.describe("the object's clock when this snapshot was taken: count down against it"),
    startsAt: epochMs,
    endsAt: epochMs,
    currency: z.literal("CNY"),
    listPrice: minorUnits,
    stock: z.object({ total: int, remaining: int, sold: int.describe("paid"), held: int.describe("awaiting payment") }),
    price: z
      .object({
        unitPrice: minorUnits.nullable().describe("the next unit's price; null when none is left"),
        tier: z.object({ label: z.string().nullable(), fromRank: int, toRank: int }).nullable(),
        unitsLeftInTier: int.nullable(),
        nextTier: z.object({ fromRank: int, unitPrice: minorUnits }).nullable().describe("the next price step (list price after the last tier)"),
      })
      .describe("the offer for the next unit sold"),
    perShopperLimit: int.positive(),
    holdSeconds: int.positive(),
    gift: z
      .object({ id: z.string(), title: z.string(), remaining: int.describe("gifts left"), endsAt: epochMs.describe("when the gift's window closes") })
      .nullable()
      .describe("the limited-time gift an order placed now gets (while stocks last); null when none"),
  })
  .describe("One SKU's live state: GET /api/skus/{sku} and every live push");

const skuReconciliation = z.object({
  sku: z.string(),
  object: unitsByStatus,
  postgres: unitsByStatus,
  outboxPending: int.describe("changes not yet written to Postgres: the outbox could not be drained just now"),
  deadLettered: int.describe("changes Postgres refused for their data, parked in the object until an operator retries them"),
  differences: z.array(z.object({ status: orderStatus, object: int, postgres: int })),
  consistent: z.boolean().describe("Postgres holds exactly what the object counts, and nothing is pending or parked"),
});

const liveServerMessage = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("snapshot"), snapshot: skuSnapshot }),
    z.object({ type: z.literal("pong"), clientTime: z.number(), serverTime: epochMs }),
    z.object({ type: z.literal("error"), message: z.string() }),
  ])
  .describe("Server → client frame: a snapshot on connect and after changes (coalesced ~100 ms), pong, or error");

const errorBody = z
  .object({
    error: z.looseObject({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      problems: z.array(z.string()).optional().describe("invalid_request: each validation issue"),
      startsAt: epochMs.optional().describe("not_started"),
      endedAt: epochMs.optional().describe("ended"),
      limit: int.optional().describe("limit_exceeded: the per-shopper limit; payload_too_large: the largest body accepted, in bytes"),
      holding: int.optional().describe("limit_exceeded: units the shopper already holds or bought"),
      remaining: int.optional().describe("insufficient_stock"),
      orderId: z.string().optional().describe("idempotency_conflict: the order the key made"),
      status: orderStatus.optional().describe("order_not_payable"),
      version: int.optional().describe("admin conflict: the sale's current version; dependency_unavailable: the version live but not in KV"),
      minimumStock: int.optional().describe("admin conflict: the least stock allowed now (units sold or held)"),
    }),
  })
  .describe(
    `The one error shape. Codes → HTTP status: ${ERROR_CODES.map((code) => `${code} ${ERRORS[code].status}`).join(", ")}`,
  );

// ---- Admin: sale management (issue 6) -------------------------------------------------------

const saleConfig = saleConfigSchema.describe(
  "A sale as stored in KV (`sale:<sku>`) and run by its SKU object. Money in fen, times in epoch ms. `version` counts saves; `updatedAt`/`updatedBy` are null for an entry written to KV by other means",
);
const adminSale = z
  .object({
    phase: z.enum(CONSOLE_PHASES).describe("a paused sale that has not ended is `paused`"),
    sale: saleConfig,
    kvVersion: int.nullable().describe("the version KV holds: below sale.version while KV catches up with a save"),
    live: z
      .object({
        snapshot: skuSnapshot,
        ordersPlaced: int.describe("orders ever placed: successive reads give orders per second"),
        giftsGiven: z.record(z.string(), int).describe("gifts out with orders that hold or bought units, by gift id"),
      })
      .nullable()
      .describe("the SKU object's live state; null when it could not be read"),
  })
  .describe("A sale as the marketer console lists it");
const saleSaved = z.object({
  sale: saleConfig,
  snapshot: skuSnapshot,
  changed: z.boolean().describe("false when there was nothing to change (pausing a paused sale): nothing written"),
});
const auditRecord = z.object({
  id: int,
  at: epochMs,
  actor: z.string().describe("the X-Admin-Actor of the change"),
  action: z.enum(["create", "update", "pause", "resume"]),
  sku: z.string(),
  before: saleConfig.nullable().describe("null when the change created the sale"),
  after: saleConfig,
});

/** The schemas under components.schemas, by name. */
const SCHEMAS = {
  Order: order,
  OrderResult: z.object({ order }),
  OrderChange: z.object({ order, changed: z.boolean().describe("false when the call repeated one already done") }),
  CancelByKeyResult: z.object({
    order: order.nullable().describe("null when the Try had not arrived: the key is now cancelled"),
    cancelled: z.literal(true),
    changed: z.boolean(),
  }),
  Session: z.object({ shopperId: z.string() }),
  SkuSnapshot: skuSnapshot,
  SalesList: z.object({ serverTime: epochMs, sales: z.array(skuSnapshot).describe("sales not yet ended, by start time") }),
  Reconciliation: z.object({
    checkedAt: epochMs,
    consistent: z.boolean().describe("true only when every SKU is consistent"),
    skus: z.array(skuReconciliation),
  }),
  SkuReconciliation: skuReconciliation,
  LiveServerMessage: liveServerMessage,
  LiveClientMessage: clientMessageSchema.describe("Client → server frame: ping, answered by pong with server time"),
  CheckoutRequest: checkoutBody,
  CancelByKeyRequest: cancelBody,
  PayRequest: payBody,
  SaleConfig: saleConfig,
  SaleDraft: saleDraftSchema.describe("A sale as a marketer submits it: the stored form without version, updatedAt, updatedBy"),
  SaleUpdate: saleUpdateSchema.describe("A full update: every field of the sale, and expectedVersion, the version it was edited from"),
  AdminSale: adminSale,
  AdminSaleList: z.object({ serverTime: epochMs, sales: z.array(adminSale).describe("by start time") }),
  SaleSaved: saleSaved,
  SaleHistory: z.object({ sku: z.string(), versions: z.array(saleConfig).describe("newest first") }),
  AuditRecord: auditRecord,
  AuditLog: z.object({ entries: z.array(auditRecord).describe("newest first") }),
  DeadLetters: z.object({
    sku: z.string(),
    total: int.describe("every parked change of the SKU"),
    deadLetters: z
      .array(
        z.object({
          seq: int,
          orderId: z.string(),
          reason: z.string().nullable(),
          failure: z
            .object({
              sqlstate: z.string().nullable().describe("the SQLSTATE, e.g. 23514"),
              constraint: z.string().nullable(),
              summary: z.string().describe("one line, free of row data"),
            })
            .describe("Postgres's refusal"),
          parkedAt: epochMs,
        }),
      )
      .describe("oldest first; order ids and refusals only, never the rows"),
  }),
  DeadLettersRetried: z.object({
    sku: z.string(),
    requeued: int.describe("changes put back in the outbox"),
    deadLettered: int.describe("changes still parked after the retry"),
    outboxPending: int.describe("changes not yet written after the retry"),
  }),
  Error: errorBody,
};

/** The described responses cover what the code returns, field for field (compile-time only). */
type Describes<Doc, Real> = [Real] extends [Doc] ? ([keyof Real] extends [keyof Doc] ? ([keyof Doc] extends [keyof Real] ? true : false) : false) : false;
type Holds<T extends true> = T;
export type DocumentMatchesCode = [
  Holds<Describes<z.output<typeof order>, ReturnType<typeof presentOrder>>>,
  Holds<Describes<z.output<typeof skuSnapshot>, SkuSnapshot>>,
  Holds<Describes<z.output<typeof skuSnapshot>["price"], SkuSnapshot["price"]>>,
  Holds<Describes<z.output<typeof skuReconciliation>, SkuReconciliation>>,
  Holds<Describes<z.output<typeof liveServerMessage>, ServerMessage>>,
  Holds<Describes<z.output<typeof adminSale>, AdminSale>>,
  Holds<Describes<z.output<typeof saleSaved>, SaleSaved>>,
  Holds<Describes<z.output<typeof auditRecord>, AuditRecord>>,
];

/** Plain JSON Schema for one zod schema (for a parameter), without the noise OpenAPI does not need. */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: "input", override: dropSafeIntegerBounds });
  return rest;
}

function componentSchemas(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(SCHEMAS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io: "input", uri: (id) => `#/components/schemas/${id}`, override: dropSafeIntegerBounds });
  const components = Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...rest }]) => [id, rest]));
  // The status of every code, machine-readable (JSON Schema ignores unknown keywords).
  components.Error!["x-status-by-code"] = Object.fromEntries(ERROR_CODES.map((code) => [code, ERRORS[code].status]));
  return components;
}

/** `z.number().int()` carries ±2^53 bounds; they say nothing to a reader. */
function dropSafeIntegerBounds({ jsonSchema }: { jsonSchema: Record<string, unknown> }): void {
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
}

// ---- Paths --------------------------------------------------------------------------------

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ "application/json": { schema: ref(name) } });
const noStore = { "Cache-Control": { description: "no-store: live numbers are never cached", schema: { type: "string" } } };
const SESSION = [{ session: [] }];
const ADMIN = [{ adminToken: [] }];
/** What any admin call can answer before its handler runs. */
const adminErrors = ["unauthorized", "admin_closed"] as const;
const SKU_PARAM = { $ref: "#/components/parameters/Sku" };
const ACTOR_PARAM = { $ref: "#/components/parameters/AdminActor" };
/** Every change to a sale: its ordering, answers and audit. */
const SAVE_NOTE =
  "The SKU's object takes the change first, so a running sale changes at once; then KV gets the version (history and current), then the audit log a row. " +
  "Postgres must answer before anything is touched: unreachable, the save is refused with 503 and nothing is written.";
const PUBLIC: never[] = [];
/** The body rules of an admin save. */
const ADMIN_BODY_NOTE = "The body must be sent as `Content-Type: application/json` (else 415) and be at most 256 KiB (else 413, before it is read in full).";

/** Error responses for the codes an operation can answer, grouped by status. */
function errors(...codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERRORS[code].status, [...(byStatus.get(ERRORS[code].status) ?? []), code]);
  const responses: Record<string, unknown> = {};
  for (const [status, grouped] of byStatus) {
    responses[String(status)] = { description: grouped.map((code) => `\`${code}\`: ${ERRORS[code].meaning}`).join("; "), content: json("Error") };
  }
  return { ...responses, default: { description: "`internal` (500) and any other error, in the one error shape", content: json("Error") } };
}

/** What a shopper-scoped call can answer before it reaches the object: SESSION_SECRET missing. */
const sessionErrors = ["dependency_unavailable"] as const;
/** What every state-changing shopper call can answer before anything else (validation.ts, `shopperWrite`). */
const shopperWriteErrors = ["invalid_request", "forbidden_origin", "payload_too_large", "unsupported_media_type"] as const;
/** What an admin call with a body can answer before its body is validated (admin/request.ts, `jsonInput`). */
const adminBodyErrors = ["invalid_request", "payload_too_large", "unsupported_media_type"] as const;
/** The rules every state-changing shopper call follows, for its description. */
const WRITE_NOTE =
  " Send `Content-Type: application/json` also when there is no body (else 415; an empty body is `{}`); a browser's `Origin` must be this server's own (else 403); a body over 16 KiB is 413. A refused call takes nothing.";

function paths() {
  return {
    "/api/session": {
      post: {
        operationId: "startSession",
        tags: ["session"],
        summary: "Get (or keep) a shopper identity",
        description:
          "Issues the signed, HttpOnly `fs_session` cookie if the request has no valid one. Optional: every shopper-scoped call issues it on first use too." + WRITE_NOTE,
        security: [{ session: [] }, {}],
        requestBody: { required: false, content: { "application/json": { schema: { type: "object", description: "nothing: send `{}` or no body" } } } },
        responses: {
          "201": {
            description: "a new shopper: the cookie is set",
            headers: { "Set-Cookie": { description: `${SESSION_COOKIE}=<shopperId>.<signature>; HttpOnly; SameSite=Lax; Max-Age=2592000`, schema: { type: "string" } } },
            content: json("Session"),
          },
          "200": { description: "the cookie was valid: the same shopper", content: json("Session") },
          ...errors(...shopperWriteErrors, ...sessionErrors),
        },
      },
    },
    "/api/time": {
      get: {
        operationId: "serverTime",
        tags: ["sales"],
        summary: "Server time, for countdowns on pages without a live feed (sample a few round trips)",
        security: PUBLIC,
        responses: {
          "200": {
            description: "the server's clock",
            headers: noStore,
            content: { "application/json": { schema: { type: "object", properties: { serverTime: { type: "integer", description: "epoch milliseconds" } }, required: ["serverTime"] } } },
          },
        },
      },
    },
    "/api/sales": {
      get: {
        operationId: "listSales",
        tags: ["sales"],
        summary: "Sales on now or coming up, each with its live snapshot",
        security: PUBLIC,
        responses: { "200": { description: "sales not yet ended", headers: noStore, content: json("SalesList") }, ...errors() },
      },
    },
    "/api/skus/{sku}": {
      get: {
        operationId: "getSku",
        tags: ["sales"],
        summary: "One SKU's live state: phase, server time, stock, current price and tier",
        security: PUBLIC,
        parameters: [{ $ref: "#/components/parameters/Sku" }],
        responses: { "200": { description: "the snapshot", headers: noStore, content: json("SkuSnapshot") }, ...errors("not_found") },
      },
    },
    "/api/skus/{sku}/live": {
      get: {
        operationId: "liveSku",
        tags: ["sales"],
        summary: "The SKU's live feed (WebSocket)",
        description:
          "Send `Upgrade: websocket`. The server sends a `snapshot` frame on connect and after changes, coalesced (~100 ms), plus `snapshot` at the sale's start and end. " +
          'Send `{"type":"ping","clientTime":<ms>}` to get `{"type":"pong","clientTime","serverTime"}` back, for clock sync; anything else gets an `error` frame. ' +
          "Frames are JSON: see LiveServerMessage and LiveClientMessage. Limits: a client frame over 1024 bytes closes the socket (1009); more than 8 frames at once, then 1 a second, closes it (1008); " +
          "at most 16 sockets per client address and 20,000 per SKU, beyond which the upgrade is refused with 429 `rate_limited` and `Retry-After`.",
        security: PUBLIC,
        parameters: [{ $ref: "#/components/parameters/Sku" }, { name: "Upgrade", in: "header", required: true, schema: { const: "websocket" } }],
        responses: {
          "101": { description: "switching to the WebSocket; first frame: a LiveServerMessage of type `snapshot`" },
          "426": { description: "`invalid_request`: not a WebSocket upgrade", content: json("Error") },
          ...errors("not_found", "rate_limited"),
        },
      },
    },
    "/api/checkout": {
      post: {
        operationId: "checkout",
        tags: ["checkout"],
        summary: "Try: hold units as a pending_payment order",
        description:
          "Window, per-shopper limit, stock and price by sale rank are decided in one turn of the SKU's object. The hold lasts `holdSeconds`, then the object's alarm expires it. " +
          "Retrying with the same Idempotency-Key (same shopper, same SKU) and the same qty returns the same order, in whatever status it is now, with `Idempotent-Replayed: true`; a different qty is 422." +
          WRITE_NOTE,
        security: SESSION,
        parameters: [{ $ref: "#/components/parameters/IdempotencyKey" }],
        requestBody: { required: true, content: json("CheckoutRequest") },
        responses: {
          "201": {
            description: "the order (new, or the one this key made)",
            headers: { "Idempotent-Replayed": { description: "`true` when this key's earlier order is returned", schema: { const: "true" } } },
            content: json("OrderResult"),
          },
          ...errors(...shopperWriteErrors, "not_found", "not_started", "sold_out", "insufficient_stock", "limit_exceeded", "checkout_cancelled", "ended", "idempotency_conflict", ...sessionErrors),
        },
      },
    },
    "/api/checkout/cancel": {
      post: {
        operationId: "cancelCheckoutByKey",
        tags: ["checkout"],
        summary: "Cancel by Idempotency-Key, also before the Try arrived",
        description:
          "For a client that never saw its Try answer. If the key made an order, that order is cancelled; if not, the key is marked cancelled so a late Try with it takes nothing (409 `checkout_cancelled`)." + WRITE_NOTE,
        security: SESSION,
        parameters: [{ $ref: "#/components/parameters/IdempotencyKey" }],
        requestBody: { required: true, content: json("CancelByKeyRequest") },
        responses: {
          "200": { description: "cancelled; `changed` is false when it already was", content: json("CancelByKeyResult") },
          ...errors(...shopperWriteErrors, "not_found", "order_paid", ...sessionErrors),
        },
      },
    },
    "/api/orders/{id}": {
      get: {
        operationId: "getOrder",
        tags: ["orders"],
        summary: "Read one of the shopper's orders",
        security: SESSION,
        parameters: [{ $ref: "#/components/parameters/OrderId" }],
        responses: { "200": { description: "the order", content: json("OrderResult") }, ...errors("not_found", ...sessionErrors) },
      },
    },
    "/api/orders/{id}/pay": {
      post: {
        operationId: "payOrder",
        tags: ["orders"],
        summary: "Confirm: charge, then mark the order paid",
        description:
          "Charges through PAYMENT_PROVIDER, then confirms. If the hold ran out in between, the charge is refunded and the answer is 409. Paying a paid order is a no-op (`changed: false`). The body is optional." + WRITE_NOTE,
        security: SESSION,
        parameters: [{ $ref: "#/components/parameters/OrderId" }],
        requestBody: { required: false, content: json("PayRequest") },
        responses: {
          "200": { description: "paid", content: json("OrderChange") },
          ...errors(...shopperWriteErrors, "payment_declined", "not_found", "order_not_payable", ...sessionErrors),
        },
      },
    },
    "/api/orders/{id}/cancel": {
      post: {
        operationId: "cancelOrder",
        tags: ["orders"],
        summary: "Cancel: release the order's units",
        description: "Cancelling a cancelled or expired order is a no-op (`changed: false`); a paid order is refused." + WRITE_NOTE,
        security: SESSION,
        parameters: [{ $ref: "#/components/parameters/OrderId" }],
        requestBody: { required: false, content: { "application/json": { schema: { type: "object", description: "nothing: send `{}` or no body" } } } },
        responses: { "200": { description: "cancelled", content: json("OrderChange") }, ...errors(...shopperWriteErrors, "not_found", "order_paid", ...sessionErrors) },
      },
    },
    "/api/openapi.json": {
      get: {
        operationId: "openapi",
        tags: ["meta"],
        summary: "This document",
        security: PUBLIC,
        responses: { "200": { description: "OpenAPI 3.1, cached for 5 minutes", content: { "application/json": { schema: { type: "object" } } } } },
      },
    },
    "/admin/api/reconciliation": {
      get: {
        operationId: "reconcile",
        tags: ["admin"],
        summary: "Each SKU object's unit counts against Postgres",
        description:
          "Every configured SKU's object first writes its outbox, then its counts by status are compared with Postgres. A SKU is consistent only when nothing differs and nothing is still in its outbox (`outboxPending`) or parked as a dead letter (`deadLettered`); the top-level `consistent` requires every SKU to be. `npm run reconcile` calls this.",
        security: [{ adminToken: [] }],
        responses: {
          "200": { description: "the report", headers: noStore, content: json("Reconciliation") },
          ...errors("unauthorized", "admin_closed", "dependency_unavailable"),
        },
      },
    },
    ...adminSalePaths(),
  };
}

/** The marketer console's API (issue 6); the console page itself is GET /admin. */
function adminSalePaths() {
  const saved = (description: string) => ({ description, content: json("SaleSaved") });
  return {
    "/admin/api/sales": {
      get: {
        operationId: "adminListSales",
        tags: ["admin"],
        summary: "Every configured sale with its live state, optionally of one phase",
        security: ADMIN,
        parameters: [
          { name: "phase", in: "query", required: false, schema: { type: "string", enum: [...CONSOLE_PHASES] }, description: "only the sales in this phase" },
        ],
        responses: {
          "200": { description: "the sales, by start time", headers: noStore, content: json("AdminSaleList") },
          ...errors("invalid_request", ...adminErrors),
        },
      },
      post: {
        operationId: "adminCreateSale",
        tags: ["admin"],
        summary: "Create a sale (now or scheduled ahead): version 1",
        description: `Every validation problem is listed in \`problems\` (\`path: message\`), and nothing is written. ${ADMIN_BODY_NOTE} ${SAVE_NOTE}`,
        security: ADMIN,
        parameters: [ACTOR_PARAM],
        requestBody: { required: true, content: json("SaleDraft") },
        responses: {
          "201": saved("created"),
          ...errors(...adminBodyErrors, ...adminErrors, "conflict", "dependency_unavailable"),
        },
      },
    },
    "/admin/api/sales/{sku}": {
      get: {
        operationId: "adminGetSale",
        tags: ["admin"],
        summary: "One sale: the configuration in effect (its version is the next update's expectedVersion) and its live state",
        security: ADMIN,
        parameters: [SKU_PARAM],
        responses: { "200": { description: "the sale", headers: noStore, content: json("AdminSale") }, ...errors("not_found", ...adminErrors) },
      },
      put: {
        operationId: "adminUpdateSale",
        tags: ["admin"],
        summary: "Replace a sale's configuration: top up or cut stock, move the end, change tiers, gifts…",
        description:
          "The body is the whole sale plus `expectedVersion`, the version it was edited from; another save since answers 409 `conflict` with the current `version`. " +
          "Stock may not go below the units sold or held (409, `problems`, `minimumStock`). The body's `sku` may be left out; if given it must match the URL. " +
          `${ADMIN_BODY_NOTE} ${SAVE_NOTE}`,
        security: ADMIN,
        parameters: [SKU_PARAM, ACTOR_PARAM],
        requestBody: { required: true, content: json("SaleUpdate") },
        responses: {
          "200": saved("saved: the new version is live"),
          ...errors(...adminBodyErrors, ...adminErrors, "not_found", "conflict", "dependency_unavailable"),
        },
      },
    },
    "/admin/api/sales/{sku}/pause": {
      post: {
        operationId: "adminPauseSale",
        tags: ["admin"],
        summary: "Pause: checkouts answer 409 `sale_paused` at once; held orders may still be paid",
        description: `A new version with \`paused: true\`, audited as \`pause\`; pausing a paused sale changes nothing (\`changed: false\`). ${SAVE_NOTE}`,
        security: ADMIN,
        parameters: [SKU_PARAM, ACTOR_PARAM],
        responses: { "200": saved("paused"), ...errors("invalid_request", ...adminErrors, "not_found", "conflict", "dependency_unavailable") },
      },
    },
    "/admin/api/sales/{sku}/resume": {
      post: {
        operationId: "adminResumeSale",
        tags: ["admin"],
        summary: "Resume a paused sale",
        description: `A new version with \`paused: false\`, audited as \`resume\`; resuming a running sale changes nothing (\`changed: false\`). ${SAVE_NOTE}`,
        security: ADMIN,
        parameters: [SKU_PARAM, ACTOR_PARAM],
        responses: { "200": saved("resumed"), ...errors("invalid_request", ...adminErrors, "not_found", "conflict", "dependency_unavailable") },
      },
    },
    "/admin/api/sales/{sku}/history": {
      get: {
        operationId: "adminSaleHistory",
        tags: ["admin"],
        summary: "Every saved version of a sale, newest first (KV `sale-history:<sku>:<version>`)",
        security: ADMIN,
        parameters: [SKU_PARAM, { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } }],
        responses: {
          "200": { description: "the versions", headers: noStore, content: json("SaleHistory") },
          ...errors("invalid_request", "not_found", ...adminErrors),
        },
      },
    },
    "/admin/api/sales/{sku}/dead-letters": {
      get: {
        operationId: "adminDeadLetters",
        tags: ["admin"],
        summary: "The SKU's dead letters: outbox changes Postgres refused for their data, parked in its object",
        security: ADMIN,
        parameters: [SKU_PARAM, { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 500, default: 100 } }],
        responses: {
          "200": { description: "the parked changes", headers: noStore, content: json("DeadLetters") },
          ...errors("invalid_request", "not_found", ...adminErrors),
        },
      },
    },
    "/admin/api/sales/{sku}/dead-letters/retry": {
      post: {
        operationId: "adminRetryDeadLetters",
        tags: ["admin"],
        summary: "Put the parked changes back in the outbox (after a fix, such as a migration) and drain it",
        description: "No body.",
        security: ADMIN,
        parameters: [SKU_PARAM],
        responses: { "200": { description: "what was requeued and what is left", content: json("DeadLettersRetried") }, ...errors("not_found", ...adminErrors) },
      },
    },
    "/admin/api/audit": {
      get: {
        operationId: "adminAuditLog",
        tags: ["admin"],
        summary: "The audit log from Postgres, newest first: who changed which sale when, before and after",
        security: ADMIN,
        parameters: [
          { name: "sku", in: "query", required: false, schema: jsonSchema(saleConfigSchema.shape.sku), description: "only this sale's changes" },
          { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 500, default: 100 } },
          { name: "before", in: "query", required: false, schema: { type: "integer" }, description: "only entries with a lower id: the next page" },
        ],
        responses: {
          "200": { description: "the entries", headers: noStore, content: json("AuditLog") },
          ...errors("invalid_request", ...adminErrors, "dependency_unavailable"),
        },
      },
    },
  };
}

function buildDocument() {
  return {
    openapi: "3.1.0",
    info: {
      title: "Flash-sale storefront API",
      version: "0.1.0",
      description:
        "The shopper API of the edge flash-sale storefront: one Durable Object per SKU decides every checkout. " +
        "Checkout is TCC: Try (`POST /api/checkout`) holds units as a `pending_payment` order, Confirm (`POST /api/orders/{id}/pay`) makes it `paid`, " +
        "Cancel (`POST /api/orders/{id}/cancel`, or `POST /api/checkout/cancel` by key) releases it, and an unpaid hold expires by the object's alarm. " +
        "Money is integer minor units (fen); times are epoch milliseconds, server time. Every error is `{ \"error\": { \"code\", \"message\", ...details } }`.",
    },
    tags: [
      { name: "session", description: "the shopper's identity (signed cookie)" },
      { name: "sales", description: "what is on sale, live" },
      { name: "checkout", description: "Try, and cancel by Idempotency-Key" },
      { name: "orders", description: "the shopper's orders: read, Confirm (pay), Cancel" },
      { name: "admin", description: "operators, with the admin bearer token" },
      { name: "meta", description: "this document" },
    ],
    paths: paths(),
    components: {
      securitySchemes: {
        session: {
          type: "apiKey",
          in: "cookie",
          name: SESSION_COOKIE,
          description:
            "A random shopper id in an HMAC-signed (SESSION_SECRET), HttpOnly, SameSite=Lax cookie valid 30 days. A request without a valid one is issued a new identity (Set-Cookie); order ownership and the per-shopper limit hang on it.",
        },
        adminToken: { type: "http", scheme: "bearer", description: "ADMIN_TOKEN; with none configured, admin answers 503 `admin_closed`" },
      },
      parameters: {
        Sku: { name: "sku", in: "path", required: true, description: "a name that cannot be a SKU answers 404", schema: jsonSchema(saleConfigSchema.shape.sku) },
        OrderId: {
          name: "id",
          in: "path",
          required: true,
          description: "an order id; one of another shopper, or not of this form, answers 404",
          schema: { type: "string", pattern: "^ord_[a-z0-9][a-z0-9-]{1,62}_[0-9A-Za-z]{16,32}$" },
        },
        AdminActor: {
          name: "X-Admin-Actor",
          in: "header",
          required: false,
          description: "who makes the change, for the audit log (default `admin`): 1-64 letters, digits, spaces or `. _ @ + -`; percent-encode UTF-8 (王芳 → %E7%8E%8B%E8%8A%B3)",
          schema: { type: "string", maxLength: 200 },
        },
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: true,
          description: "one per intended purchase (a UUID will do), scoped to the shopper and the SKU; reuse it only to retry",
          schema: { type: "string", pattern: "^[A-Za-z0-9_.:-]{8,128}$" },
        },
      },
      schemas: componentSchemas(),
    },
  };
}

let document: ReturnType<typeof buildDocument> | undefined;

/** Serves the document, built once per isolate; the server URL is the origin it was asked on. */
export const openapi = new Hono<AppEnv>().get("/openapi.json", (c) => {
  document ??= buildDocument();
  c.header("Cache-Control", "public, max-age=300");
  const { openapi: version, info, ...rest } = document;
  return c.json({ openapi: version, info, servers: [{ url: new URL(c.req.url).origin }], ...rest });
});
