/**
 * Sharded stock (issue 12): a sale with `shards: K > 1` sells from K objects, so the stock of
 * one hot SKU is decided in K places at once. The pure rules live here: which shard serves a
 * shopper, what the objects are called, and how many units a shard asks for at a time.
 */

/** At most this many shards per sale: far beyond what one SKU needs, and each costs a fan-out. */
export const MAX_SHARDS = 16;

/**
 * The shard that serves a shopper: a stable hash (32-bit FNV-1a) of the shopper id modulo K.
 * Stable, so a shopper always reaches the same shard, whose count of their units makes the
 * per-shopper limit exact.
 */
export function shardOf(shopperId: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < shopperId.length; i++) {
    hash ^= shopperId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** The name of a sale's shard object: the SKU, `~` and the shard's index (SKUs never hold a `~`). */
export function shardObjectName(sku: string, shard: number): string {
  return `${sku}~${shard}`;
}

/** What an object's name says: the SKU it sells and, for a shard, its index (null for the primary). */
export function parseObjectName(name: string): { sku: string; shard: number | null } {
  const match = /^(.+)~(\d{1,2})$/.exec(name);
  return match ? { sku: match[1]!, shard: Number(match[2]) } : { sku: name, shard: null };
}

/**
 * The object that decides a shopper's Try when not the one it reached (null: the one it
 * reached decides): a sharded sale's primary sends every Try to the shopper's shard; a shard
 * sends one that reached it by a stale route (a Worker's cache) where its own configuration
 * says. Once forwarded, a request is decided where it lands, except by a sharded primary,
 * which never sells itself.
 */
export function decidingObject(
  at: { sku: string; shard: number | null; shards: number },
  shopperId: string,
  forwarded: boolean,
): string | null {
  const { sku, shard, shards } = at;
  if (shard === null) return shards > 1 ? shardObjectName(sku, shardOf(shopperId, shards)) : null;
  if (forwarded) return null;
  if (shards === 1) return sku;
  const home = shardOf(shopperId, shards);
  return home === shard ? null : shardObjectName(sku, home);
}

/**
 * How many units a shard leases at a time: about a sixteenth of its share of the stock, so a
 * shard goes back to the primary some 16 times over a sale, and never more than 256 units,
 * so a shard that goes quiet strands few units until the primary recalls them.
 */
export function leaseSize(stock: number, shards: number): number {
  return Math.max(1, Math.min(256, Math.floor(stock / (shards * 16))));
}
