/**
 * The propagation graph of a campaign (issue 14): who brought whom. Every recorded step of a
 * share is an edge inviter → invitee (`propagation_edges`, src/db/schema.ts): the invitee
 * landed through the inviter's link (`visit`), joined the inviter's team (`join`), or placed
 * an order credited to the inviter (`order`, with its amount; src/share/attribution.ts).
 *
 * From the edges, a tree (one per root; a forest per campaign), by one rule:
 * - A shopper gets ONE parent: the first inviter that reached them (first touch for the tree;
 *   attribution of orders is last touch, a different question). Edges are taken in time
 *   order, ties in the order given.
 * - Once a shopper is in the tree (reached by someone, or an inviter no one reached: a root),
 *   later edges to them are kept as touches (they count in the totals and the K-factor) but
 *   make no tree edge. In particular an edge whose invitee is an ancestor of its inviter (B
 *   inviting A after A invited B, or E inviting A down a longer chain) never makes an edge
 *   back up the tree: it is classified `back_edge`, a touch.
 * - An edge from a shopper to themself is ignored: not a touch, not a node.
 *
 * Because a tree edge only ever hangs a shopper not yet in the tree below one who is, the
 * tree can have no cycle, and every shopper has at most one parent
 * (test/unit/propagation-graph.test.ts checks both for any sequence of edges).
 */

export const EDGE_KINDS = ["visit", "join", "order"] as const;
export type EdgeKind = (typeof EDGE_KINDS)[number];

/** A recorded edge, as a `propagation_edges` row holds it. */
export interface PropagationEdge {
  campaign: string;
  inviterId: string;
  inviteeId: string;
  kind: EdgeKind;
  /** Epoch ms. */
  at: number;
  /** Order edges: the order credited, and its amount in integer minor units (fen). */
  orderId?: string | null;
  amount?: number | null;
}

/**
 * What an edge did to the tree: `tree` placed its invitee; `touch` reached someone already
 * placed; `back_edge` reached an ancestor of its inviter (also a touch, named apart because
 * it is the cycle the rule refuses); `self` was ignored.
 */
export type EdgeRole = "tree" | "touch" | "back_edge" | "self";

export interface ClassifiedEdge extends PropagationEdge {
  role: EdgeRole;
  /** The `tree_edge` column: whether this edge is the invitee's one link to its parent. */
  treeEdge: boolean;
}

export interface TreeNode {
  id: string;
  /** Who first reached this shopper; null for a root (an inviter no one reached). */
  parent: string | null;
  /** Roots are at depth 0. */
  depth: number;
  /** Every shopper below this one, at any depth. */
  descendants: number;
  children: string[];
  /** When the shopper entered the tree (epoch ms). */
  placedAt: number;
}

export interface PropagationTree {
  campaign: string;
  /** In the order they entered the tree: a parent always before its children. */
  nodes: Map<string, TreeNode>;
  roots: string[];
  /** The campaign's edges in time order, each classified. */
  edges: ClassifiedEdge[];
  /** The deepest node's depth; 0 for a tree of roots only or none. */
  depth: number;
}

/** Whether `ancestor` is `id` or above it in the tree. */
function isAncestor(nodes: Map<string, TreeNode>, ancestor: string, id: string): boolean {
  for (let at: string | null = id; at !== null; at = nodes.get(at)?.parent ?? null) {
    if (at === ancestor) return true;
  }
  return false;
}

/** The propagation tree of `campaign` from `edges` (edges of other campaigns are left out; any order). */
export function buildTree(campaign: string, edges: readonly PropagationEdge[]): PropagationTree {
  const ordered = edges
    .map((edge, index) => ({ edge, index }))
    .filter(({ edge }) => edge.campaign === campaign)
    .sort((a, b) => a.edge.at - b.edge.at || a.index - b.index)
    .map(({ edge }) => edge);
  const nodes = new Map<string, TreeNode>();
  const roots: string[] = [];
  const classified: ClassifiedEdge[] = [];
  const place = (id: string, parent: TreeNode | null, at: number) => {
    nodes.set(id, { id, parent: parent?.id ?? null, depth: parent ? parent.depth + 1 : 0, descendants: 0, children: [], placedAt: at });
    if (parent) parent.children.push(id);
    else roots.push(id);
  };
  for (const edge of ordered) {
    if (edge.inviterId === edge.inviteeId) {
      classified.push({ ...edge, role: "self", treeEdge: false });
      continue;
    }
    if (!nodes.has(edge.inviterId)) place(edge.inviterId, null, edge.at);
    if (!nodes.has(edge.inviteeId)) {
      place(edge.inviteeId, nodes.get(edge.inviterId)!, edge.at);
      classified.push({ ...edge, role: "tree", treeEdge: true });
    } else {
      const role = isAncestor(nodes, edge.inviteeId, edge.inviterId) ? "back_edge" : "touch";
      classified.push({ ...edge, role, treeEdge: false });
    }
  }
  // Children enter after their parents, so one pass from the last placed up adds each subtree to its parent.
  const placed = [...nodes.values()];
  for (let i = placed.length - 1; i >= 0; i--) {
    const node = placed[i]!;
    if (node.parent !== null) nodes.get(node.parent)!.descendants += node.descendants + 1;
  }
  const depth = placed.reduce((deepest, node) => Math.max(deepest, node.depth), 0);
  return { campaign, nodes, roots, edges: classified, depth };
}

/** Every campaign the edges name, sorted. */
export function campaignsOf(edges: readonly PropagationEdge[]): string[] {
  return [...new Set(edges.map((edge) => edge.campaign))].sort();
}
