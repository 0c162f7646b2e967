import { z } from "@hono/zod-openapi";
import type { PointsStatement } from "../../../src/membership/points-statement.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { epochMs, int } from "../contract/units.ts";

/** A shopper's points statement (brief contract 2): the shopper's `GET /api/me/points` and the console's lookup. */
export const pointsStatementSchema = z
  .object({
    balance: int.describe("points the shopper can use now: the sum of their ledger rows (may be below 0 after a refund of spent points)"),
    held: int.nonnegative().describe("points held by unpaid checkouts, already taken off `balance`"),
    expiringSoon: z
      .array(z.object({ points: int.positive(), expiresAt: epochMs }))
      .describe("what is left of earned points lapsing within 30 days, soonest first"),
    entries: z
      .array(
        z.object({
          id: int,
          amount: int.describe("signed: + earned or given back, − held, spent, reversed or lapsed"),
          reason: z.string(),
          orderId: z.string().nullable(),
          at: epochMs,
          expiresAt: epochMs.nullable(),
        }),
      )
      .describe("the latest 50 movements, newest first"),
  })
  .openapi("PointsStatement");
export type PointsStatementSchemaMatchesCode = Holds<Describes<z.output<typeof pointsStatementSchema>, PointsStatement>>;
