import { sha256, toHex } from "../../src/encoding.ts";
import type { OpeningHours, StoreInput } from "../../src/stores/store.ts";
import { forgetStores } from "../../workers/storefront/api/store-directory.ts";
import { withPostgres } from "./postgres-support.ts";

/** Every day open all day: a store that never refuses `store_closed`. */
export const ALWAYS_OPEN: OpeningHours = {
  mon: ["00:00-24:00"],
  tue: ["00:00-24:00"],
  wed: ["00:00-24:00"],
  thu: ["00:00-24:00"],
  fri: ["00:00-24:00"],
  sat: ["00:00-24:00"],
  sun: ["00:00-24:00"],
};

/**
 * A store under a fresh id, inserted into the test Postgres as the console's Stores view keeps it
 * (issue 15), and the store directory told to read again. Every test gets its own.
 */
export async function seedStore(overrides: Partial<StoreInput> = {}): Promise<{ id: string; name: string }> {
  const id = overrides.id ?? `st-${crypto.randomUUID().slice(0, 12)}`;
  const name = overrides.name ?? `Store ${id}`;
  await withPostgres((pool) =>
    pool.query(
      `INSERT INTO stores (id, name, address, city, latitude, longitude, time_zone, opening_hours, redeem_only_when_open, active, created_at, updated_at)
       VALUES ($1, $2, '1 Test Road', 'Shanghai', 31.23, 121.47, $3, $4, $5, $6, now(), now())`,
      [
        id,
        name,
        overrides.timeZone ?? "Asia/Shanghai",
        JSON.stringify(overrides.openingHours ?? ALWAYS_OPEN),
        overrides.redeemOnlyWhenOpen ?? false,
        overrides.active ?? true,
      ],
    ),
  );
  forgetStores();
  return { id, name };
}

/** A staff token for `storeId` (store_staff_tokens keeps the SHA-256 of its secret): the Authorization header's value. */
export async function seedStaffToken(storeId: string): Promise<string> {
  const tokenId = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => (b % 36).toString(36)).join("");
  const secret = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => (b % 36).toString(36)).join("");
  const secretHash = toHex(await sha256(secret));
  await withPostgres((pool) =>
    pool.query(
      "INSERT INTO store_staff_tokens (id, store_id, label, secret_hash, created_at, created_by) VALUES ($1, $2, 'till', $3, now(), 'test')",
      [tokenId, storeId, secretHash],
    ),
  );
  return `Bearer sst_${tokenId}_${secret}`;
}
