import { z } from "@hono/zod-openapi";
import { removeAdviser, setOnShift } from "../../../src/advisers/assignment-store.ts";
import { addAdviser, findAdviser, listRoster, type RosterAdviser } from "../../../src/advisers/roster.ts";
import { AppError, unwrap } from "../../../src/errors.ts";
import { adminRoute } from "../contract/admin-route.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { adminJsonBody } from "./points-refunds.ts";
import { readDatabase } from "./read-database.ts";

/**
 * The advisers' roster for the owner (issue 17): who serves shoppers, who is on shift (new
 * shoppers go round robin among them), and taking someone off the roster, which gives their
 * shoppers to the others round robin (src/advisers/assignment-store.ts).
 */

const adviserSchema = z
  .object({
    id: z.string().describe("adv_…"),
    staffId: z.string().describe("the staff account (role adviser)"),
    displayName: z.string().describe("the name shoppers see"),
    onShift: z.boolean().describe("takes new shoppers"),
    createdAt: epochMs,
    lastAssignedAt: epochMs.nullable().describe("when a shopper was last assigned to them: the round robin's order"),
    shoppers: int.describe("shoppers assigned to them"),
    openConversations: int,
  })
  .openapi("Adviser");
export type AdviserSchemaMatchesCode = Holds<Describes<z.output<typeof adviserSchema>, RosterAdviser>>;

const adviserParams = z.object({
  id: z
    .string()
    .regex(/^adv_[0-9a-f-]{36}$/, "an adviser id is adv_ and a UUID")
    .openapi({ param: { description: "adv_…" } }),
});

const listRoute = adminRoute({
  method: "get",
  path: "/advisers",
  admits: "manageAdvisers",
  summary: "The advisers' roster: shifts and loads",
  responses: {
    200: {
      description: "the roster, in joining order",
      headers: noStore("the roster as it is now"),
      content: { "application/json": { schema: z.object({ advisers: z.array(adviserSchema) }).openapi("AdviserRoster") } },
    },
  },
  errors: ["dependency_unavailable"],
});

const addRoute = adminRoute({
  method: "post",
  path: "/advisers",
  admits: "manageAdvisers",
  middleware: [adminJsonBody],
  summary: "Put a staff account with the adviser role on the roster (off shift)",
  description:
    "An account that left comes back as the same adviser (200); one already on the roster is answered as it is (200). An account of another role is 400 `invalid_request`; no such active account, 404.",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({ staffId: z.string().min(1).max(64), displayName: z.string().trim().min(1).max(60).optional() })
            .strict()
            .openapi("AdviserAdd"),
        },
      },
    },
  },
  responses: {
    201: { description: "added", content: { "application/json": { schema: z.object({ adviser: adviserSchema }) } } },
    200: {
      description: "on the roster already, or back",
      content: { "application/json": { schema: z.object({ adviser: adviserSchema }) } },
    },
  },
  errors: ["invalid_request", "not_found", "dependency_unavailable"],
});

const shiftRoute = adminRoute({
  method: "patch",
  path: "/advisers/{id}",
  admits: "manageAdvisers",
  middleware: [adminJsonBody],
  summary: "Put an adviser on or off shift",
  description: "On shift takes new shoppers; off shift keeps the shoppers they have.",
  request: {
    params: adviserParams,
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ onShift: z.boolean() }).strict().openapi("AdviserShift") } },
    },
  },
  responses: { 200: { description: "the adviser now", content: { "application/json": { schema: z.object({ adviser: adviserSchema }) } } } },
  errors: ["invalid_request", "not_found", "dependency_unavailable"],
});

const removeRoute = adminRoute({
  method: "delete",
  path: "/advisers/{id}",
  admits: "manageAdvisers",
  summary: "Take an adviser off the roster; their shoppers go to the others, round robin",
  description:
    "Under the roster's lock, so no first message is assigned to them meanwhile. Their open conversations follow their shoppers; resolved ones keep them (the board measures them). With nobody left, a shopper is assigned afresh at their next message.",
  request: { params: adviserParams },
  responses: {
    200: {
      description: "removed",
      content: {
        "application/json": {
          schema: z.object({ reassigned: int.describe("shoppers given to other advisers") }).openapi("AdviserRemoved"),
        },
      },
    },
  },
  errors: ["invalid_request", "not_found", "dependency_unavailable"],
});

const READ = { what: "the advisers' roster", log: "advisers", timeoutMs: 10_000 };

export const adminAdvisers = contractApp()
  .openapi(listRoute, async (c) => {
    const roster = await readDatabase(c.env, READ, listRoster);
    c.header("Cache-Control", "no-store");
    return c.json({ advisers: roster }, 200);
  })
  .openapi(addRoute, async (c) => {
    const input = c.req.valid("json");
    const { adviser, created } = unwrap(await readDatabase(c.env, READ, (db) => addAdviser(db, input, Date.now())));
    return created ? c.json({ adviser }, 201) : c.json({ adviser }, 200);
  })
  .openapi(shiftRoute, async (c) => {
    const { id } = c.req.valid("param");
    const adviser = await readDatabase(c.env, READ, async (db) => {
      if (!(await setOnShift(db, id, c.req.valid("json").onShift))) throw new AppError("not_found", `no adviser "${id}" on the roster`);
      return (await findAdviser(db, id))!;
    });
    return c.json({ adviser }, 200);
  })
  .openapi(removeRoute, async (c) => {
    const { id } = c.req.valid("param");
    const removed = unwrap(await readDatabase(c.env, READ, (db) => removeAdviser(db, id, Date.now())));
    return c.json(removed, 200);
  });
