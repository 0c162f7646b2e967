import { z } from "zod";

/**
 * What the store-coupon figures need of a livestream's configuration (issue 15): its title and
 * the stores its coupons are redeemable in. The configuration is the livestreams' own (KV
 * `livestream:<id>`, written by their admin routes); only these two fields are read, each on
 * its own terms, so a configuration of another shape (a newer version, a field renamed) costs
 * the figures a title or a store list, never the whole answer. A livestream whose configuration
 * is gone lists no store: its claims count for none (figures.ts).
 *
 * Its current stores, not those of the moment of each claim (the coupon itself keeps those):
 * a store added to a livestream afterwards counts its earlier claims too.
 */
export interface LivestreamReach {
  title: string | null;
  stores: string[];
}

const KEY_PREFIX = "livestream:";
const title = z.string().min(1);
const stores = z.array(z.string().min(1));

/** Reads what the figures need from a stored configuration (anything: KV is written by people and tools too). */
export function reachOf(raw: unknown): LivestreamReach | null {
  if (raw === null || typeof raw !== "object") return null;
  const fields = raw as Record<string, unknown>;
  const named = title.safeParse(fields.title);
  const listed = stores.safeParse(fields.stores);
  return { title: named.success ? named.data : null, stores: listed.success ? [...new Set(listed.data)] : [] };
}

/** Each livestream's reach, read from KV at once; a livestream with no configuration is absent from the map. */
export async function livestreamReach(kv: KVNamespace, ids: Iterable<string>): Promise<Map<string, LivestreamReach>> {
  const unique = [...new Set(ids)];
  const raws = await Promise.all(unique.map((id) => kv.get(`${KEY_PREFIX}${id}`, "json").catch(() => null)));
  const reach = new Map<string, LivestreamReach>();
  unique.forEach((id, index) => {
    const read = reachOf(raws[index]);
    if (read) reach.set(id, read);
  });
  return reach;
}
