import { pointsStatement } from "../../../src/membership/points-statement.ts";
import { pointsStatementSchema } from "./points-schema.ts";
import { readDatabase } from "../admin/read-database.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { sessionLimit } from "./rate-limit.ts";
import { session } from "./session.ts";

const myPoints = contractRoute({
  method: "get",
  path: "/me/points",
  tags: ["points"],
  summary: "The shopper's points: balance, held, lapsing soon, and the latest movements",
  description:
    "100 points = ¥1: a point takes 1 fen off at checkout, after coupons, at most half of what is left. `balance` is what can be used now (held points are already taken off it); `expiringSoon`, what is left of earned points that lapse within 30 days (each earned row lapses 365 days after it was earned, oldest used first). Without Postgres, 503.",
  middleware: [sessionLimit, session],
  responses: {
    200: {
      description: "the statement",
      headers: noStore("a shopper's own points, as they are now"),
      content: { "application/json": { schema: pointsStatementSchema } },
    },
  },
  errors: ["dependency_unavailable"],
});

/** The shopper's own points (issue 16, brief contract 2). */
export const points = contractApp().openapi(myPoints, async (c) => {
  const statement = await readDatabase(c.env, { what: "your points", log: "me/points", timeoutMs: 5_000 }, (db) =>
    pointsStatement(db, c.get("shopperId"), Date.now()),
  );
  c.header("Cache-Control", "no-store");
  return c.json(statement, 200);
});
