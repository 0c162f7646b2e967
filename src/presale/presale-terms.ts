import { z } from "zod";

/**
 * A presale (预售, issue 19): shoppers pay a fixed deposit (定金) per unit in the deposit
 * window, which holds their units, then the balance (尾款) in the balance window. The deposit
 * may be "worth more" (膨胀金): a ¥50 deposit taking ¥150 off the price. A balance left unpaid
 * when its window closes forfeits the order: its units go back on sale, and the deposit is
 * kept or refunded by the sale's `forfeit` rule.
 *
 * Windows, in order: depositStartsAt < depositEndsAt ≤ startsAt (the sale's own opening, when
 * anyone may buy outright) ≤ balanceStartsAt < balanceEndsAt ≤ endsAt (the sale's end), so a
 * forfeited unit goes back on a sale that is still open. Money is integer fen per unit; times
 * are epoch milliseconds, server time. The cross-field checks live in ./presale-rules.ts.
 */
export const FORFEIT_RULES = ["keep", "refund"] as const;
export type ForfeitRule = (typeof FORFEIT_RULES)[number];

const fen = z
  .number()
  .int("must be whole fen (integer minor units)")
  .positive("must be at least 1 fen")
  .max(1_000_000_000, "must be at most 1000000000 fen (¥10000000)");
const epochMs = z
  .number()
  .int("must be epoch milliseconds")
  .nonnegative("must not be negative")
  .max(4_102_444_800_000, "must be before the year 2100");

export const presaleSchema = z
  .object({
    /** What the shopper pays per unit to hold it, in the deposit window. */
    depositPerUnit: fen,
    /** What each unit's deposit takes off its price when the balance is paid (≥ the deposit: "worth more"). */
    depositWorthPerUnit: fen,
    depositStartsAt: epochMs,
    depositEndsAt: epochMs,
    balanceStartsAt: epochMs,
    balanceEndsAt: epochMs,
    /** What happens to the deposit of an order whose balance window closed unpaid. */
    forfeit: z.enum(FORFEIT_RULES).default("keep"),
  })
  .strict();

export type Presale = z.infer<typeof presaleSchema>;
export type PresaleInput = z.input<typeof presaleSchema>;

/**
 * What a presale order carries (Order.presale), fixed when it is placed. The order's
 * `totalAmount` is what the shopper pays in all, `deposit + balance`, where
 * `balance = Σ unitPrices − depositWorth`: tier prices by rank still apply.
 */
export interface PresaleLine {
  /** qty × depositPerUnit, fen. */
  deposit: number;
  /** qty × depositWorthPerUnit, fen: what the deposit takes off the price. */
  depositWorth: number;
  /** What is left to pay in the balance window, fen. */
  balance: number;
  balanceOpensAt: number;
  balanceClosesAt: number;
  forfeit: ForfeitRule;
  /** When the deposit was paid, and the payment provider's reference for it; null until then. */
  depositPaidAt: number | null;
  depositRef: string | null;
  /** When the balance was paid; null until then (the order's `paymentRef` is the balance's). */
  balancePaidAt: number | null;
}

/**
 * Where a presale order stands, as shoppers and marketers see it. `deposit_paid` and
 * `balance_due` are one stored status (`deposit_paid`), told apart by the clock.
 */
export type PresaleState = "deposit_pending" | "deposit_paid" | "balance_due" | "paid" | "forfeited" | "cancelled" | "expired";

/** The two payments of a presale order (and the one of any other), as Postgres records them (`order_payments`). */
export const PAYMENT_LINE_KINDS = ["full", "deposit", "balance"] as const;
export type PaymentLineKind = (typeof PAYMENT_LINE_KINDS)[number];
