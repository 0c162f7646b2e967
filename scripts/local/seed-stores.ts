import { type DatabaseSettings, withDatabase } from "../../src/db/client.ts";
import { stores } from "../../src/db/schema.ts";
import { DEMO_STORES } from "../../src/stores/demo-stores.ts";
import { storeSchema } from "../../src/stores/store.ts";

/**
 * Writes the demo stores (src/stores/demo-stores.ts) into local Postgres, those not there yet:
 * like the seeded coupons, a store keeps what the console did to it (edited, deactivated)
 * across restarts. Straight into the table, as the seed writes KV: a seed is no marketer's
 * change, so nothing is audited. Returns how many were added.
 */
export async function seedDemoStores(settings: DatabaseSettings, now = Date.now()): Promise<number> {
  const at = new Date(now);
  const rows = DEMO_STORES.map((input) => ({ ...storeSchema.parse(input), createdAt: at, updatedAt: at }));
  return withDatabase(
    settings,
    async (db) => (await db.insert(stores).values(rows).onConflictDoNothing().returning({ id: stores.id })).length,
  );
}
