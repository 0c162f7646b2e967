import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildTree, campaignsOf, EDGE_KINDS, type PropagationEdge } from "../../src/propagation/graph.ts";
import { campaignTotals, graphView, propagationReport, topSpreaders } from "../../src/propagation/metrics.ts";

const C = "d11";
let clock = 0;
const edge = (
  inviterId: string,
  inviteeId: string,
  kind: PropagationEdge["kind"] = "visit",
  order?: { orderId: string; amount: number },
) => ({
  campaign: C,
  inviterId,
  inviteeId,
  kind,
  at: ++clock * 1_000,
  ...order,
});

/**
 * The hand-computed fixture. In time order:
 *   A→B, A→C, B→D (visits); A→B join; D→E, C→F (visits);
 *   C→D visit  — D is already B's: a touch, no tree edge;
 *   E→A visit  — A is E's ancestor (A→B→D→E): a back edge, refused as a tree edge;
 *   B→A visit  — B inviting A after A invited B: a back edge;
 *   B→D order o1 ¥99.00; C→F join; D→E order o2 ¥50.00; C→D join (D joins C's team: a touch that converts);
 *   F→F visit  — self: ignored;  A→B visit again — a redelivery: counted once;
 *   and one edge of another campaign, left out.
 *
 * The tree:   A ─┬─ B ── D ── E
 *                └─ C ── F
 * Descendants A 5, B 2, C 1, D 1, E 0, F 0; depth 3 (E); one root, 5 + 1 = 6 shoppers.
 *
 * K-factor by hand:
 *   invitations (distinct pairs): A→B, A→C, B→D, D→E, C→F, C→D, E→A, B→A = 8
 *   inviters: A, B, C, D, E = 5                       → i = 8 / 5 = 1.6
 *   converted pairs: A→B (join), B→D (order), C→F (join), D→E (order), C→D (join) = 5
 *                                                     → c = 5 / 8 = 0.625
 *   K = 1.6 × 0.625 = 1.0 (= 5 converted invitations ÷ 5 inviters)
 * Totals: visits 8 (the pairs above, each with a visit), joins 3, orders 2, revenue 14,900 fen.
 */
function fixture(): PropagationEdge[] {
  clock = 0;
  return [
    edge("A", "B"),
    edge("A", "C"),
    edge("B", "D"),
    edge("A", "B", "join"),
    edge("D", "E"),
    edge("C", "F"),
    edge("C", "D"),
    edge("E", "A"),
    edge("B", "A"),
    edge("B", "D", "order", { orderId: "o1", amount: 9_900 }),
    edge("C", "F", "join"),
    edge("D", "E", "order", { orderId: "o2", amount: 5_000 }),
    edge("C", "D", "join"),
    edge("F", "F"),
    edge("A", "B"),
    { ...edge("X", "A"), campaign: "other" },
  ];
}

describe("the propagation tree (src/propagation/graph.ts)", () => {
  it("gives each shopper the first inviter that reached them, and the hand-computed descendants and depth", () => {
    const tree = buildTree(C, fixture());
    const parents = Object.fromEntries([...tree.nodes.values()].map((n) => [n.id, n.parent]));
    expect(parents).toEqual({ A: null, B: "A", C: "A", D: "B", E: "D", F: "C" });
    const descendants = Object.fromEntries([...tree.nodes.values()].map((n) => [n.id, n.descendants]));
    expect(descendants).toEqual({ A: 5, B: 2, C: 1, D: 1, E: 0, F: 0 });
    expect(Object.fromEntries([...tree.nodes.values()].map((n) => [n.id, n.depth]))).toEqual({ A: 0, B: 1, C: 1, D: 2, E: 3, F: 2 });
    expect(tree.depth).toBe(3);
    expect(tree.roots).toEqual(["A"]);
  });

  it("never makes an edge back up the tree: E→A and B→A are back edges, C→D a touch, F→F ignored", () => {
    const roles = buildTree(C, fixture()).edges.map((e) => `${e.inviterId}${e.inviteeId} ${e.kind} ${e.role}`);
    expect(roles).toEqual([
      "AB visit tree",
      "AC visit tree",
      "BD visit tree",
      "AB join touch",
      "DE visit tree",
      "CF visit tree",
      "CD visit touch",
      "EA visit back_edge",
      "BA visit back_edge",
      "BD order touch",
      "CF join touch",
      "DE order touch",
      "CD join touch",
      "FF visit self",
      "AB visit touch",
    ]);
    expect(buildTree(C, fixture()).edges.filter((e) => e.treeEdge)).toHaveLength(5);
  });

  it("takes edges in time order whatever order they arrive in", () => {
    const edges = fixture();
    const shuffled = [...edges].reverse();
    const parents = (es: PropagationEdge[]) => [...buildTree(C, es).nodes.values()].map((n) => [n.id, n.parent]).sort();
    expect(parents(shuffled)).toEqual(parents(edges));
  });

  it("keeps a shopper who shared before anyone reached them a root: a later invitation to them is a touch", () => {
    clock = 0;
    const tree = buildTree(C, [edge("A", "B"), edge("X", "A"), edge("X", "Y")]);
    expect(tree.roots).toEqual(["A", "X"]);
    expect(tree.nodes.get("A")?.descendants).toBe(1);
    expect(tree.nodes.get("X")?.descendants).toBe(1);
  });

  it("lists the campaigns, and has an empty tree for a campaign with no edges", () => {
    expect(campaignsOf(fixture())).toEqual(["d11", "other"]);
    expect(buildTree("none", fixture())).toMatchObject({ roots: [], depth: 0, edges: [] });
  });
});

describe("a campaign's numbers (src/propagation/metrics.ts)", () => {
  it("matches the hand-computed totals and K-factor", () => {
    expect(campaignTotals(buildTree(C, fixture()), 1)).toEqual({
      campaign: C,
      people: 6,
      visits: 8,
      joins: 3,
      completedTeams: 1,
      orders: 2,
      revenue: 14_900,
      inviters: 5,
      invitations: 8,
      convertedInvitations: 5,
      invitesPerInviter: 1.6,
      conversion: 0.625,
      kFactor: 1,
      depth: 3,
    });
  });

  it("counts an order once by its id, even when it arrives twice", () => {
    clock = 0;
    const order = edge("A", "B", "order", { orderId: "o1", amount: 100 });
    const totals = campaignTotals(buildTree(C, [edge("A", "B"), order, { ...order, at: order.at + 1 }]));
    expect(totals).toMatchObject({ orders: 1, revenue: 100, kFactor: 1 });
  });

  it("has a K-factor of 0, not NaN, with no invitations", () => {
    expect(campaignTotals(buildTree(C, []))).toMatchObject({ kFactor: 0, invitesPerInviter: 0, conversion: 0, people: 0 });
  });

  it("ranks the top spreaders by descendants, ties by id, leaving out those who brought no one", () => {
    expect(topSpreaders(buildTree(C, fixture()))).toEqual([
      { id: "A", descendants: 5, depth: 0 },
      { id: "B", descendants: 2, depth: 1 },
      { id: "C", descendants: 1, depth: 1 },
      { id: "D", descendants: 1, depth: 2 },
    ]);
    expect(topSpreaders(buildTree(C, fixture()), 2).map((s) => s.id)).toEqual(["A", "B"]);
  });

  it("shapes the graph for a graph library: nodes sized by descendants, one edge per pair with its furthest kind", () => {
    const view = graphView(buildTree(C, fixture()), (id) => `shopper ${id}`);
    expect(view.nodes.find((n) => n.id === "A")).toEqual({ id: "A", label: "shopper A", size: 6, descendants: 5, depth: 0, parent: null });
    expect(view.edges.map((e) => [e.source, e.target, e.kind, e.tree])).toEqual([
      ["A", "B", "join", true],
      ["A", "C", "visit", true],
      ["B", "D", "order", true],
      ["D", "E", "order", true],
      ["C", "F", "join", true],
      ["C", "D", "join", false],
      ["E", "A", "visit", false],
      ["B", "A", "visit", false],
    ]);
    expect(view.edges[0]?.kinds).toEqual(["visit", "join"]);
    expect(propagationReport(C, fixture(), { completedTeams: 1, top: 1 })).toMatchObject({
      totals: { kFactor: 1 },
      topSpreaders: [{ id: "A" }],
      graph: { campaign: C },
    });
  });
});

describe("the tree's invariants, for any sequence of edges", () => {
  const anyEdge = fc.record({
    campaign: fc.constant(C),
    inviterId: fc.constantFrom("A", "B", "C", "D", "E", "F", "G"),
    inviteeId: fc.constantFrom("A", "B", "C", "D", "E", "F", "G"),
    kind: fc.constantFrom(...EDGE_KINDS),
    at: fc.integer({ min: 0, max: 50 }),
  });

  it("has no cycle, at most one parent each, and the roots' subtrees cover every shopper exactly once", () => {
    fc.assert(
      fc.property(fc.array(anyEdge, { maxLength: 40 }), (edges) => {
        const tree = buildTree(C, edges);
        const ids = new Set(edges.filter((e) => e.inviterId !== e.inviteeId).flatMap((e) => [e.inviterId, e.inviteeId]));
        expect(new Set(tree.nodes.keys())).toEqual(ids);

        // At most one parent: one tree edge per invitee, and as many as the non-roots.
        const treeEdges = tree.edges.filter((e) => e.treeEdge);
        expect(new Set(treeEdges.map((e) => e.inviteeId)).size).toBe(treeEdges.length);
        expect(treeEdges.length).toBe(tree.nodes.size - tree.roots.length);

        // No cycle: every walk up reaches a root within as many steps as there are shoppers.
        for (const node of tree.nodes.values()) {
          let at = node;
          let steps = 0;
          while (at.parent !== null) {
            at = tree.nodes.get(at.parent)!;
            expect(++steps).toBeLessThanOrEqual(tree.nodes.size);
          }
          expect(tree.roots).toContain(at.id);
          expect(node.depth).toBe(steps);
        }

        // Σ over roots of (descendants + 1) = shoppers; descendants agree with a count by walking up.
        expect(tree.roots.reduce((sum, root) => sum + tree.nodes.get(root)!.descendants + 1, 0)).toBe(tree.nodes.size);
        for (const node of tree.nodes.values()) {
          const below = [...tree.nodes.values()].filter((other) => {
            for (let up = other.parent; up !== null; up = tree.nodes.get(up)!.parent) if (up === node.id) return true;
            return false;
          });
          expect(node.descendants).toBe(below.length);
        }

        // First touch: a shopper's parent is the inviter of the first edge (by time, then given order) that named them.
        const ordered = edges.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i);
        for (const node of tree.nodes.values()) {
          const first = ordered.find(({ e }) => e.inviterId !== e.inviteeId && (e.inviterId === node.id || e.inviteeId === node.id))!.e;
          expect(node.parent).toBe(first.inviteeId === node.id ? first.inviterId : null);
        }

        // K is converted invitations per inviter, never more than invitations per inviter.
        const totals = campaignTotals(tree);
        expect(totals.kFactor).toBeCloseTo(totals.inviters === 0 ? 0 : totals.convertedInvitations / totals.inviters, 10);
        expect(totals.kFactor).toBeLessThanOrEqual(totals.invitesPerInviter + 1e-12);
      }),
    );
  });
});
