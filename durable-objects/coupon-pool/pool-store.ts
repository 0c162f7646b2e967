import { type Coupon, storedCoupon } from "../../src/coupons/coupon.ts";
import type { CouponTemplate } from "../../src/coupons/coupon-template.ts";
import type { SqliteStorage } from "../sku-sale/sqlite-storage.ts";

/** The tables, created on first use. */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS coupons (
    id TEXT PRIMARY KEY,
    shopper_id TEXT NOT NULL,
    status TEXT NOT NULL,
    hold_until INTEGER,
    claim_key TEXT,
    data TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS coupons_shopper ON coupons (shopper_id);
  CREATE INDEX IF NOT EXISTS coupons_due ON coupons (hold_until) WHERE status = 'held';
  CREATE UNIQUE INDEX IF NOT EXISTS coupons_claim ON coupons (shopper_id, claim_key) WHERE claim_key IS NOT NULL;
  CREATE TABLE IF NOT EXISTS pool (name TEXT PRIMARY KEY, value TEXT NOT NULL);
  -- Store coupons (issue 15): each short code once in the pool, and each till's redemption key.
  -- Tables of their own, so a pool created before them needs no ALTER.
  CREATE TABLE IF NOT EXISTS short_codes (code TEXT PRIMARY KEY, coupon_id TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS redemptions (
    store_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    coupon_id TEXT NOT NULL,
    PRIMARY KEY (store_id, idempotency_key)
  );
`;

/** A pool's counts, kept in one row so that a claim never counts the table. */
export interface PoolCounts {
  claimed: number;
  used: number;
  /** Of the used: redeemed in a store (issue 15). Counts kept before it read 0. */
  redeemed?: number;
}

/**
 * A coupon pool's SQLite tables: the coupons (each a JSON row, with the columns lookups need)
 * and the pool's template and counts. Every write is one transaction; the object calls it in
 * the same turn as the decision, and the output gate holds the answer until it is durable.
 */
export class PoolStore {
  private readonly storage: SqliteStorage;

  constructor(storage: SqliteStorage) {
    this.storage = storage;
    storage.sql.exec(SCHEMA);
  }

  template(): CouponTemplate | null {
    return this.value<CouponTemplate>("template");
  }

  counts(): PoolCounts {
    return this.value<PoolCounts>("counts") ?? { claimed: 0, used: 0 };
  }

  saveTemplate(template: CouponTemplate): void {
    this.put("template", template);
  }

  byId(id: string): Coupon | null {
    const row = this.storage.sql.exec<{ data: string }>("SELECT data FROM coupons WHERE id = ?", id).toArray()[0];
    return row ? parseCoupon(row.data) : null;
  }

  byClaimKey(shopperId: string, claimKey: string): Coupon | null {
    const row = this.storage.sql
      .exec<{ data: string }>("SELECT data FROM coupons WHERE shopper_id = ? AND claim_key = ?", shopperId, claimKey)
      .toArray()[0];
    return row ? parseCoupon(row.data) : null;
  }

  claimedBy(shopperId: string): number {
    return this.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM coupons WHERE shopper_id = ?", shopperId).one().n;
  }

  /** The shopper's coupons, newest first (a shopper holds at most the per-shopper limit of one pool). */
  ofShopper(shopperId: string): Coupon[] {
    return this.storage.sql
      .exec<{ data: string }>("SELECT data FROM coupons WHERE shopper_id = ? ORDER BY rowid DESC LIMIT 200", shopperId)
      .toArray()
      .map((row) => parseCoupon(row.data));
  }

  /** Held coupons whose hold is due at `now`, the oldest first, at most `limit`. */
  dueHolds(now: number, limit: number): Coupon[] {
    return this.storage.sql
      .exec<{ data: string }>("SELECT data FROM coupons WHERE status = 'held' AND hold_until <= ? ORDER BY hold_until LIMIT ?", now, limit)
      .toArray()
      .map((row) => parseCoupon(row.data));
  }

  nextHoldDue(): number | null {
    const row = this.storage.sql.exec<{ at: number | null }>("SELECT min(hold_until) AS at FROM coupons WHERE status = 'held'").one();
    return row.at ?? null;
  }

  /** The coupon a short code (canonical form) names, or null. */
  byShortCode(code: string): Coupon | null {
    const row = this.storage.sql
      .exec<{ data: string }>("SELECT c.data FROM short_codes s JOIN coupons c ON c.id = s.coupon_id WHERE s.code = ?", code)
      .toArray()[0];
    return row ? parseCoupon(row.data) : null;
  }

  shortCodeTaken(code: string): boolean {
    return this.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM short_codes WHERE code = ?", code).one().n > 0;
  }

  /** The coupon a till's Idempotency-Key redeemed in its store, or null. */
  redeemedWith(storeId: string, idempotencyKey: string): string | null {
    const row = this.storage.sql
      .exec<{ coupon_id: string }>("SELECT coupon_id FROM redemptions WHERE store_id = ? AND idempotency_key = ?", storeId, idempotencyKey)
      .toArray()[0];
    return row?.coupon_id ?? null;
  }

  /** Records a redemption: the coupon, its key and the counts, in one transaction. */
  redeem(coupon: Coupon, idempotencyKey: string, counts: PoolCounts): void {
    this.storage.transactionSync(() => {
      this.storage.sql.exec(
        "INSERT INTO redemptions (store_id, idempotency_key, coupon_id) VALUES (?, ?, ?)",
        coupon.redeemedStoreId,
        idempotencyKey,
        coupon.id,
      );
      this.write([coupon], counts);
    });
  }

  /** Records a new coupon and the pool's counts, in one transaction. */
  insert(coupon: Coupon, claimKey: string | null, counts: PoolCounts): void {
    this.storage.transactionSync(() => {
      this.storage.sql.exec(
        "INSERT INTO coupons (id, shopper_id, status, hold_until, claim_key, data) VALUES (?, ?, ?, ?, ?, ?)",
        coupon.id,
        coupon.shopperId,
        coupon.status,
        coupon.hold?.until ?? null,
        claimKey,
        JSON.stringify(coupon),
      );
      if (coupon.shortCode) this.storage.sql.exec("INSERT INTO short_codes (code, coupon_id) VALUES (?, ?)", coupon.shortCode, coupon.id);
      this.put("counts", counts);
    });
  }

  /** Writes changed coupons, and the counts when they moved, in one transaction. */
  update(coupons: Coupon[], counts: PoolCounts | null): void {
    if (coupons.length === 0 && counts === null) return;
    this.storage.transactionSync(() => this.write(coupons, counts));
  }

  private write(coupons: Coupon[], counts: PoolCounts | null): void {
    for (const coupon of coupons) {
      this.storage.sql.exec(
        "UPDATE coupons SET status = ?, hold_until = ?, data = ? WHERE id = ?",
        coupon.status,
        coupon.hold?.until ?? null,
        JSON.stringify(coupon),
        coupon.id,
      );
    }
    if (counts) this.put("counts", counts);
  }

  private value<T>(name: string): T | null {
    const row = this.storage.sql.exec<{ value: string }>("SELECT value FROM pool WHERE name = ?", name).toArray()[0];
    return row ? (JSON.parse(row.value) as T) : null;
  }

  private put(name: string, value: unknown): void {
    this.storage.sql.exec(
      "INSERT INTO pool (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
      name,
      JSON.stringify(value),
    );
  }
}

function parseCoupon(data: string): Coupon {
  return storedCoupon(JSON.parse(data) as Coupon);
}
