import { DurableObject } from "cloudflare:workers";
import { databaseSettings } from "../../src/config.ts";
import { openDatabase } from "../../src/db/client.ts";
import { statusOf } from "../../src/error-codes.ts";
import { fail, succeed, type Result } from "../../src/errors.ts";
import type { Order, OrderStatus } from "../../src/orders/order.ts";
import type { Change, CheckoutRequest, OrderBook } from "../../src/orders/order-book.ts";
import { writeOrderEvents } from "../../src/orders/order-sink.ts";
import { writeParkingRefused } from "../../src/orders/outbox-writer.ts";
import { describeDatabaseFailure } from "../../src/db/errors.ts";
import { saleConfigSchema, saleKey, type SaleConfig } from "../../src/sales/sale-config.ts";
import { snapshotOf, type SkuSnapshot } from "../../src/sales/snapshot.ts";
import { withTimeout } from "../../src/timeout.ts";
import { MovableClock } from "../../src/clock.ts";
import { LiveFeed } from "./live-feed.ts";
import { SaleStore, type DeadLetter } from "./store.ts";
import { newBook, wakeBook } from "./stored-book.ts";

/** Outbox entries gather this long before a write to Postgres (group commit). */
const FLUSH_DELAY_MS = 50;
const FLUSH_BATCH = 500;
/** Retry backoff while Postgres is unreachable: the sale goes on, the outbox waits. */
const FLUSH_RETRY_MS = [250, 500, 1_000, 2_000, 5_000, 10_000];
const FLUSH_TIMEOUT_MS = 10_000;
/** How stale the KV configuration may get before the object rereads it in the background. */
const CONFIG_TTL_MS = 5_000;

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
    this.store = new SaleStore(ctx.storage, () => this.clock.now());
    // Not every order: the counts and the live holds; the rest stay in SQLite (issue 12).
    const woken = wakeBook(this.store, this.clock.now());
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
    return book.ok ? succeed(snapshotOf(book.value, this.clock.now())) : book;
  }

  /** Try: hold units as a `pending_payment` order (or replay the order this key made). */
  async tryCheckout(request: CheckoutRequest): Promise<Result<{ order: Order; replayed: boolean }>> {
    // No await on the hot path once the book is open: check and hold happen in one turn.
    const opened = this.openBookNow() ?? (await this.openBook());
    if (!opened.ok) return opened;
    const result = opened.value.tryCheckout(request, this.clock.now());
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

  /** Confirm, once the payment provider has taken the money. */
  async confirm(orderId: string, shopperId: string, paymentRef: string): Promise<Result<{ order: Order; changed: boolean }>> {
    return this.apply((book, now) => book.confirm(orderId, shopperId, paymentRef, now));
  }

  /** Cancel: release the order's units. */
  async cancel(orderId: string, shopperId: string): Promise<Result<{ order: Order; changed: boolean }>> {
    return this.apply((book, now) => book.cancel(orderId, shopperId, now));
  }

  /** Cancel by idempotency key, also before the Try has arrived. */
  async cancelByKey(shopperId: string, idempotencyKey: string): Promise<Result<{ order: Order | null; changed: boolean }>> {
    const book = await this.openBook();
    if (!book.ok) return book;
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
    const sku = this.ctx.id.name;
    if (config.sku !== sku) return fail("internal", `configuration for "${config.sku}" sent to the object of "${sku}"`);
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
    this.adoptConfig(config);
    return succeed({ before, after: this.book!.config, snapshot: this.currentSnapshot() });
  }

  /** The running configuration and live numbers, for the marketer console. */
  async adminView(): Promise<Result<SkuAdminView>> {
    const opened = await this.openBook();
    if (!opened.ok) return opened;
    const book = opened.value;
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
    return succeed({
      sku: book.value.config.sku,
      stock: book.value.inventory.total,
      available: book.value.inventory.available,
      unitsByStatus: book.value.totals.unitsByStatus,
      outbox: this.outboxState(),
    });
  }

  private outboxState(): OutboxState {
    return { pending: this.store.outboxSize, deadLettered: this.store.deadLetterCount };
  }

  /** The outbox events Postgres refused, oldest first, for the console (ids and refusals only). */
  async deadLetters(limit = 100): Promise<Result<{ total: number; deadLetters: DeadLetter[] }>> {
    const book = await this.openBook();
    if (!book.ok) return book;
    return succeed({ total: this.store.deadLetterCount, deadLetters: this.store.deadLetters(limit) });
  }

  /** Puts the parked events back in the outbox and drains it; resolves with what is left parked. */
  async retryDeadLetters(): Promise<Result<{ requeued: number; deadLettered: number; outboxPending: number }>> {
    const book = await this.openBook();
    if (!book.ok) return book;
    await this.settled();
    const requeued = this.store.requeueDeadLetters();
    const { outboxPending } = await this.flushOutbox();
    return succeed({ requeued, deadLettered: this.store.deadLetterCount, outboxPending });
  }

  /** Writes the outbox to Postgres now; resolves with what is still pending. */
  async flushOutbox(): Promise<{ outboxPending: number }> {
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
    if (this.book) {
      const expired = this.book.expireDue(now);
      if (expired.length > 0) await this.commit(expired);
      const cutoff = this.book.expireCancelledKeys(now);
      if (cutoff !== null) this.store.expireCancelledKeys(cutoff);
      this.live.changed();
    }
    await this.drainOutbox();
    this.scheduleNextAlarm();
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
    return this.written;
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
    const sku = this.ctx.id.name;
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
      this.book = newBook(this.store, config);
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
    return snapshotOf(this.book!, this.clock.now());
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
