import type { Coupon } from "../../src/coupons/coupon.ts";
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
`;

/** A pool's counts, kept in one row so that a claim never counts the table. */
export interface PoolCounts {
  claimed: number;
  used: number;
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
    return row ? (JSON.parse(row.data) as Coupon) : null;
  }

  byClaimKey(shopperId: string, claimKey: string): Coupon | null {
    const row = this.storage.sql
      .exec<{ data: string }>("SELECT data FROM coupons WHERE shopper_id = ? AND claim_key = ?", shopperId, claimKey)
      .toArray()[0];
    return row ? (JSON.parse(row.data) as Coupon) : null;
  }

  claimedBy(shopperId: string): number {
    return this.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM coupons WHERE shopper_id = ?", shopperId).one().n;
  }

  /** The shopper's coupons, newest first (a shopper holds at most the per-shopper limit of one pool). */
  ofShopper(shopperId: string): Coupon[] {
    return this.storage.sql
      .exec<{ data: string }>("SELECT data FROM coupons WHERE shopper_id = ? ORDER BY rowid DESC LIMIT 200", shopperId)
      .toArray()
      .map((row) => JSON.parse(row.data) as Coupon);
  }

  /** Held coupons whose hold is due at `now`, the oldest first, at most `limit`. */
  dueHolds(now: number, limit: number): Coupon[] {
    return this.storage.sql
      .exec<{ data: string }>("SELECT data FROM coupons WHERE status = 'held' AND hold_until <= ? ORDER BY hold_until LIMIT ?", now, limit)
      .toArray()
      .map((row) => JSON.parse(row.data) as Coupon);
  }

  nextHoldDue(): number | null {
    const row = this.storage.sql.exec<{ at: number | null }>("SELECT min(hold_until) AS at FROM coupons WHERE status = 'held'").one();
    return row.at ?? null;
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
      this.put("counts", counts);
    });
  }

  /** Writes changed coupons, and the counts when they moved, in one transaction. */
  update(coupons: Coupon[], counts: PoolCounts | null): void {
    if (coupons.length === 0 && counts === null) return;
    this.storage.transactionSync(() => {
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
    });
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
