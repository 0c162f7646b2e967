import { z } from "@hono/zod-openapi";
import { FAVOURITE_LIMIT } from "../../../src/profile/lifetime.ts";
import type { ShopperProfile } from "../../../src/profile/shopper-profile.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { epochMs, int, minorUnits } from "../contract/units.ts";

/** A shopper's profile: the component `ShopperProfile` of the shopper's and the admin API. */
export const shopperProfileSchema = z
  .object({
    shopperId: z.string(),
    serverTime: epochMs.describe("the moment the window is of, epoch ms of server time"),
    window: z
      .object({
        minutes: int.positive().describe("the window's length: views after serverTime − minutes, up to serverTime"),
        products: z
          .array(z.object({ sku: z.string(), category: z.string(), viewedAt: epochMs }))
          .describe("products viewed in the window, most recent first, each once at its latest view"),
        distinct: int.nonnegative().describe("how many distinct products were viewed in the window"),
        latestCategory: z.string().nullable().describe("the category of the most recent view; null for an empty window"),
      })
      .nullable()
      .describe("the last 30 minutes of product views (Upstash Redis); null when Redis could not be read, the rest of the profile stands"),
    lifetime: z
      .object({
        firstSeen: epochMs.nullable().describe("the shopper's first event (a view, an order…); null for a shopper with none"),
        paidOrders: int.nonnegative(),
        spend: minorUnits.describe("the sum of the paid orders' totals, integer minor units (fen)"),
        favouriteCategories: z
          .array(z.object({ category: z.string(), purchases: int.nonnegative(), views: int.nonnegative() }))
          .describe(
            `at most ${FAVOURITE_LIMIT}: by paid orders in the category, then product views, then name; an order's category is its sale's`,
          ),
      })
      .describe("from Postgres `events`"),
  })
  .openapi("ShopperProfile", { description: "A shopper's 30-minute view window and lifetime facts (issue 13)" });

export type ShopperProfileSchemaMatchesCode = Holds<Describes<z.output<typeof shopperProfileSchema>, ShopperProfile>>;
