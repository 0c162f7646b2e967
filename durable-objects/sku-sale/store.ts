import type { CancelledKey } from "../../src/orders/cancelled-keys.ts";
import type { OrderEvent } from "../../src/orders/order.ts";
import type { Change } from "../../src/orders/order-book.ts";
import type { OrderTally } from "../../src/orders/order-archive.ts";
import type { ParkedEvent } from "../../src/orders/outbox-writer.ts";
import { saleConfigSchema, type SaleConfig } from "../../src/sales/sale-config.ts";
import type { StockUnits } from "../../src/sales/stock-units.ts";
import type { Sql, SqliteStorage } from "./sqlite-storage.ts";
import { readOrder, StoredOrders } from "./stored-orders.ts";

/** One step of the schema: the SQL that takes an object's storage from the version before to the next. */
type SchemaStep = (sql: Sql, now: number) => void;

/**
 * Every version of the schema, oldest first: step n takes storage from version n to n + 1,
 * with the SQL of the release that introduced it. Add a step for every change of shape;
 * never edit one that has shipped, since objects out there have already run it.
 *
 * Each step also completes on storage that already has its tables: code before the stepwise
 * upgrade wrote its own version over whatever was stored when it woke, so an object rolled
 * back to older code and forward again can hold newer tables than its version says.
 */
const SCHEMA_STEPS: readonly SchemaStep[] = [
  createVersionTable,
  createSaleTables,
  ageTombstonesAndParkDeadLetters,
  createStockTransfers,
  indexOrdersForLookups,
  indexPaidDeposits,
];

/** The schema version this code reads and writes: one per step. */
export const SCHEMA_VERSION = SCHEMA_STEPS.length;

/** Version 1 (issue 3): the row that says which version the object's storage is at. */
function createVersionTable(sql: Sql): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS schema_meta (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)`);
}

/** Version 2 (issue 4): the sale, its orders, cancel-by-key tombstones and the outbox to Postgres. */
function createSaleTables(sql: Sql): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS sale_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    config TEXT NOT NULL,
    config_loaded_at INTEGER NOT NULL,
    inventory TEXT NOT NULL)`);
  sql.exec(`CREATE TABLE IF NOT EXISTS orders (
    id TEXT PRIMARY KEY,
    shopper_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    status TEXT NOT NULL,
    data TEXT NOT NULL)`);
  sql.exec(`CREATE TABLE IF NOT EXISTS cancelled_keys (
    shopper_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    PRIMARY KEY (shopper_id, idempotency_key))`);
  sql.exec(`CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    data TEXT NOT NULL,
    reason TEXT)`);
}

/**
 * Version 3 (issue 10): tombstones age out (CancelledKeys), so each records when it was made;
 * those from before count from the upgrade. And outbox events Postgres refused for their data
 * (writeParkingRefused) are parked with the refusal until an operator retries them, so the
 * events behind them are not held up.
 */
function ageTombstonesAndParkDeadLetters(sql: Sql, now: number): void {
  if (!columnsOf(sql, "cancelled_keys").includes("cancelled_at")) {
    sql.exec(`ALTER TABLE cancelled_keys ADD COLUMN cancelled_at INTEGER NOT NULL DEFAULT 0`);
  }
  // Only the rows without a time: those written before this version (0 by the default).
  sql.exec(`UPDATE cancelled_keys SET cancelled_at = ? WHERE cancelled_at = 0`, now);
  sql.exec(`CREATE TABLE IF NOT EXISTS dead_letters (
    seq INTEGER PRIMARY KEY,
    order_id TEXT NOT NULL,
    data TEXT NOT NULL,
    reason TEXT,
    failure TEXT NOT NULL,
    parked_at INTEGER NOT NULL)`);
}

/**
 * Version 4 (issue 12): units moving between a sharded sale's primary and its shards. Each
 * transfer is kept by its id, so a retried lease or recall gets the same ranks and a unit is
 * never dealt twice or lost between objects; `settled` is 0 while the answer is still awaited.
 */
function createStockTransfers(sql: Sql): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS stock_transfers (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    shard INTEGER NOT NULL,
    ranks TEXT NOT NULL,
    settled INTEGER NOT NULL,
    created_at INTEGER NOT NULL)`);
}

/**
 * Version 5 (issue 12): the object no longer holds every order in memory; it asks SQLite for
 * the one it needs (StoredOrders): by shopper and key for replays and a shopper's units held,
 * and the pending ones, the live holds, on wake. What all orders add up to is kept in
 * `sale_state.tally`, written with them, so a woken object need not count a million rows.
 * The tally is emptied here: older code may have written orders without it (an object rolled
 * back and forward again), so the first wake after this step counts them once (StoredOrders).
 */
function indexOrdersForLookups(sql: Sql): void {
  if (!columnsOf(sql, "sale_state").includes("tally")) sql.exec(`ALTER TABLE sale_state ADD COLUMN tally TEXT`);
  sql.exec(`UPDATE sale_state SET tally = NULL`);
  sql.exec(`CREATE INDEX IF NOT EXISTS orders_by_shopper_key ON orders (shopper_id, idempotency_key)`);
  sql.exec(`CREATE INDEX IF NOT EXISTS orders_pending ON orders (id) WHERE status = 'pending_payment'`);
}

/**
 * Version 6 (issue 19): a presale order whose deposit is paid holds its units until its balance
 * window closes, so it is a live hold too (read on wake, forfeited by the alarm); and a forfeited
 * deposit to refund is kept until the provider has refunded it, once (`forfeit:<orderId>`).
 */
function indexPaidDeposits(sql: Sql): void {
  sql.exec(`CREATE INDEX IF NOT EXISTS orders_deposit_paid ON orders (id) WHERE status = 'deposit_paid'`);
  sql.exec(`CREATE TABLE IF NOT EXISTS forfeit_refunds (
    order_id TEXT PRIMARY KEY,
    deposit_ref TEXT NOT NULL,
    amount INTEGER NOT NULL,
    refunded_at INTEGER)`);
}

function columnsOf(sql: Sql, table: string): string[] {
  return sql
    .exec<{ name: string }>(`SELECT name FROM pragma_table_info(?)`, table)
    .toArray()
    .map((row) => row.name);
}

/** The version an object's storage is at: 0 when it has stored nothing. */
export function storedSchemaVersion(sql: Sql): number {
  const hasTable = sql.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_meta'`).toArray().length > 0;
  if (!hasTable) return 0;
  return sql.exec<{ version: number }>(`SELECT version FROM schema_meta WHERE id = 1`).toArray()[0]?.version ?? 0;
}

/**
 * Brings an object's storage from its stored version to SCHEMA_VERSION: each missing step
 * runs once, in order, and the version is written after each, all in one transaction, so a
 * failing step leaves the storage as it was. Storage newer than this code is refused (an
 * error the object cannot wake past) rather than run, or stamped down to this version.
 * Returns the versions it went from and to (equal when there was nothing to do).
 */
export function upgradeSchema(storage: SqliteStorage, now: number): { from: number; to: number } {
  const from = storedSchemaVersion(storage.sql);
  if (from > SCHEMA_VERSION) {
    throw new Error(
      `SKU object storage is at schema version ${from}, newer than this code's ${SCHEMA_VERSION}: refusing to run it (was the code rolled back?)`,
    );
  }
  storage.transactionSync(() => {
    for (let version = from; version < SCHEMA_VERSION; version++) {
      SCHEMA_STEPS[version]!(storage.sql, now);
      storage.sql.exec(
        `INSERT INTO schema_meta (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version`,
        version + 1,
      );
    }
  });
  return { from, to: SCHEMA_VERSION };
}

/** The SKU object's persisted state, as loaded on wake. */
export interface StoredSale {
  config: SaleConfig;
  configLoadedAt: number;
  /** The stock's persisted form: an Inventory's for a SKU's object, a ShardStock's for a shard. */
  inventory: unknown;
}

/**
 * Units moving between a sharded sale's primary and one of its shards (issue 12):
 * - `lease`: ranks the primary dealt to the shard (kept by both, by the shard's lease id);
 * - `recall`: ranks the primary took back from a shard (kept by the primary until answered);
 * - `release`: ranks a shard gave up to a recall (kept by the shard, by the recall's id).
 */
export interface StockTransfer {
  id: string;
  kind: "lease" | "recall" | "release";
  shard: number;
  ranks: number[];
  settled: boolean;
}

/**
 * Everything the SKU object keeps in its SQLite storage, behind one small API. Writes are
 * synchronous: made within the object's turn they commit together, and the runtime holds
 * every reply until they are durable (the output gate), so many checkouts share one write.
 */
export class SaleStore {
  private readonly storage: SqliteStorage;
  private readonly sql: Sql;
  private readonly transaction: SqliteStorage["transactionSync"];
  /** The object's clock (SkuSale's), for the times the store writes itself. */
  private readonly now: () => number;
  /** Whether the tables exist. Until a sale is adopted they do not, and nothing is stored. */
  private ready: boolean;

  /** The orders as written, for the order book to look up (issue 12); readable once a sale is adopted. */
  readonly orders: StoredOrders;

  constructor(storage: SqliteStorage, now: () => number) {
    this.storage = storage;
    this.sql = storage.sql;
    this.orders = new StoredOrders(storage.sql);
    this.transaction = (closure) => storage.transactionSync(closure);
    this.now = now;
    this.ready = storedSchemaVersion(this.sql) > 0;
    // An object that has stored anything upgrades its schema on wake, before any call reads
    // it; one that never had a sale (any name a client makes up) creates nothing at all.
    if (this.ready) this.upgrade();
  }

  /** Creates the tables: called when the object adopts its first sale. */
  ensureSchema(): void {
    if (this.ready) return;
    this.upgrade();
    this.ready = true;
  }

  private upgrade(): void {
    const { from, to } = upgradeSchema(this.storage, this.now());
    if (from > 0 && from < to) console.log(`SKU object storage upgraded from schema version ${from} to ${to}`);
  }

  /** The schema's version; 0 while the object has stored nothing. */
  get schemaVersion(): number {
    return this.ready ? storedSchemaVersion(this.sql) : 0;
  }

  loadSale(): StoredSale | null {
    if (!this.ready) return null;
    const row = this.sql.exec<{ config: string; config_loaded_at: number; inventory: string }>(`SELECT * FROM sale_state`).toArray()[0];
    if (!row) return null;
    const stored = JSON.parse(row.config) as SaleConfig;
    const parsed = saleConfigSchema.safeParse(stored);
    if (!parsed.success) {
      // Valid when it was adopted; a later, stricter rule (issue 10's bounds) must not
      // leave the object unable to wake and serve the orders it holds.
      console.warn(`sale ${stored.sku}: the stored configuration no longer passes validation; running it as stored`);
    }
    return {
      config: parsed.success ? parsed.data : stored,
      configLoadedAt: row.config_loaded_at,
      inventory: JSON.parse(row.inventory),
    };
  }

  saveConfig(config: SaleConfig, loadedAt: number, inventory: StockUnits): void {
    this.ensureSchema();
    this.sql.exec(
      `INSERT INTO sale_state (id, config, config_loaded_at, inventory) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET config = excluded.config, config_loaded_at = excluded.config_loaded_at, inventory = excluded.inventory`,
      JSON.stringify(config),
      loadedAt,
      JSON.stringify(inventory.state),
    );
  }

  loadCancelledKeys(): CancelledKey[] {
    return this.sql
      .exec<{ shopper_id: string; idempotency_key: string; cancelled_at: number }>(
        `SELECT shopper_id, idempotency_key, cancelled_at FROM cancelled_keys`,
      )
      .toArray()
      .map((row) => ({ shopperId: row.shopper_id, idempotencyKey: row.idempotency_key, cancelledAt: row.cancelled_at }));
  }

  /**
   * Persists order changes, their outbox entries, the inventory they moved and the tally of
   * every order with them (OrderBook.tally), in one transaction: the order book is told they
   * are written only once all of them are, and the tally never disagrees with the orders.
   */
  record(changes: readonly Change[], inventory: StockUnits, tally: OrderTally): void {
    this.transaction(() => {
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
        // A forfeited deposit the sale refunds is owed from this very write (issue 19), once.
        const line = order.presale;
        if (order.status === "forfeited" && line?.forfeit === "refund" && line.depositRef !== null) {
          this.sql.exec(
            `INSERT OR IGNORE INTO forfeit_refunds (order_id, deposit_ref, amount, refunded_at) VALUES (?, ?, ?, NULL)`,
            order.id,
            line.depositRef,
            line.deposit,
          );
        }
      }
      this.sql.exec(`UPDATE sale_state SET inventory = ?, tally = ? WHERE id = 1`, JSON.stringify(inventory.state), JSON.stringify(tally));
    });
  }

  /** A transfer by its id, or null. */
  transfer(id: string): StockTransfer | null {
    if (!this.ready) return null;
    const row = this.sql.exec<TransferRow>(`SELECT id, kind, shard, ranks, settled FROM stock_transfers WHERE id = ?`, id).toArray()[0];
    return row ? readTransfer(row) : null;
  }

  /** Transfers of a kind still awaiting their answer, oldest first: resumed when the object wakes. */
  unsettledTransfers(kind: StockTransfer["kind"]): StockTransfer[] {
    if (!this.ready) return [];
    return this.sql
      .exec<TransferRow>(
        `SELECT id, kind, shard, ranks, settled FROM stock_transfers WHERE kind = ? AND settled = 0 ORDER BY created_at, id`,
        kind,
      )
      .toArray()
      .map(readTransfer);
  }

  /** Records a transfer (or its answer) with the stock it moved, together. */
  recordTransfer(transfer: StockTransfer, stock: StockUnits): void {
    this.transaction(() => {
      this.sql.exec(
        `INSERT INTO stock_transfers (id, kind, shard, ranks, settled, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET ranks = excluded.ranks, settled = excluded.settled`,
        transfer.id,
        transfer.kind,
        transfer.shard,
        JSON.stringify(transfer.ranks),
        transfer.settled ? 1 : 0,
        this.now(),
      );
      this.sql.exec(`UPDATE sale_state SET inventory = ? WHERE id = 1`, JSON.stringify(stock.state));
    });
  }

  /** Stores a tombstone and drops the ones it pushed out of the shopper's bound, together. */
  recordCancelledKey(added: CancelledKey, evicted: readonly CancelledKey[]): void {
    this.transaction(() => {
      this.sql.exec(
        `INSERT OR IGNORE INTO cancelled_keys (shopper_id, idempotency_key, cancelled_at) VALUES (?, ?, ?)`,
        added.shopperId,
        added.idempotencyKey,
        added.cancelledAt,
      );
      for (const key of evicted) {
        this.sql.exec(`DELETE FROM cancelled_keys WHERE shopper_id = ? AND idempotency_key = ?`, key.shopperId, key.idempotencyKey);
      }
    });
  }

  /** Drops every tombstone cancelled before `cutoff`. */
  expireCancelledKeys(cutoff: number): void {
    this.sql.exec(`DELETE FROM cancelled_keys WHERE cancelled_at < ?`, cutoff);
  }

  /** The oldest outbox entries, in order. */
  outboxBatch(limit: number): OrderEvent[] {
    return this.sql
      .exec<{ seq: number; data: string; reason: string | null }>(`SELECT seq, data, reason FROM outbox ORDER BY seq LIMIT ?`, limit)
      .toArray()
      .map((row) => ({ seq: row.seq, order: readOrder(row.data), reason: row.reason }));
  }

  /**
   * Drops outbox entries up to `seq` once Postgres has them, moving the ones it refused
   * (`parked`) to the dead letters in the same transaction: no event is lost between them.
   */
  acknowledgeOutbox(seq: number, parked: readonly ParkedEvent[] = [], now = this.now()): void {
    this.transaction(() => {
      for (const { event, failure } of parked) {
        this.sql.exec(
          `INSERT OR REPLACE INTO dead_letters (seq, order_id, data, reason, failure, parked_at) VALUES (?, ?, ?, ?, ?, ?)`,
          event.seq,
          event.order.id,
          JSON.stringify(event.order),
          event.reason,
          JSON.stringify(failure),
          now,
        );
      }
      this.sql.exec(`DELETE FROM outbox WHERE seq <= ?`, seq);
    });
  }

  /** Forfeited deposits still to refund (issue 19). */
  forfeitRefundsDue(): Array<{ orderId: string; depositRef: string; amount: number }> {
    if (!this.ready) return [];
    return this.sql
      .exec<{ order_id: string; deposit_ref: string; amount: number }>(
        `SELECT order_id, deposit_ref, amount FROM forfeit_refunds WHERE refunded_at IS NULL ORDER BY order_id`,
      )
      .toArray()
      .map((row) => ({ orderId: row.order_id, depositRef: row.deposit_ref, amount: row.amount }));
  }

  markForfeitRefunded(orderId: string): void {
    this.sql.exec(`UPDATE forfeit_refunds SET refunded_at = ? WHERE order_id = ? AND refunded_at IS NULL`, this.now(), orderId);
  }

  forfeitRefunds(): Array<{ orderId: string; amount: number; refundedAt: number | null }> {
    if (!this.ready) return [];
    return this.sql
      .exec<{ order_id: string; amount: number; refunded_at: number | null }>(
        `SELECT order_id, amount, refunded_at FROM forfeit_refunds ORDER BY order_id`,
      )
      .toArray()
      .map((row) => ({ orderId: row.order_id, amount: row.amount, refundedAt: row.refunded_at }));
  }

  get outboxSize(): number {
    if (!this.ready) return 0;
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM outbox`).one().n;
  }

  get deadLetterCount(): number {
    if (!this.ready) return 0;
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM dead_letters`).one().n;
  }

  /** The parked events, oldest first: what the console lists (no order rows, only ids and refusals). */
  deadLetters(limit: number): DeadLetter[] {
    if (!this.ready) return [];
    return this.sql
      .exec<{ seq: number; order_id: string; reason: string | null; failure: string; parked_at: number }>(
        `SELECT seq, order_id, reason, failure, parked_at FROM dead_letters ORDER BY seq LIMIT ?`,
        limit,
      )
      .toArray()
      .map((row) => ({
        seq: row.seq,
        orderId: row.order_id,
        reason: row.reason,
        failure: JSON.parse(row.failure),
        parkedAt: row.parked_at,
      }));
  }

  /**
   * Puts every parked event back in the outbox (after a fix, such as a migration, that lets
   * Postgres take them), keeping their order; returns how many.
   */
  requeueDeadLetters(): number {
    if (!this.ready) return 0;
    let moved = 0;
    this.transaction(() => {
      const rows = this.sql.exec<{ data: string; reason: string | null }>(`SELECT data, reason FROM dead_letters ORDER BY seq`).toArray();
      for (const row of rows) this.sql.exec(`INSERT INTO outbox (data, reason) VALUES (?, ?)`, row.data, row.reason);
      this.sql.exec(`DELETE FROM dead_letters`);
      moved = rows.length;
    });
    return moved;
  }
}

type TransferRow = { id: string; kind: StockTransfer["kind"]; shard: number; ranks: string; settled: number };

function readTransfer(row: TransferRow): StockTransfer {
  return { id: row.id, kind: row.kind, shard: row.shard, ranks: JSON.parse(row.ranks), settled: row.settled === 1 };
}

/** An outbox event Postgres refused, as the console sees it. */
export interface DeadLetter {
  seq: number;
  orderId: string;
  reason: string | null;
  failure: ParkedEvent["failure"];
  parkedAt: number;
}
