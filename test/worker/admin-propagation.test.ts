import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { databaseSettings } from "../../src/config.ts";
import { withDatabase } from "../../src/db/client.ts";
import { type CampaignSummary, type EdgeInput, recordEdges } from "../../src/propagation/edge-store.ts";
import type { PropagationReport } from "../../src/propagation/report.ts";
import { asOwner, call, errorOf, makeApiKey } from "./staff-support.ts";

/**
 * The propagation routes (issue 14) in workerd, over edges written through the edge store
 * (src/propagation/edge-store.ts recordEdge) into the test Postgres.
 *
 * The hand-computed fixture, in time order:
 *   A→B, A→C, B→D, D→E, C→F (visits: the tree), E→A (a cycle attempt: A is E's ancestor),
 *   B→A (B inviting A after A invited B), A→B join, C→F join, B→D order ¥99.00, D→E order ¥50.00,
 *   C→D visit (D is B's already: a touch).
 *
 *   A ─┬─ B ── D ── E        descendants A 5, B 2, C 1, D 1, E 0, F 0; depth 3 (E)
 *      └─ C ── F
 *
 * K-factor by hand: invitations (distinct pairs) A→B, A→C, B→D, D→E, C→F, E→A, B→A, C→D = 8;
 * inviters A, B, C, D, E = 5 → i = 1.6. Converted pairs (a join or an order): A→B, C→F, B→D,
 * D→E = 4 → c = 4 / 8 = 0.5. K = 1.6 × 0.5 = 0.8 (= 4 converted ÷ 5 inviters).
 * Visits 8, joins 2, orders 2, revenue 14,900 fen.
 */
const T0 = Date.UTC(2026, 10, 11, 12, 0, 0);

function fixture(campaign: string, ids: Record<string, string>): EdgeInput[] {
  let second = 0;
  const e = (from: string, to: string, kind: EdgeInput["kind"] = "visit", order?: { orderId: string; amount: number }): EdgeInput => ({
    campaign,
    inviterId: ids[from]!,
    inviteeId: ids[to]!,
    kind,
    at: T0 + ++second * 1_000,
    ...order,
  });
  return [
    e("A", "B"),
    e("A", "C"),
    e("B", "D"),
    e("D", "E"),
    e("C", "F"),
    e("E", "A"),
    e("B", "A"),
    e("A", "B", "join"),
    e("C", "F", "join"),
    e("B", "D", "order", { orderId: `${campaign}-o1`, amount: 9_900 }),
    e("D", "E", "order", { orderId: `${campaign}-o2`, amount: 5_000 }),
    e("C", "D"),
  ];
}

async function seed(): Promise<{ campaign: string; ids: Record<string, string> }> {
  const campaign = `d11-${crypto.randomUUID().slice(0, 8)}`;
  const ids = Object.fromEntries(
    ["A", "B", "C", "D", "E", "F"].map((n) => [n, `shp_${n.toLowerCase()}${crypto.randomUUID().slice(0, 8)}`]),
  );
  const outcomes = await withDatabase(databaseSettings(env), (db) => recordEdges(db, fixture(campaign, ids)));
  expect(outcomes).toEqual(["tree", "tree", "tree", "tree", "tree", "back_edge", "back_edge", "touch", "touch", "touch", "touch", "touch"]);
  return { campaign, ids };
}

describe("GET /admin/api/propagation/{campaign}", () => {
  it("reports the hand-computed figures: descendants, depth 3, K-factor 0.8, revenue, and no edge back up the tree", async () => {
    const { campaign, ids } = await seed();
    const response = await asOwner(`/propagation/${campaign}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const report = await response.json<PropagationReport>();
    expect(report.naming).toBe("shopper_ids");
    expect(report.edges).toEqual({ read: 12, total: 12, truncated: false, limit: 20_000 });
    expect(report.totals).toEqual({
      campaign,
      people: 6,
      visits: 8,
      joins: 2,
      completedTeams: 0,
      orders: 2,
      revenue: 14_900,
      inviters: 5,
      invitations: 8,
      convertedInvitations: 4,
      invitesPerInviter: 1.6,
      conversion: 0.5,
      kFactor: 0.8,
      depth: 3,
    });
    const byId = new Map(report.graph.nodes.map((n) => [n.id, n]));
    const descendants = Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, byId.get(id)?.descendants]));
    expect(descendants).toEqual({ A: 5, B: 2, C: 1, D: 1, E: 0, F: 0 });
    expect(byId.get(ids.A!)).toMatchObject({ size: 6, depth: 0, parent: null });
    expect(byId.get(ids.E!)).toMatchObject({ size: 1, depth: 3, parent: ids.D });
    // The cycle attempts are drawn as touches, never as tree edges: A keeps no parent.
    const edge = (from: string, to: string) => report.graph.edges.find((e) => e.source === ids[from] && e.target === ids[to]);
    expect(edge("E", "A")).toMatchObject({ tree: false, kind: "visit" });
    expect(edge("B", "A")).toMatchObject({ tree: false });
    expect(edge("B", "D")).toMatchObject({ tree: true, kind: "order", kinds: ["visit", "order"] });
    expect(edge("C", "D")).toMatchObject({ tree: false });
    expect(report.graph.edges.filter((e) => e.tree)).toHaveLength(5);
    expect(report.topSpreaders.map((s) => [s.id, s.descendants])).toEqual(
      [
        [ids.A, 5],
        [ids.B, 2],
        [ids.C, 1],
        [ids.D, 1],
      ].sort((a, b) => (b[1] as number) - (a[1] as number) || String(a[0]).localeCompare(String(b[0]))),
    );
  });

  it("names shoppers by pseudonym for a role that may not read shoppers, the same on every read", async () => {
    const { campaign, ids } = await seed();
    const integration = await makeApiKey("integration");
    const first = await (await call(`/propagation/${campaign}`, { bearer: integration.key })).json<PropagationReport>();
    const again = await (await call(`/propagation/${campaign}`, { bearer: integration.key })).json<PropagationReport>();
    expect(first.naming).toBe("pseudonyms");
    expect(again.graph).toEqual(first.graph);
    const text = JSON.stringify(first);
    for (const id of Object.values(ids)) expect(text).not.toContain(id);
    expect(first.totals).toMatchObject({ kFactor: 0.8, depth: 3, revenue: 14_900 });
    const root = first.graph.nodes.find((n) => n.parent === null)!;
    expect(root).toMatchObject({ descendants: 5, size: 6 });
    expect(root.id).toMatch(/^#[0-9a-f]{12}$/);
    expect(root.label).toBe(root.id.slice(0, 7));
    expect(first.topSpreaders[0]).toMatchObject({ id: root.id, label: root.label, descendants: 5 });
    expect(new Set(first.graph.edges.flatMap((e) => [e.source, e.target]))).toEqual(new Set(first.graph.nodes.map((n) => n.id)));
  });

  it("reads the newest edges when bounded and says so; a campaign with no edges is an empty report", async () => {
    const { campaign } = await seed();
    const bounded = await (await asOwner(`/propagation/${campaign}?limit=5`)).json<PropagationReport>();
    expect(bounded.edges).toEqual({ read: 5, total: 12, truncated: true, limit: 5 });
    const empty = await (await asOwner(`/propagation/nothing-${crypto.randomUUID()}`)).json<PropagationReport>();
    expect(empty.totals).toMatchObject({ people: 0, kFactor: 0, depth: 0 });
    expect(empty.graph).toMatchObject({ nodes: [], edges: [] });
    expect((await asOwner(`/propagation/${campaign}?limit=0`)).status).toBe(400);
  });
});

describe("GET /admin/api/propagation", () => {
  it("lists the campaigns with their counts", async () => {
    const { campaign } = await seed();
    const response = await asOwner("/propagation");
    expect(response.status).toBe(200);
    const { campaigns } = await response.json<{ campaigns: CampaignSummary[] }>();
    expect(campaigns.find((c) => c.campaign === campaign)).toEqual({
      campaign,
      edges: 12,
      visits: 8,
      joins: 2,
      orders: 2,
      revenue: 14_900,
      people: 6,
      firstAt: T0 + 1_000,
      lastAt: T0 + 12_000,
    });
  });

  it("is 503 dependency_unavailable when Postgres cannot be reached", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const down = { DATABASE_URL: "postgres://nobody:wrong@127.0.0.1:1/none" };
      for (const path of ["/propagation", "/propagation/d11"]) {
        const response = await asOwner(path, { env: down });
        expect(response.status, path).toBe(503);
        expect((await errorOf(response)).code).toBe("dependency_unavailable");
      }
    } finally {
      log.mockRestore();
    }
  });
});
