/**
 * A campaign's spread in numbers (issue 14), from its propagation tree (./graph.ts): totals,
 * the K-factor, depth, the top spreaders, and a view shaped for a graph library.
 *
 * Counting, so that a redelivered edge changes nothing (the same key as the table's unique
 * index): a visit or a join counts once per inviter, invitee and kind; an order once per
 * order id, with its amount once. Self-edges count nowhere. Touches (edges that made no tree
 * edge, back edges included) count like tree edges: the landing, the join and the order
 * happened, whoever placed the shopper first.
 *
 * K-factor, the viral coefficient: K = i × c, where
 * - i = invitations per inviter: the distinct (inviter, invitee) pairs with any edge, divided
 *   by the distinct shoppers who invited anyone;
 * - c = conversion: the share of those invitations whose invitee converted through it, that
 *   is, the pair also has a `join` or an `order` edge.
 * So K = converted invitations ÷ inviters: how many converted shoppers each sharer brings on
 * average. K > 1 means the campaign grows by itself.
 * Invitations are counted in pairs on both sides on purpose: counting invitees once in c while
 * i counts a shopper invited by two friends twice would overstate K. An "invitation" is one
 * that reached someone (a landing): a share nobody opened leaves no edge (the `share` event
 * counts those, src/events/event.ts).
 */
import { buildTree, type EdgeKind, type PropagationEdge, type PropagationTree } from "./graph.ts";

export interface CampaignTotals {
  campaign: string;
  /** Shoppers in the tree. */
  people: number;
  visits: number;
  joins: number;
  /** Teams of the campaign that filled, as the sale counts them (passed in: the graph does not know team sizes). */
  completedTeams: number;
  orders: number;
  /** The attributed orders' amounts, integer minor units (fen). */
  revenue: number;
  /** Distinct shoppers who invited anyone. */
  inviters: number;
  /** Distinct (inviter, invitee) pairs. */
  invitations: number;
  /** Invitations whose invitee joined or ordered through them. */
  convertedInvitations: number;
  /** i: invitations ÷ inviters (0 without inviters). */
  invitesPerInviter: number;
  /** c: converted invitations ÷ invitations (0 without invitations). */
  conversion: number;
  /** K = i × c. */
  kFactor: number;
  /** The deepest shopper's depth; roots are at 0. */
  depth: number;
}

export interface Spreader {
  id: string;
  descendants: number;
  depth: number;
}

const pairKey = (inviter: string, invitee: string) => JSON.stringify([inviter, invitee]);

/** The totals and K-factor of a campaign's tree (see the module comment for each definition). */
export function campaignTotals(tree: PropagationTree, completedTeams = 0): CampaignTotals {
  const seen = new Set<string>();
  const pairs = new Set<string>();
  const converted = new Set<string>();
  const inviters = new Set<string>();
  let visits = 0;
  let joins = 0;
  let orders = 0;
  let revenue = 0;
  for (const edge of tree.edges) {
    if (edge.role === "self") continue;
    const pair = pairKey(edge.inviterId, edge.inviteeId);
    pairs.add(pair);
    inviters.add(edge.inviterId);
    if (edge.kind !== "visit") converted.add(pair);
    const key = edge.kind === "order" && edge.orderId ? `order:${edge.orderId}` : `${edge.kind}:${pair}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (edge.kind === "visit") visits++;
    else if (edge.kind === "join") joins++;
    else {
      orders++;
      revenue += edge.amount ?? 0;
    }
  }
  const invitesPerInviter = inviters.size === 0 ? 0 : pairs.size / inviters.size;
  const conversion = pairs.size === 0 ? 0 : converted.size / pairs.size;
  return {
    campaign: tree.campaign,
    people: tree.nodes.size,
    visits,
    joins,
    completedTeams,
    orders,
    revenue,
    inviters: inviters.size,
    invitations: pairs.size,
    convertedInvitations: converted.size,
    invitesPerInviter,
    conversion,
    kFactor: invitesPerInviter * conversion,
    depth: tree.depth,
  };
}

/** The shoppers with the most descendants, most first, ties by id; only those with at least one. */
export function topSpreaders(tree: PropagationTree, limit = 10): Spreader[] {
  return [...tree.nodes.values()]
    .filter((node) => node.descendants > 0)
    .sort((a, b) => b.descendants - a.descendants || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, limit)
    .map(({ id, descendants, depth }) => ({ id, descendants, depth }));
}

/** A node as graph libraries (Cytoscape, vis-network, Sigma, ECharts' graph) take it. */
export interface GraphNode {
  id: string;
  label: string;
  /** 1 + descendants: a leaf is still drawn. */
  size: number;
  descendants: number;
  depth: number;
  parent: string | null;
}

/** One edge per (inviter, invitee) pair. */
export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** The furthest the invitee went through this inviter: order, else join, else visit. */
  kind: EdgeKind;
  kinds: EdgeKind[];
  /** Whether the pair is a tree edge (the target's parent is the source). */
  tree: boolean;
}

export interface GraphView {
  campaign: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const KIND_RANK: Record<EdgeKind, number> = { visit: 0, join: 1, order: 2 };

/**
 * The tree and its touches shaped for a graph library. `label` names a node for display (say
 * a masked nickname); by default the id. Self-edges are left out.
 */
export function graphView(tree: PropagationTree, label: (id: string) => string = (id) => id): GraphView {
  const nodes = [...tree.nodes.values()].map((node) => ({
    id: node.id,
    label: label(node.id),
    size: 1 + node.descendants,
    descendants: node.descendants,
    depth: node.depth,
    parent: node.parent,
  }));
  const edges = new Map<string, GraphEdge>();
  for (const edge of tree.edges) {
    if (edge.role === "self") continue;
    const id = `${edge.inviterId}->${edge.inviteeId}`;
    let view = edges.get(id);
    if (!view) {
      view = { id, source: edge.inviterId, target: edge.inviteeId, kind: edge.kind, kinds: [], tree: false };
      edges.set(id, view);
    }
    if (!view.kinds.includes(edge.kind)) view.kinds.push(edge.kind);
    view.kinds.sort((a, b) => KIND_RANK[a] - KIND_RANK[b]);
    view.kind = view.kinds.at(-1)!;
    view.tree ||= edge.treeEdge;
  }
  return { campaign: tree.campaign, nodes, edges: [...edges.values()] };
}

/** Everything a campaign's propagation page shows, from its edges. */
export function propagationReport(
  campaign: string,
  edges: readonly PropagationEdge[],
  options: { completedTeams?: number; top?: number } = {},
): { totals: CampaignTotals; topSpreaders: Spreader[]; graph: GraphView } {
  const tree = buildTree(campaign, edges);
  return {
    totals: campaignTotals(tree, options.completedTeams ?? 0),
    topSpreaders: topSpreaders(tree, options.top),
    graph: graphView(tree),
  };
}
