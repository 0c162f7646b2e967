import { z } from "@hono/zod-openapi";
import type { Database } from "../../../src/db/client.ts";
import {
  type CampaignSummary,
  completedTeams,
  listCampaigns,
  MAX_CAMPAIGN_EDGES,
  MAX_CAMPAIGNS,
  readCampaignEdges,
} from "../../../src/propagation/edge-store.ts";
import { EDGE_KINDS } from "../../../src/propagation/graph.ts";
import { namedReport, type PropagationReport, TOP_SPREADERS } from "../../../src/propagation/report.ts";
import { may } from "../../../src/staff/roles.ts";
import { adminRoute } from "../contract/admin-route.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int, minorUnits } from "../contract/units.ts";
import { readDatabase } from "./read-database.ts";

/**
 * The propagation graph under /admin/api (issue 14): the campaigns with edges, and one
 * campaign's report (totals, K-factor, depth, top spreaders and the graph), from
 * `propagation_edges` in Postgres (src/propagation/edge-store.ts, report.ts).
 */

/** A campaign read takes at most this long: Postgres that does not answer is 503, not a hung console. */
const READ_TIMEOUT_MS = 10_000;

const count = int.nonnegative();

const summarySchema = z
  .object({
    campaign: z.string(),
    edges: count.describe("edges recorded, every kind"),
    visits: count,
    joins: count,
    orders: count,
    revenue: minorUnits.describe("the order edges' amounts, fen"),
    people: count.describe("shoppers who appear in its edges"),
    firstAt: epochMs,
    lastAt: epochMs,
  })
  .openapi("PropagationCampaign");
export type SummarySchemaMatchesCode = Holds<Describes<z.output<typeof summarySchema>, CampaignSummary>>;

const kind = z.enum(EDGE_KINDS);
const shopperName = z
  .string()
  .describe(
    "the shopper id to staff who may read shoppers (`readShoppers`); to others a pseudonym, `#` and hex digits, stable per campaign",
  );

const reportSchema = z
  .object({
    campaign: z.string(),
    naming: z.enum(["shopper_ids", "pseudonyms"]).describe("how ids and labels name shoppers"),
    edges: z
      .object({
        read: count,
        total: count,
        truncated: z.boolean().describe("true when only the newest `limit` edges were read: the figures and the graph are theirs"),
        limit: count,
      })
      .describe("the edges the report is built from: the newest, at most `limit`"),
    totals: z.object({
      campaign: z.string(),
      people: count.describe("shoppers in the tree"),
      visits: count.describe("visit edges, once per inviter and invitee"),
      joins: count.describe("join edges, once per inviter and invitee"),
      completedTeams: count.describe(
        "teams of the team-up campaign of this id that completed (distinct teams of `team_completed` events); 0 for a campaign that is no team-up campaign. The edges cannot tell: a join says who joined through whom, not whether the team filled",
      ),
      orders: count.describe("orders credited to an inviter, once per order"),
      revenue: minorUnits.describe("the credited orders' amounts, fen"),
      inviters: count.describe("distinct shoppers who invited anyone"),
      invitations: count.describe("distinct (inviter, invitee) pairs"),
      convertedInvitations: count.describe("pairs with a join or an order"),
      invitesPerInviter: z.number().describe("i = invitations ÷ inviters"),
      conversion: z.number().describe("c = converted invitations ÷ invitations"),
      kFactor: z.number().describe("K = i × c: converted shoppers each sharer brings on average; above 1 the campaign grows by itself"),
      depth: count.describe("the deepest shopper's depth; roots are at 0"),
    }),
    topSpreaders: z
      .array(z.object({ id: shopperName, label: z.string(), descendants: count, depth: count }))
      .describe(`the ${TOP_SPREADERS} shoppers with the most descendants, most first`),
    graph: z.object({
      campaign: z.string(),
      nodes: z.array(
        z.object({
          id: shopperName,
          label: z.string().describe("what to draw on the node: the id, or the pseudonym's first 6 hex digits"),
          size: count.describe("1 + descendants"),
          descendants: count,
          depth: count,
          parent: shopperName.nullable().describe("who placed the shopper in the tree; null for a root"),
        }),
      ),
      edges: z.array(
        z.object({
          id: z.string(),
          source: shopperName,
          target: shopperName,
          kind: kind.describe("the furthest the invitee went through this inviter"),
          kinds: z.array(kind),
          tree: z.boolean().describe("the tree edge that placed the target (first touch); false: a later touch, a back edge included"),
        }),
      ),
    }),
  })
  .openapi("PropagationReport");
export type ReportSchemaMatchesCode = Holds<Describes<z.output<typeof reportSchema>, PropagationReport>>;

const LIVE = noStore("the graph grows with every landing, join and order");

const listRoute = adminRoute({
  method: "get",
  path: "/propagation",
  admits: "readSales",
  summary: "Campaigns with propagation edges and their counts, most recently active first",
  description: `At most ${MAX_CAMPAIGNS} campaigns. Without Postgres, 503.`,
  responses: {
    200: {
      description: "the campaigns",
      headers: LIVE,
      content: { "application/json": { schema: z.object({ campaigns: z.array(summarySchema) }).openapi("PropagationCampaigns") } },
    },
  },
  errors: ["dependency_unavailable"],
});

const reportRoute = adminRoute({
  method: "get",
  path: "/propagation/{campaign}",
  admits: "readSales",
  summary: "A campaign's propagation report: totals, K-factor, depth, top spreaders and the graph",
  description: `Built from the campaign's newest edges, at most \`limit\` (${MAX_CAMPAIGN_EDGES}; \`edges.truncated\` says when older ones were left out). Tree rule: a shopper's first inviter is their parent; a later edge to them is a touch, and one to an ancestor of its inviter (a cycle) a back edge, never a tree edge. Shoppers are named by id only for roles that may read shoppers (\`readShoppers\`), by pseudonym for the others. A campaign with no edges is an empty report. Without Postgres, 503.`,
  request: {
    params: z.object({
      campaign: z
        .string()
        .min(1)
        .max(128)
        .openapi({ param: { description: "the campaign (`utm_campaign` of the share links)" } }),
    }),
    query: z.object({ limit: z.coerce.number().int().min(1).max(MAX_CAMPAIGN_EDGES).default(MAX_CAMPAIGN_EDGES) }),
  },
  responses: { 200: { description: "the report", headers: LIVE, content: { "application/json": { schema: reportSchema } } } },
  errors: ["dependency_unavailable"],
});

export const adminPropagation = contractApp()
  .openapi(listRoute, async (c) => {
    const campaigns = await graphDatabase(c.env, (db) => listCampaigns(db));
    c.header("Cache-Control", "no-store");
    return c.json({ campaigns }, 200);
  })
  .openapi(reportRoute, async (c) => {
    const { campaign } = c.req.valid("param");
    const { limit } = c.req.valid("query");
    const [read, teams] = await graphDatabase(c.env, (db) =>
      Promise.all([readCampaignEdges(db, campaign, limit), completedTeams(db, campaign)]),
    );
    const report = await namedReport(read, {
      naming: may(c.get("staff").role, "readShoppers") ? "shopper_ids" : "pseudonyms",
      secret: c.env.SESSION_SECRET,
      completedTeams: teams,
    });
    c.header("Cache-Control", "no-store");
    return c.json(report, 200);
  });

/** Borrows Postgres for a read of the graph; unreachable (or too slow) is 503. */
function graphDatabase<T>(env: Env, work: (db: Database) => Promise<T>): Promise<T> {
  return readDatabase(env, { what: "the propagation graph", log: "propagation", timeoutMs: READ_TIMEOUT_MS }, work);
}
