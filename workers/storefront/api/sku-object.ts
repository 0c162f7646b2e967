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
 * What the Worker knows of a sale without asking its object (issue 12): that it exists, and
 * what the edge decides by, its window, its waiting room and over how many shards it sells (a
 * count older than a save does no harm: it changes only before a sale starts, and an object
 * reached by a stale route forwards the request where its configuration says). `unreadable`: KV holds an entry
 * that fails validation; it is still a sale (its object runs its last good configuration), but
 * its waiting room, if it has one, is not known here.
 */
export type SaleAtEdge =
  | ({ kind: "sale" } & Pick<SaleConfig, "startsAt" | "endsAt" | "waitingRoom" | "shards" | "memberPrices">)
  | { kind: "unreadable" };

/**
 * Whether a SKU has a sale, and what the edge needs of it, per isolate (issue 12): at most one
 * KV read per SKU per TTL, shared by concurrent requests, so a flood of random SKUs wakes no
 * Durable Object and costs one KV read per SKU and 5 s, and a selling SKU costs no KV read per
 * request (its waiting room's gate on checkout included). null: no sale. Bounded: the SKUs
 * come from clients.
 */
export const saleDirectory = new VerdictCache<SaleAtEdge | null>({
  ttlMs: (sale) => (sale ? SALE_KNOWN_TTL_MS : NO_SALE_TTL_MS),
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
  if (!(await saleExists(env, sku))) throw noSale(sku);
  return object;
}

/**
 * The object that decides a shopper's checkouts on a SKU on sale: the SKU's own, or for a sale
 * sold by shards the shopper's shard (a stable hash, so the per-shopper limit is counted in one
 * place). A 404 like `saleObject` for a SKU with no sale. A sale whose entry is unreadable here
 * goes to the SKU's object, which forwards to the shard its configuration names.
 */
export async function shopperObject(env: Env, sku: string, shopperId: string) {
  skuObject(env, sku);
  let sale: SaleAtEdge | null;
  try {
    sale = await saleAtEdge(env, sku);
  } catch {
    sale = { kind: "unreadable" }; // KV unreachable with nothing known: the object decides
  }
  if (sale === null) throw noSale(sku);
  const shards = sale.kind === "sale" ? sale.shards : 1;
  return env.SKU_SALE.getByName(shards > 1 ? shardObjectName(sku, shardOf(shopperId, shards)) : sku);
}

/**
 * The object holding an order: its id names the object (the SKU's, or a shard's), whose SKU
 * must be on sale (an id is the client's to make up).
 */
export async function orderObject(env: Env, orderId: string) {
  const sku = skuOfOrderId(orderId);
  const object = objectOfOrderId(orderId);
  if (!sku || !object || !(await saleExists(env, sku))) throw new AppError("not_found", `no order ${orderId}`);
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
 * The sale of `sku` as this isolate knows it (null: none; a name that cannot be a SKU has none),
 * from KV at most once per TTL. Rejects when KV is unreachable and nothing is known.
 */
export async function saleAtEdge(env: Env, sku: string): Promise<SaleAtEdge | null> {
  if (!skuSchema.safeParse(sku).success) return null;
  return saleDirectory.get(sku, () => lookUpSale(env, sku));
}

/** What the edge keeps of a sale's configuration. */
export function atEdge(sale: SaleConfig): SaleAtEdge {
  return {
    kind: "sale",
    startsAt: sale.startsAt,
    endsAt: sale.endsAt,
    waitingRoom: sale.waitingRoom,
    shards: sale.shards,
    memberPrices: sale.memberPrices,
  };
}

/** Whether `sku` has a sale. KV unreachable with nothing known: yes, and the object decides, as before issue 12. */
async function saleExists(env: Env, sku: string): Promise<boolean> {
  try {
    return (await saleAtEdge(env, sku)) !== null;
  } catch {
    return true;
  }
}

/**
 * Whether KV holds a sale for `sku`. No `cacheTtl`: KV's own edge caching (60 s by default)
 * applies, and a longer one would also keep "no such key" cached longer, so a sale just
 * created would stay unknown longer where it was looked up before.
 */
async function lookUpSale(env: Env, sku: string): Promise<SaleAtEdge | null> {
  try {
    const sale = await new SaleCatalog(env.SALES).find(sku);
    return sale && atEdge(sale);
  } catch (error) {
    // An invalid entry is still a sale: its object keeps running its last good configuration.
    if (error instanceof AppError && error.code === "internal") {
      console.warn(
        `sale ${sku}: the KV entry is not a valid configuration; its object runs its last good one, and a waiting room is not enforced`,
      );
      return { kind: "unreadable" };
    }
    // Logged once per lookup, not per waiting request; nothing is cached, the next request looks again.
    const message = error instanceof Error ? error.message : String(error);
    console.warn(`sale ${sku}: KV lookup failed (${redactSecrets(message)}); the object decides`);
    throw error;
  }
}
