/**
 * A campaign's propagation report as the admin API answers it (issue 14): the pure report of
 * ./metrics.ts over the edges read from Postgres (./edge-store.ts), with shoppers named as
 * the caller may see them. Shopper ids are personal data: staff who may not read shoppers
 * (the `readShoppers` capability, src/staff/roles.ts) get a pseudonym for each, an HMAC of
 * the campaign and the id under a server secret, the same on every read of the campaign (so
 * a spreader can be followed from one look to the next) and different from one campaign to
 * another (so two campaigns' graphs cannot be joined on it).
 */
import type { CampaignEdges } from "./edge-store.ts";
import { type CampaignTotals, type GraphView, propagationReport, type Spreader } from "./metrics.ts";

/** How many spreaders the report ranks. */
export const TOP_SPREADERS = 10;

export type Naming = "shopper_ids" | "pseudonyms";

export interface NamedSpreader extends Spreader {
  label: string;
}

export interface PropagationReport {
  campaign: string;
  /** How the nodes, edges and spreaders name shoppers. */
  naming: Naming;
  /** What was read: the newest `read` of `total` edges; `truncated` when older ones were left out. */
  edges: { read: number; total: number; truncated: boolean; limit: number };
  totals: CampaignTotals;
  topSpreaders: NamedSpreader[];
  graph: GraphView;
}

const HMAC = { name: "HMAC", hash: "SHA-256" } as const;
/** Hex digits of a pseudonym's id (48 bits: no collision in practice among a campaign's shoppers) and of its label. */
const ID_HEX = 12;
const LABEL_HEX = 6;

/** Names shoppers by pseudonym: `#` and hex digits of HMAC-SHA256(secret, campaign ␀ id). */
async function pseudonyms(secret: string, campaign: string, ids: Iterable<string>): Promise<Map<string, string>> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(`propagation-pseudonym:${secret}`), HMAC, false, ["sign"]);
  const named = new Map<string, string>();
  const taken = new Set<string>();
  for (const id of ids) {
    if (named.has(id)) continue;
    const mac = new Uint8Array(await crypto.subtle.sign(HMAC.name, key, new TextEncoder().encode(`${campaign}\u0000${id}`)));
    const hex = [...mac].map((byte) => byte.toString(16).padStart(2, "0")).join("");
    let length = ID_HEX;
    while (taken.has(hex.slice(0, length))) length += 2; // never in practice; kept unique whatever happens
    const pseudonym = `#${hex.slice(0, length)}`;
    taken.add(pseudonym.slice(1));
    named.set(id, pseudonym);
  }
  return named;
}

/**
 * The report of a campaign's edges. `naming` says whether the caller sees shopper ids;
 * `completedTeams` comes from elsewhere (./edge-store.ts completedTeams: the graph cannot tell).
 */
export async function namedReport(
  read: CampaignEdges,
  options: { naming: Naming; secret: string; completedTeams: number },
): Promise<PropagationReport> {
  const report = propagationReport(read.campaign, read.edges, { completedTeams: options.completedTeams, top: TOP_SPREADERS });
  const edges = { read: read.edges.length, total: read.total, truncated: read.truncated, limit: read.limit };
  if (options.naming === "shopper_ids") {
    return {
      campaign: read.campaign,
      naming: "shopper_ids",
      edges,
      totals: report.totals,
      topSpreaders: report.topSpreaders.map((s) => ({ ...s, label: s.id })),
      graph: report.graph,
    };
  }
  const names = await pseudonyms(
    options.secret,
    read.campaign,
    report.graph.nodes.map((n) => n.id),
  );
  const name = (id: string) => names.get(id) ?? "#?";
  const label = (id: string) => name(id).slice(0, LABEL_HEX + 1);
  return {
    campaign: read.campaign,
    naming: "pseudonyms",
    edges,
    totals: report.totals,
    topSpreaders: report.topSpreaders.map((s) => ({ ...s, id: name(s.id), label: label(s.id) })),
    graph: {
      campaign: read.campaign,
      nodes: report.graph.nodes.map((n) => ({
        ...n,
        id: name(n.id),
        label: label(n.id),
        parent: n.parent === null ? null : name(n.parent),
      })),
      edges: report.graph.edges.map((e) => ({
        ...e,
        id: `${name(e.source)}->${name(e.target)}`,
        source: name(e.source),
        target: name(e.target),
      })),
    },
  };
}
