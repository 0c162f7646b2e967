import type { Order, OrderEvent } from "../../src/orders/order.ts";
import type { Change } from "../../src/orders/order-book.ts";
import { saleConfigSchema, type SaleConfig } from "../../src/sales/sale-config.ts";
import type { Inventory } from "../../src/sales/inventory.ts";

/** Bumped whenever the tables below change shape. */
export const SCHEMA_VERSION = 2;

/** The SKU object's persisted state, as loaded on wake. */
export interface StoredSale {
  config: SaleConfig;
  configLoadedAt: number;
  inventory: { stock: number; nextFresh: number; returned: number[] };
}

/**
 * Everything the SKU object keeps in its SQLite storage, behind one small API. Writes are
 * synchronous: made within the object's turn they commit together, and the runtime holds
 * every reply until they are durable (the output gate), so many checkouts share one write.
 */
export class SaleStore {
  private readonly sql: SqlStorage;

  constructor(storage: DurableObjectStorage) {
    this.sql = storage.sql;
    this.migrate();
  }

  /** Creates or upgrades the schema; safe to run on every wake. */
  private migrate(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS schema_meta (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS sale_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      config TEXT NOT NULL,
      config_loaded_at INTEGER NOT NULL,
      inventory TEXT NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS orders (
      id TEXT PRIMARY KEY,
      shopper_id TEXT NOT NULL,
      idempotency_key TEXT NOT NULL,
      status TEXT NOT NULL,
      data TEXT NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS cancelled_keys (
      shopper_id TEXT NOT NULL,
      idempotency_key TEXT NOT NULL,
      PRIMARY KEY (shopper_id, idempotency_key))`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      data TEXT NOT NULL,
      reason TEXT)`);
    this.sql.exec(
      `INSERT INTO schema_meta (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version`,
      SCHEMA_VERSION,
    );
  }

  get schemaVersion(): number {
    return this.sql.exec<{ version: number }>(`SELECT version FROM schema_meta`).one().version;
  }

  loadSale(): StoredSale | null {
    const row = this.sql.exec<{ config: string; config_loaded_at: number; inventory: string }>(`SELECT * FROM sale_state`).toArray()[0];
    if (!row) return null;
    return {
      config: saleConfigSchema.parse(JSON.parse(row.config)),
      configLoadedAt: row.config_loaded_at,
      inventory: JSON.parse(row.inventory),
    };
  }

  saveConfig(config: SaleConfig, loadedAt: number, inventory: Inventory): void {
    this.sql.exec(
      `INSERT INTO sale_state (id, config, config_loaded_at, inventory) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET config = excluded.config, config_loaded_at = excluded.config_loaded_at, inventory = excluded.inventory`,
      JSON.stringify(config),
      loadedAt,
      JSON.stringify(inventory.state),
    );
  }

  loadOrders(): Order[] {
    return this.sql.exec<{ data: string }>(`SELECT data FROM orders`).toArray().map((row) => readOrder(row.data));
  }

  loadCancelledKeys(): Array<[string, string]> {
    return this.sql
      .exec<{ shopper_id: string; idempotency_key: string }>(`SELECT shopper_id, idempotency_key FROM cancelled_keys`)
      .toArray()
      .map((row) => [row.shopper_id, row.idempotency_key]);
  }

  /** Persists order changes, their outbox entries and the inventory they moved, together. */
  record(changes: readonly Change[], inventory: Inventory): void {
    for (const { order, reason } of changes) {
      const data = JSON.stringify(order);
      this.sql.exec(
        `INSERT INTO orders (id, shopper_id, idempotency_key, status, data) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, data = excluded.data`,
        order.id,
        order.shopperId,
        order.idempotencyKey,
        order.status,
        data,
      );
      this.sql.exec(`INSERT INTO outbox (data, reason) VALUES (?, ?)`, data, reason);
    }
    this.sql.exec(`UPDATE sale_state SET inventory = ? WHERE id = 1`, JSON.stringify(inventory.state));
  }

  recordCancelledKey(shopperId: string, idempotencyKey: string): void {
    this.sql.exec(`INSERT OR IGNORE INTO cancelled_keys (shopper_id, idempotency_key) VALUES (?, ?)`, shopperId, idempotencyKey);
  }

  /** The oldest outbox entries, in order. */
  outboxBatch(limit: number): OrderEvent[] {
    return this.sql
      .exec<{ seq: number; data: string; reason: string | null }>(`SELECT seq, data, reason FROM outbox ORDER BY seq LIMIT ?`, limit)
      .toArray()
      .map((row) => ({ seq: row.seq, order: readOrder(row.data), reason: row.reason }));
  }

  /** Drops outbox entries up to `seq` once Postgres has them. */
  acknowledgeOutbox(seq: number): void {
    this.sql.exec(`DELETE FROM outbox WHERE seq <= ?`, seq);
  }

  get outboxSize(): number {
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM outbox`).one().n;
  }
}

/** An order as stored; those stored before gifts existed (issue 6) have none. */
function readOrder(data: string): Order {
  const order = JSON.parse(data) as Order;
  return { ...order, gift: order.gift ?? null };
}
