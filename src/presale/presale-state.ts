import type { Order } from "../orders/order.ts";
import type { PaymentLineKind, Presale, PresaleLine, PresaleState } from "./presale-terms.ts";

/**
 * A presale order's money and where it stands (issue 19): pure, from the sale's terms, the
 * units' prices (tier prices by rank) and the server's clock.
 */

/**
 * What a presale order of these units costs: the deposit (qty × depositPerUnit), what it takes
 * off (qty × depositWorthPerUnit, "worth more": a ¥50 deposit taking ¥150 off) and the balance
 * left for the balance window. The rules (presale-rules.ts) keep worth ≤ every unit price, so
 * the balance is never negative; it is clamped anyway, since a sale's tiers may change.
 */
export function pricePresale(terms: Presale, unitPrices: readonly number[]): Pick<PresaleLine, "deposit" | "depositWorth" | "balance"> {
  const qty = unitPrices.length;
  const price = unitPrices.reduce((sum, p) => sum + p, 0);
  const deposit = qty * terms.depositPerUnit;
  const depositWorth = Math.min(qty * terms.depositWorthPerUnit, price);
  return { deposit, depositWorth, balance: price - depositWorth };
}

/** The line a new presale order carries: its money, its windows and nothing paid yet. */
export function newPresaleLine(terms: Presale, unitPrices: readonly number[]): PresaleLine {
  return {
    ...pricePresale(terms, unitPrices),
    balanceOpensAt: terms.balanceStartsAt,
    balanceClosesAt: terms.balanceEndsAt,
    forfeit: terms.forfeit,
    depositPaidAt: null,
    depositRef: null,
    balancePaidAt: null,
  };
}

/**
 * Where a presale order stands at `now`. A deposit-paid order is `deposit_paid` until its
 * balance window opens, `balance_due` in it, and `forfeited` once it closes even before the
 * object's alarm has written that (the alarm may run a moment late). An unpaid deposit whose
 * hold ran out reads `expired` the same way.
 */
export function presaleState(order: Pick<Order, "status" | "expiresAt" | "presale">, now: number): PresaleState {
  switch (order.status) {
    case "pending_payment":
      return order.expiresAt !== null && now >= order.expiresAt ? "expired" : "deposit_pending";
    case "deposit_paid": {
      const line = order.presale;
      if (!line) return "deposit_paid";
      if (now >= line.balanceClosesAt) return "forfeited";
      return now >= line.balanceOpensAt ? "balance_due" : "deposit_paid";
    }
    default:
      return order.status;
  }
}

/**
 * What the shopper pays next and as which line: an ordinary unpaid order its total (`full`), a
 * presale order its deposit, then its balance; null when nothing is due.
 */
export function paymentDue(order: Pick<Order, "status" | "presale" | "totalAmount">): { kind: PaymentLineKind; amount: number } | null {
  if (!order.presale) return order.status === "pending_payment" ? { kind: "full", amount: order.totalAmount } : null;
  if (order.status === "pending_payment") return { kind: "deposit", amount: order.presale.deposit };
  if (order.status === "deposit_paid") return { kind: "balance", amount: order.presale.balance };
  return null;
}

/**
 * The key a payment of an order is charged under at the provider: a presale order is charged
 * twice, so each charge has its own (`<orderId>:deposit`, `<orderId>:balance`) and a retry of
 * either is the same charge. An ordinary order keeps its id as the key.
 */
export function chargeKey(orderId: string, kind: PaymentLineKind): string {
  return kind === "full" ? orderId : `${orderId}:${kind}`;
}

/** The idempotency key of the one refund of a forfeited order's deposit (forfeit rule `refund`). */
export function forfeitRefundKey(orderId: string): string {
  return `forfeit:${orderId}`;
}
