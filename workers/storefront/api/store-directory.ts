import { eq } from "drizzle-orm";
import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { stores } from "../../../src/db/schema.ts";
import { VerdictCache } from "../../../src/edge/verdict-cache.ts";
import type { Store } from "../../../src/stores/store.ts";
import { edgeClock } from "./sku-object.ts";

/**
 * The stores as the Worker reads them (issue 15): every active store from Postgres, kept in the
 * isolate for 30 s. The store finder, the geofence, livestreams and redemption all read this
 * one list: a brand has hundreds or a few thousand stores, small enough to hold, and a ping
 * from every open page must not become a query. A store a marketer edits is seen by every
 * isolate within 30 s (the editing isolate at once: `forgetStores`).
 */
const STORES_TTL_MS = 30_000;
const cache = new VerdictCache<Store[]>({ ttlMs: () => STORES_TTL_MS, now: () => edgeClock.now(), maxEntries: 1 });

export type StoreRow = typeof stores.$inferSelect;

/** A row as the domain's Store. */
export function storeOfRow(row: StoreRow): Store {
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    city: row.city,
    latitude: row.latitude,
    longitude: row.longitude,
    timeZone: row.timeZone,
    openingHours: row.openingHours,
    redeemOnlyWhenOpen: row.redeemOnlyWhenOpen,
    active: row.active,
  };
}

/** Every active store, through the isolate's 30-second memory. Throws when Postgres cannot answer and nothing is remembered. */
export function activeStores(env: Env): Promise<Store[]> {
  return cache.get("active", () =>
    withDatabase(databaseSettings(env), async (db) =>
      (await db.select().from(stores).where(eq(stores.active, true)).orderBy(stores.id)).map(storeOfRow),
    ),
  );
}

/** One active store by id, or null. */
export async function findActiveStore(env: Env, id: string): Promise<Store | null> {
  return (await activeStores(env)).find((store) => store.id === id) ?? null;
}

/** After a change to the stores: this isolate reads them afresh. */
export function forgetStores(): void {
  cache.forget("active");
}
