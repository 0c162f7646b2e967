import type { PointsTerms } from "../../src/membership/points-pricing.ts";
import type { PointsOutcome } from "../../src/membership/points-pricing.ts";
import { DurableObject } from "cloudflare:workers";
import { databaseSettings } from "../../src/config.ts";
import { openDatabase } from "../../src/db/client.ts";
import { statusOf } from "../../src/error-codes.ts";
import { fail, succeed, type Result } from "../../src/errors.ts";
import type { InvoiceKind, Order, OrderStatus } from "../../src/orders/order.ts";
import type { PaymentLineKind } from "../../src/presale/presale-terms.ts";
import { forfeitRefundKey } from "../../src/presale/presale-state.ts";
import { paymentProvider } from "../../src/payments/index.ts";
import type { Change, CheckoutRequest, OrderBook } from "../../src/orders/order-book.ts";
import { writeOrderEvents } from "../../src/orders/order-sink.ts";
import type { CheckoutOutcome } from "../../src/coupons/coupon.ts";
import type { CouponTerms } from "../../src/coupons/discount.ts";
import { writeParkingRefused } from "../../src/orders/outbox-writer.ts";
import { describeDatabaseFailure } from "../../src/db/errors.ts";
import { saleConfigSchema, saleKey, type SaleConfig } from "../../src/sales/sale-config.ts";
import type { Inventory } from "../../src/sales/inventory.ts";
import type { ShardStock } from "../../src/sales/shard-stock.ts";
import { decidingObject, leaseSize, parseObjectName, shardObjectName } from "../../src/sales/shards.ts";
import { snapshotOf, snapshotOfSale, type SkuSnapshot } from "../../src/sales/snapshot.ts";
import { withTimeout } from "../../src/timeout.ts";
import { MovableClock } from "../../src/clock.ts";
import { LiveFeed } from "./live-feed.ts";
import { saleUnits, ShardFleet, sumReports, type ShardReport } from "./shard-fleet.ts";
import { StockDealer, type Release } from "./stock-dealer.ts";
import { StockSupply } from "./stock-supply.ts";
import { SaleStore, type DeadLetter, type StockTransfer } from "./store.ts";
import { newBook, wakeBook } from "./stored-book.ts";

/** Outbox entries gather this long before a write to Postgres (group commit). */
const FLUSH_DELAY_MS = 50;
const FLUSH_BATCH = 500;
/** Retry backoff while Postgres is unreachable: the sale goes on, the outbox waits. */
const FLUSH_RETRY_MS = [250, 500, 1_000, 2_000, 5_000, 10_000];
const FLUSH_TIMEOUT_MS = 10_000;
/** How stale the KV configuration may get before the object rereads it in the background. */
const CONFIG_TTL_MS = 5_000;
/** A shard tells its primary it changed at most this often: the sale's live feed is pushed from there. */
const SHARD_NOTICE_MS = 250;
/** A forfeited deposit's refund the provider did not take is asked again this soon (issue 19). */
const FORFEIT_REFUND_RETRY_MS = 30_000;

/** A lease or recall left unanswered is asked again this soon, by the alarm. */
const TRANSFER_RETRY_MS = 1_000;

/** What the marketer console sees of a running sale (issue 6). */
export interface SkuAdminView {
  /** The configuration this object runs: after a save, newer than KV until KV catches up. */
  config: SaleConfig;
  snapshot: SkuSnapshot;
  /** Orders ever placed, whatever became of them: successive reads give orders per second. */
  ordersPlaced: number;
  /** Gifts out with orders that hold or bought units, by gift id. */
  giftsGiven: Record<string, number>;
  outbox: OutboxState;
}

/** Changes not yet in Postgres, and those Postgres refused (parked until retried). */
export interface OutboxState {
  pending: number;
  deadLettered: number;
}

/** A save the object adopted: what it ran before (null for a new sale) and runs now. */
export interface AppliedConfig {
  before: SaleConfig | null;
  after: SaleConfig;
  snapshot: SkuSnapshot;
}

/** Two outboxes' numbers together (a sharded sale's primary and its shards). */
function addOutbox(a: OutboxState, b: OutboxState): OutboxState {
  return { pending: a.pending + b.pending, deadLettered: a.deadLettered + b.deadLettered };
}

/** How a SKU object's counts stand, for the reconciliation command. */
export interface SkuCounts {
  sku: string;
  stock: number;
  available: number;
  unitsByStatus: Record<OrderStatus, number>;
  outbox: OutboxState;
}

/**
 * One object per SKU on sale (PRODUCT.md, "Shape"): it owns the SKU's stock, countdown
 * and reservations and serializes every decrement. The hot path is in memory (OrderBook:
 * live holds, counts and the changes not yet written; any other order is read from SQLite,
 * issue 12); each change is written to SQLite in the same turn, and the runtime's output
 * gate holds the reply until the write is durable, so a stampede shares few writes and no
 * reply ever gets ahead of its write. An outbox in the same storage carries every change to
 * Postgres in batches, and waits out a Postgres outage without stopping the sale.
 */
export class SkuSale extends DurableObject<Env> {
  /** The object's time: every decision reads it and hands it to the domain (src/clock.ts). */
  private readonly clock = new MovableClock();
  /** The SKU this object sells, and which shard of its sale it is (null: the SKU's own object). */
  private readonly sku: string;
  private readonly shardIndex: number | null;
  /** A sharded sale's primary deals units to its shards and speaks for them (issue 12). */
  private readonly dealer: StockDealer;
  private readonly fleet: ShardFleet;
  /** A shard's supply of units from its primary. */
  private readonly supply: StockSupply;
  private shardNotice: ReturnType<typeof setTimeout> | null = null;
  /** Tries waiting for a lease on this shard: the next lease asks for all of them. */
  private waitingForUnits = 0;
  private readonly store: SaleStore;
  private readonly live: LiveFeed;
  private book: OrderBook | null = null;
  private configLoadedAt = 0;
  private refreshing: Promise<Result<SaleConfig>> | null = null;
  /** The older KV version last reported as ignored, so a lagging KV is logged once, not every refresh. */
  private ignoredVersion: number | null = null;
  private draining: Promise<void> | null = null;
  /** Changes decided but not yet written, and the turn that will write them (see commit()). */
  private unwritten: Change[] = [];
  private written: Promise<void> | null = null;
  private flushFailures = 0;
  /** The alarm time we last set: alarms only ever move earlier between runs. */
  private alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const { sku, shard } = parseObjectName(ctx.id.name ?? "");
    this.sku = sku;
    this.shardIndex = shard;
    this.store = new SaleStore(ctx.storage, () => this.clock.now());
    this.dealer = new StockDealer({
      inventory: () => this.book!.inventory as Inventory,
      shards: () => this.book?.config.shards ?? 1,
      shard: (index) => this.shardObject(index),
      transfer: (id) => this.store.transfer(id),
      unsettled: () => this.store.unsettledTransfers("recall"),
      record: (transfer) => this.recordTransfer(transfer),
      retrySoon: () => this.scheduleAlarm(this.clock.now() + TRANSFER_RETRY_MS),
    });
    this.fleet = new ShardFleet(
      () => this.book?.config.shards ?? 1,
      (index) => this.shardObject(index),
      () => this.clock.now(),
    );
    this.supply = new StockSupply({
      shard: shard ?? 0,
      stock: () => this.book!.inventory as ShardStock,
      primary: () => this.env.SKU_SALE.getByName(this.sku),
      transfer: (id) => this.store.transfer(id),
      unsettled: () => this.store.unsettledTransfers("lease"),
      record: (transfer) => this.recordTransfer(transfer),
      retrySoon: () => this.scheduleAlarm(this.clock.now() + TRANSFER_RETRY_MS),
      now: () => this.clock.now(),
    });
    // Not every order: the counts and the live holds; the rest stay in SQLite (issue 12).
    const woken = wakeBook(this.store, this.clock.now(), ctx.id.name);
    if (woken) {
      this.book = woken.book;
      this.configLoadedAt = woken.configLoadedAt;
    }
    this.live = new LiveFeed(
      ctx,
      () => this.currentSnapshot(),
      () => this.clock.now(),
    );
    ctx.blockConcurrencyWhile(async () => {
      this.alarmAt = await ctx.storage.getAlarm();
      // A lease or recall whose answer never arrived is asked again at once (see alarm()).
      if (this.store.unsettledTransfers(this.shardIndex === null ? "recall" : "lease").length > 0) this.scheduleAlarm(this.clock.now());
    });
  }

  /**
   * The clock an object runs on, for tests to move inside `runInDurableObject` (a hold then
   * runs out at once). Static, so it is no part of the object's RPC surface.
   */
  static clockOf(object: SkuSale): MovableClock {
    return object.clock;
  }

  /** A round trip through the object and its storage, for health checks. */
  async ping(): Promise<{ schemaVersion: number; serverTime: number }> {
    return { schemaVersion: this.store.schemaVersion, serverTime: this.clock.now() };
  }

  async snapshot(): Promise<Result<SkuSnapshot>> {
    const book = await this.openBook();
    if (!book.ok) return book;
    if (this.isShardedPrimary) await this.fleet.reports();
    return succeed(this.currentSnapshot());
  }

  /**
   * Try: hold units as a `pending_payment` order (or replay the order this key made). A sharded
   * sale's Try is decided by the shopper's shard (`forwarded`: it already was routed once).
   */
  async tryCheckout(request: CheckoutRequest, forwarded = false): Promise<Result<{ order: Order; replayed: boolean }>> {
    // No await on the hot path once the book is open: check and hold happen in one turn.
    const opened = this.openBookNow() ?? (await this.openBook());
    if (!opened.ok) return opened;
    const elsewhere = this.servingObject(request.shopperId, forwarded);
    if (elsewhere) return elsewhere.tryCheckout(request, true);
    const book = opened.value;
    // A dry shard leases units first. The last check and the decision run in one turn (no
    // await between them), or Tries woken by the same lease would all count its units.
    while (this.shardIndex !== null && book.needsUnits(request, this.clock.now())) {
      if ((await this.leaseFor(book, request)) === 0) break;
    }
    const result = book.tryCheckout(request, this.clock.now());
    if (result.ok && result.value.change) await this.commit([result.value.change]);
    // Even a replay or a refusal waits for what is still unwritten: no answer may speak of
    // an order (or a stock level) before it is on disk.
    else await this.settled();
    if (!result.ok) return result;
    return succeed({ order: result.value.order, replayed: result.value.replayed });
  }

  async getOrder(orderId: string, shopperId: string): Promise<Result<Order>> {
    const book = await this.openBook();
    return book.ok ? book.value.get(orderId, shopperId) : book;
  }

  /**
   * One lease for a dry shard's Try; resolves with the units it brought. Tries that arrive
   * meanwhile wait for the same lease, so it asks for all of them.
   */
  private async leaseFor(book: OrderBook, request: CheckoutRequest): Promise<number> {
    this.waitingForUnits += 1;
    try {
      const want = Math.max(leaseSize(book.config.stock, book.config.shards), request.qty * this.waitingForUnits);
      return await this.supply.refill(want);
    } finally {
      this.waitingForUnits -= 1;
    }
  }

  /** Confirm, once the payment provider has taken the money; a presale order names the line paid (issue 19). */
  async confirm(
    orderId: string,
    shopperId: string,
    paymentRef: string,
    invoiceKind: InvoiceKind = "paper",
    kind: PaymentLineKind = "full",
  ): Promise<Result<{ order: Order; changed: boolean }>> {
    return this.apply((book, now) => book.confirm(orderId, shopperId, paymentRef, now, invoiceKind, kind));
  }

  /** What a presale order owes now, on this object's clock: asked before charging (OrderBook.presaleDue). */
  async presaleDue(
    orderId: string,
    shopperId: string,
  ): Promise<Result<{ order: Order; due: { kind: PaymentLineKind; amount: number } | null }>> {
    const book = await this.openBook();
    if (!book.ok) return book;
    return book.value.presaleDue(orderId, shopperId, this.clock.now());
  }

  /** Cancel: release the order's units. */
  async cancel(orderId: string, shopperId: string): Promise<Result<{ order: Order; changed: boolean }>> {
    return this.apply((book, now) => book.cancel(orderId, shopperId, now));
  }

  /**
   * Prices an unpaid order again with the coupons their pools now hold for it (issue 14).
   * Answers the coupons it no longer carries, for the caller to give back to their pools.
   */
  async applyCoupons(
    orderId: string,
    shopperId: string,
    coupons: CouponTerms[],
  ): Promise<Result<{ order: Order; changed: boolean; dropped: string[] }>> {
    let dropped: string[] = [];
    const applied = await this.apply((book, now) => {
      const result = book.applyCoupons(orderId, shopperId, coupons, now);
      if (result.ok) dropped = result.value.dropped;
      return result;
    });
    return applied.ok ? succeed({ ...applied.value, dropped }) : applied;
  }

  /**
   * What became of the checkout a coupon was held for (issue 14): its pool asks when the hold
   * is due. Routed like the Try, to the object that decided it.
   */
  async couponOutcome(shopperId: string, idempotencyKey: string, couponId: string, forwarded = false): Promise<Result<CheckoutOutcome>> {
    const book = await this.openBook();
    if (!book.ok) return book;
    const elsewhere = this.servingObject(shopperId, forwarded);
    if (elsewhere) return elsewhere.couponOutcome(shopperId, idempotencyKey, couponId, true);
    await this.settled();
    return succeed(book.value.couponOutcome(shopperId, idempotencyKey, couponId));
  }

  /**
   * Prices an unpaid order again with the points of a new hold (issue 16, the order page; null:
   * none). Answers the hold it no longer carries, for the caller to give back.
   */
  async applyPoints(
    orderId: string,
    shopperId: string,
    terms: PointsTerms | null,
  ): Promise<Result<{ order: Order; changed: boolean; dropped: string | null }>> {
    let dropped: string | null = null;
    const applied = await this.apply((book, now) => {
      const result = book.applyPoints(orderId, shopperId, terms, now);
      if (result.ok) dropped = result.value.dropped;
      return result;
    });
    return applied.ok ? succeed({ ...applied.value, dropped }) : applied;
  }

  /**
   * What became of the checkout a points hold was for (issue 16): the job settling holds left
   * behind asks once the hold's wait is over. Routed like the Try, to the object that decided it.
   */
  async pointsOutcome(shopperId: string, idempotencyKey: string, holdKey: string, forwarded = false): Promise<Result<PointsOutcome>> {
    const book = await this.openBook();
    if (!book.ok) return book;
    const elsewhere = this.servingObject(shopperId, forwarded);
    if (elsewhere) return elsewhere.pointsOutcome(shopperId, idempotencyKey, holdKey, true);
    await this.settled();
    return succeed(book.value.pointsOutcome(shopperId, idempotencyKey, holdKey));
  }

  /** Cancel by idempotency key, also before the Try has arrived. */
  async cancelByKey(
    shopperId: string,
    idempotencyKey: string,
    forwarded = false,
  ): Promise<Result<{ order: Order | null; changed: boolean }>> {
    const book = await this.openBook();
    if (!book.ok) return book;
    const elsewhere = this.servingObject(shopperId, forwarded);
    if (elsewhere) return elsewhere.cancelByKey(shopperId, idempotencyKey, true);
    const result = book.value.cancelByKey(shopperId, idempotencyKey, this.clock.now());
    if (!result.ok) return result;
    const { order, change, tombstone } = result.value;
    if (change) await this.commit([change]);
    if (tombstone.added) {
      this.writeUnwritten(); // keep the store's order of events
      this.store.recordCancelledKey(tombstone.added, tombstone.evicted);
      this.scheduleNextAlarm(); // the tombstone ages out with the sale
    }
    return succeed({ order, changed: change !== null || tombstone.added !== null });
  }

  /** Rereads the sale's configuration from KV now (for a change written to KV by other means). */
  async reloadConfig(): Promise<Result<SkuSnapshot>> {
    const loaded = await this.loadConfig();
    if (!loaded.ok) return loaded;
    return succeed(this.currentSnapshot());
  }

  /**
   * A save from the admin API (issue 6), told to the object before KV is written, so a
   * running sale changes at once whatever KV's propagation delay. Adopted only when it is
   * the next version of what this object runs (optimistic concurrency: two marketers
   * editing the same version cannot both win) and leaves stock at or above the units sold
   * or held; otherwise refused with nothing changed. The check and the adoption happen in
   * one turn, after the last await, so concurrent saves are decided one at a time.
   */
  async applyConfig(config: SaleConfig): Promise<Result<AppliedConfig>> {
    const sku = this.sku;
    if (config.sku !== sku || this.shardIndex !== null) {
      return fail("internal", `configuration for "${config.sku}" sent to the object "${this.ctx.id.name}"`);
    }
    // Catch up with KV first: a configuration written there by other means may be newer
    // than ours. A missing or invalid entry leaves what this object runs (maybe nothing).
    await this.loadConfig();
    const before = this.book?.config ?? null;
    const current = before?.version ?? 0;
    if (current === 0 && config.version > 1) return fail("not_found", `no sale for SKU "${sku}"`);
    if (config.version !== current + 1) {
      return fail(
        "conflict",
        current > 0 && config.version === 1
          ? `a sale for SKU "${sku}" already exists (version ${current})`
          : `the sale changed since it was read: it is at version ${current}, not ${config.version - 1}`,
        { version: current },
      );
    }
    const inventory = this.book?.inventory;
    if (inventory && config.stock < inventory.out) {
      const { sold, held } = this.book!.totals;
      return fail("conflict", `stock ${config.stock} is below the ${inventory.out} units sold or held`, {
        problems: [`stock: must be at least ${inventory.out}, the units sold (${sold}) and held (${held}) now`],
        minimumStock: inventory.out,
      });
    }
    if (before && config.shards !== before.shards && (this.book!.inventory.out > 0 || this.clock.now() >= before.startsAt)) {
      return fail("conflict", "the number of shards can change only before the sale starts and sells anything", {
        problems: [`shards: must stay ${before.shards} once the sale has started`],
      });
    }
    this.adoptConfig(config);
    if (config.shards > 1) await this.tellShards(config);
    return succeed({ before, after: this.book!.config, snapshot: this.currentSnapshot() });
  }

  /**
   * A sharded sale's shards take a save at once, like the primary (each also rereads KV every
   * few seconds): a shard woken before KV has the sale would otherwise not know it.
   */
  private async tellShards(config: SaleConfig): Promise<void> {
    const missed = await this.fleet.tell(config);
    if (missed > 0) console.warn(`sale ${config.sku}: ${missed} shards missed version ${config.version}; they read it from KV`);
  }

  /** A shard adopts a configuration its primary adopted (a newer version than it runs). */
  async followConfig(config: SaleConfig): Promise<void> {
    if (this.shardIndex === null || config.sku !== this.sku) return;
    if (this.book && config.version <= this.book.config.version) return;
    this.adoptConfig(config);
  }

  /** The running configuration and live numbers, for the marketer console. */
  async adminView(): Promise<Result<SkuAdminView>> {
    const opened = await this.openBook();
    if (!opened.ok) return opened;
    const book = opened.value;
    if (this.isShardedPrimary) {
      // Fresh: the console reads every few seconds, and shows what a marketer just did.
      const totals = sumReports(await this.fleet.reports(true), book.inventory);
      return succeed({
        config: book.config,
        snapshot: this.currentSnapshot(),
        ordersPlaced: totals.ordersPlaced,
        giftsGiven: {},
        outbox: addOutbox(this.outboxState(), totals.outbox),
      });
    }
    return succeed({
      config: book.config,
      snapshot: snapshotOf(book, this.clock.now()),
      ordersPlaced: book.ordersPlaced,
      giftsGiven: book.giftsGiven,
      outbox: this.outboxState(),
    });
  }

  /** Counts for reconciliation against Postgres. */
  async counts(): Promise<Result<SkuCounts>> {
    const book = await this.openBook();
    if (!book.ok) return book;
    if (this.isShardedPrimary) {
      const reports = await this.fleet.everyReport();
      if (!reports.ok) return reports;
      const totals = sumReports(reports.value, book.value.inventory);
      return succeed({
        sku: book.value.config.sku,
        stock: book.value.inventory.total,
        available: totals.available,
        unitsByStatus: totals.unitsByStatus,
        outbox: addOutbox(this.outboxState(), totals.outbox),
      });
    }
    return succeed({
      sku: book.value.config.sku,
      stock: book.value.inventory.total,
      available: book.value.inventory.available,
      unitsByStatus: book.value.totals.unitsByStatus,
      outbox: this.outboxState(),
    });
  }

  /** A shard's numbers, for its primary (the sale's live numbers, its console and reconciliation). */
  async report(): Promise<Result<ShardReport>> {
    const opened = await this.openBook();
    if (!opened.ok) return opened;
    const book = opened.value;
    await this.settled();
    return succeed({
      shard: this.shardIndex ?? 0,
      available: book.inventory.available,
      nextRank: book.inventory.nextRank,
      unitsByStatus: book.totals.unitsByStatus,
      ordersPlaced: book.ordersPlaced,
      outbox: this.outboxState(),
    });
  }

  /** The primary of a sharded sale deals units to a shard that ran dry (StockDealer). */
  async lease(shard: number, leaseId: string, want: number): Promise<Result<number[]>> {
    const opened = await this.openBook();
    if (!opened.ok) return opened;
    if (this.shardIndex !== null) return fail("internal", "only a sale's primary object deals units");
    return succeed(await this.dealer.lease(shard, leaseId, want));
  }

  /** A shard gives its unsold units back to its primary, for a shard that ran dry (StockSupply). */
  async release(recallId: string, leases: string[] = []): Promise<Result<Release>> {
    const opened = await this.openBook();
    if (!opened.ok) return opened;
    if (this.shardIndex === null) return fail("internal", "only a shard gives units back");
    return succeed(this.supply.release(recallId, leases));
  }

  /** A shard changed: the primary refreshes the sale's numbers and pushes them to its live feed. */
  async shardChanged(): Promise<void> {
    this.fleet.invalidate();
    if (!this.isShardedPrimary || this.ctx.getWebSockets().length === 0) return;
    await this.fleet.reports();
    this.live.changed();
  }

  private outboxState(): OutboxState {
    return { pending: this.store.outboxSize, deadLettered: this.store.deadLetterCount };
  }

  /** The outbox events Postgres refused, oldest first, for the console (ids and refusals only). */
  async deadLetters(limit = 100): Promise<Result<{ total: number; deadLetters: DeadLetter[] }>> {
    const book = await this.openBook();
    if (!book.ok) return book;
    const own = { total: this.store.deadLetterCount, deadLetters: this.store.deadLetters(limit) };
    if (!this.isShardedPrimary) return succeed(own);
    const shards = await this.fleet.deadLetters(limit);
    if (!shards.ok) return shards;
    const deadLetters = [...own.deadLetters, ...shards.value.deadLetters].sort((a, b) => a.parkedAt - b.parkedAt);
    return succeed({ total: own.total + shards.value.total, deadLetters: deadLetters.slice(0, limit) });
  }

  /** Puts the parked events back in the outbox and drains it; resolves with what is left parked. */
  async retryDeadLetters(): Promise<Result<{ requeued: number; deadLettered: number; outboxPending: number }>> {
    const book = await this.openBook();
    if (!book.ok) return book;
    await this.settled();
    const requeued = this.store.requeueDeadLetters();
    const { outboxPending } = await this.flushOwnOutbox();
    const own = { requeued, deadLettered: this.store.deadLetterCount, outboxPending };
    if (!this.isShardedPrimary) return succeed(own);
    const shards = await this.fleet.retryDeadLetters();
    if (!shards.ok) return shards;
    return succeed({
      requeued: own.requeued + shards.value.requeued,
      deadLettered: own.deadLettered + shards.value.deadLettered,
      outboxPending: own.outboxPending + shards.value.outboxPending,
    });
  }

  /** Writes the outbox to Postgres now (a sharded sale's primary: every shard's too); resolves with what is still pending. */
  async flushOutbox(): Promise<{ outboxPending: number }> {
    const own = await this.flushOwnOutbox();
    if (!this.isShardedPrimary) return own;
    return { outboxPending: own.outboxPending + (await this.fleet.flushOutbox()) };
  }

  private async flushOwnOutbox(): Promise<{ outboxPending: number }> {
    await this.settled();
    await this.drainOutbox();
    this.scheduleNextAlarm();
    return { outboxPending: this.store.outboxSize };
  }

  /** The live feed: `GET /api/skus/:sku/live` is forwarded here with its Upgrade header. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return Response.json({ error: { code: "invalid_request", message: "expected a WebSocket upgrade" } }, { status: 400 });
    }
    const book = await this.openBook();
    if (!book.ok) {
      const { code, message, details } = book.error;
      return Response.json({ error: { code, message, ...details } }, { status: statusOf(code) });
    }
    if (this.isShardedPrimary) await this.fleet.reports(); // the first frame speaks for every shard
    const accepted = this.live.accept(request);
    // After accepting: the start and end of the sale are pushed only while sockets listen,
    // and scheduling before this socket counted left the first listener without its push.
    this.scheduleNextAlarm();
    return accepted;
  }

  override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
    this.live.onMessage(socket, message);
  }

  override async webSocketClose(socket: WebSocket, code: number): Promise<void> {
    // 1005/1006 carry no close code a peer may echo back.
    socket.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
  }

  /** Every due task: release expired holds, push phase changes, drain the outbox. */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    const now = this.clock.now();
    if (this.book) await (this.shardIndex === null ? this.dealer.resume() : this.supply.resume());
    if (this.book) {
      const expired = this.book.expireDue(now);
      if (expired.length > 0) await this.commit(expired);
      const cutoff = this.book.expireCancelledKeys(now);
      if (cutoff !== null) this.store.expireCancelledKeys(cutoff);
      this.live.changed();
    }
    await this.drainOutbox();
    await this.refundForfeits();
    this.scheduleNextAlarm();
  }

  /**
   * Refunds the deposits of forfeited presale orders whose sale refunds them (issue 19), each
   * once: the refund was queued with the forfeit in one write (SaleStore.record), the provider
   * is asked under `forfeit:<orderId>` (asking twice refunds once), and it is marked done after.
   * One the provider does not take now is asked again by a later alarm.
   */
  private async refundForfeits(): Promise<void> {
    const due = this.store.forfeitRefundsDue();
    if (due.length === 0) return;
    let failed = false;
    for (const refund of due) {
      try {
        const provider = paymentProvider(this.env.PAYMENT_PROVIDER);
        await provider.refund(refund.depositRef, "presale forfeited: the deposit is refunded by the sale's rule", {
          amount: refund.amount,
          idempotencyKey: forfeitRefundKey(refund.orderId),
        });
        this.store.markForfeitRefunded(refund.orderId);
      } catch (error) {
        failed = true;
        console.warn(`presale: refund of the deposit of ${refund.orderId} failed, asked again later: ${(error as Error).message}`);
      }
    }
    if (failed) this.scheduleAlarm(this.clock.now() + FORFEIT_REFUND_RETRY_MS);
  }

  /** The forfeit refunds this object still owes, and those done: for the console and tests. */
  async forfeitRefunds(): Promise<Array<{ orderId: string; amount: number; refundedAt: number | null }>> {
    return this.store.forfeitRefunds();
  }

  /** Runs one book operation and persists whatever it changed. */
  private async apply(
    operation: (book: OrderBook, now: number) => Result<{ order: Order; change: Change | null }>,
  ): Promise<Result<{ order: Order; changed: boolean }>> {
    const book = await this.openBook();
    if (!book.ok) return book;
    const result = operation(book.value, this.clock.now());
    if (!result.ok) {
      if (result.error.details?.status === "expired") this.scheduleAlarm(this.clock.now());
      await this.settled();
      return result;
    }
    if (result.value.change) await this.commit([result.value.change]);
    else await this.settled();
    return succeed({ order: result.value.order, changed: result.value.change !== null });
  }

  /**
   * Persists changes with their outbox entries, then schedules the flush, expiry and push.
   * Group commit (issue 7). Changes are decided in memory at once, one request at a time,
   * and queued; the next turn writes the whole queue in one SQLite transaction. Every reply
   * awaits that write, and the runtime's output gate then holds it until the write is
   * durable: a stampede shares one durable write per turn instead of one per checkout,
   * and no reply ever goes out before its write.
   */
  private commit(changes: Change[]): Promise<void> {
    this.unwritten.push(...changes);
    this.written ??= new Promise<void>((resolve) =>
      setTimeout(() => {
        this.written = null;
        this.writeUnwritten();
        resolve();
      }, 0),
    );
    this.scheduleAlarm(this.clock.now() + FLUSH_DELAY_MS);
    for (const { order } of changes) if (order.expiresAt !== null) this.scheduleAlarm(order.expiresAt);
    this.live.changed();
    this.noticeToPrimary();
    return this.written;
  }

  /** A shard tells its primary it changed, at most every SHARD_NOTICE_MS, for the sale's live feed. */
  private noticeToPrimary(): void {
    if (this.shardIndex === null || this.shardNotice !== null) return;
    this.shardNotice = setTimeout(() => {
      this.shardNotice = null;
      this.env.SKU_SALE.getByName(this.sku)
        .shardChanged()
        .catch(() => undefined); // the primary's snapshots ask again within REPORT_TTL_MS anyway
    }, SHARD_NOTICE_MS);
  }

  /** Whether this is the primary of a sale sold by shards: it deals units and speaks for them. */
  private get isShardedPrimary(): boolean {
    return this.shardIndex === null && (this.book?.config.shards ?? 1) > 1;
  }

  private shardObject(index: number) {
    return this.env.SKU_SALE.getByName(shardObjectName(this.sku, index));
  }

  /** The object that decides this shopper's Try when it is not this one (src/sales/shards.ts). */
  private servingObject(shopperId: string, forwarded: boolean) {
    const at = { sku: this.sku, shard: this.shardIndex, shards: this.book?.config.shards ?? 1 };
    const name = decidingObject(at, shopperId, forwarded);
    return name === null ? null : this.env.SKU_SALE.getByName(name);
  }

  /** Persists a stock transfer with the stock it moved, after the order changes decided before it. */
  private recordTransfer(transfer: StockTransfer): void {
    this.writeUnwritten();
    this.store.recordTransfer(transfer, this.book!.inventory);
  }

  /**
   * Writes the queued changes now, with their outbox entries and the inventory they moved,
   * and tells the book, in the same synchronous block: from here on it reads them from
   * SQLite and drops its own copies (issue 12). A write that throws writes nothing, and the
   * changes stay queued and in the book.
   */
  private writeUnwritten(): void {
    if (this.unwritten.length === 0) return;
    this.store.record(this.unwritten, this.book!.inventory, this.book!.tally);
    this.unwritten = [];
    this.book!.markWritten();
  }

  /** Resolves once every change decided so far is written. */
  private settled(): Promise<void> {
    return this.written ?? Promise.resolve();
  }

  /** The order book if it is open (refreshing a stale configuration in the background), else null. */
  private openBookNow(): Result<OrderBook> | null {
    if (!this.book) return null;
    if (this.clock.now() - this.configLoadedAt > CONFIG_TTL_MS && !this.refreshing) {
      this.refreshing = this.loadConfig().finally(() => (this.refreshing = null));
    }
    return succeed(this.book);
  }

  /** The order book, loading the configuration from KV on first use. */
  private async openBook(): Promise<Result<OrderBook>> {
    const open = this.openBookNow();
    if (open) return open;
    const loaded = await (this.refreshing ?? this.loadConfig());
    return loaded.ok ? succeed(this.book!) : loaded;
  }

  private async loadConfig(): Promise<Result<SaleConfig>> {
    const sku = this.sku;
    if (!sku) return fail("internal", "SKU objects must be addressed by name");
    const raw = await this.env.SALES.get(saleKey(sku), "json");
    if (raw === null) {
      return this.book ? succeed(this.book.config) : fail("not_found", `no sale for SKU "${sku}"`);
    }
    const parsed = saleConfigSchema.safeParse(raw);
    if (!parsed.success) {
      console.error(`sale ${sku}: configuration in KV is invalid; keeping the last good one`);
      return this.book ? succeed(this.book.config) : fail("internal", `sale "${sku}" in KV is not a valid configuration`);
    }
    const running = this.book?.config;
    if (running && parsed.data.version < running.version) {
      // A save reached this object before KV (applyConfig), and KV has not caught up, or a
      // hand-written entry reused an old version: never step back to it.
      if (this.ignoredVersion !== parsed.data.version) {
        console.warn(`sale ${sku}: KV holds version ${parsed.data.version}, older than the running ${running.version}; ignored`);
        this.ignoredVersion = parsed.data.version;
      }
      this.configLoadedAt = this.clock.now();
      return succeed(running);
    }
    return succeed(this.adoptConfig(parsed.data));
  }

  private adoptConfig(config: SaleConfig): SaleConfig {
    const now = this.clock.now();
    if (!this.book) {
      this.book = newBook(this.store, config, this.ctx.id.name);
    } else if (config.stock < this.book.inventory.out) {
      console.error(`sale ${config.sku}: stock ${config.stock} is below units already sold or held; keeping stock`);
      this.book.reconfigure({ ...config, stock: this.book.inventory.total });
    } else {
      this.book.reconfigure(config);
    }
    this.configLoadedAt = now;
    this.writeUnwritten(); // the inventory saved with the config must not get ahead of its orders
    this.store.saveConfig(this.book.config, now, this.book.inventory);
    this.live.changed();
    this.scheduleNextAlarm(); // a new start, end or gift window may need a push
    return this.book.config;
  }

  private currentSnapshot(): SkuSnapshot {
    const book = this.book!;
    if (!this.isShardedPrimary) return snapshotOf(book, this.clock.now());
    return snapshotOfSale(book.config, saleUnits(this.fleet.last, book.inventory), null, this.clock.now());
  }

  /**
   * Writes the outbox to Postgres, one drain at a time: callers during a drain share it.
   * Events Postgres refuses for their data are parked as dead letters, so they cannot hold
   * back the events behind them; any other failure leaves the outbox for a retry with backoff.
   */
  private drainOutbox(): Promise<void> {
    if (this.draining) return this.draining;
    // Set before anything runs and cleared only by the drain it names: a drain that ends at
    // once (an empty outbox) once finished before `??=` stored it, and the settled promise
    // it left behind stopped every later drain for the object's life.
    const drain = this.writeOutbox().finally(() => {
      if (this.draining === drain) this.draining = null;
    });
    this.draining = drain;
    return drain;
  }

  private async writeOutbox(): Promise<void> {
    if (this.store.outboxSize === 0) return;
    let database: ReturnType<typeof openDatabase> | null = null;
    try {
      database = openDatabase(databaseSettings(this.env));
      const { db } = database;
      for (let batch = this.store.outboxBatch(FLUSH_BATCH); batch.length > 0; batch = this.store.outboxBatch(FLUSH_BATCH)) {
        const parked = await withTimeout(
          writeParkingRefused(batch, (events) => writeOrderEvents(db, events)),
          FLUSH_TIMEOUT_MS,
        );
        this.store.acknowledgeOutbox(batch.at(-1)!.seq, parked);
        for (const { event, failure } of parked) {
          // Ids and the refusal only: order rows never go to a log.
          console.error(
            `outbox: Postgres refused order ${event.order.id} (event ${event.seq}); parked as a dead letter: ${failure.summary}`,
          );
        }
      }
      this.flushFailures = 0;
    } catch (error) {
      this.flushFailures += 1;
      console.warn(`outbox: write to Postgres failed (${this.flushFailures} in a row): ${describeDatabaseFailure(error).summary}`);
    } finally {
      if (database) void database.close().catch(() => undefined);
    }
  }

  private scheduleNextAlarm(): void {
    const now = this.clock.now();
    const candidates: Array<number | null> = [this.book?.nextExpiry() ?? null, this.book?.nextCancelledKeyExpiry() ?? null];
    if (this.store.outboxSize > 0) {
      const retry = this.flushFailures === 0 ? FLUSH_DELAY_MS : FLUSH_RETRY_MS[Math.min(this.flushFailures, FLUSH_RETRY_MS.length) - 1]!;
      candidates.push(now + retry);
    }
    if (this.book && this.ctx.getWebSockets().length > 0) {
      const { startsAt, endsAt, gifts } = this.book.config;
      const edges = [startsAt, endsAt, ...gifts.flatMap((gift) => [gift.startsAt, gift.endsAt])];
      candidates.push(...edges.filter((t) => t > now));
    }
    const next = Math.min(...candidates.filter((t): t is number => t !== null));
    if (Number.isFinite(next)) this.scheduleAlarm(next);
  }

  private scheduleAlarm(at: number): void {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }
}
