import { z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context, Env as HonoEnv, Schema } from "hono";
import { contractRoute } from "./route.ts";
import { SECURITY_SCHEMES } from "./security-schemes.ts";

/** What the document says of itself; `paths` and `components` come from the routes' contracts. */
const DOCUMENT: Parameters<OpenAPIHono["getOpenAPI31Document"]>[0] = {
  openapi: "3.1.0",
  info: {
    title: "Flash-sale storefront API",
    version: "0.1.0",
    description:
      "The shopper API and the admin API of the edge flash-sale storefront: one Durable Object per SKU decides every checkout. " +
      "Checkout is TCC: Try (`POST /api/checkout`) holds units as a `pending_payment` order, Confirm (`POST /api/orders/{id}/pay`) makes it `paid`, " +
      "Cancel (`POST /api/orders/{id}/cancel`, or `POST /api/checkout/cancel` by key) releases it, and an unpaid hold expires by the object's alarm. " +
      'Money is integer minor units (fen); times are epoch milliseconds, server time. Every error is `{ "error": { "code", "message", ...details } }`; ' +
      "each operation lists the codes it can answer, by status (`x-error-codes`). Admin operations list the staff roles they admit (`x-roles`).",
  },
  tags: [
    { name: "session", description: "the shopper's identity (signed cookie)" },
    { name: "sales", description: "what is on sale, live" },
    { name: "checkout", description: "Try, and cancel by Idempotency-Key" },
    { name: "orders", description: "the shopper's orders: read, Confirm (pay), Cancel" },
    { name: "admin", description: "staff: sales, audit, reconciliation, dead letters" },
    { name: "meta", description: "this document, and the health of the deployment" },
  ],
};

/** `GET /api/openapi.json`: this document. */
export const openapiDocumentRoute = contractRoute({
  method: "get",
  path: "/api/openapi.json",
  tags: ["meta"],
  summary: "This document: OpenAPI 3.1, generated from the routes' contracts",
  responses: {
    200: {
      description: "the document, cacheable for 5 minutes",
      headers: { "Cache-Control": { description: "`public, max-age=300`", schema: { type: "string" } } },
      content: { "application/json": { schema: z.record(z.string(), z.unknown()).describe("an OpenAPI 3.1 document") } },
    },
  },
});

/**
 * The handler of `GET /api/openapi.json` for `app`: the document generated from every route
 * `app` serves through a contract, built once per isolate on first request (all routes are
 * registered by then); the server is the origin it was asked on.
 */
export function serveDocument<E extends HonoEnv, S extends Schema, B extends string>(app: OpenAPIHono<E, S, B>) {
  let document: ReturnType<typeof buildDocument> | undefined;
  return (c: Context) => {
    document ??= buildDocument(app);
    c.header("Cache-Control", "public, max-age=300");
    const { openapi, info, ...rest } = document;
    return c.json({ openapi, info, servers: [{ url: new URL(c.req.url).origin }], ...rest }, 200);
  };
}

function buildDocument<E extends HonoEnv, S extends Schema, B extends string>(app: OpenAPIHono<E, S, B>) {
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) app.openAPIRegistry.registerComponent("securitySchemes", name, scheme);
  return app.getOpenAPI31Document(DOCUMENT);
}
