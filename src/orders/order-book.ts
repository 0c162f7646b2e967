import { type CouponTerms, type DiscountLine, priceWithCoupons } from "../coupons/discount.ts";
import type { CheckoutOutcome } from "../coupons/coupon.ts";
import { fail, succeed, type Result } from "../errors.ts";
import { CancelledKeys, type CancelledKey } from "./cancelled-keys.ts";
import { priceUnits } from "../sales/pricing.ts";
import type { SaleConfig } from "../sales/sale-config.ts";
import type { StockUnits } from "../sales/stock-units.ts";
import { type OrderPoints, type PointsOutcome, type PointsTerms, priceWithPoints, repricePoints } from "../membership/points-pricing.ts";
import { type MemberTerms, priceWithMember } from "../membership/member-pricing.ts";
import { HOLDING_STATUSES, type InvoiceKind, newOrderId, type Order, type OrderGift, type OrderStatus } from "./order.ts";
import { MemoryOrderArchive, noUnits, type OrderArchive, type OrderTally } from "./order-archive.ts";
import { newPresaleLine } from "../presale/presale-state.ts";
import type { PaymentLineKind, PresaleLine } from "../presale/presale-terms.ts";

export interface CheckoutRequest {
  shopperId: string;
  idempotencyKey: string;
  qty: number;
  /**
   * Coupons their pools hold for this checkout (issue 14): the order is priced with them and
   * carries them. A retry of the key must name the same coupons.
   */
  coupons?: CouponTerms[];
  /** Points held for this checkout (issue 16): they take fen off after the coupons. A retry names the same hold. */
  points?: PointsTerms | null;
  /**
   * The shopper's tier and its member-price percent (issue 16), read by the Worker only for a
   * sale with `memberPrices`; applied only if this object's configuration opts in too. A retry
   * of the key replays its order whatever it names (the tier may have changed meanwhile).
   */
  member?: MemberTerms | null;
}

/** What changed in one operation: the Durable Object persists exactly this. */
export interface Change {
  order: Order;
  reason: string | null;
}

/**
 * The TCC order book of one SKU on sale: Try holds units as a `pending_payment` order,
 * Confirm marks it paid, Cancel and expiry release its units exactly once. Pure logic with
 * no storage or clock of its own: the Durable Object serializes calls, passes server time in
 * and persists each change. Every method either changes nothing or completes; none leaves
 * state half written.
 *
 * Memory does not grow with the sale (issue 12). The book holds the live holds (expiry needs
 * them), the orders changed since the last write, the counts, and nothing else; any other
 * order is read from its archive, the orders as written. The owner writes the changes and
 * then calls `markWritten()`, and from then on the archive has them. A book that is never
 * marked written keeps every order in its own memory, which is all a test needs.
 */
export class OrderBook<Stock extends StockUnits = StockUnits> {
  private sale: SaleConfig;
  readonly inventory: Stock;
  /** The object this book runs in (a shard's name for a sharded sale): order ids name it, for routing. */
  private readonly objectName: string;
  private readonly archive: OrderArchive;
  /** Orders changed since the last write, by id and by shopper and key: newer than the archive. */
  private readonly recent = new Map<string, Order>();
  private readonly recentByKey = new Map<string, Order>();
  /** How each shopper's units in holding statuses moved since the last write: added to the archive's. */
  private readonly unitsDelta = new Map<string, number>();
  private readonly cancelledKeys: CancelledKeys;
  /**
   * Orders awaiting payment, by id: the only ones expiry has to look at. A presale order whose
   * deposit is paid waits here too, until its balance window closes (then it is forfeited).
   */
  private readonly pending = new Map<string, Order>();
  /** Gifts out with orders that hold or bought units, by gift id: what gift stock counts. */
  private readonly giftsOut: Map<string, number>;
  private readonly unitsByStatus: Record<OrderStatus, number>;
  private placed: number;

  constructor(
    sale: SaleConfig,
    inventory: Stock,
    archive: OrderArchive = new MemoryOrderArchive(),
    cancelledKeys: Iterable<CancelledKey> = [],
    objectName: string = sale.sku,
  ) {
    this.sale = sale;
    this.inventory = inventory;
    this.objectName = objectName;
    this.archive = archive;
    const tally = archive.tally();
    this.placed = tally.orders;
    // A tally written before presales (issue 19) has no deposit_paid or forfeited: none then.
    this.unitsByStatus = { ...noUnits(), ...tally.unitsByStatus };
    this.giftsOut = new Map(Object.entries(tally.giftsOut));
    for (const order of archive.liveHolds()) this.pending.set(order.id, order);
    this.cancelledKeys = new CancelledKeys(cancelledKeys);
  }

  /**
   * Every change so far is in the archive now: the book forgets its own copies. Called by the
   * owner in the same synchronous block as the write, so no lookup ever sees both or neither.
   */
  markWritten(): void {
    this.recent.clear();
    this.recentByKey.clear();
    this.unitsDelta.clear();
  }

  get config(): SaleConfig {
    return this.sale;
  }

  /** Units sold (paid) and held (awaiting payment). */
  get totals() {
    return {
      sold: this.unitsByStatus.paid,
      held: this.unitsByStatus.pending_payment + this.unitsByStatus.deposit_paid,
      unitsByStatus: { ...this.unitsByStatus },
    };
  }

  /** Orders ever placed here, whatever became of them: the console's orders per second. */
  get ordersPlaced(): number {
    return this.placed;
  }

  /** Gifts given with orders that still hold or bought their units, by gift id. */
  get giftsGiven(): Record<string, number> {
    return Object.fromEntries(this.giftsOut);
  }

  /**
   * The counts of every order decided so far, in the archive's terms: written with the orders
   * (SaleStore.record) so that a woken book reads them instead of counting a million orders.
   */
  get tally(): OrderTally {
    return { orders: this.placed, unitsByStatus: { ...this.unitsByStatus }, giftsOut: this.giftsGiven };
  }

  /**
   * The gift an order placed at `now` gets: the first listed whose window is open and whose
   * stock lasts, with how many are left; null when none.
   */
  giftOnOffer(now: number): (OrderGift & { remaining: number; endsAt: number }) | null {
    for (const gift of this.sale.gifts) {
      const remaining = gift.stock - (this.giftsOut.get(gift.id) ?? 0);
      if (now >= gift.startsAt && now < gift.endsAt && remaining > 0) {
        return { id: gift.id, title: gift.title, remaining, endsAt: gift.endsAt };
      }
    }
    return null;
  }

  /** Applies a new configuration; stock may change but never drop below the units sold or held. */
  reconfigure(sale: SaleConfig): void {
    this.inventory.setStock(sale.stock);
    this.sale = sale;
  }

  /**
   * Whether a Try would get as far as taking units and find too few here: what makes a shard
   * of a sharded sale lease more from its primary before deciding. A replay, a cancelled key,
   * a closed window or a shopper over the limit is answered without units.
   */
  needsUnits(request: CheckoutRequest, now: number): boolean {
    if (this.inventory.available >= request.qty) return false;
    if (this.findByKey(request.shopperId, request.idempotencyKey)) return false;
    if (this.cancelledKeys.has(request.shopperId, request.idempotencyKey)) return false;
    const sale = this.sale;
    if (this.closedAt(now) !== null || sale.paused) return false;
    return this.unitsHeldBy(request.shopperId) + request.qty <= sale.perShopperLimit;
  }

  /** Try: hold `qty` units for the shopper, or return the order this idempotency key already made. */
  tryCheckout(request: CheckoutRequest, now: number): Result<{ order: Order; replayed: boolean; change: Change | null }> {
    const existing = this.findByKey(request.shopperId, request.idempotencyKey);
    if (existing) {
      if (
        existing.qty !== request.qty ||
        !sameCoupons(existing.discounts, request.coupons ?? []) ||
        !samePoints(existing.points, request.points)
      ) {
        return fail("idempotency_conflict", "this Idempotency-Key was already used for a different checkout", {
          orderId: existing.id,
        });
      }
      return succeed({ order: existing, replayed: true, change: null });
    }
    if (this.cancelledKeys.has(request.shopperId, request.idempotencyKey)) {
      return fail("checkout_cancelled", "this checkout was cancelled before it was placed; use a new Idempotency-Key to buy");
    }
    const sale = this.sale;
    const closed = this.closedAt(now);
    if (closed?.kind === "not_started") return fail("not_started", "the sale has not started yet", { startsAt: closed.at });
    if (closed?.kind === "ended") return fail("ended", "the sale has ended", { endedAt: closed.at });
    if (sale.paused) return fail("sale_paused", "the sale is paused for a moment; try again shortly");
    // A presale's deposit window (issue 19): the order holds its units for a deposit. Coupons and
    // points are refused rather than left out (their holds go back), and member prices left out:
    // the deposit's "worth more" is the presale's discount.
    const presale = sale.presale !== null && now < sale.startsAt ? sale.presale : null;
    if (presale && ((request.coupons?.length ?? 0) > 0 || request.points)) {
      return fail("presale_no_discounts", "coupons and points do not apply to a presale's deposit; check out without them");
    }
    const holding = this.unitsHeldBy(request.shopperId);
    if (holding + request.qty > sale.perShopperLimit) {
      return fail("limit_exceeded", `at most ${sale.perShopperLimit} per shopper`, {
        limit: sale.perShopperLimit,
        holding,
      });
    }
    const ranks = this.inventory.take(request.qty);
    if (!ranks) {
      const remaining = this.inventory.available;
      return remaining === 0 ? fail("sold_out", "sold out") : fail("insufficient_stock", `only ${remaining} left`, { remaining });
    }
    const price = priceUnits(sale, ranks);
    if (presale) return this.placePresale(request, ranks, price, now);
    // The member price first (issue 16): coupons' thresholds and percents see what is left of it.
    const member = priceWithMember(price.totalAmount, request.member, sale.memberPrices);
    const priced = priceWithCoupons(sale.sku, member.left, request.coupons ?? [], now);
    if (!priced.ok) {
      // Taken and given back in the same turn: as if the units had never moved.
      this.inventory.giveBack(ranks);
      return priced;
    }
    // Points after the coupons (issue 16): what is left after them caps the points.
    const withPoints = priceWithPoints(priced.value.totalAmount, request.points, now);
    if (!withPoints.ok) {
      this.inventory.giveBack(ranks);
      return withPoints;
    }
    return this.place(request, ranks, price, now, "checkout", {
      ...(member.memberPrice ? { memberPrice: member.memberPrice } : {}),
      discounts: priced.value.discounts,
      ...(withPoints.value.points ? { points: withPoints.value.points } : {}),
      totalAmount: withPoints.value.totalAmount,
    });
  }

  /**
   * When a checkout at `now` is refused for the window, and since or until when; null when it
   * is open. A presale's deposit window opens checkouts before the sale's start; between it and
   * the start they are refused as not started (until the start).
   */
  private closedAt(now: number): { kind: "not_started" | "ended"; at: number } | null {
    const { presale, startsAt, endsAt } = this.sale;
    if (presale && now >= presale.depositStartsAt && now < presale.depositEndsAt) return null;
    if (now < startsAt) {
      return { kind: "not_started", at: presale && now < presale.depositStartsAt ? presale.depositStartsAt : startsAt };
    }
    return now >= endsAt ? { kind: "ended", at: endsAt } : null;
  }

  /** A presale order of these units: held for the deposit, `totalAmount` the deposit and the balance. */
  private placePresale(
    request: CheckoutRequest,
    ranks: number[],
    price: ReturnType<typeof priceUnits>,
    now: number,
  ): Result<{ order: Order; replayed: boolean; change: Change | null }> {
    const presale = newPresaleLine(this.sale.presale!, price.unitPrices);
    return this.place(request, ranks, price, now, "presale checkout", {
      discounts: [],
      totalAmount: presale.deposit + presale.balance,
      presale,
    });
  }

  /** A new unpaid order holding `ranks`, priced as `pricing` says, with the gift on offer now. */
  private place(
    request: CheckoutRequest,
    ranks: number[],
    price: ReturnType<typeof priceUnits>,
    now: number,
    reason: string,
    pricing: Pick<Order, "discounts" | "totalAmount" | "memberPrice" | "points" | "presale">,
  ): Result<{ order: Order; replayed: boolean; change: Change | null }> {
    const sale = this.sale;
    const offered = this.giftOnOffer(now);
    const order: Order = {
      id: newOrderId(this.objectName),
      sku: sale.sku,
      shopperId: request.shopperId,
      qty: request.qty,
      unitPrices: price.unitPrices,
      ...pricing,
      ranks,
      currency: sale.currency,
      tier: price.tier,
      status: "pending_payment",
      idempotencyKey: request.idempotencyKey,
      createdAt: now,
      updatedAt: now,
      expiresAt: now + sale.holdSeconds * 1000,
      paymentRef: null,
      version: 1,
      gift: offered ? { id: offered.id, title: offered.title } : null,
      invoiceKind: null,
    };
    this.account(null, order);
    return succeed({ order, replayed: false, change: { order, reason } });
  }

  /** The shopper's own order; another shopper's is as good as missing. */
  get(orderId: string, shopperId: string): Result<Order> {
    const order = this.recent.get(orderId) ?? this.pending.get(orderId) ?? this.archive.byId(orderId);
    if (!order || order.shopperId !== shopperId) return fail("not_found", `no order ${orderId}`);
    return succeed(order);
  }

  /**
   * Confirm: the order is paid. Repeating it is a no-op; after cancel or expiry it is refused.
   * A presale order is confirmed twice, naming what was paid (`kind`, from presale-state's
   * paymentDue): its deposit, then its balance, in the balance window only.
   */
  confirm(
    orderId: string,
    shopperId: string,
    paymentRef: string,
    now: number,
    invoiceKind: InvoiceKind = "paper",
    kind: PaymentLineKind = "full",
  ): Result<{ order: Order; change: Change | null }> {
    const found = this.get(orderId, shopperId);
    if (!found.ok) return found;
    const order = found.value;
    if (order.presale) return this.confirmPresale(order, order.presale, paymentRef, now, invoiceKind, kind);
    if (order.status === "pending_payment" && order.expiresAt !== null && now >= order.expiresAt) {
      // The expiry alarm is due and will release the units; payment is already too late.
      return fail("order_not_payable", "the hold on this order expired", { status: "expired" });
    }
    if (order.status === "paid") return succeed({ order, change: null });
    if (order.status !== "pending_payment") {
      return fail("order_not_payable", `the order is ${order.status}`, { status: order.status });
    }
    return succeed(this.transition(order, "paid", now, { paymentRef, invoiceKind, reason: "payment confirmed" }));
  }

  /**
   * What a presale order owes now, before anything is charged (issue 19): its deposit, or its
   * balance in the balance window; 409 `balance_not_open` before it, `order_not_payable` once
   * closed or when the order is cancelled, expired or forfeited. Null: nothing (paid already).
   */
  presaleDue(
    orderId: string,
    shopperId: string,
    now: number,
  ): Result<{ order: Order; due: { kind: PaymentLineKind; amount: number } | null }> {
    const found = this.get(orderId, shopperId);
    if (!found.ok) return found;
    const order = found.value;
    const line = order.presale;
    if (!line) return fail("order_not_payable", "the order is not a presale order", { status: order.status });
    if (order.status === "paid") return succeed({ order, due: null });
    if (order.status === "pending_payment") {
      if (order.expiresAt !== null && now >= order.expiresAt)
        return fail("order_not_payable", "the hold on this order expired", { status: "expired" });
      return succeed({ order, due: { kind: "deposit", amount: line.deposit } });
    }
    if (order.status === "deposit_paid") {
      if (now >= line.balanceClosesAt)
        return fail("order_not_payable", "the balance window closed: the order is forfeited", { status: "forfeited" });
      if (now < line.balanceOpensAt) {
        return fail("balance_not_open", "the balance can be paid from when its window opens", {
          opensAt: line.balanceOpensAt,
          closesAt: line.balanceClosesAt,
        });
      }
      return succeed({ order, due: { kind: "balance", amount: line.balance } });
    }
    return fail("order_not_payable", `the order is ${order.status}`, { status: order.status });
  }

  /** Confirm of a presale order's deposit or balance; a retry of either is a no-op. */
  private confirmPresale(
    order: Order,
    line: PresaleLine,
    paymentRef: string,
    now: number,
    invoiceKind: InvoiceKind,
    kind: PaymentLineKind,
  ): Result<{ order: Order; change: Change | null }> {
    const paidDeposit = order.status === "deposit_paid" || order.status === "paid";
    if (kind === "deposit" && paidDeposit) return succeed({ order, change: null });
    if (order.status === "paid") return succeed({ order, change: null });
    const due = order.expiresAt !== null && now >= order.expiresAt;
    if (order.status === "pending_payment") {
      if (due) return fail("order_not_payable", "the hold on this order expired", { status: "expired" });
      if (kind !== "deposit") return fail("order_not_payable", "the deposit is not paid yet", { status: order.status });
      const next = { ...line, depositPaidAt: now, depositRef: paymentRef };
      return succeed(
        this.transition(order, "deposit_paid", now, { presale: next, expiresAt: line.balanceClosesAt, reason: "deposit paid" }),
      );
    }
    if (order.status === "deposit_paid") {
      if (now >= line.balanceClosesAt)
        return fail("order_not_payable", "the balance window closed: the order is forfeited", { status: "forfeited" });
      if (now < line.balanceOpensAt) {
        return fail("balance_not_open", "the balance can be paid from when its window opens", {
          opensAt: line.balanceOpensAt,
          closesAt: line.balanceClosesAt,
        });
      }
      if (kind !== "balance") return fail("order_not_payable", "the deposit is paid: the balance is due", { status: order.status });
      const next = { ...line, balancePaidAt: now };
      return succeed(this.transition(order, "paid", now, { presale: next, paymentRef, invoiceKind, reason: "balance paid" }));
    }
    return fail("order_not_payable", `the order is ${order.status}`, { status: order.status });
  }

  /**
   * Prices an unpaid order again with other coupons (the order page's choice; none: no
   * coupon). Returns the coupons it no longer carries, for their pools to take back.
   */
  applyCoupons(
    orderId: string,
    shopperId: string,
    coupons: CouponTerms[],
    now: number,
  ): Result<{ order: Order; change: Change | null; dropped: string[] }> {
    const found = this.get(orderId, shopperId);
    if (!found.ok) return found;
    const order = found.value;
    if (order.presale) return fail("presale_no_discounts", "coupons and points do not apply to a presale order");
    if (order.status !== "pending_payment" || (order.expiresAt !== null && now >= order.expiresAt)) {
      const status = order.status === "pending_payment" ? "expired" : order.status;
      return fail("order_not_payable", `the order is ${status}: its coupons can no longer change`, { status });
    }
    if (sameCoupons(order.discounts, coupons)) return succeed({ order, change: null, dropped: [] });
    // Coupons come after the member price, which the order keeps whatever its coupons.
    const afterMember = order.unitPrices.reduce((sum, price) => sum + price, 0) - (order.memberPrice?.amount ?? 0);
    const priced = priceWithCoupons(order.sku, afterMember, coupons, now);
    if (!priced.ok) return priced;
    const kept = new Set(coupons.map((c) => c.couponId));
    const repriced = repricePoints(priced.value.totalAmount, order.points);
    const next: Order = {
      ...order,
      discounts: priced.value.discounts,
      ...(repriced.points ? { points: repriced.points } : {}),
      totalAmount: repriced.totalAmount,
      updatedAt: now,
      version: order.version + 1,
    };
    this.account(order, next);
    return succeed({
      order: next,
      change: { order: next, reason: "coupons applied" },
      dropped: order.discounts.map((d) => d.couponId).filter((id) => !kept.has(id)),
    });
  }

  /**
   * What became of a coupon's checkout, for its pool settling a hold that is due (see
   * src/coupons/coupon.ts, CheckoutOutcome). Past the hold, orders refuse the coupon, so an
   * answer of `released` stays true.
   */
  couponOutcome(shopperId: string, idempotencyKey: string, couponId: string): CheckoutOutcome {
    const order = this.findByKey(shopperId, idempotencyKey);
    if (!order?.discounts.some((d) => d.couponId === couponId)) return { kind: "released" };
    if (order.status === "paid") return { kind: "paid", orderId: order.id };
    if (order.status === "pending_payment") return { kind: "pending", expiresAt: order.expiresAt ?? 0 };
    return { kind: "released" };
  }

  /**
   * Points for an unpaid order (issue 16, the order page): priced again with the points of a
   * new hold after its coupons (null: none). Answers the hold it no longer carries, for the
   * caller to give back.
   */
  applyPoints(
    orderId: string,
    shopperId: string,
    terms: PointsTerms | null,
    now: number,
  ): Result<{ order: Order; change: Change | null; dropped: string | null }> {
    const found = this.get(orderId, shopperId);
    if (!found.ok) return found;
    const order = found.value;
    if (order.presale) return fail("presale_no_discounts", "coupons and points do not apply to a presale order");
    if (order.status !== "pending_payment" || (order.expiresAt !== null && now >= order.expiresAt)) {
      const status = order.status === "pending_payment" ? "expired" : order.status;
      return fail("order_not_payable", `the order is ${status}: its points can no longer change`, { status });
    }
    if (samePoints(order.points, terms)) return succeed({ order, change: null, dropped: null });
    const left = order.totalAmount + (order.points?.used ?? 0);
    const priced = priceWithPoints(left, terms, now);
    if (!priced.ok) return priced;
    const { points: _dropped, ...rest } = order;
    const next: Order = {
      ...rest,
      ...(priced.value.points ? { points: priced.value.points } : {}),
      totalAmount: priced.value.totalAmount,
      updatedAt: now,
      version: order.version + 1,
    };
    this.account(order, next);
    return succeed({ order: next, change: { order: next, reason: "points applied" }, dropped: order.points?.holdKey ?? null });
  }

  /**
   * What became of a points hold's checkout, for the job settling holds left behind (as
   * couponOutcome for coupons): past the hold's wait, orders refuse it, so `released` stays true.
   */
  pointsOutcome(shopperId: string, idempotencyKey: string, holdKey: string): PointsOutcome {
    const order = this.findByKey(shopperId, idempotencyKey);
    if (order?.points?.holdKey !== holdKey) return { kind: "released" };
    if (order.status === "paid") return { kind: "paid", orderId: order.id, used: order.points.used };
    if (order.status === "pending_payment") return { kind: "pending", expiresAt: order.expiresAt ?? 0 };
    return { kind: "released" };
  }

  /** Cancel: the shopper gives the units back. Repeating it is a no-op; after payment it is refused. */
  cancel(orderId: string, shopperId: string, now: number): Result<{ order: Order; change: Change | null }> {
    const found = this.get(orderId, shopperId);
    if (!found.ok) return found;
    const order = found.value;
    if (order.status === "paid") return fail("order_paid", "the order is paid and can no longer be cancelled");
    // A paid deposit is left to the balance window: paid, or forfeited by the sale's rule.
    if (order.status === "deposit_paid")
      return fail("order_paid", "the deposit is paid: the order is kept until its balance window closes");
    if (order.status !== "pending_payment") return succeed({ order, change: null });
    return succeed(this.transition(order, "cancelled", now, { reason: "cancelled by shopper" }));
  }

  /**
   * Cancel by idempotency key, for a client that never saw its Try answer. If the Try has
   * not arrived yet, the key is marked cancelled so that a late Try takes nothing; the
   * tombstone is returned to be stored, with any older one of the shopper's it pushed out.
   */
  cancelByKey(
    shopperId: string,
    idempotencyKey: string,
    now: number,
  ): Result<{ order: Order | null; change: Change | null; tombstone: { added: CancelledKey | null; evicted: CancelledKey[] } }> {
    const existing = this.findByKey(shopperId, idempotencyKey);
    if (existing) {
      const cancelled = this.cancel(existing.id, shopperId, now);
      if (!cancelled.ok) return cancelled;
      return succeed({ ...cancelled.value, tombstone: { added: null, evicted: [] } });
    }
    const { added, evicted } = this.cancelledKeys.add(shopperId, idempotencyKey, now);
    return succeed({
      order: null,
      change: null,
      tombstone: { added: added ? { shopperId, idempotencyKey, cancelledAt: now } : null, evicted },
    });
  }

  /**
   * Forgets the cancel-by-key tombstones no late Try can need any more: all of them once the
   * sale has ended (a Try is refused as `ended` anyway), else those past their TTL. Returns
   * the cutoff (every tombstone cancelled before it is gone) when any went, else null.
   */
  expireCancelledKeys(now: number): number | null {
    const cutoff = now >= this.sale.endsAt ? Number.MAX_SAFE_INTEGER : this.cancelledKeys.cutoff(now);
    return this.cancelledKeys.expire(cutoff) > 0 ? cutoff : null;
  }

  /** When the next tombstone can go (its TTL, or the sale's end), or null when there are none. */
  nextCancelledKeyExpiry(): number | null {
    const byAge = this.cancelledKeys.nextExpiry();
    return byAge === null ? null : Math.min(byAge, this.sale.endsAt);
  }

  /** Tombstones kept now (bounded; see CancelledKeys). */
  get cancelledKeyCount(): number {
    return this.cancelledKeys.size;
  }

  /**
   * Expires every unpaid order whose hold has run out, and forfeits every presale order whose
   * balance window closed unpaid, returning their units to sale.
   */
  expireDue(now: number): Change[] {
    const changes: Change[] = [];
    for (const order of [...this.pending.values()]) {
      if (order.expiresAt === null || order.expiresAt > now) continue;
      // A paid deposit's balance window closed unpaid: forfeited, its units back on sale.
      const forfeited = order.status === "deposit_paid";
      changes.push(
        this.transition(order, forfeited ? "forfeited" : "expired", now, {
          reason: forfeited ? "balance window closed unpaid" : "hold expired",
        }).change!,
      );
    }
    return changes;
  }

  /** The earliest time an unpaid order's hold runs out, or null. */
  nextExpiry(): number | null {
    let earliest: number | null = null;
    for (const order of this.pending.values()) {
      if (order.expiresAt !== null && (earliest === null || order.expiresAt < earliest)) {
        earliest = order.expiresAt;
      }
    }
    return earliest;
  }

  private transition(
    order: Order,
    status: OrderStatus,
    now: number,
    extra: { paymentRef?: string; invoiceKind?: InvoiceKind; reason?: string; presale?: Order["presale"]; expiresAt?: number } = {},
  ) {
    const next: Order = {
      ...order,
      ...(extra.presale ? { presale: extra.presale } : {}),
      status,
      updatedAt: now,
      expiresAt: extra.expiresAt ?? null,
      paymentRef: extra.paymentRef ?? order.paymentRef,
      invoiceKind: extra.invoiceKind ?? order.invoiceKind,
      version: order.version + 1,
    };
    if (!HOLDING_STATUSES.has(status)) this.inventory.giveBack(order.ranks);
    this.account(order, next);
    return { order: next, change: { order: next, reason: extra.reason ?? status } };
  }

  /** The order this shopper's key made: changed since the last write, else as written. */
  private findByKey(shopperId: string, idempotencyKey: string): Order | null {
    return this.recentByKey.get(keyOf(shopperId, idempotencyKey)) ?? this.archive.byKey(shopperId, idempotencyKey);
  }

  /** Units the shopper holds or bought: as written, moved by what changed since. */
  private unitsHeldBy(shopperId: string): number {
    return this.archive.unitsHeldBy(shopperId) + (this.unitsDelta.get(shopperId) ?? 0);
  }

  /** Counts an order going from `before` (null: a new order) to `after`, and keeps `after` until written. */
  private account(before: Order | null, after: Order): void {
    if (before) this.count(before, -1);
    else this.placed += 1;
    this.count(after, +1);
    this.recent.set(after.id, after);
    this.recentByKey.set(keyOf(after.shopperId, after.idempotencyKey), after);
    if (after.status === "pending_payment" || after.status === "deposit_paid") this.pending.set(after.id, after);
    else this.pending.delete(after.id);
  }

  /** Adds (sign +1) or takes away (-1) an order's units and gift in the counts. */
  private count(order: Order, sign: 1 | -1): void {
    this.unitsByStatus[order.status] += sign * order.qty;
    if (!HOLDING_STATUSES.has(order.status)) return;
    const delta = (this.unitsDelta.get(order.shopperId) ?? 0) + sign * order.qty;
    if (delta === 0) this.unitsDelta.delete(order.shopperId);
    else this.unitsDelta.set(order.shopperId, delta);
    // The gift goes back with the units, and only then: a transition happens once. A gift with
    // none out is left out, as it is from the archive's tally: a woken book answers the same.
    if (!order.gift) return;
    const out = (this.giftsOut.get(order.gift.id) ?? 0) + sign;
    if (out === 0) this.giftsOut.delete(order.gift.id);
    else this.giftsOut.set(order.gift.id, out);
  }
}

/** Whether an order's coupons are exactly these (in any order). */
function sameCoupons(lines: readonly DiscountLine[], coupons: readonly CouponTerms[]): boolean {
  if (lines.length !== coupons.length) return false;
  const named = new Set(coupons.map((c) => c.couponId));
  return lines.every((line) => named.has(line.couponId));
}

/** Whether an order's points are those of this hold (both none counts). */
function samePoints(points: OrderPoints | null | undefined, terms: Pick<PointsTerms, "holdKey" | "points"> | null | undefined): boolean {
  if (!points || !terms) return !points && !terms;
  return points.holdKey === terms.holdKey && points.held === terms.points;
}

function keyOf(shopperId: string, idempotencyKey: string): string {
  return `${shopperId}\u0000${idempotencyKey}`;
}
