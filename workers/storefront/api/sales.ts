import { z } from "@hono/zod-openapi";
import { unwrap } from "../../../src/errors.ts";
import { errorSchemaOf } from "../contract/error-schema.ts";
import { LIVE_NUMBERS } from "../contract/no-store.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { epochMs } from "../contract/units.ts";
import { errorBody } from "../errors.ts";
import { liveClientMessageSchema, liveServerMessageSchema, skuSnapshotSchema } from "./snapshot-schema.ts";
import { skuParams } from "./sku-param.ts";
import { currentSales, saleObject } from "./sku-object.ts";

const listSales = contractRoute({
  method: "get",
  path: "/sales",
  tags: ["sales"],
  summary: "Sales on now or coming up, each with its live snapshot",
  responses: {
    200: {
      description: "sales not yet ended",
      headers: LIVE_NUMBERS,
      content: {
        "application/json": {
          schema: z
            .object({ serverTime: epochMs, sales: z.array(skuSnapshotSchema).describe("sales not yet ended, by start time") })
            .openapi("SalesList"),
        },
      },
    },
  },
});

const getSku = contractRoute({
  method: "get",
  path: "/skus/{sku}",
  tags: ["sales"],
  summary: "One SKU's live state: phase, server time, stock, current price and tier",
  request: { params: skuParams },
  responses: {
    200: { description: "the snapshot", headers: LIVE_NUMBERS, content: { "application/json": { schema: skuSnapshotSchema } } },
  },
  errors: ["not_found"],
});

const liveSku = contractRoute({
  method: "get",
  path: "/skus/{sku}/live",
  tags: ["sales"],
  summary: "The SKU's live feed (WebSocket)",
  description:
    "Send `Upgrade: websocket`. The server sends a `snapshot` frame on connect and after changes, coalesced (~100 ms), plus `snapshot` at the sale's start and end. " +
    'Send `{"type":"ping","clientTime":<ms>}` to get `{"type":"pong","clientTime","serverTime"}` back, for clock sync; anything else gets an `error` frame. ' +
    "Frames are JSON: see LiveServerMessage and LiveClientMessage. Limits: a client frame over 1024 bytes closes the socket (1009); more than 8 frames at once, then 1 a second, closes it (1008); " +
    "at most 16 sockets per client address and 20,000 per SKU, beyond which the upgrade is refused with 429 `rate_limited` and `Retry-After`.",
  request: { params: skuParams },
  // Not a request schema: without the upgrade the answer is 426, which the handler words,
  // not the validator's 400.
  parameters: [{ name: "Upgrade", in: "header", required: true, schema: { type: "string", enum: ["websocket"] } }],
  responses: {
    101: { description: "switching to the WebSocket; first frame: a LiveServerMessage of type `snapshot`" },
    426: {
      description: "`invalid_request`: not a WebSocket upgrade",
      "x-error-codes": ["invalid_request"],
      content: { "application/json": { schema: errorSchemaOf(["invalid_request"]) } },
    },
  },
  errors: ["not_found", "rate_limited"],
});

/**
 * What shoppers read: the sales on now or soon, one SKU's live state, and its WebSocket.
 * Live numbers come from each SKU's object, never from a cache.
 */
export const sales = contractApp()
  .openapi(listSales, async (c) => {
    const sales = await currentSales(c.env);
    c.header("Cache-Control", "no-store");
    return c.json({ serverTime: Date.now(), sales: sales.map(({ snapshot }) => snapshot) }, 200);
  })
  .openapi(getSku, async (c) => {
    const object = await saleObject(c.env, c.req.valid("param").sku);
    const snapshot = unwrap(await object.snapshot());
    c.header("Cache-Control", "no-store");
    return c.json(snapshot, 200);
  })
  .openapi(liveSku, async (c) => {
    // Not a bad request but the wrong protocol: 426 Upgrade Required.
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
      return c.json(errorBody("invalid_request", "this endpoint is a WebSocket: send Upgrade: websocket"), 426);
    }
    const object = await saleObject(c.env, c.req.valid("param").sku);
    return object.fetch(c.req.raw);
  });

// The live feed's frames, documented beside the route that carries them.
sales.openAPIRegistry.register("LiveServerMessage", liveServerMessageSchema);
sales.openAPIRegistry.register("LiveClientMessage", liveClientMessageSchema);
