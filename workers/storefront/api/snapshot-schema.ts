import { z } from "@hono/zod-openapi";
import { clientMessageSchema, type ServerMessage } from "../../../src/live/messages.ts";
import type { SkuSnapshot } from "../../../src/sales/snapshot.ts";
import { component } from "../contract/component.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { epochMs, int, minorUnits } from "../contract/units.ts";

/** One SKU's live state, as `GET /api/skus/{sku}`, the listings and every live push show it. */
export const skuSnapshotSchema = z
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
        nextTier: z
          .object({ fromRank: int, unitPrice: minorUnits })
          .nullable()
          .describe("the next price step (list price after the last tier)"),
      })
      .describe("the offer for the next unit sold"),
    perShopperLimit: int.positive(),
    holdSeconds: int.positive(),
    gift: z
      .object({
        id: z.string(),
        title: z.string(),
        remaining: int.describe("gifts left"),
        endsAt: epochMs.describe("when the gift's window closes"),
      })
      .nullable()
      .describe("the limited-time gift an order placed now gets (while stocks last); null when none"),
    waitingRoom: z
      .object({
        admitPerSecond: int.positive().describe("shoppers let through to checkout per second, in the order they joined"),
        ticketTtlSeconds: int.positive().describe("how long a queue ticket admits, from its admitAt"),
      })
      .nullable()
      .describe("the sale's waiting room: join it (POST /api/skus/{sku}/queue) and send its ticket with every checkout; null when none"),
  })
  .openapi("SkuSnapshot", { description: "One SKU's live state: GET /api/skus/{sku} and every live push" });

/** Server → client frames of the live feed (src/live/messages.ts). */
export const liveServerMessageSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("snapshot"), snapshot: skuSnapshotSchema }),
    z.object({ type: z.literal("pong"), clientTime: z.number(), serverTime: epochMs }),
    z.object({ type: z.literal("error"), message: z.string() }),
  ])
  .openapi("LiveServerMessage", {
    description: "Server → client frame: a snapshot on connect and after changes (coalesced ~100 ms), pong, or error",
  });

/** Client → server frames of the live feed: the very schema the SKU object parses them with. */
export const liveClientMessageSchema = component(
  "LiveClientMessage",
  clientMessageSchema,
  "Client → server frame: ping, answered by pong with server time",
);

export type SnapshotSchemasMatchCode = [
  Holds<Describes<z.output<typeof skuSnapshotSchema>, SkuSnapshot>>,
  Holds<Describes<z.output<typeof skuSnapshotSchema>["price"], SkuSnapshot["price"]>>,
  Holds<Describes<z.output<typeof liveServerMessageSchema>, ServerMessage>>,
];
