import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import {
  completedTeams,
  type EdgeInput,
  listCampaigns,
  MAX_ANCESTRY_DEPTH,
  readCampaignEdges,
  recordEdge,
  recordEdges,
} from "../../src/propagation/edge-store.ts";
import { buildTree } from "../../src/propagation/graph.ts";
import { propagationReport } from "../../src/propagation/metrics.ts";

// The edge store against the test stack's Postgres (the embedded PGlite, or DATABASE_URL):
// every test writes a campaign of its own and reads only that back.
let database: ReturnType<typeof openDatabase>;
beforeAll(() => {
  const vars = inject("stackVars");
  database = openDatabase({ url: vars.DATABASE_URL, localWsProxy: vars.NEON_WS_PROXY });
});
afterAll(async () => {
  await database?.close();
});

const T0 = Date.UTC(2026, 10, 11, 0, 0, 0);
const campaign = () => `graph-${crypto.randomUUID().slice(0, 8)}`;

/** The hand-computed fixture of test/unit/propagation-graph.test.ts, one second apart. */
function fixture(c: string): EdgeInput[] {
  let second = 0;
  const e = (inviterId: string, inviteeId: string, kind: EdgeInput["kind"] = "visit", order?: { orderId: string; amount: number }) => ({
    campaign: c,
    inviterId,
    inviteeId,
    kind,
    at: T0 + ++second * 1_000,
    ...order,
  });
  return [
    e("A", "B"),
    e("A", "C"),
    e("B", "D"),
    e("A", "B", "join"),
    e("D", "E"),
    e("C", "F"),
    e("C", "D"),
    e("E", "A"),
    e("B", "A"),
    e("B", "D", "order", { orderId: `${c}-o1`, amount: 9_900 }),
    e("C", "F", "join"),
    e("D", "E", "order", { orderId: `${c}-o2`, amount: 5_000 }),
    e("C", "D", "join"),
    e("F", "F"),
    e("A", "B"),
  ];
}

describe("recordEdge: the tree rule in Postgres", () => {
  it("places first touches, keeps later ones as touches, refuses back edges, skips self and duplicates", async () => {
    const c = campaign();
    const outcomes = await recordEdges(database.db, fixture(c));
    expect(outcomes).toEqual([
      "tree", // A→B
      "tree", // A→C
      "tree", // B→D
      "touch", // A→B join: B is placed
      "tree", // D→E
      "tree", // C→F
      "touch", // C→D: D is B's
      "back_edge", // E→A: A is E's ancestor (A→B→D→E)
      "back_edge", // B→A
      "touch", // B→D order
      "touch", // C→F join
      "touch", // D→E order
      "touch", // C→D join
      "self", // F→F
      "duplicate", // A→B again
    ]);
    const read = await readCampaignEdges(database.db, c);
    expect(read).toMatchObject({ total: 13, truncated: false });
    // The stored tree edges are the pure module's: the database and the console agree.
    const tree = buildTree(c, read.edges);
    expect(read.edges.map((e) => e.treeEdge)).toEqual(tree.edges.map((e) => e.treeEdge));
    expect(Object.fromEntries([...tree.nodes.values()].map((n) => [n.id, n.descendants]))).toEqual({ A: 5, B: 2, C: 1, D: 1, E: 0, F: 0 });
    const { totals } = propagationReport(c, read.edges);
    expect(totals).toMatchObject({ visits: 8, joins: 3, orders: 2, revenue: 14_900, kFactor: 1, depth: 3 });
  });

  it("classifies an edge up the tree, however far up, as a back edge", async () => {
    const c = campaign();
    // X→A→B→C: C inviting X (the root) or A (two up) is a back edge.
    await recordEdges(database.db, [
      { campaign: c, inviterId: "X", inviteeId: "A", kind: "visit", at: T0 + 1 },
      { campaign: c, inviterId: "A", inviteeId: "B", kind: "visit", at: T0 + 2 },
      { campaign: c, inviterId: "B", inviteeId: "C", kind: "visit", at: T0 + 3 },
    ]);
    expect(await recordEdges(database.db, [{ campaign: c, inviterId: "C", inviteeId: "X", kind: "visit", at: T0 + 4 }])).toEqual([
      "back_edge",
    ]);
    expect(await recordEdges(database.db, [{ campaign: c, inviterId: "C", inviteeId: "A", kind: "join", at: T0 + 5 }])).toEqual([
      "back_edge",
    ]);
  });

  it("decides A→B and B→A sent at once one after the other: one tree edge, one back edge", async () => {
    for (let round = 0; round < 5; round++) {
      const c = campaign();
      const both = await Promise.all([
        recordEdges(database.db, [{ campaign: c, inviterId: "A", inviteeId: "B", kind: "visit", at: T0 }]),
        recordEdges(database.db, [{ campaign: c, inviterId: "B", inviteeId: "A", kind: "visit", at: T0 }]),
      ]);
      expect(both.flat().sort()).toEqual(["back_edge", "tree"]);
    }
  });

  it("records an order once by its id, whoever it is credited to", async () => {
    const c = campaign();
    const order = { campaign: c, kind: "order" as const, orderId: `${c}-o`, amount: 100, at: T0 };
    expect(
      await recordEdges(database.db, [
        { ...order, inviterId: "A", inviteeId: "B" },
        { ...order, inviterId: "C", inviteeId: "B" },
      ]),
    ).toEqual(["tree", "duplicate"]);
    await expect(recordEdges(database.db, [{ ...order, orderId: null, inviterId: "A", inviteeId: "D" }])).rejects.toThrow(/order id/);
  });

  it("treats a chain deeper than the walk as reaching the invitee (a touch, never a cycle)", async () => {
    const c = campaign();
    // s0 → s1 → … → s64: s63, the last inviter, is 63 steps below s0, within the walk.
    const chain = Array.from({ length: MAX_ANCESTRY_DEPTH }, (_, i) => ({
      campaign: c,
      inviterId: `s${i}`,
      inviteeId: `s${i + 1}`,
      kind: "visit" as const,
      at: T0 + i,
    }));
    expect(new Set(await recordEdges(database.db, chain))).toEqual(new Set(["tree"]));
    // A fresh shopper reached from the bottom of the chain: the walk gives up before the top.
    const bottom = `s${MAX_ANCESTRY_DEPTH}`;
    expect(await recordEdges(database.db, [{ campaign: c, inviterId: bottom, inviteeId: "fresh", kind: "visit", at: T0 + 999 }])).toEqual([
      "back_edge",
    ]);
    expect(await recordEdges(database.db, [{ campaign: c, inviterId: "s3", inviteeId: "fresh2", kind: "visit", at: T0 + 999 }])).toEqual([
      "tree",
    ]);
  });
});

describe("reading a campaign", () => {
  it("reads the newest edges first when bounded, and says it left older ones out", async () => {
    const c = campaign();
    await recordEdges(
      database.db,
      Array.from({ length: 5 }, (_, i) => ({ campaign: c, inviterId: "A", inviteeId: `B${i}`, kind: "visit" as const, at: T0 + i })),
    );
    const read = await readCampaignEdges(database.db, c, 3);
    expect(read).toMatchObject({ total: 5, truncated: true, limit: 3 });
    expect(read.edges.map((e) => e.inviteeId)).toEqual(["B2", "B3", "B4"]);
    expect(await readCampaignEdges(database.db, `${c}-none`)).toMatchObject({ edges: [], total: 0, truncated: false });
  });

  it("lists campaigns with their counts, and counts completed teams from team_completed events", async () => {
    const c = campaign();
    await recordEdges(database.db, fixture(c));
    const listed = (await listCampaigns(database.db)).find((s) => s.campaign === c);
    expect(listed).toMatchObject({
      edges: 13,
      visits: 8,
      joins: 3,
      orders: 2,
      revenue: 14_900,
      people: 6,
      firstAt: T0 + 1_000,
      lastAt: T0 + 13_000,
    });
    expect(await completedTeams(database.db, c)).toBe(0);
    await database.db.transaction(async (tx) => {
      for (const [id, team] of [
        ["1", "t1"],
        ["2", "t1"],
        ["3", "t2"],
      ] as const) {
        await recordEdge(tx, { campaign: c, inviterId: "A", inviteeId: `team-${id}`, kind: "join", at: T0 + 20_000 });
        await tx.execute(
          `insert into events (id, type, shopper_id, at, received_at, device, props) values ('${c}-${id}', 'team_completed', 'shp_${id}', now(), now(), 'phone', '{"campaignId": "${c}", "teamId": "${team}"}')`,
        );
      }
    });
    expect(await completedTeams(database.db, c)).toBe(2);
  });
});
