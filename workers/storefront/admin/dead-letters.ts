import { z } from "@hono/zod-openapi";
import { unwrap } from "../../../src/errors.ts";
import { skuParams } from "../api/sku-param.ts";
import { skuObject } from "../api/sku-object.ts";
import { adminRoute } from "../contract/admin-route.ts";
import { LIVE_NUMBERS } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";

const deadLettersSchema = z
  .object({
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
  })
  .openapi("DeadLetters");

const listDeadLetters = adminRoute({
  method: "get",
  path: "/sales/{sku}/dead-letters",
  admits: "readDeadLetters",
  summary: "The SKU's dead letters: outbox changes Postgres refused for their data, parked in its object",
  request: { params: skuParams, query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
  responses: {
    200: { description: "the parked changes", headers: LIVE_NUMBERS, content: { "application/json": { schema: deadLettersSchema } } },
  },
  errors: ["not_found"],
});

const retryDeadLetters = adminRoute({
  method: "post",
  path: "/sales/{sku}/dead-letters/retry",
  admits: "retryDeadLetters",
  summary: "Put the parked changes back in the outbox (after a fix, such as a migration) and drain it",
  description: "No body.",
  request: { params: skuParams },
  responses: {
    200: {
      description: "what was requeued and what is left",
      content: {
        "application/json": {
          schema: z
            .object({
              sku: z.string(),
              requeued: int.describe("changes put back in the outbox"),
              deadLettered: int.describe("changes still parked after the retry"),
              outboxPending: int.describe("changes not yet written after the retry"),
            })
            .openapi("DeadLettersRetried"),
        },
      },
    },
  },
  errors: ["not_found"],
});

/**
 * A SKU's dead letters (issue 10): outbox changes Postgres refused for their data, parked in
 * the SKU's object so the changes behind them still land. The console lists them (order ids
 * and the refusal, never the rows) and retries them after a fix, such as a migration.
 */
export const adminDeadLetters = contractApp()
  .openapi(listDeadLetters, async (c) => {
    const { sku } = c.req.valid("param");
    const { limit } = c.req.valid("query");
    const listed = unwrap(await skuObject(c.env, sku).deadLetters(limit));
    c.header("Cache-Control", "no-store");
    return c.json({ sku, ...listed }, 200);
  })
  .openapi(retryDeadLetters, async (c) => {
    const { sku } = c.req.valid("param");
    const retried = unwrap(await skuObject(c.env, sku).retryDeadLetters());
    return c.json({ sku, ...retried }, 200);
  });
