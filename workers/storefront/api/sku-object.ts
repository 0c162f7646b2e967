import { MovableClock } from "../../../src/clock.ts";
import { VerdictCache } from "../../../src/edge/verdict-cache.ts";
import { AppError } from "../../../src/errors.ts";
import { objectOfOrderId, skuOfOrderId } from "../../../src/orders/order.ts";
import { SaleCatalog } from "../../../src/sales/sale-catalog.ts";
import { saleConfigSchema, type SaleConfig } from "../../../src/sales/sale-config.ts";
import { shardObjectName, shardOf } from "../../../src/sales/shards.ts";
import type { SkuSnapshot } from "../../../src/sales/snapshot.ts";
import { redactSecrets } from "../../../src/redact.ts";

const skuSchema = saleConfigSchema.shape.sku;

/** "A sale exists" is kept this long: sales are never deleted, so this only bounds a hand-deleted one. */
export const SALE_KNOWN_TTL_MS = 60_000;
/**
 * "No sale" is kept this long: how long a sale created through another isolate, once KV has it
 * in this data centre, may still answer 404 here. A save through this isolate clears it at once.
 */
export const NO_SALE_TTL_MS = 5_000;

/**
 * The isolate's clock for what the Worker remembers (issue 12): the runtime's, which tests
 * move or hold (src/clock.ts) to see memories expire without sleeping.
 */
export const edgeClock = new MovableClock();

/**
 * Whether a SKU has a sale, and over how many shards it sells, per isolate (issue 12): 0 for no
 * sale. At most one KV read per SKU per TTL, shared by concurrent requests, so a flood of random
 * SKUs wakes no Durable Object and costs one KV read per SKU and 5 s, and a selling SKU costs no
 * KV read per request. Bounded: the SKUs come from clients. A shard count older than a save
 * does no harm: the number of shards changes only before a sale starts, and an object reached
 * by a stale route forwards the request where its configuration says.
 */
export const saleDirectory = new VerdictCache<number>({
  ttlMs: (shards) => (shards > 0 ? SALE_KNOWN_TTL_MS : NO_SALE_TTL_MS),
  now: () => edgeClock.now(),
  maxEntries: 10_000,
});

/**
 * The SKU's Durable Object, with no check that a sale exists: for the admin API, which creates
 * sales, and for sales read from KV. A name that cannot be a SKU is a 404 without waking any object.
 */
export function skuObject(env: Env, sku: string) {
  if (!skuSchema.safeParse(sku).success) throw noSale(sku);
  return env.SKU_SALE.getByName(sku);
}

/**
 * The object of a SKU on sale, for shopper routes: a SKU with no sale configured is a 404 and
 * wakes (creates) no object. Decided by KV through `saleDirectory`.
 */
export async function saleObject(env: Env, sku: string) {
  const object = skuObject(env, sku);
  if ((await saleShards(env, sku)) === 0) throw noSale(sku);
  return object;
}

/**
 * The object that decides a shopper's checkouts on a SKU on sale: the SKU's own, or for a sale
 * sold by shards the shopper's shard (a stable hash, so the per-shopper limit is counted in one
 * place). A 404 like `saleObject` for a SKU with no sale.
 */
export async function shopperObject(env: Env, sku: string, shopperId: string) {
  skuObject(env, sku);
  const shards = await saleShards(env, sku);
  if (shards === 0) throw noSale(sku);
  return env.SKU_SALE.getByName(shards > 1 ? shardObjectName(sku, shardOf(shopperId, shards)) : sku);
}

/**
 * The object holding an order: its id names the object (the SKU's, or a shard's), whose SKU
 * must be on sale (an id is the client's to make up).
 */
export async function orderObject(env: Env, orderId: string) {
  const sku = skuOfOrderId(orderId);
  const object = objectOfOrderId(orderId);
  if (!sku || !object || (await saleShards(env, sku)) === 0) throw new AppError("not_found", `no order ${orderId}`);
  return env.SKU_SALE.getByName(object);
}

/** Every sale not yet ended, with its object's live snapshot (sales whose object refuses are left out). */
export async function currentSales(env: Env): Promise<Array<{ sale: SaleConfig; snapshot: SkuSnapshot }>> {
  const now = Date.now();
  const configured = (await new SaleCatalog(env.SALES).list()).filter((sale) => sale.endsAt > now);
  const snapshots = await Promise.all(configured.map((sale) => skuObject(env, sale.sku).snapshot()));
  return configured.flatMap((sale, i) => {
    const snapshot = snapshots[i];
    return snapshot?.ok ? [{ sale, snapshot: snapshot.value }] : [];
  });
}

/** The 404 of a SKU without a sale: the words the SKU's object uses too. */
export function noSale(sku: string): AppError {
  return new AppError("not_found", `no sale for SKU "${sku}"`);
}

/**
 * Over how many shards `sku` sells, 0 for no sale. KV unreachable with nothing known: one, and
 * the SKU's object decides (and forwards to a shard if the sale is sharded), as before issue 12.
 */
async function saleShards(env: Env, sku: string): Promise<number> {
  try {
    return await saleDirectory.get(sku, () => lookUpSale(env, sku));
  } catch {
    return 1;
  }
}

/**
 * How many shards KV's sale for `sku` has (0: no sale). No `cacheTtl`: KV's own edge caching (60 s by default)
 * applies, and a longer one would also keep "no such key" cached longer, so a sale just
 * created would stay unknown longer where it was looked up before.
 */
async function lookUpSale(env: Env, sku: string): Promise<number> {
  try {
    return (await new SaleCatalog(env.SALES).find(sku))?.shards ?? 0;
  } catch (error) {
    // An invalid entry is still a sale: its object keeps running its last good configuration.
    if (error instanceof AppError && error.code === "internal") return 1;
    // Logged once per lookup, not per waiting request; nothing is cached, the next request looks again.
    const message = error instanceof Error ? error.message : String(error);
    console.warn(`sale ${sku}: KV lookup failed (${redactSecrets(message)}); the object decides`);
    throw error;
  }
}
